#!/usr/bin/env bash
# An adversary soak: every hostile client of issue 26 at once, from 127.0.0.2, against one server,
# while a legitimate client on 127.0.0.1 asks for hits and misses (Benchmarks/adversary.py says
# what each attacker does).
#
# Usage: Benchmarks/adversary.sh [SECONDS [ATTACK,...]]   (default 60 s, every attack; `make test`
# runs them all for 15 s)
#
# Prints the legitimate client's success rate, p50/p99 for hits and misses, the server's RSS at
# rest and at peak; exits non-zero if a legitimate request failed, a hit's p99 passed 50 ms, or
# RSS passed 512 MB. IMGEDGE_BIN names the binary (default: the release build if there is one,
# else the debug build); the server runs with its defaults and --max-processing-seconds 2.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_TO_RUN=${1:-60}
BINARY=${IMGEDGE_BIN:-}
if [[ -z "$BINARY" ]]; then
    BINARY=.build/debug/imgedge
    [[ -x .build/release/imgedge ]] && BINARY=.build/release/imgedge
fi
source Benchmarks/server-helpers.sh
trap 'stop IMGEDGE_PID' EXIT

PORT=$(free_port 8190)
# imgedge refuses unknown IMGEDGE_ variables, IMGEDGE_BIN among them.
env -u IMGEDGE_BIN "$BINARY" serve --port "$PORT" --origin TestImages --modules Modules/build --log-level error --max-processing-seconds 2 &
IMGEDGE_PID=$!
wait_ready imgedge "$IMGEDGE_PID" "http://127.0.0.1:$PORT/healthz"
echo "== adversary soak: $BINARY, $SECONDS_TO_RUN s"
python3 Benchmarks/adversary.py "$PORT" "$IMGEDGE_PID" "$SECONDS_TO_RUN" ${2:+"$2"}
kill -0 "$IMGEDGE_PID" || { echo "FAIL: the server died"; exit 1; }

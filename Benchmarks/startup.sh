#!/usr/bin/env bash
# Start-up of the server: from exec to the first 200 on /healthz and to the first image, with
# worker processes (the default), with them and the variables Kubernetes gives every pod beside
# a Service named imgedge (its service links, which imgedge recognises and ignores), and
# rendering in the server (--isolation none).
#
# Usage: Benchmarks/startup.sh [RUNS]   (after `make release`; IMGEDGE= another binary)
#
# The three starts alternate, RUNS times each (default 10), each on a fresh port serving
# TestImages/ with the built modules; the medians and ranges are printed.
set -euo pipefail
cd "$(dirname "$0")/.."
source Benchmarks/server-helpers.sh

BINARY=${IMGEDGE:-.build/release/imgedge}
RUNS=${1:-10}
SERVICE_LINKS=(
    IMGEDGE_SERVICE_HOST=10.0.0.1 IMGEDGE_SERVICE_PORT=8080 IMGEDGE_SERVICE_PORT_HTTP=8080
    IMGEDGE_PORT=tcp://10.0.0.1:8080 IMGEDGE_PORT_8080_TCP=tcp://10.0.0.1:8080
    IMGEDGE_PORT_8080_TCP_ADDR=10.0.0.1 IMGEDGE_PORT_8080_TCP_PORT=8080 IMGEDGE_PORT_8080_TCP_PROTO=tcp
)

# Milliseconds since `start` (from date +%s%N).
since() { echo $((($(date +%s%N) - $1) / 1000000)); }

# One start with the environment `env…`: prints "healthz-ms image-ms".
one_start() {
    local port start pid healthz
    port=$(free_port 18400)
    start=$(date +%s%N)
    env "$@" "$BINARY" serve --port "$port" --origin TestImages --modules Modules/build --log-level warning &
    pid=$!
    until curl -sf -o /dev/null "http://127.0.0.1:$port/healthz"; do
        kill -0 "$pid" 2>/dev/null || { echo "imgedge exited at start-up" >&2; exit 1; }
        sleep 0.005
    done
    healthz=$(since "$start")
    curl -sf -o /dev/null "http://127.0.0.1:$port/landscape.jpg?w=64"
    echo "$healthz $(since "$start")"
    stop pid
}

# "median (min–max)" of the numbers on standard input.
summary() { sort -n | awk '{ v[NR] = $1 } END { printf "%d ms (%d–%d)", v[int((NR + 1) / 2)], v[1], v[NR] }'; }

workers=() linked=() none=()
for _ in $(seq "$RUNS"); do
    workers+=("$(one_start IMGEDGE_ISOLATION=process)")
    linked+=("$(one_start IMGEDGE_ISOLATION=process "${SERVICE_LINKS[@]}")")
    none+=("$(one_start IMGEDGE_ISOLATION=none)")
done
for name in workers linked none; do
    declare -n runs=$name
    printf '%-7s /healthz %s, first image %s\n' "$name" \
        "$(printf '%s\n' "${runs[@]}" | cut -d' ' -f1 | summary)" \
        "$(printf '%s\n' "${runs[@]}" | cut -d' ' -f2 | summary)"
done

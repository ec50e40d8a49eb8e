#!/usr/bin/env bash
# What the hostile corpus and a burst of large renders cost the release server, in one run.
#
# Usage: Benchmarks/hostile.sh [BURST_SECONDS]   (after `make release`)
#
# 1. Every request of Tests/HostileCorpus/expected.tsv, POSTed once: its status against the
#    expected one, and its time; then the slowest refusal and the server's peak RSS (VmHWM).
# 2. A burst: wrk with 8 connections of distinct large renders (large-20mp.jpg at 3000-3999 px, PNG
#    out) for BURST_SECONDS (default 120), then the server's RSS right after and 30 s later.
# Run it with MALLOC_ARENA_MAX or another allocator in the environment to compare them.
set -euo pipefail
cd "$(dirname "$0")/.."

BURST_SECONDS=${1:-120}
BINARY=${IMGEDGE:-.build/release/imgedge}
PORT=${PORT:-8096}
WORK=$(mktemp -d)
trap 'kill "${SERVER_PID:-}" 2>/dev/null || true; rm -rf "$WORK"' EXIT

command -v wrk >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk; }

"$BINARY" serve --port "$PORT" --origin TestImages --modules Modules/build --log-level critical &
SERVER_PID=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done

memory() { awk -v key="$1" '$1 == key":" { printf "%.0f MiB", $2 / 1024 }' "/proc/$SERVER_PID/status"; }

echo "== hostile corpus (RSS before: $(memory VmRSS))"
slowest=0
failures=0
while IFS=$'\t' read -r file query expected what; do
    [[ "$file" == \#* ]] && continue
    result=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' --data-binary "@Tests/HostileCorpus/$file" \
        "http://127.0.0.1:$PORT/resize?$query")
    status=${result% *}
    seconds=${result#* }
    mark=ok
    [[ "$status" == "$expected" ]] || { mark="WRONG (expected $expected)"; failures=$((failures + 1)); }
    printf '%-34s %-38s %s %6.1f ms  %s\n' "$file" "$query" "$status" "$(echo "$seconds * 1000" | bc)" "$mark"
    if [[ "$status" != 200 ]] && (($(echo "$seconds > $slowest" | bc))); then slowest=$seconds; fi
done <Tests/HostileCorpus/expected.tsv
echo "slowest refusal: $(echo "$slowest * 1000" | bc) ms; wrong statuses: $failures; peak RSS: $(memory VmHWM)"

cat >"$WORK/burst.lua" <<'LUA'
local counter = 0
function request()
    counter = counter + 1
    return wrk.format(nil, "/large-20mp.jpg?format=png&w=" .. (3000 + counter % 1000))
end
LUA
echo "== burst: ${BURST_SECONDS} s of distinct renders 3000-3999 px wide, 8 connections"
wrk -t2 -c8 -d"${BURST_SECONDS}s" --timeout 30s -s "$WORK/burst.lua" "http://127.0.0.1:$PORT" | grep -E "Requests/sec|requests in|Non-2xx"
echo "RSS right after: $(memory VmRSS) (peak $(memory VmHWM))"
sleep 30
echo "RSS 30 s later:  $(memory VmRSS)"

#!/usr/bin/env bash
# Server CPU per miss with images decoded in the server against in worker processes, the same
# binary in one run on this machine.
#
# Usage: Benchmarks/isolation.sh [SECONDS]   (after `make release`)
#
# Two servers of the same binary, memory tier off, one with --isolation none and one with
# --isolation process (one worker process per core), each under wrk -t2 -c4 for SECONDS (default
# 10) with every request distinct (Benchmarks/distinct-requests.lua), so every request is a
# miss; workers are not recycled during the run (--worker-max-jobs 1000000), so each one's CPU
# is read while it lives. Sources: the 20 MP JPEG of TestImages resized to 800 px wide, and a 2.3 MP copy of it
# (2000 px wide, made here) resized into a 512 px box, as JPEG q80 and as WebP q80. The CPU of a
# server is its own utime + stime from /proc plus its live children's (the workers), divided by
# the requests answered. Prints ms per image for each, the ratio process / none, and the
# servers' and workers' peak RSS.
# IMGEDGE overrides the binary.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_RUN=${1:-10}
BINARY=${IMGEDGE:-.build/release/imgedge}
WORK=$(mktemp -d)
source Benchmarks/server-helpers.sh
trap 'stop NONE_PID; stop PROCESS_PID; rm -rf "$WORK"' EXIT

command -v wrk >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk; }
mkdir "$WORK/origin"
cp TestImages/large-20mp.jpg "$WORK/origin/"
vips thumbnail TestImages/large-20mp.jpg "$WORK/origin/photo-2mp.jpg[Q=90]" 2000

NONE_PORT=$(free_port 8101)
"$BINARY" serve --port "$NONE_PORT" --origin "$WORK/origin" --memory-cache-bytes 0 --log-level warning --isolation none \
    --optimize-after-seconds 0 &
NONE_PID=$!
wait_ready "imgedge --isolation none" "$NONE_PID" "http://127.0.0.1:$NONE_PORT/healthz"
PROCESS_PORT=$(free_port $((NONE_PORT + 1)))
"$BINARY" serve --port "$PROCESS_PORT" --origin "$WORK/origin" --memory-cache-bytes 0 --log-level warning --isolation process \
    --worker-max-jobs 1000000 --optimize-after-seconds 0 &
PROCESS_PID=$!
wait_ready "imgedge --isolation process" "$PROCESS_PID" "http://127.0.0.1:$PROCESS_PORT/healthz"

printf '%-28s %10s %10s %8s\n' miss "none ms" "process ms" ratio
for source in "large-20mp.jpg?w=800" "photo-2mp.jpg?w=512&h=512&fit=inside"; do
    for format in jpeg webp; do
        path="/$source&format=$format&q=80"
        none_ms=$(ms_per_image "$NONE_PID" "http://127.0.0.1:$NONE_PORT$path")
        process_ms=$(ms_per_image "$PROCESS_PID" "http://127.0.0.1:$PROCESS_PORT$path")
        awk -v s="${source%%\?*} $format" -v n="$none_ms" -v p="$process_ms" \
            'BEGIN { printf "%-28s %10.1f %10.1f %8.2f\n", s, n, p, p / n }'
    done
done
echo "requests measured per cell: wrk -t2 -c4 -d${SECONDS_PER_RUN}s, every one a miss"
echo "peak RSS (VmHWM): --isolation none $(peak_rss "$NONE_PID"); --isolation process: server $(peak_rss "$PROCESS_PID"), workers $(for w in $(children "$PROCESS_PID"); do printf '%s; ' "$(peak_rss "$w")"; done)"

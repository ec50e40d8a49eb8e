#!/usr/bin/env bash
# Server CPU per image against libvips' own thumbnail, in one run on this machine.
#
# Usage: Benchmarks/run.sh [SECONDS]   (from `make bench`, which builds the release binary)
#
# For a 20 MP JPEG resized to 800 px wide, as JPEG and as WebP:
#   baseline  libvips' thumbnail + save in a C loop in one process (Benchmarks/vips_baseline.c),
#   server    `imgedge serve` with its memory tier off (--memory-cache-bytes 0) under wrk with 4
#             connections, every request distinct so none is coalesced
#             (Benchmarks/distinct-requests.lua): every request a miss. Its CPU time (utime +
#             stime from /proc) divided by the requests answered.
# Both encode with the same settings (q=80; WebP effort 4).
# Prints CPU ms per image for each, their ratio, and the server's peak RSS; then the server's CPU
# per miss in every output format at imgedge's defaults (no q) against JPEG's, with the budget a
# format's defaults must keep (<= 1.5x the JPEG miss; docs/negotiation-and-encoding.md,
# "Encoding defaults"); then the same 800 px JPEG through a recipe filter (sepia) and a strip
# filter (vignette) against no filter; last, thumbor 7.8 with its defaults (JPEG q80,
# Benchmarks/python-venv.sh installs it) asked for the same 800 px image the same way, against
# imgedge's JPEG miss, with both servers' peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_RUN=${1:-15}
SOURCE=large-20mp.jpg
WIDTH=800
BINARY=${IMGEDGE:-.build/release/imgedge}
PORT=${PORT:-8097}
VENV=$(Benchmarks/python-venv.sh)
WORK=$(mktemp -d)
source Benchmarks/server-helpers.sh
trap 'stop SERVER_PID; stop THUMBOR_PID; rm -rf "$WORK"' EXIT

command -v wrk >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk; }
gcc -O2 Benchmarks/vips_baseline.c $(pkg-config --cflags --libs vips) -o "$WORK/vips_baseline"

"$BINARY" serve --port "$PORT" --origin TestImages --modules Modules/build --memory-cache-bytes 0 --log-level warning \
    --optimize-after-seconds 0 &
SERVER_PID=$!
wait_ready imgedge "$SERVER_PID" "http://127.0.0.1:$PORT/healthz"

server_ms_per_image() { ms_per_image "$SERVER_PID" "$1"; }

printf '%-6s %14s %14s %8s %12s %12s\n' format "baseline ms" "server ms" ratio "baseline B" "server B"
for format in jpeg webp; do
    url="http://127.0.0.1:$PORT/$SOURCE?w=$WIDTH&format=$format&q=80"
    server_bytes=$(curl -sf "$url" | wc -c)
    read -r baseline_ms baseline_bytes < <("$WORK/vips_baseline" "TestImages/$SOURCE" "$WIDTH" "$format" 20)
    server_ms=$(server_ms_per_image "$url")
    awk -v f="$format" -v b="$baseline_ms" -v m="$server_ms" -v bb="$baseline_bytes" -v sb="$server_bytes" \
        'BEGIN { printf "%-6s %14.1f %14.1f %8.2f %12d %12d\n", f, b, m, m / b, bb, sb }'
done

printf '\n%-6s %14s %12s %8s\n' format "server ms" "server B" "x jpeg"
for format in jpeg webp avif jxl; do
    url="http://127.0.0.1:$PORT/$SOURCE?w=$WIDTH&format=$format"
    server_bytes=$(curl -sf "$url" | wc -c)
    server_ms=$(server_ms_per_image "$url")
    [[ $format == jpeg ]] && jpeg_ms=$server_ms
    awk -v f="$format" -v m="$server_ms" -v j="$jpeg_ms" -v sb="$server_bytes" \
        'BEGIN { printf "%-6s %14.1f %12d %8.2f %s\n", f, m, sb, m / j, m / j <= 1.5 ? "within 1.5x" : "OVER 1.5x" }'
done

printf '\n%-16s %14s %8s\n' filter "server ms" ratio
plain=$(server_ms_per_image "http://127.0.0.1:$PORT/$SOURCE?w=$WIDTH&format=jpeg&q=80")
printf '%-16s %14.1f %8.2f\n' none "$plain" 1
for filter in sepia "vignette(0.4)"; do
    filtered=$(server_ms_per_image "http://127.0.0.1:$PORT/$SOURCE?w=$WIDTH&format=jpeg&q=80&filter=$filter")
    awk -v f="$filter" -v m="$filtered" -v p="$plain" 'BEGIN { printf "%-16s %14.1f %8.2f\n", f, m, m / p }'
done
echo "server requests measured per format: wrk -t2 -c4 -d${SECONDS_PER_RUN}s"
echo "peak RSS of the server (VmHWM): $(peak_rss "$SERVER_PID")"

THUMBOR_PORT=$(free_port $((PORT + 1)))
start_thumbor "$VENV" "$PWD/TestImages" "$THUMBOR_PORT" "$WORK"
thumbor_ms=$(ms_per_image "$THUMBOR_PID" "http://127.0.0.1:$THUMBOR_PORT/unsafe/${WIDTH}x0/$SOURCE")
printf '\n%-22s %14s %8s\n' "800 px JPEG q80 miss" "server ms" "x thumbor"
printf '%-22s %14.1f %8.2f\n' "thumbor 7.8" "$thumbor_ms" 1
awk -v i="$jpeg_ms" -v t="$thumbor_ms" 'BEGIN { printf "%-22s %14.1f %8.2f\n", "imgedge", i, i / t }'
echo "peak RSS of thumbor (VmHWM): $(peak_rss "$THUMBOR_PID")"


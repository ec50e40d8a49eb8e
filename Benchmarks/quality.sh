#!/usr/bin/env bash
# Bytes and quality per browser against thumbor's defaults, in one run on this machine.
#
# Usage: Benchmarks/quality.sh [WIDTH]   (default 800; run as root, needs libvips-dev)
#
# Every photo of the calibration corpus (Benchmarks/corpus.sh) is asked of imgedge at WIDTH px
# with the image Accept header of Chromium 156, Firefox 153, Safari 17 and Safari 13, and of
# thumbor 7.8 with its defaults (JPEG q80; Benchmarks/python-venv.sh installs it), both on
# loopback with nothing cached. Each answer is decoded with libvips and scored with SSIMULACRA2
# against a lanczos3 resize of the original from its full decode (higher is better). Prints per
# client: the formats served, mean bytes, mean score, bytes as a share of thumbor's, and the
# server's CPU ms per request (utime + stime from /proc), with the issue's targets at equal or
# better quality: <= 0.6x thumbor's bytes for JPEG XL browsers, <= 0.8x for AVIF/WebP ones,
# <= 1.0x for JPEG-only ones.
set -euo pipefail
cd "$(dirname "$0")/.."
WIDTH=${1:-800}
BINARY=${IMGEDGE_BIN:-.build/release/imgedge}
CORPUS=$(cd "$(Benchmarks/corpus.sh)" && pwd)
VENV=$(Benchmarks/python-venv.sh)
WORK=$(mktemp -d)
source Benchmarks/server-helpers.sh
trap 'stop IMGEDGE_PID; stop THUMBOR_PID; rm -rf "$WORK"' EXIT
if [[ ! -x "$BINARY" ]]; then
    [[ -z "${IMGEDGE_BIN:-}" ]] || { echo "IMGEDGE_BIN=$IMGEDGE_BIN is not an executable" >&2; exit 1; }
    make release
fi


PORT=$(free_port "${PORT:-8110}")
THUMBOR_PORT=$(free_port $((PORT + 1)))
env -u IMGEDGE_BIN "$BINARY" serve --host 127.0.0.1 --port "$PORT" --origin "$CORPUS" \
    --memory-cache-bytes 0 --log-level warning --optimize-after-seconds 0 &
IMGEDGE_PID=$!
wait_ready imgedge "$IMGEDGE_PID" "http://127.0.0.1:$PORT/healthz"
start_thumbor "$VENV" "$CORPUS" "$THUMBOR_PORT" "$WORK"

for photo in "$CORPUS"/*.jpg; do
    name=$(basename "$photo" .jpg)
    vips resize "$photo" "$WORK/$name.ref.png" "$(vipsheader -f width "$photo" | awk -v w="$WIDTH" '{ print w / $1 }')" --kernel lanczos3
done

# fetch CLIENT PID URL-PREFIX URL-SUFFIX [ACCEPT]: every photo once; appends "png client" to
# $WORK/pairs.in and "client type bytes" to $WORK/answers, and the CPU the server spent.
fetch() {
    local client=$1 pid=$2 prefix=$3 suffix=$4 accept=${5:-*/*} before type
    before=$(cpu_ms "$pid")
    for photo in "$CORPUS"/*.jpg; do
        name=$(basename "$photo" .jpg)
        type=$(curl -sf -H "Accept: $accept" -o "$WORK/$client.$name" -w '%{content_type}' "$prefix$name.jpg$suffix")
        echo "$client $type $(stat -c %s "$WORK/$client.$name")" >>"$WORK/answers"
    done
    echo "$client $(awk -v a="$(cpu_ms "$pid")" -v b="$before" 'BEGIN { print a - b }')" >>"$WORK/cpu"
    for photo in "$CORPUS"/*.jpg; do
        name=$(basename "$photo" .jpg)
        vips copy "$WORK/$client.$name" "$WORK/$client.$name.png" 2>/dev/null
        if [[ $(vipsheader -f width "$WORK/$client.$name.png") != $(vipsheader -f width "$WORK/$name.ref.png") ||
              $(vipsheader -f height "$WORK/$client.$name.png") != $(vipsheader -f height "$WORK/$name.ref.png") ]]; then
            echo "$client: $name is $(vipsheader "$WORK/$client.$name.png"), not the reference's size" >&2
            exit 1
        fi
        echo "$WORK/$name.ref.png $WORK/$client.$name.png" >>"$WORK/pairs"
    done
}

fetch thumbor "$THUMBOR_PID" "http://127.0.0.1:$THUMBOR_PORT/unsafe/${WIDTH}x0/" ""
fetch chromium "$IMGEDGE_PID" "http://127.0.0.1:$PORT/" "?w=$WIDTH" \
    "image/jxl,image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8"
fetch firefox "$IMGEDGE_PID" "http://127.0.0.1:$PORT/" "?w=$WIDTH" \
    "image/avif,image/webp,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5"
fetch safari17 "$IMGEDGE_PID" "http://127.0.0.1:$PORT/" "?w=$WIDTH" \
    "image/webp,image/avif,image/jxl,image/heic,image/heic-sequence,video/*;q=0.8,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5"
fetch safari13 "$IMGEDGE_PID" "http://127.0.0.1:$PORT/" "?w=$WIDTH" \
    "image/png,image/svg+xml,image/*;q=0.8,video/*;q=0.8,*/*;q=0.5"

"$VENV/bin/python" Benchmarks/ssimulacra2_scores.py <"$WORK/pairs" >"$WORK/scores"

photos=$(ls "$CORPUS"/*.jpg | wc -l)
printf '%-9s %-22s %9s %12s %9s %8s %s\n' client served bytes ssimulacra2 "x thumbor" "cpu ms" target
awk -v photos="$photos" -v work="$WORK/" '
    FILENAME ~ /answers$/ { bytes[$1] += $3; sub("image/", "", $2); if (!index(types[$1], $2)) types[$1] = types[$1] (types[$1] ? "," : "") $2; next }
    FILENAME ~ /cpu$/ { cpu[$1] = $2; next }
    { file = $1; sub(work, "", file); split(file, parts, "."); score[parts[1]] += $2 }
    END {
        split("thumbor chromium firefox safari17 safari13", clients, " ")
        target["chromium"] = 0.6; target["safari17"] = 0.6; target["firefox"] = 0.8; target["safari13"] = 1.0
        for (i = 1; i <= 5; i++) {
            c = clients[i]; ratio = bytes[c] / bytes["thumbor"]
            verdict = ""
            if (c in target) verdict = (ratio <= target[c] && score[c] >= score["thumbor"] ? "PASS" : "MISS") " <= " target[c] "x at >= thumbor quality"
            printf "%-9s %-22s %9d %12.1f %9.2f %8.1f %s\n", c, types[c], bytes[c] / photos, score[c] / photos, ratio, cpu[c] / photos, verdict
        }
    }' "$WORK/answers" "$WORK/cpu" "$WORK/scores"
echo "$photos photos of $CORPUS at ${WIDTH} px; imgedge $BINARY with --memory-cache-bytes 0; thumbor 7.8 defaults"

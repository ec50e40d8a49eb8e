#!/usr/bin/env bash
# Bytes and quality per browser against thumbor's defaults, at the fast and the optimised stage,
# in one run on this machine.
#
# Usage: Benchmarks/quality.sh [WIDTH [SET]]   (default 800 and mate; run as root, needs libvips-dev)
#
# Every photo of a corpus (Benchmarks/corpus.sh SET: mate, the calibration set, or kde, a set
# never used to choose a setting) is asked at WIDTH px with the image Accept header of Chromium
# 156, Firefox 153, Safari 17 and Safari 13, of two imgedge servers and of thumbor 7.8 with its
# defaults (JPEG q80; Benchmarks/python-venv.sh installs it), all on loopback:
# - fast: imgedge with the optimiser off and nothing cached, so each answer is a miss's fast
#   encode (what a first request gets), and the server's CPU per request;
# - optimised: imgedge with the optimiser on and a memory tier; each client's photos are asked
#   once (misses, answered fast and queued), then again until none is at its fast stage, then
#   once more. The time from the first miss until the last is optimised, and the server's CPU
#   over that span (misses and optimiser) per photo, are printed.
# Each answer is decoded with libvips and scored with SSIMULACRA2 against a lanczos3 resize of
# the original from its full decode (higher is better). The issue's targets apply to the
# optimised bytes, at a score no lower than thumbor's: <= 0.6x thumbor's bytes for JPEG XL
# browsers, <= 0.8x for Firefox (AVIF), <= 0.95x for Safari 13 (JPEG).
set -euo pipefail
cd "$(dirname "$0")/.."
WIDTH=${1:-800}
SET=${2:-mate}
BINARY=${IMGEDGE_BIN:-.build/release/imgedge}
CORPUS=$(cd "$(Benchmarks/corpus.sh "$SET")" && pwd)
VENV=$(Benchmarks/python-venv.sh)
WORK=$(mktemp -d)
source Benchmarks/server-helpers.sh
trap 'stop FAST_PID; stop OPTIMISER_PID; stop THUMBOR_PID; rm -rf "$WORK"' EXIT
if [[ ! -x "$BINARY" ]]; then
    [[ -z "${IMGEDGE_BIN:-}" ]] || { echo "IMGEDGE_BIN=$IMGEDGE_BIN is not an executable" >&2; exit 1; }
    make release
fi

PORT=$(free_port "${PORT:-8110}")
OPTIMISER_PORT=$(free_port $((PORT + 1)))
THUMBOR_PORT=$(free_port $((OPTIMISER_PORT + 1)))
env -u IMGEDGE_BIN "$BINARY" serve --host 127.0.0.1 --port "$PORT" --origin "$CORPUS" \
    --memory-cache-bytes 0 --log-level warning --optimize-after-seconds 0 &
FAST_PID=$!
env -u IMGEDGE_BIN "$BINARY" serve --host 127.0.0.1 --port "$OPTIMISER_PORT" --origin "$CORPUS" \
    --memory-cache-bytes 1073741824 --log-level warning --optimize-after-seconds 300 &
OPTIMISER_PID=$!
wait_ready imgedge "$FAST_PID" "http://127.0.0.1:$PORT/healthz"
wait_ready imgedge "$OPTIMISER_PID" "http://127.0.0.1:$OPTIMISER_PORT/healthz"
start_thumbor "$VENV" "$CORPUS" "$THUMBOR_PORT" "$WORK"

for photo in "$CORPUS"/*.jpg; do
    name=$(basename "$photo" .jpg)
    vips resize "$photo" "$WORK/$name.ref.png" "$(vipsheader -f width "$photo" | awk -v w="$WIDTH" '{ print w / $1 }')" --kernel lanczos3
done

# fetch CLIENT PID URL-PREFIX URL-SUFFIX [ACCEPT]: every photo once; appends "png client" to
# $WORK/pairs, "client type bytes stage" to $WORK/answers, and the CPU the server spent.
fetch() {
    local client=$1 pid=$2 prefix=$3 suffix=$4 accept=${5:-*/*} before answer
    before=$(cpu_ms "$pid")
    for photo in "$CORPUS"/*.jpg; do
        name=$(basename "$photo" .jpg)
        answer=$(curl -sf -H "Accept: $accept" -o "$WORK/$client.$name" -w '%{content_type} %header{x-stage}' "$prefix$name.jpg$suffix")
        echo "$client $answer $(stat -c %s "$WORK/$client.$name")" | awk '{ print $1, $2, ($4 == "" ? "-" : $3), ($4 == "" ? $3 : $4) }' >>"$WORK/answers"
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

# optimise CLIENT ACCEPT: every photo asked of the optimising server (misses, queued), asked
# again until none is at its fast stage, then fetched as CLIENT-opt; appends "client seconds
# cpu-ms" to $WORK/optimiser.
optimise() {
    local client=$1 accept=$2 start before url
    start=$(date +%s.%N)
    before=$(cpu_ms "$OPTIMISER_PID")
    for photo in "$CORPUS"/*.jpg; do
        curl -sf -H "Accept: $accept" -o /dev/null "http://127.0.0.1:$OPTIMISER_PORT/$(basename "$photo")?w=$WIDTH"
    done
    for photo in "$CORPUS"/*.jpg; do
        url="http://127.0.0.1:$OPTIMISER_PORT/$(basename "$photo")?w=$WIDTH"
        while [[ $(curl -sf -H "Accept: $accept" -o /dev/null -w '%header{x-stage}' "$url") == fast ]]; do sleep 0.2; done
    done
    echo "$client $(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { print e - s }') $(awk -v a="$(cpu_ms "$OPTIMISER_PID")" -v b="$before" 'BEGIN { print a - b }')" >>"$WORK/optimiser"
    fetch "$client-opt" "$OPTIMISER_PID" "http://127.0.0.1:$OPTIMISER_PORT/" "?w=$WIDTH" "$accept"
}

declare -A ACCEPT=(
    [chromium]="image/jxl,image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8"
    [firefox]="image/avif,image/webp,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5"
    [safari17]="image/webp,image/avif,image/jxl,image/heic,image/heic-sequence,video/*;q=0.8,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5"
    [safari13]="image/png,image/svg+xml,image/*;q=0.8,video/*;q=0.8,*/*;q=0.5"
)
CLIENTS="chromium firefox safari17 safari13"
fetch thumbor "$THUMBOR_PID" "http://127.0.0.1:$THUMBOR_PORT/unsafe/${WIDTH}x0/" ""
for client in $CLIENTS; do
    fetch "$client" "$FAST_PID" "http://127.0.0.1:$PORT/" "?w=$WIDTH" "${ACCEPT[$client]}"
done
for client in $CLIENTS; do
    optimise "$client" "${ACCEPT[$client]}"
done

"$VENV/bin/python" Benchmarks/ssimulacra2_scores.py <"$WORK/pairs" >"$WORK/scores"

photos=$(ls "$CORPUS"/*.jpg | wc -l)
printf '%-13s %-16s %-20s %9s %12s %9s %8s %s\n' client served stages bytes ssimulacra2 "x thumbor" "cpu ms" target
awk -v photos="$photos" -v work="$WORK/" -v clients="thumbor $(for c in $CLIENTS; do printf '%s %s-opt ' "$c" "$c"; done)" '
    FILENAME ~ /answers$/ {
        bytes[$1] += $4; sub("image/", "", $2)
        if (!index(types[$1], $2)) types[$1] = types[$1] (types[$1] ? "," : "") $2
        stages[$1 " " $3]++; if (!index(stagelist[$1], $3)) stagelist[$1] = stagelist[$1] " " $3
        next
    }
    FILENAME ~ /cpu$/ { cpu[$1] = $2; next }
    FILENAME ~ /optimiser$/ { waited[$1 "-opt"] = $2; cpu[$1 "-opt"] = $3; next }
    { file = $1; sub(work, "", file); split(file, parts, "."); score[parts[1]] += $2 }
    END {
        target["chromium-opt"] = 0.6; target["safari17-opt"] = 0.6; target["firefox-opt"] = 0.8; target["safari13-opt"] = 0.95
        count = split(clients, list, " ")
        for (i = 1; i <= count; i++) {
            c = list[i]; ratio = bytes[c] / bytes["thumbor"]
            n = split(substr(stagelist[c], 2), names, " "); summary = ""
            for (j = 1; j <= n; j++) summary = summary (summary ? "," : "") stages[c " " names[j]] " " names[j]
            verdict = ""
            if (c in target) verdict = (ratio <= target[c] && score[c] >= score["thumbor"] ? "PASS" : "MISS") " <= " target[c] "x at >= thumbor quality; all optimised " waited[c] " s after the first miss"
            printf "%-13s %-16s %-20s %9d %12.1f %9.2f %8.1f %s\n", c, types[c], summary, bytes[c] / photos, score[c] / photos, ratio, cpu[c] / photos, verdict
        }
    }' "$WORK/answers" "$WORK/cpu" "$WORK/optimiser" "$WORK/scores"
echo "$photos photos of $CORPUS ($SET) at ${WIDTH} px; imgedge $BINARY; thumbor 7.8 defaults."
echo "cpu ms: per request for the fast rows and thumbor; for -opt rows, the optimising server's over its misses and optimised encodes, per photo."

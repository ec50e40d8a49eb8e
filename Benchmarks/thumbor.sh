#!/usr/bin/env bash
# Misses against thumbor 7.8, shape by shape, in one run on this machine: CPU, bytes, quality and
# throughput of the same resize from both servers, each at its defaults.
#
# Usage: Benchmarks/thumbor.sh [SECONDS]   (after `make release`)
#
# Shapes: the 20 MP large-20mp.jpg (6028x3391) → 800 px wide, and the shape published server
# benchmarks use, a 2.4 MP photo (large-20mp.jpg made 2048 px wide, JPEG q90, in a scratch
# origin) → a 512 px box; each as JPEG and as WebP. imgedge: `?w=800` or `?w=512&h=512&fit=inside`
# with `format=`, no `q` (its defaults), workers as it runs by default, memory tier off; thumbor:
# `/unsafe/800x0/` or `/unsafe/fit-in/512x512/` with `filters:format()`, its defaults (q80), no
# result storage. For each server and case, under `wrk -t2 -c4 -d SECONDS` with every request
# distinct (Benchmarks/distinct-requests.lua): CPU ms per miss (the server and its worker
# processes), req/s; and for one answer: its bytes and its SSIMULACRA2 against libvips' Lanczos
# downscale of the source to the same size (Benchmarks/ssimulacra2_scores.py). Then each
# server's peak RSS (imgedge: the server and its largest worker). Then imgedge at thumbor's
# quality: for each case the lowest `q` (found by bisection over 30-95) whose answer scores at
# least what thumbor's does, with its bytes and CPU. The issue's targets: CPU <= 0.9x thumbor's
# at an equal or better score and equal or fewer bytes; req/s >= 1.2x thumbor's for the 2.4 MP
# shape.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_RUN=${1:-10}
BINARY=${IMGEDGE:-.build/release/imgedge}
VENV=$(Benchmarks/python-venv.sh)
WORK=$(mktemp -d)
source Benchmarks/server-helpers.sh
trap 'stop SERVER_PID; stop THUMBOR_PID; rm -rf "$WORK"' EXIT

command -v wrk >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk; }
[[ -x "$BINARY" ]] || make release

mkdir -p "$WORK/origin" "$WORK/out"
cp TestImages/large-20mp.jpg "$WORK/origin/"
vips thumbnail TestImages/large-20mp.jpg "$WORK/origin/photo-2mp.jpg[Q=90]" 2048

PORT=$(free_port "${PORT:-8097}")
THUMBOR_PORT=$(free_port $((PORT + 1)))
"$BINARY" serve --port "$PORT" --origin "$WORK/origin" --memory-cache-bytes 0 --log-level warning --optimize-after-seconds 0 &
SERVER_PID=$!
wait_ready imgedge "$SERVER_PID" "http://127.0.0.1:$PORT/healthz"
start_thumbor "$VENV" "$WORK/origin" "$THUMBOR_PORT" "$WORK"

# name | source | imgedge's options | thumbor's size
CASES=(
    "20MP_to_800|large-20mp.jpg|w=800|800x0"
    "2.4MP_to_512box|photo-2mp.jpg|w=512&h=512&fit=inside|fit-in/512x512"
)
declare -A MS RPS BYTES SCORE
: >"$WORK/pairs"

# Fetches one answer of `url` as $WORK/out/NAME+FORMAT+SERVER.FORMAT, records its bytes under
# "NAME FORMAT SERVER", and lists it for scoring against the source downscaled to its size.
answer() {
    local name=$1 source=$2 format=$3 server=$4 url=$5 out width height reference
    out="$WORK/out/$name+$format+$server"
    curl -sf -o "$out.$format" "$url"
    BYTES["$name $format $server"]=$(wc -c <"$out.$format")
    vips copy "$out.$format" "$out.png"
    width=$(vipsheader -f width "$out.png")
    height=$(vipsheader -f height "$out.png")
    reference="$WORK/out/$name+$width+$height+reference.png"
    [[ -f "$reference" ]] || vips thumbnail "$WORK/origin/$source" "$reference" "$width" --height "$height" --size force
    echo "$reference $out.png" >>"$WORK/pairs"
}

# Scores the answers listed since the last call into SCORE, under their keys.
score_pairs() {
    local distorted value base
    echo "== SSIMULACRA2 of $(wc -l <"$WORK/pairs") answers" >&2
    while read -r distorted value; do
        base=$(basename "$distorted" .png)
        SCORE[${base//+/ }]=$value
    done < <("$VENV/bin/python" Benchmarks/ssimulacra2_scores.py <"$WORK/pairs")
    : >"$WORK/pairs"
}

imgedge_url() { echo "http://127.0.0.1:$PORT/$1?$2&format=$3${4:+&q=$4}"; }

for case in "${CASES[@]}"; do
    IFS='|' read -r name source options size <<<"$case"
    for format in jpeg webp; do
        for server in imgedge thumbor; do
            if [[ $server == imgedge ]]; then
                url=$(imgedge_url "$source" "$options" "$format")
                pid=$SERVER_PID
            else
                url="http://127.0.0.1:$THUMBOR_PORT/unsafe/$size/filters:format($format)/$source"
                pid=$THUMBOR_PID
            fi
            key="$name $format $server"
            echo "== $key: $url" >&2
            MS[$key]=$(ms_per_image "$pid" "$url")
            RPS[$key]=$(awk '/Requests\/sec:/ { print $2 }' "$WORK/wrk.txt")
            answer "$name" "$source" "$format" "$server" "$url"
        done
    done
done
score_pairs

# imgedge at thumbor's quality: bisection over q, every case's trial scored in one batch a round;
# HIGH always scores at least thumbor's (95 is taken to), LOW never does.
declare -A LOW HIGH
for case in "${CASES[@]}"; do
    for format in jpeg webp; do LOW["${case%%|*} $format"]=30 HIGH["${case%%|*} $format"]=95; done
done
for _ in 1 2 3 4 5 6; do
    for case in "${CASES[@]}"; do
        IFS='|' read -r name source options size <<<"$case"
        for format in jpeg webp; do
            key="$name $format"
            ((HIGH[$key] - LOW[$key] > 1)) || continue
            q=$(((LOW[$key] + HIGH[$key]) / 2))
            answer "$name" "$source" "$format" "q$q" "$(imgedge_url "$source" "$options" "$format" "$q")"
        done
    done
    [[ -s "$WORK/pairs" ]] || break
    score_pairs
    for key in "${!LOW[@]}"; do
        ((HIGH[$key] - LOW[$key] > 1)) || continue
        q=$(((LOW[$key] + HIGH[$key]) / 2))
        if awk -v s="${SCORE[$key q$q]}" -v t="${SCORE[$key thumbor]}" 'BEGIN { exit !(s >= t) }'; then
            HIGH[$key]=$q
        else
            LOW[$key]=$q
        fi
    done
done
for case in "${CASES[@]}"; do
    IFS='|' read -r name source options size <<<"$case"
    for format in jpeg webp; do
        key="$name $format matched"
        url=$(imgedge_url "$source" "$options" "$format" "${HIGH[$name $format]}")
        echo "== $key: $url" >&2
        MS[$key]=$(ms_per_image "$SERVER_PID" "$url")
        RPS[$key]=$(awk '/Requests\/sec:/ { print $2 }' "$WORK/wrk.txt")
        answer "$name" "$source" "$format" matched "$url"
    done
done
score_pairs

echo
echo "imgedge at its defaults, then (q given) at the lowest q scoring at least thumbor's answer:"
printf '%-16s %-8s %8s %8s %5s %8s %8s %5s %6s %6s %7s %7s %5s\n' case format "ms" "thumbor" "x" bytes thumbor x \
    score thumbor "req/s" thumbor x
for variant in imgedge matched; do
    for case in "${CASES[@]}"; do
        name=${case%%|*}
        for format in jpeg webp; do
            i="$name $format $variant" t="$name $format thumbor"
            label=$([[ $variant == matched ]] && echo "$format q${HIGH[$name $format]}" || echo "$format")
            awk -v n="$name" -v f="$label" -v im="${MS[$i]}" -v tm="${MS[$t]}" -v ib="${BYTES[$i]}" -v tb="${BYTES[$t]}" \
                -v is="${SCORE[$i]}" -v ts="${SCORE[$t]}" -v ir="${RPS[$i]}" -v tr="${RPS[$t]}" 'BEGIN {
                printf "%-16s %-8s %8.1f %8.1f %5.2f %8d %8d %5.2f %6.1f %6.1f %7.1f %7.1f %5.2f\n",
                    n, f, im, tm, im / tm, ib, tb, ib / tb, is, ts, ir, tr, ir / tr }'
        done
    done
done
echo
for case in "${CASES[@]}"; do
    name=${case%%|*}
    for format in jpeg webp; do
        i="$name $format matched" t="$name $format thumbor"
        awk -v n="$name" -v f="$format q${HIGH[$name $format]}" -v im="${MS[$i]}" -v tm="${MS[$t]}" -v ib="${BYTES[$i]}" \
            -v tb="${BYTES[$t]}" -v is="${SCORE[$i]}" -v ts="${SCORE[$t]}" 'BEGIN {
            pass = im <= 0.9 * tm && ib <= tb && is >= ts
            printf "%s  %s %s: CPU %.2fx thumbor (target <= 0.9x), bytes %.2fx (<= 1x), SSIMULACRA2 %+.1f (>= 0)\n",
                pass ? "PASS" : "MISS", n, f, im / tm, ib / tb, is - ts }'
        if [[ $name == 2.4MP* ]]; then
            i="$name $format imgedge"
            awk -v n="$name" -v f="$format" -v ir="${RPS[$i]}" -v tr="${RPS[$t]}" 'BEGIN {
                printf "%s  %s %s: req/s %.2fx thumbor at 4 connections (target >= 1.2x)\n",
                    (ir >= 1.2 * tr) ? "PASS" : "MISS", n, f, ir / tr }'
        fi
    done
done
largest_worker=0
for worker in $(children "$SERVER_PID"); do
    kb=$(awk '/VmHWM/ { print $2 }' "/proc/$worker/status")
    if ((kb > largest_worker)); then largest_worker=$kb; fi
done
echo
echo "peak RSS (VmHWM): imgedge server $(peak_rss "$SERVER_PID"), its largest worker $largest_worker kB;" \
    "thumbor $(peak_rss "$THUMBOR_PID") (target: imgedge <= 120 MB)"

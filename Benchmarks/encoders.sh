#!/usr/bin/env bash
# Bytes, quality and encode cost of each output format at several settings, for choosing
# imgedge's per-format defaults (EncodingSettings.swift; BENCHMARKS.md, "Encoder settings").
#
# Usage: Benchmarks/encoders.sh   (SETTINGS="jpeg:80:0 avif:60:0 ..." to choose the rows)
#
# Each photo of the calibration corpus (Benchmarks/corpus.sh, not TestImages/) is resized to
# 800 px wide with lanczos3 from its full decode: the reference. Each setting encodes the
# reference with the options imgedge's shim uses (Benchmarks/encoder_cost.c), the result is
# decoded and scored against the reference with SSIMULACRA2 (higher is better). Prints one row
# per setting: CPU ms per encode, bytes and score, each the mean over the photos.
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=$(Benchmarks/corpus.sh)
VENV=$(Benchmarks/python-venv.sh)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
gcc -O2 Benchmarks/encoder_cost.c $(pkg-config --cflags --libs vips) -o "$WORK/encoder_cost"

SETTINGS=${SETTINGS:-"jpeg:70:0 jpeg:75:0 jpeg:80:0 jpeg:85:0 jpeg:90:0
  webp:75:4 webp:80:4 webp:85:4 webp:90:4
  avif:55:0 avif:60:0 avif:65:0 avif:70:0 avif:75:0 avif:60:2 avif:65:2 avif:70:2
  jxl:60:3 jxl:65:3 jxl:70:3 jxl:75:3 jxl:80:3 jxl:65:4 jxl:70:4 jxl:75:4 jxl:65:5 jxl:70:5"}

for photo in "$CORPUS"/*.jpg; do
    name=$(basename "$photo" .jpg)
    width=$(vipsheader -f width "$photo")
    # [strip]: without metadata, since libvips 8.14's webpsave writes EXIF despite strip (the shim
    # removes it after encoding; Benchmarks/encoder_cost.c does not).
    vips resize "$photo" "$WORK/$name.png[strip]" "$(awk -v w="$width" 'BEGIN { print 800 / w }')" --kernel lanczos3
done

: >"$WORK/pairs" ; : >"$WORK/costs"
for setting in $SETTINGS; do
    IFS=: read -r format quality effort <<<"$setting"
    for reference in "$WORK"/*.png; do
        out="$WORK/out/$setting/$(basename "$reference" .png)"
        mkdir -p "$(dirname "$out")"
        read -r ms bytes < <("$WORK/encoder_cost" "$reference" "$format" "$quality" "$effort" 2 "$out.$format")
        vips copy "$out.$format" "$out.png" 2>/dev/null   # heifload warns of the nclx profile it ignores
        echo "$reference $out.png" >>"$WORK/pairs"
        echo "$out.png $setting $ms $bytes" >>"$WORK/costs"
    done
done
"$VENV/bin/python" Benchmarks/ssimulacra2_scores.py <"$WORK/pairs" >"$WORK/scores"

printf '%-6s %4s %7s %10s %10s %12s\n' format q effort "cpu ms" bytes ssimulacra2
join <(sort "$WORK/costs") <(sort "$WORK/scores") | awk -v settings="$(echo $SETTINGS)" '
    { ms[$2] += $3; bytes[$2] += $4; score[$2] += $5; n[$2]++ }
    END { rows = split(settings, order, " ")
          for (i = 1; i <= rows; i++) { k = order[i]; split(k, s, ":")
              printf "%-6s %4d %7d %10.1f %10d %12.1f\n", s[1], s[2], s[3], ms[k] / n[k], bytes[k] / n[k], score[k] / n[k] } }'

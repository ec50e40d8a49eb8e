#!/usr/bin/env bash
# How much quality shrinking a JPEG further on load costs, for choosing the shrink-on-load margin.
#
# Usage: Benchmarks/shrink-on-load.sh   (BENCHMARKS.md, "Shrinking on load")
#
# libvips' thumbnail decodes a JPEG at 1/2, 1/4 or 1/8 scale only while at least twice the output
# size is left (margin 2), then finishes with lanczos3. For each photo of the calibration corpus
# (Benchmarks/corpus.sh) and TestImages' large-20mp.jpg and portrait.jpg, at 800 and 400 px wide,
# this decodes at the largest scale that leaves MARGIN (2, 1.5, 1) times the output, resizes,
# encodes as JPEG q80 as imgedge does, and scores the result with SSIMULACRA2 against a lanczos3
# resize from the full decode of the same size. Prints the mean score per width and margin.
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=$(Benchmarks/corpus.sh)
VENV=$(Benchmarks/python-venv.sh)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

: >"$WORK/pairs"; : >"$WORK/settings"
for photo in "$CORPUS"/*.jpg TestImages/large-20mp.jpg TestImages/portrait.jpg; do
    name=$(basename "$photo" .jpg)
    source_width=$(vipsheader -f width "$photo")
    for width in 800 400; do
        for margin in 2 1.5 1; do
            shrink=$(awk -v s="$source_width" -v w="$width" -v m="$margin" \
                'BEGIN { f = 1; for (c = 2; c <= 8; c *= 2) if (s / w / c >= m) f = c; print f }')
            out="$WORK/$name-$width-$margin"
            vips thumbnail_image "$photo[shrink=$shrink]" "$out.png" "$width"
            vips jpegsave "$out.png" "$out.jpg" --Q 80 --optimize-coding --strip
            vips copy "$out.jpg" "$out.jpg.png"
            # The reference at exactly the result's size (a shrunk decode may round a pixel off).
            size="$(vipsheader -f width "$out.png")x$(vipsheader -f height "$out.png")"
            reference="$WORK/$name-$size.ref.png"
            [[ -f $reference ]] || vips thumbnail_image "$photo" "$reference" "${size%x*}" --height "${size#*x}" --size force
            echo "$reference $out.jpg.png" >>"$WORK/pairs"
            echo "$out.jpg.png $width $margin" >>"$WORK/settings"
        done
    done
done
"$VENV/bin/python" Benchmarks/ssimulacra2_scores.py <"$WORK/pairs" >"$WORK/scores"

printf '%5s %6s %12s\n' width margin ssimulacra2
join <(sort "$WORK/settings") <(sort "$WORK/scores") |
    awk '{ key = $2 " " $3; sum[key] += $4; n[key]++ }
         END { for (key in sum) { split(key, k, " "); printf "%5d %6s %12.2f\n", k[1], k[2], sum[key] / n[key] } }' |
    sort -k1,1nr -k2,2nr

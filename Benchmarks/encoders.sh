#!/usr/bin/env bash
# Bytes, quality and encode cost of each output format at several settings, for choosing
# imgedge's per-format defaults (EncodingSettings.swift).
#
# Usage: Benchmarks/encoders.sh   (needs libvips-dev and Debian's butteraugli)
#
# Each photo in TestImages/ is thumbnailed to 800 px (the reference); each setting encodes it,
# decodes the result and scores it against the reference with butteraugli (max-norm distance:
# lower is better; about 1 is "just noticeable"). Prints one
# row per format and setting, averaged over the photos.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v butteraugli >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q butteraugli; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
gcc -O2 Benchmarks/encoder_cost.c $(pkg-config --cflags --libs vips) -o "$WORK/encoder_cost"

PHOTOS=(landscape.jpg portrait.jpg large-20mp.jpg)
SETTINGS=${SETTINGS:-"jpeg:75:0 jpeg:80:0 jpeg:85:0 webp:75:4 webp:80:4 webp:85:4 avif:45:2 avif:50:2 avif:55:2 avif:60:2 avif:55:0 avif:55:4 avif:60:0 avif:65:0 jxl:70:4 jxl:75:4 jxl:75:3 jxl:80:4"}

for photo in "${PHOTOS[@]}"; do
    vips thumbnail "TestImages/$photo" "$WORK/${photo%.*}.png" 800 --export-profile srgb
done

printf '%-6s %4s %7s %10s %10s %12s\n' format q effort "cpu ms" bytes butteraugli
for setting in $SETTINGS; do
    IFS=: read -r format quality effort <<<"$setting"
    total_ms=0 total_bytes=0 total_distance=0
    for photo in "${PHOTOS[@]}"; do
        reference="$WORK/${photo%.*}.png"
        read -r ms bytes < <("$WORK/encoder_cost" "$reference" "$format" "$quality" "$effort" 3 "$WORK/out.$format")
        vips copy "$WORK/out.$format" "$WORK/decoded.png" 2>/dev/null
        distance=$(butteraugli "$reference" "$WORK/decoded.png" 2>/dev/null | head -1)
        total_ms=$(awk -v a="$total_ms" -v b="$ms" 'BEGIN { print a + b }')
        total_bytes=$((total_bytes + bytes))
        total_distance=$(awk -v a="$total_distance" -v b="$distance" 'BEGIN { print a + b }')
    done
    n=${#PHOTOS[@]}
    awk -v f="$format" -v q="$quality" -v e="$effort" -v ms="$total_ms" -v b="$total_bytes" -v d="$total_distance" -v n="$n" \
        'BEGIN { printf "%-6s %4d %7d %10.1f %10d %12.2f\n", f, q, e, ms / n, b / n, d / n }'
done

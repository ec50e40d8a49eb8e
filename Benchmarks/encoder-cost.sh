#!/bin/sh
# Measures the figures of Sources/Vips/EncoderCost.swift: nanoseconds of one core per output
# pixel for the encoders a deadline cannot stop, by effort, at quality 100 (the slowest), twice
# each (the table keeps the larger), and whether a kill flag raised 0.2 s in stops each saver.
#   Benchmarks/encoder-cost.sh [WIDTH HEIGHT]      (default 2048 1220, about 2.5 MP)
set -eu
cd "$(dirname "$0")/.."
W=${1:-2048}
H=${2:-1220}
BIN=${TMPDIR:-/tmp}/imgedge-encoder-cost
cc -O2 -o "$BIN" Benchmarks/encoder-cost.c $(pkg-config --cflags --libs vips)
PHOTO=TestImages/large-20mp.jpg
echo "== does a kill flag raised after 0.2 s stop the saver?"
for format in jpeg png webp gif jxl avif; do "$BIN" $PHOTO $format $W $H 100 4 0.2; done
echo "== cost by effort"
for run in 1 2; do
    for effort in 0 2 4 6; do "$BIN" $PHOTO webp $W $H 100 $effort 0; done
    for effort in 3 4 5 7 9; do "$BIN" $PHOTO jxl $W $H 100 $effort 0; done
    for effort in 1 4 7 10; do "$BIN" $PHOTO gif $W $H 100 $effort 0; done
    # AVIF's high efforts take minutes at full size: measured on a quarter of the pixels.
    for effort in 0 2 4 6 9; do "$BIN" $PHOTO avif $((W / 2)) $((H / 2)) 100 $effort 0; done
done

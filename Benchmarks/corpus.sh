#!/usr/bin/env bash
# Calibration photos that are not ours: the nature/ folder of Debian's mate-backgrounds (twelve
# photographs, 1280-2560 px wide), so encoder defaults are not tuned to TestImages/.
#
# Usage: Benchmarks/corpus.sh [DIR]   (default Benchmarks/.corpus; prints DIR)
# Downloads the package once with `apt-get download` and unpacks it with `dpkg -x`; later runs
# find the photos in place.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${1:-Benchmarks/.corpus}
if ! compgen -G "$DIR/*.jpg" >/dev/null; then
    mkdir -p "$DIR"
    download=$(mktemp -d)
    trap 'rm -rf "$download"' EXIT
    (cd "$download" && apt-get download -q mate-backgrounds >/dev/null 2>&1) \
        || { apt-get update -q >/dev/null && (cd "$download" && apt-get download -q mate-backgrounds >/dev/null); }
    dpkg -x "$download"/mate-backgrounds_*.deb "$download/root"
    cp "$download"/root/usr/share/backgrounds/mate/nature/*.jpg "$DIR/"
fi
echo "$DIR"

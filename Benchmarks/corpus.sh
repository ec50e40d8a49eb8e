#!/usr/bin/env bash
# Photos that are not ours, from Debian packages, so encoder defaults are not tuned to TestImages/.
#
# Usage: Benchmarks/corpus.sh [SET [DIR]]   (prints DIR)
#   mate  the calibration set (default; DIR Benchmarks/.corpus): the nature/ folder of
#         mate-backgrounds, twelve photographs 1280-2560 px wide. The encoder defaults and
#         efforts were chosen on it.
#   kde   a second set, never used to choose a setting (DIR Benchmarks/.corpus-kde): the twelve
#         photographs among plasma-workspace-wallpapers' (5.27) wallpapers, each its largest
#         JPEG (2560x1600; Volna 5120x2880); its paintings and renders are left out.
# Downloads the package once with `apt-get download` and unpacks it with `dpkg -x`; later runs
# find the photos in place.
set -euo pipefail
cd "$(dirname "$0")/.."
SET=${1:-mate}
case "$SET" in
    mate) PACKAGE=mate-backgrounds DIR=${2:-Benchmarks/.corpus} ;;
    kde) PACKAGE=plasma-workspace-wallpapers DIR=${2:-Benchmarks/.corpus-kde} ;;
    *) echo "unknown set $SET: mate or kde" >&2; exit 1 ;;
esac
KDE_PHOTOS="BytheWater ColdRipple ColorfulCups DarkestHour EveningGlow FallenLeaf Grey Kite OneStandsOut Path Volna summer_1am"
if ! compgen -G "$DIR/*.jpg" >/dev/null; then
    mkdir -p "$DIR"
    download=$(mktemp -d)
    trap 'rm -rf "$download"' EXIT
    (cd "$download" && apt-get download -q "$PACKAGE" >/dev/null 2>&1) \
        || { apt-get update -q >/dev/null && (cd "$download" && apt-get download -q "$PACKAGE" >/dev/null); }
    dpkg -x "$download"/"$PACKAGE"_*.deb "$download/root"
    if [[ $SET == mate ]]; then
        cp "$download"/root/usr/share/backgrounds/mate/nature/*.jpg "$DIR/"
    else
        for photo in $KDE_PHOTOS; do
            cp "$(ls -S "$download/root/usr/share/wallpapers/$photo/contents/images/"*.jpg | head -1)" "$DIR/$photo.jpg"
        done
    fi
fi
echo "$DIR"

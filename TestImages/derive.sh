#!/usr/bin/env bash
# Regenerates every file in TestImages/ from real photographs shipped in
# Debian 12 (bookworm) packages.  See SOURCES.md for provenance and licences.
#
# Needed ONLY to regenerate (nothing here is needed at test time):
#   - apt-get (to fetch the source .deb files; no install, just download)
#   - dpkg-deb
#   - vips CLI from libvips-tools (made with libvips 8.14.1; heifsave needs
#     libheif with an AV1 encoder, as in Debian's libvips42)
#   - exiftool (Debian: libimage-exiftool-perl, made with 12.57) for the EXIF Orientation tags
#   - python3 with Pillow (made with Pillow 13.0.0 from PyPI) for animated.gif only
#
# Usage: [PYTHON=/path/to/python-with-pillow] TestImages/derive.sh [WORKDIR]
#        (default WORKDIR=/tmp/testimages-work; downloads, extracted files and
#        temporaries go there; the script ends with a self-check of the
#        exif-orientation set and exits non-zero if it fails)
# Output is written next to this script. Re-encoding with other libjpeg/libvips
# versions gives visually identical but not byte-identical files.
set -euo pipefail

OUT="$(cd "$(dirname "$0")" && pwd)"
WORK="${1:-/tmp/testimages-work}"
PY="${PYTHON:-python3}"
mkdir -p "$WORK/debs" "$WORK/x" "$WORK/tmp"
T="$WORK/tmp"

# ---------------------------------------------------------------- sources
# Debian bookworm: lomiri-wallpapers-16.04 20.04.0-2, lomiri-wallpapers-20.04 20.04.0-2
for pkg in lomiri-wallpapers-16.04 lomiri-wallpapers-20.04; do
    if ! ls "$WORK/debs/${pkg}"_*.deb >/dev/null 2>&1; then
        (cd "$WORK/debs" && apt-get download "$pkg")
    fi
    mkdir -p "$WORK/x/$pkg"
    dpkg-deb -x "$WORK/debs/${pkg}"_*.deb "$WORK/x/$pkg"
done
BG16="$WORK/x/lomiri-wallpapers-16.04/usr/share/backgrounds"
BG20="$WORK/x/lomiri-wallpapers-20.04/usr/share/backgrounds"
SEEDING="$BG16/seeding_by_Clements_Engelhardt.jpg"   # 5312x2988, CC0-1.0
FRIENDS="$BG16/friends_by_Aitzol_Berasategi.jpg"     # 2056x3088, CC-BY-4.0
KLEIBER="$BG20/Kleiber_by_Lukas_Baubkus.jpg"         # 6028x3391, CC-BY-SA-3.0

cd "$OUT"

# ---------------------------------------------------------------- photos
# landscape.jpg: 1280x720 baseline JPEG, Q85, metadata stripped
vips thumbnail "$SEEDING" landscape.jpg'[Q=85,strip]' 1280
# portrait.jpg: 1000x1502 (width 1000) baseline JPEG, Q85, metadata stripped
vips thumbnail "$FRIENDS" portrait.jpg'[Q=85,strip]' 1000 --height 100000
# large-20mp.jpg: full 6028x3391 (20.4 MP), re-encoded at Q85 (original is ~Q92,
# 4:2:2); its small EXIF block (Orientation=1, 300 dpi) is kept
vips copy "$KLEIBER" large-20mp.jpg'[Q=85]'

# ---------------------------------------------------------------- format variants of landscape.jpg
vips copy landscape.jpg landscape.png'[compression=9]'
vips copy landscape.jpg landscape.webp'[Q=80]'
vips heifsave landscape.jpg landscape.avif --compression av1 --Q 50
vips tiffsave landscape.jpg landscape.tiff --compression deflate --predictor horizontal
vips copy landscape.jpg landscape-progressive.jpg'[Q=85,interlace,strip]'
vips colourspace landscape.jpg grayscale.jpg'[Q=85,strip]' b-w
# Small originals that a render at the default quality makes larger, with no metadata: the
# "never larger than the original" path serves them (tests add metadata to copies of them).
vips thumbnail landscape.jpg low-quality.jpg'[Q=30,strip]' 320
vips thumbnail landscape.jpg palette-16.png'[palette,colours=16,compression=9,strip]' 320
# CMYK JPEG: sRGB -> libvips' built-in CMYK ICC profile. The 940 KB profile is
# NOT embedded (strip), so loaders fall back to their default CMYK profile.
vips icc_transform landscape.jpg cmyk.jpg'[Q=85,strip]' cmyk --input-profile srgb
vips colourspace landscape.jpg landscape-16bit.png'[compression=9]' rgb16

# ---------------------------------------------------------------- EXIF orientation 1..8
# Upright 600x400 base, then stored pixels = inverse of the transform that
# orientation N asks a viewer to apply, so every file DISPLAYS upright.
vips thumbnail "$SEEDING" "$T/upright.v" 600 --height 400 --crop centre
vips copy "$T/upright.v" "$T/o1.v"                                   # 1: as is
vips flip "$T/upright.v" "$T/o2.v" horizontal                        # 2: mirror
vips rot  "$T/upright.v" "$T/o3.v" d180                              # 3: 180
vips flip "$T/upright.v" "$T/o4.v" vertical                          # 4: flip
vips rot  "$T/upright.v" "$T/r90.v" d90                              # 5: transpose
vips flip "$T/r90.v" "$T/o5.v" horizontal
vips rot  "$T/upright.v" "$T/o6.v" d270                              # 6: viewer rotates 90 CW
vips rot  "$T/upright.v" "$T/r270.v" d270                            # 7: transverse
vips flip "$T/r270.v" "$T/o7.v" horizontal
vips rot  "$T/upright.v" "$T/o8.v" d90                               # 8: viewer rotates 90 CCW
for n in 1 2 3 4 5 6 7 8; do
    vips jpegsave "$T/o$n.v" "exif-orientation-$n.jpg" --Q 92 --strip
    exiftool -q -n -overwrite_original -Orientation="$n" "exif-orientation-$n.jpg"
done

# ---------------------------------------------------------------- alpha.png
# 600x338 RGB + soft elliptical alpha: 255 inside r<0.75, linear ramp to 0 at r=1
# (r = normalised elliptical radius), so alpha takes every value 0..255.
vips thumbnail landscape.jpg "$T/a_rgb.v" 600
W=$(vipsheader -f width "$T/a_rgb.v"); H=$(vipsheader -f height "$T/a_rgb.v")
vips xyz "$T/a_xy.v" "$W" "$H"
# d = ((x - W/2)/(W/2), (y - H/2)/(H/2)); "--" lets vips take negative numbers
vips linear -- "$T/a_xy.v" "$T/a_d.v" "$(awk -v w="$W" -v h="$H" 'BEGIN{printf "%.10f %.10f", 2/w, 2/h}')" "-1 -1"
vips multiply "$T/a_d.v" "$T/a_d.v" "$T/a_d2.v"
vips bandmean "$T/a_d2.v" "$T/a_m.v"               # (dx^2+dy^2)/2 = r^2/2
vips linear "$T/a_m.v" "$T/a_r2.v" 2 0             # r^2
vips math2_const "$T/a_r2.v" "$T/a_r.v" pow 0.5    # r
vips linear -- "$T/a_r.v" "$T/a_af.v" -1020 1020      # 255*(1-r)/0.25
vips cast "$T/a_af.v" "$T/a_a.v" uchar             # clamps to 0..255
vips bandjoin "$T/a_rgb.v $T/a_a.v" "$T/a_rgba.v"
vips copy "$T/a_rgba.v" "$T/a_rgba2.v" --interpretation srgb
vips pngsave "$T/a_rgba2.v" alpha.png --compression 9 --strip

# ---------------------------------------------------------------- animated.gif / animated.webp
# 5 frames, 300x200, panning left->right across the photo, 400 ms each, loop forever
vips thumbnail "$SEEDING" "$T/pan.png" 800
"$PY" - "$T/pan.png" animated.gif <<'EOF'
import sys
from PIL import Image
src = Image.open(sys.argv[1]).convert("RGB")
w, h = src.size
fw, fh = 300, 200
top = (h - fh) // 2
frames = [src.crop((x, top, x + fw, top + fh)) for x in (0, 125, 250, 375, 500)]
frames[0].save(sys.argv[2], save_all=True, append_images=frames[1:],
               duration=400, loop=0, optimize=False, disposal=1)
EOF
vips copy animated.gif'[n=-1]' animated.webp'[Q=80]'

# ---------------------------------------------------------------- broken / edge-case files
size=$(stat -c %s landscape.jpg)
head -c $(( size * 40 / 100 )) landscape.jpg > truncated.jpg
printf 'This is not an image. It is a plain text file with a .jpg name,\nused to test magic-byte detection in imgedge.\n' > not-an-image.jpg
# 20000x20000, 1-bit greyscale, all black: ~50 KB on disk, 400 Mpx when decoded
vips black "$T/huge.v" 20000 20000
vips pngsave "$T/huge.v" huge-dimensions.png --bitdepth 1 --compression 9
# 1x1 opaque red RGB pixel
vips black "$T/tiny0.v" 1 1 --bands 3
vips linear "$T/tiny0.v" "$T/tiny1.v" "1 1 1" "255 0 0" --uchar
vips copy "$T/tiny1.v" "$T/tiny2.v" --interpretation srgb
vips pngsave "$T/tiny2.v" tiny.png --strip

# landscape.qoi: QOI (a format libvips 8.14 cannot read) for the qoi transform module, from the
# pixels libvips decodes landscape.jpg to, with the stdlib encoder in Modules/qoi/.
vips rawsave landscape.jpg "$T/landscape.raw"
python3 "$OUT/../Modules/qoi/encode_qoi.py" "$T/landscape.raw" 1280 720 3 landscape.qoi
rm -f "$T/landscape.raw"

# ---------------------------------------------------------------- self-check of the orientation set
# vips autorot applies the tag; each result must match orientation-1 (600x400,
# mean |difference| < 2 of 255, i.e. only JPEG re-encoding noise).
vips autorot exif-orientation-1.jpg "$T/ref.v"
for n in 1 2 3 4 5 6 7 8; do
    vips autorot "exif-orientation-$n.jpg" "$T/auto.v"
    wh="$(vipsheader -f width "$T/auto.v")x$(vipsheader -f height "$T/auto.v")"
    vips subtract "$T/ref.v" "$T/auto.v" "$T/diff.v"
    vips abs "$T/diff.v" "$T/absdiff.v"
    mad=$(vips avg "$T/absdiff.v")
    echo "exif-orientation-$n.jpg: autorot -> $wh, mean abs diff vs 1 = $mad"
    [ "$wh" = 600x400 ] && awk -v m="$mad" 'BEGIN{exit !(m < 2)}' || { echo "FAILED"; exit 1; }
done

rm -f "$T"/*.v "$T"/*.png
echo "done: $(ls "$OUT" | wc -l) files in $OUT"

#!/usr/bin/env bash
# Shows that `make dist`'s binary runs on a Debian 12 box that has only libvips' runtime packages:
# debootstraps a minimal bookworm with libvips42 (and curl), no Swift, copies dist/ into it, starts
# imgedge there and asks it for an AVIF and a filtered JPEG XL.
#
# Usage: scripts/dist-check.sh   (as root, after `make dist`; ROOT=DIR keeps the system, default
# /tmp/imgedge-deb12, reused when present; PORT default 8170)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=${ROOT:-/tmp/imgedge-deb12}
PORT=${PORT:-8170}
[[ -x dist/imgedge ]] || { echo "dist/imgedge is missing: make dist" >&2; exit 1; }
command -v debootstrap >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap; }
[[ -x "$ROOT/usr/bin/curl" ]] ||
    debootstrap --variant=minbase --include=libvips42,curl bookworm "$ROOT" http://deb.debian.org/debian >/dev/null
mountpoint -q "$ROOT/proc" || mount -t proc proc "$ROOT/proc"
trap 'kill "${SERVER_PID:-}" 2>/dev/null || true; umount "$ROOT/proc"' EXIT

rm -rf "$ROOT/opt/imgedge" && mkdir -p "$ROOT/opt/imgedge/images"
cp -r dist/. "$ROOT/opt/imgedge/"
cp TestImages/landscape.jpg "$ROOT/opt/imgedge/images/"
echo "in $ROOT: $(chroot "$ROOT" dpkg-query -W -f '${Package}\n' | wc -l) packages, Swift runtime:" \
    "$(chroot "$ROOT" sh -c 'ls /opt/swift /usr/lib/swift 2>/dev/null | wc -l') files"
chroot "$ROOT" ldd /opt/imgedge/imgedge | grep "not found" && exit 1
chroot "$ROOT" /opt/imgedge/imgedge serve --host 127.0.0.1 --port "$PORT" --origin /opt/imgedge/images \
    --modules /opt/imgedge/modules --log-level warning &
SERVER_PID=$!
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.1; done
for query in "w=300&format=avif" "w=300&format=jxl&filter=sepia"; do
    chroot "$ROOT" curl -sf -o /dev/null -w "GET /landscape.jpg?$query: %{http_code} %{content_type}, %{size_download} bytes\n" \
        "http://127.0.0.1:$PORT/landscape.jpg?$query"
done
echo "PASS: dist/imgedge serves in Debian 12 with only libvips42's runtime"

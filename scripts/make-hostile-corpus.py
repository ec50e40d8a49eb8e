#!/usr/bin/env python3
"""Writes Tests/HostileCorpus/: hostile uploads, each with the request to send and the status
imgedge must answer, in expected.tsv. Built from TestImages/ where a real file serves, by hand
where the attack is in the container. Deterministic: running it again gives the same bytes.

Usage: scripts/make-hostile-corpus.py   (from the repository root)
"""
import pathlib
import struct
import zlib

root = pathlib.Path(__file__).resolve().parent.parent
images = root / "TestImages"
out = root / "Tests" / "HostileCorpus"
out.mkdir(parents=True, exist_ok=True)
rows = []


def write(name, data, query, status, what):
    (out / name).write_bytes(data)
    ask(name, query, status, what)


def ask(name, query, status, what):
    """Another request for a file already written, or for one of TestImages/ (../../TestImages/…)."""
    rows.append((name, query, str(status), what))


def png_chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def png(width, height, idat, color_type=0, depth=8):
    header = struct.pack(">IIBBBBB", width, height, depth, color_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")


jpeg = (images / "landscape.jpg").read_bytes()
scan = jpeg.index(b"\xff\xda")

# Corrupt entropy-coded data: restart markers where none belong. libjpeg warns and pads grey.
corrupt = bytearray(jpeg)
for offset in range(scan + 3000, scan + 3010, 2):
    corrupt[offset:offset + 2] = b"\xff\xd3"
write("jpeg-corrupt-scan.jpg", bytes(corrupt), "w=100", 422, "restart markers inside the scan")

# Cut at 60 % and closed with an end-of-image marker, so only the data says it is short.
write("jpeg-cut-closed.jpg", jpeg[: len(jpeg) * 6 // 10] + b"\xff\xd9", "w=100", 422, "scan cut short, EOI added")

# Cut mid-scan without an end marker.
write("jpeg-truncated.jpg", jpeg[: scan + 500], "w=100", 422, "file ends inside the scan")

# A frame header claiming 65000 x 65000: refused from the header, before any decoding.
sof = jpeg.index(b"\xff\xc0")
huge = bytearray(jpeg)
huge[sof + 5:sof + 9] = struct.pack(">HH", 65000, 65000)
write("jpeg-65000-square.jpg", bytes(huge), "w=100", 422, "4.2 G pixels declared")

# A chunk whose length claims 2 GB right after IHDR: checked against the file first.
header = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 100, 100, 8, 2, 0, 0, 0))
write("png-chunk-2gb.png", header + b"\x7f\xff\xff\xff" + b"zTXtabc", "w=100", 422, "chunk length 2 GB in a 53-byte file")

# A valid PNG of 100000 x 100000 pixels whose zeros compress to a few kilobytes: the header
# refuses it (10 G pixels), so nothing is inflated.
width, height = 100000, 100000
write("png-bomb-10g-pixels.png", png(width, height, zlib.compress(b"\x00" * 100001 * 4, 9)), "w=100", 422, "10 G pixels declared")

# A zero bomb under the pixel limit: 7000 x 7000 grey, 49 M pixels from 48 KB. It is decoded,
# shrunk and served; memory stays bounded by the decode of one image.
rows_data = zlib.compress((b"\x00" + b"\x00" * 7000) * 7000, 9)
write("png-bomb-49m-pixels.png", png(7000, 7000, rows_data), "w=100&format=png", 200, "49 M pixels from 48 KB, under the limit")

# A GIF of 300 one-pixel frames (7 KB) asked for at 8192 x 8192: output pixels x frames.
frame = b"\x21\xf9\x04\x00\x0a\x00\x00\x00" + b"\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00" + b"\x02\x02\x44\x01\x00"
gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00" + frame * 300 + b"\x3b"
write("gif-300-frames.gif", gif, "w=8192&h=8192&fit=fill&format=gif", 400, "300 frames planned at 8192 x 8192")
ask("gif-300-frames.gif", "w=10&h=10&format=gif", 200, "the same GIF at a sane size")

# The real animated GIF at the largest side, every frame: over the output pixel bound.
ask("../../TestImages/animated.gif", "w=8192&h=8192&fit=fill&format=gif", 400, "5 frames x 67 M pixels")

# TIFF is off by default: its loader is the riskiest; 1000 bands would plan 67 GB.
tiff_header = b"II*\x00" + struct.pack("<I", 8)
entries = [(256, 3, 1, 2), (257, 3, 1, 2), (258, 3, 1, 8), (259, 3, 1, 1), (262, 3, 1, 1), (273, 4, 1, 200), (277, 3, 1, 1000), (279, 4, 1, 4000)]
ifd = struct.pack("<H", len(entries)) + b"".join(struct.pack("<HHII", *e) for e in entries) + b"\x00\x00\x00\x00"
tiff = tiff_header + ifd
tiff += b"\x00" * (200 - len(tiff)) + b"\x00" * 4000
write("tiff-1000-bands.tif", tiff, "w=8192&h=8192&fit=fill", 415, "TIFF, refused by magic bytes")

# Not images at all, whatever they claim.
write("html-named-jpg.jpg", b"<!doctype html><script>alert(1)</script>", "w=100", 415, "HTML")
write("svg-with-script.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "w=100", 415, "SVG")
write("empty.bin", b"", "w=100", 415, "no bytes")
write("jpeg-magic-only.jpg", b"\xff\xd8\xff", "w=100", 422, "JPEG magic and nothing else")

# Options that ask too much, on a real image.
ask("../../TestImages/landscape.jpg", "w=8192&h=8192&dpr=3", 400, "8192 x 3: over the side bound")
ask("../../TestImages/landscape.jpg", "w=abc", 400, "not a number")
ask("../../TestImages/landscape.tiff", "w=100", 415, "a real TIFF, with TIFF off")

with open(out / "expected.tsv", "w") as manifest:
    manifest.write("# file\tquery\tstatus\twhat it tries (made by scripts/make-hostile-corpus.py)\n")
    for row in rows:
        manifest.write("\t".join(row) + "\n")
print(f"{len(rows)} requests in {out.relative_to(root)}/expected.tsv")

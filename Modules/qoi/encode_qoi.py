#!/usr/bin/env python3
"""Encode raw 8-bit RGB or RGBA samples as a QOI image (https://qoiformat.org), stdlib only.

Test-fixture generator for the `qoi` transform module. Input is a headerless dump of
width*height*channels bytes, row-major, e.g. from libvips:

    vips rawsave landscape.jpg /tmp/landscape.raw        # 1280x720, 3 bands
    python3 encode_qoi.py /tmp/landscape.raw 1280 720 3 landscape.qoi

A straight port of the reference encoder (qoi.h), so its output is byte-identical to it.
"""
import sys


def encode(data: bytes, width: int, height: int, channels: int, colorspace: int = 0) -> bytes:
    if channels not in (3, 4):
        raise ValueError("channels must be 3 or 4")
    if len(data) != width * height * channels:
        raise ValueError(f"expected {width * height * channels} bytes, got {len(data)}")
    out = bytearray(b"qoif")
    out += width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes((channels, colorspace))
    index_zero = (0, 0, 0, 0)
    index = [index_zero] * 64
    pr, pg, pb, pa = 0, 0, 0, 255
    run = 0
    n = width * height * channels
    for pos in range(0, n, channels):
        r, g, b = data[pos], data[pos + 1], data[pos + 2]
        a = data[pos + 3] if channels == 4 else pa
        if r == pr and g == pg and b == pb and a == pa:
            run += 1
            if run == 62 or pos == n - channels:
                out.append(0xC0 | (run - 1))
                run = 0
            continue
        if run:
            out.append(0xC0 | (run - 1))
            run = 0
        h = (r * 3 + g * 5 + b * 7 + a * 11) % 64
        px = (r, g, b, a)
        if index[h] == px:
            out.append(h)
        else:
            index[h] = px
            if a == pa:
                vr = (r - pr + 128) % 256 - 128
                vg = (g - pg + 128) % 256 - 128
                vb = (b - pb + 128) % 256 - 128
                vg_r, vg_b = vr - vg, vb - vg
                if -3 < vr < 2 and -3 < vg < 2 and -3 < vb < 2:
                    out.append(0x40 | (vr + 2) << 4 | (vg + 2) << 2 | (vb + 2))
                elif -9 < vg_r < 8 and -33 < vg < 32 and -9 < vg_b < 8:
                    out.append(0x80 | (vg + 32))
                    out.append((vg_r + 8) << 4 | (vg_b + 8))
                else:
                    out += bytes((0xFE, r, g, b))
            else:
                out += bytes((0xFF, r, g, b, a))
        pr, pg, pb, pa = r, g, b, a
    out += bytes((0, 0, 0, 0, 0, 0, 0, 1))
    return bytes(out)


def main() -> None:
    if len(sys.argv) != 6:
        sys.exit("usage: encode_qoi.py INPUT.raw WIDTH HEIGHT CHANNELS(3|4) OUTPUT.qoi")
    source, width, height, channels, target = sys.argv[1], *map(int, sys.argv[2:5]), sys.argv[5]
    with open(source, "rb") as f:
        data = f.read()
    with open(target, "wb") as f:
        f.write(encode(data, width, height, channels))


if __name__ == "__main__":
    main()

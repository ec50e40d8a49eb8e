#!/usr/bin/env python3
"""Loopback test-page server, reverse proxy to imgedge and results collector for browser-check.sh.

Python 3 standard library only (plus the `vips` command-line tool, installed with libvips).

  collector.py serve --imgedge http://127.0.0.1:PORT --origin DIR --out DIR
      Serves on 127.0.0.1 (a free port, written to OUT/collector.port):
        GET  /page?browser=NAME[&shot=1]   the test page (page.html with the cases filled in)
        GET  /img/NAME/<file>?<query>      proxied to imgedge; the browser's Accept and User-Agent
                                           and imgedge's status/Content-Type are logged to
                                           OUT/requests.jsonl, and the exact bytes answered are kept
                                           in OUT/bytes/NAME/ (one file per URL)
        GET  /vips/NAME/<file>?<query>     those kept bytes decoded by libvips (`vips copy` to PNG):
                                           the reference for "the browser decodes what libvips
                                           decodes"; 409 if the bytes are animated (the <img> shows
                                           some frame, libvips the first), 404 if none were proxied
        POST /results?browser=NAME         the page's results -> OUT/results-NAME.json
  collector.py report --origin DIR --out DIR --browsers chromium,firefox
      Prints the table and judges every case: decoded, at the expected size, and pixels (see
      "pixel limits" below) against two references drawn through a canvas in the same browser:
        vips  the same bytes decoded by libvips: must agree tightly, whatever the format
        png   imgedge's own lossless PNG of the same variant (format=png): loose, catches a wrong
              orientation, colour profile or crop
      Exits 1 if a negotiated case failed any check (or a browser never reported), else 0; forced
      formats that fail are only reported (a browser may not support a format).
"""
import argparse
import http.client
import http.server
import json
import os
import struct
import subprocess
import sys
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCES = ["landscape.jpg", "alpha.png", "animated.gif", "exif-orientation-6.jpg", "cmyk.jpg",
           "landscape-16bit.png"]
FORMATS = ["avif", "webp", "jpeg", "png", "gif", "jxl"]
WIDTH = 400

# ---------------------------------------------------------------- pixel limits
# Diffs are per channel, in 0..255, between the canvas pixels (getImageData) of the case's <img>
# and of a reference drawn the same way in the same browser. A canvas keeps premultiplied colour,
# so RGB is compared only where both alphas are >= OPAQUE; alpha is compared everywhere.
OPAQUE = 250
# Measured with imgedge's outputs of SOURCES at w=400 in Chromium 156 and Firefox ESR 153:
# vips reference (the same bytes decoded by libvips): alpha max 0 everywhere, except Chromium's AVIF
#   with alpha (20: it expands alpha as limited range, 16->0, 128->130, 235->255); RGB mean <= 0.3
#   per channel, except Chromium's AVIF (<= 1.2, max 23: its YUV->RGB is not libavif's).
SAME_BYTES_ALPHA_MAX = 2
SAME_BYTES_RGB_MEAN = 2
# png reference (imgedge's format=png of the same variant): RGB mean <= 4.8 (JXL, blue), <= 3.8 for
#   the others; alpha mean <= 0.4 (AVIF in Firefox; Chromium's AVIF alpha bug is only 3.1 here, the
#   vips reference catches it). For scale: landscape.jpg flipped is 33, shifted by 10 px 20.
SERVER_PNG_RGB_MEAN = 8
SERVER_PNG_ALPHA_MEAN = 4
# ...but formats that cannot carry alpha like the PNG: GIF has 1-bit transparency (21.9 on alpha.png;
# a GIF flattened like a JPEG would be ~100), JPEG none (imgedge flattens it onto the background:
# 100.8, so None: not compared).
SERVER_PNG_ALPHA_MEAN_BY_TYPE = {"image/gif": 40, "image/jpeg": None}


# ---------------------------------------------------------------- expected sizes (independent of imgedge)

def _exif_orientation(app1):
    if not app1.startswith(b"Exif\0\0"):
        return 1
    t = app1[6:]
    if len(t) < 8:
        return 1
    e = "<" if t[:2] == b"II" else ">"
    ifd = struct.unpack(e + "I", t[4:8])[0]
    if ifd + 2 > len(t):
        return 1
    n = struct.unpack(e + "H", t[ifd:ifd + 2])[0]
    for i in range(n):
        p = ifd + 2 + 12 * i
        if p + 12 > len(t):
            break
        tag, typ, _cnt = struct.unpack(e + "HHI", t[p:p + 8])
        if tag == 0x0112 and typ == 3:
            return struct.unpack(e + "H", t[p + 8:p + 10])[0]
    return 1


def source_size(path):
    """Displayed (EXIF-oriented) width and height of a JPEG, PNG or GIF."""
    with open(path, "rb") as f:
        d = f.read()
    if d[:8] == b"\x89PNG\r\n\x1a\n":
        return struct.unpack(">II", d[16:24])
    if d[:4] in (b"GIF8",):
        return struct.unpack("<HH", d[6:10])
    if d[:2] == b"\xff\xd8":
        i, orient, size = 2, 1, None
        while i + 4 <= len(d) and size is None:
            if d[i] != 0xFF:
                i += 1
                continue
            m = d[i + 1]
            if m == 0xFF:
                i += 1
                continue
            if m in (0xD8, 0x01) or 0xD0 <= m <= 0xD7:
                i += 2
                continue
            ln = struct.unpack(">H", d[i + 2:i + 4])[0]
            seg = d[i + 4:i + 2 + ln]
            if m == 0xE1:
                orient = _exif_orientation(seg)
            elif 0xC0 <= m <= 0xCF and m not in (0xC4, 0xC8, 0xCC):
                h, w = struct.unpack(">HH", seg[1:5])
                size = (w, h)
            i += 2 + ln
        if size is None:
            raise ValueError("no SOF in " + path)
        return (size[1], size[0]) if orient >= 5 else size
    raise ValueError("unsupported source " + path)


def expected_size(path, width=WIDTH):
    w, h = source_size(path)
    if w <= width:  # fit=inside never enlarges
        return w, h
    return width, max(1, int(h * width / w + 0.5))


def with_format(key, fmt):
    """KEY (file?query) with format=FMT in place of any format= it had."""
    path, _, query = key.partition("?")
    params = [(k, v) for k, v in urllib.parse.parse_qsl(query) if k != "format"]
    return path + "?" + urllib.parse.urlencode(params + [("format", fmt)], safe="=")


def cases(origin):
    out = []
    for src in SOURCES:
        ew, eh = expected_size(os.path.join(origin, src))
        for fmt in [None] + FORMATS:
            key = "%s?w=%d" % (src, WIDTH) + ("&format=" + fmt if fmt else "")
            out.append({"key": key, "png_key": with_format(key, "png"), "src": src,
                        "format": fmt or "negotiated", "negotiated": fmt is None, "w": ew, "h": eh})
    return out


# ---------------------------------------------------------------- what the bytes really are

def sniff(b):
    if b[:3] == b"\xff\xd8\xff":
        return "image/jpeg", ""
    if b[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png", ("animated" if b"acTL" in b[:4096] else "")
    if b[:4] in (b"GIF8",):
        return "image/gif", ("animated" if b.count(b"\x21\xf9\x04") > 1 else "")
    if b[:4] == b"RIFF" and b[8:12] == b"WEBP":
        anim = b[12:16] == b"VP8X" and len(b) > 20 and (b[20] & 0x02)
        return "image/webp", ("animated" if anim else "")
    if b[4:8] == b"ftyp":
        major, compat = b[8:12], b[16:struct.unpack(">I", b[:4])[0]]
        brands = [major] + [compat[i:i + 4] for i in range(0, len(compat), 4)]
        if b"avis" in brands:
            return "image/avif", "animated"
        if b"avif" in brands:
            return "image/avif", ""
    if b[:2] == b"\xff\x0a" or b[:12] == b"\0\0\0\x0cJXL \r\n\x87\n":
        return "image/jxl", ""
    return "?", ""


EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp",
              "image/avif": ".avif", "image/jxl": ".jxl"}


# ---------------------------------------------------------------- server

class State:
    lock = threading.Lock()
    vips_slots = threading.BoundedSemaphore(os.cpu_count() or 1)  # concurrent `vips` processes
    imgedge = None
    out = None
    cases = None
    template = None
    kept = {}  # (browser, key) -> (path of the bytes proxied, sniffed type, note)


def keep_bytes(browser, key, body):
    """Saves the bytes proxied to BROWSER for KEY, for /vips to decode."""
    kind, note = sniff(body)
    folder = os.path.join(State.out, "bytes", os.path.basename(browser))
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, urllib.parse.quote(key, safe="") + EXTENSIONS.get(kind, ".bin"))
    with open(path, "wb") as f:
        f.write(body)
    with State.lock:
        State.kept[(browser, key)] = (path, kind, note)


def vips_png(path):
    """libvips' decode of the image file PATH as PNG bytes; raises RuntimeError with vips' message."""
    png = path + ".vips.png"
    with State.vips_slots:
        # heifload warns "ignoring nclx profile" on stderr for imgedge's AVIFs: only read on failure.
        run = subprocess.run(["vips", "copy", path, png], capture_output=True, text=True, timeout=60)
    if run.returncode != 0:
        raise RuntimeError("vips copy failed: " + run.stderr.strip()[-300:])
    with open(png, "rb") as f:
        return f.read()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "browser-check"

    def log_message(self, fmt, *args):
        sys.stderr.write("collector: " + (fmt % args) + "\n")

    def _send(self, status, body, ctype="text/plain; charset=utf-8", extra=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self):
        u = urllib.parse.urlsplit(self.path)
        qs = urllib.parse.parse_qs(u.query)
        if u.path == "/page":
            browser = qs.get("browser", ["unknown"])[0]
            shot = qs.get("shot", ["0"])[0] == "1"
            page = (State.template
                    .replace("__BROWSER__", json.dumps(browser))
                    .replace("__SHOT__", "true" if shot else "false")
                    .replace("__CASES__", json.dumps(State.cases))
                    .replace("__FORMATS__", json.dumps(["negotiated"] + FORMATS))
                    .replace("__SOURCES__", json.dumps(SOURCES))
                    .replace("__OPAQUE__", str(OPAQUE)))
            return self._send(200, page.encode(), "text/html; charset=utf-8")
        if u.path.startswith("/img/"):
            return self._proxy(u)
        if u.path.startswith("/vips/"):
            return self._vips_reference(u)
        return self._send(404, b"not found\n")

    do_HEAD = do_GET

    def _proxy(self, u):
        _, _, browser, rest = u.path.split("/", 3)
        target = "/" + rest + ("?" + u.query if u.query else "")
        fwd = {k: self.headers[k] for k in ("Accept", "User-Agent", "Accept-Encoding") if self.headers[k]}
        t0 = time.time()
        host, port = State.imgedge
        try:
            c = http.client.HTTPConnection(host, port, timeout=120)
            c.request("GET", target, headers=fwd)
            r = c.getresponse()
            body = r.read()
            status, headers = r.status, r.getheaders()
            c.close()
        except Exception as e:  # imgedge down or hung: a 502 the page will see as a failed decode
            status, headers, body = 502, [("Content-Type", "text/plain")], ("proxy: %s\n" % e).encode()
        ctype = dict((k.lower(), v) for k, v in headers).get("content-type", "")
        kind, note = sniff(body) if status == 200 else ("", "")
        rec = {"t": round(t0, 3), "browser": browser, "key": target[1:], "accept": self.headers["Accept"],
               "ua": self.headers["User-Agent"], "status": status, "content_type": ctype,
               "bytes": len(body), "sniffed": kind, "note": note,
               "ms": round((time.time() - t0) * 1000)}
        with State.lock:
            with open(os.path.join(State.out, "requests.jsonl"), "a") as f:
                f.write(json.dumps(rec) + "\n")
        if status == 200:  # kept before the browser has it, so its /vips request always finds it
            keep_bytes(browser, target[1:], body)
        self.send_response(status)
        for k, v in headers:
            if k.lower() in ("content-type", "cache-control", "etag", "vary", "last-modified"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _vips_reference(self, u):
        _, _, browser, rest = u.path.split("/", 3)
        key = rest + ("?" + u.query if u.query else "")
        with State.lock:
            kept = State.kept.get((browser, key))
        if kept is None:
            return self._send(404, ("no bytes were proxied to %s for %s\n" % (browser, key)).encode())
        path, kind, note = kept
        if note == "animated":
            return self._send(409, ("animated %s: pixels not compared\n" % kind).encode())
        try:
            png = vips_png(path)
        except (RuntimeError, subprocess.TimeoutExpired) as e:
            return self._send(502, ("%s\n" % e).encode())
        self._send(200, png, "image/png")

    def do_POST(self):
        u = urllib.parse.urlsplit(self.path)
        if u.path != "/results":
            return self._send(404, b"not found\n")
        browser = urllib.parse.parse_qs(u.query).get("browser", ["unknown"])[0]
        n = int(self.headers.get("Content-Length") or 0)
        data = json.loads(self.rfile.read(n) or b"{}")
        data["user_agent"] = self.headers["User-Agent"]
        path = os.path.join(State.out, "results-%s.json" % os.path.basename(browser))
        with open(path + ".tmp", "w") as f:
            json.dump(data, f, indent=1)
        os.replace(path + ".tmp", path)
        self._send(200, b"ok\n")


def serve(a):
    host, port = a.imgedge.replace("http://", "").rstrip("/").rsplit(":", 1)
    State.imgedge = (host, int(port))
    State.out = a.out
    State.cases = cases(a.origin)
    with open(os.path.join(HERE, "page.html")) as f:
        State.template = f.read()
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    with open(os.path.join(a.out, "collector.port.tmp"), "w") as f:
        f.write(str(srv.server_address[1]))
    os.replace(os.path.join(a.out, "collector.port.tmp"), os.path.join(a.out, "collector.port"))
    srv.serve_forever()


# ---------------------------------------------------------------- report

def worst_rgb_mean(d):
    return max(d["mean"][:3]) if d["opaque"] else 0


def vips_problems(d):
    """Why the <img> does not match libvips' decode of the same bytes ([] if it does)."""
    if "error" in d:
        return ["vips reference: " + d["error"]]
    out = []
    if d["max"][3] > SAME_BYTES_ALPHA_MAX:
        out.append("alpha differs from libvips' decode of the same bytes by up to %d (limit %d)"
                   % (d["max"][3], SAME_BYTES_ALPHA_MAX))
    if worst_rgb_mean(d) > SAME_BYTES_RGB_MEAN:
        out.append("RGB differs from libvips' decode of the same bytes by %.2f on average (limit %d)"
                   % (worst_rgb_mean(d), SAME_BYTES_RGB_MEAN))
    return out


def png_problems(d, served_type):
    """Why the <img> does not match imgedge's PNG of the same variant ([] if it does)."""
    if "error" in d:
        return ["png reference: " + d["error"]]
    out = []
    alpha_limit = SERVER_PNG_ALPHA_MEAN_BY_TYPE.get(served_type, SERVER_PNG_ALPHA_MEAN)
    if alpha_limit is not None and d["mean"][3] > alpha_limit:
        out.append("alpha differs from imgedge's PNG by %.2f on average (limit %d)"
                   % (d["mean"][3], alpha_limit))
    if worst_rgb_mean(d) > SERVER_PNG_RGB_MEAN:
        out.append("RGB differs from imgedge's PNG by %.2f on average (limit %d)"
                   % (worst_rgb_mean(d), SERVER_PNG_RGB_MEAN))
    return out


def case_problems(c, r, served_type):
    """Everything wrong with one case's result R ([] if nothing)."""
    if r is None:
        return ["no result"]
    if not r["decoded"]:
        return [r["error"] or "not decoded"]
    if (r["nw"], r["nh"]) != (c["w"], c["h"]):
        return ["decoded at %sx%s, expected %dx%d" % (r["nw"], r["nh"], c["w"], c["h"])]
    if r["pixels_skipped"]:
        return []
    return vips_problems(r["vs_vips"]) + png_problems(r["vs_png"], served_type)


def diff_columns(r, ref):
    """'max' and 'mean' cells (R/G/B/A) of R's diff against reference REF ('vs_vips' or 'vs_png')."""
    d = (r or {}).get(ref)
    if not d or "error" in d:
        return "-", "-"
    rgb_max = [str(v) for v in d["max"][:3]] if d["opaque"] else ["-"] * 3
    rgb_mean = ["%.1f" % v for v in d["mean"][:3]] if d["opaque"] else ["-"] * 3
    return "/".join(rgb_max + [str(d["max"][3])]), "/".join(rgb_mean + ["%.1f" % d["mean"][3]])


def table_row(browser, c, r, q, problems):
    """One line of the table: case C in BROWSER, its result R, its logged request Q, PROBLEMS."""
    decoded = bool(r and r["decoded"])
    size_ok = decoded and (r["nw"], r["nh"]) == (c["w"], c["h"])
    if not size_ok:
        pixels = "-"
    elif r["pixels_skipped"]:
        pixels = "skip"
    else:
        pixels = "NO" if problems else "yes"
    return (browser, c["key"], "auto" if c["negotiated"] else c["format"], served_description(q),
            str(q["bytes"]) if q else "-", "yes" if decoded else "NO",
            "%sx%s" % (r["nw"], r["nh"]) if decoded else "-", "yes" if size_ok else ("NO" if decoded else "-"),
            *diff_columns(r, "vs_vips"), *diff_columns(r, "vs_png"),
            pixels, "; ".join(problems) or (r["pixels_skipped"] if r else ""))


def served_description(q):
    if q is None:
        return "(no request)"
    if q["status"] != 200:
        return "HTTP %s" % q["status"]
    out = q["content_type"]
    if q["sniffed"] != q["content_type"]:
        out += " (bytes are %s!)" % q["sniffed"]
    return out + (" " + q["note"] if q["note"] else "")


def load_requests(out):
    p = os.path.join(out, "requests.jsonl")
    if not os.path.exists(p):
        return []
    with open(p) as f:
        return [json.loads(l) for l in f if l.strip()]


def print_table(rows, hdr):
    wid = [max(len(str(x[i])) for x in rows + [hdr]) for i in range(len(hdr))]
    line = lambda x: "  ".join(str(v).ljust(wid[i]) for i, v in enumerate(x)).rstrip()
    print()
    print(line(hdr))
    print(line(["-" * w for w in wid]))
    prev = None
    for r in rows:
        if prev and r[0] != prev:
            print()
        prev = r[0]
        print(line(r))
    print()


def report(a):
    browsers = a.browsers.split(",")
    reqs = load_requests(a.out)
    failures, forced_bad, rows = [], [], []
    for b in browsers:
        rp = os.path.join(a.out, "results-%s.json" % b)
        res = {}
        if os.path.exists(rp):
            with open(rp) as f:
                data = json.load(f)
            res = {r["key"]: r for r in data.get("results", [])}
            print("%s: %s" % (b, data.get("user_agent")))
        else:
            failures.append("%s: the page never posted results (timeout)" % b)
        for acc in sorted({r["accept"] for r in reqs if r["browser"] == b}):
            print("%s <img> Accept: %s" % (b, acc))
        for c in cases(a.origin):
            r = res.get(c["key"])
            logged = [q for q in reqs if q["browser"] == b and q["key"] == c["key"]]
            q = logged[-1] if logged else None
            problems = case_problems(c, r, q and q["sniffed"])
            rows.append(table_row(b, c, r, q, problems))
            if problems and res:
                where = "%s %s (served %s): %s" % (b, c["key"], served_description(q), "; ".join(problems))
                if c["negotiated"]:
                    failures.append(where)
                else:
                    forced_bad.append(where)
    print_table(rows, ("browser", "url", "fmt", "content-type served", "bytes", "decoded", "size", "size ok",
                       "vips max", "vips mean", "png max", "png mean", "pixels ok", "note"))
    print("diffs are R/G/B/A in 0..255; RGB only where alpha >= %d in both, alpha everywhere." % OPAQUE)
    print("vips = the same bytes decoded by libvips; png = imgedge's format=png of the same variant.")
    print("limits: vips alpha max %d, RGB mean %d; png RGB mean %d, alpha mean %d (%s)."
          % (SAME_BYTES_ALPHA_MAX, SAME_BYTES_RGB_MEAN, SERVER_PNG_RGB_MEAN, SERVER_PNG_ALPHA_MEAN,
             ", ".join("%s %s" % (t, "not compared" if v is None else v)
                       for t, v in SERVER_PNG_ALPHA_MEAN_BY_TYPE.items())))
    print()
    if forced_bad:
        print("forced formats failing (reported only):")
        for f in forced_bad:
            print("  " + f)
    if failures:
        print("FAIL:")
        for f in failures:
            print("  " + f)
        return 1
    print("PASS: every negotiated image decoded at the expected size with the expected pixels in: "
          + ", ".join(browsers))
    return 0


def main():
    ap = argparse.ArgumentParser()
    sp = ap.add_subparsers(dest="cmd", required=True)
    s = sp.add_parser("serve")
    s.add_argument("--imgedge", required=True)
    s.add_argument("--origin", required=True)
    s.add_argument("--out", required=True)
    r = sp.add_parser("report")
    r.add_argument("--origin", required=True)
    r.add_argument("--out", required=True)
    r.add_argument("--browsers", required=True)
    a = ap.parse_args()
    if a.cmd == "serve":
        serve(a)
    else:
        sys.exit(report(a))


if __name__ == "__main__":
    main()

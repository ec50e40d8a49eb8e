#!/usr/bin/env python3
"""Loopback test-page server, reverse proxy to imgedge and results collector for browser-check.sh.

Python 3 standard library only.

  collector.py serve --imgedge http://127.0.0.1:PORT --origin DIR --out DIR
      Serves on 127.0.0.1 (a free port, written to OUT/collector.port):
        GET  /page?browser=NAME[&shot=1]   the test page (page.html with the cases filled in)
        GET  /img/NAME/<file>?<query>      proxied to imgedge; the browser's Accept and User-Agent
                                           and imgedge's status/Content-Type are logged to
                                           OUT/requests.jsonl
        POST /results?browser=NAME         the page's decode results -> OUT/results-NAME.json
  collector.py report --out DIR --browsers chromium,firefox
      Prints the table; exits 1 if a negotiated image failed to decode (or a browser never
      reported), else 0.
"""
import argparse
import http.client
import http.server
import json
import os
import struct
import sys
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCES = ["landscape.jpg", "alpha.png", "animated.gif", "exif-orientation-6.jpg", "cmyk.jpg",
           "landscape-16bit.png"]
FORMATS = ["avif", "webp", "jpeg", "png", "gif", "jxl"]
WIDTH = 400


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


def cases(origin):
    out = []
    for src in SOURCES:
        ew, eh = expected_size(os.path.join(origin, src))
        for fmt in [None] + FORMATS:
            q = "w=%d" % WIDTH + ("&format=" + fmt if fmt else "")
            out.append({"key": "%s?%s" % (src, q), "src": src, "format": fmt or "negotiated",
                        "negotiated": fmt is None, "w": ew, "h": eh})
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


# ---------------------------------------------------------------- server

class State:
    lock = threading.Lock()
    imgedge = None
    out = None
    cases = None
    template = None


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
                    .replace("__SOURCES__", json.dumps(SOURCES)))
            return self._send(200, page.encode(), "text/html; charset=utf-8")
        if u.path.startswith("/img/"):
            return self._proxy(u)
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
        self.send_response(status)
        for k, v in headers:
            if k.lower() in ("content-type", "cache-control", "etag", "vary", "last-modified"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

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

def report(a):
    browsers = a.browsers.split(",")
    reqs = []
    p = os.path.join(a.out, "requests.jsonl")
    if os.path.exists(p):
        with open(p) as f:
            reqs = [json.loads(l) for l in f if l.strip()]
    failures = []
    rows = []
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
        accepts = sorted({r["accept"] for r in reqs if r["browser"] == b})
        for acc in accepts:
            print("%s <img> Accept: %s" % (b, acc))
        for c in cases(a.origin):
            r = res.get(c["key"])
            logged = [q for q in reqs if q["browser"] == b and q["key"] == c["key"]]
            q = logged[-1] if logged else None
            served = (q["content_type"] if q and q["status"] == 200 else
                      ("HTTP %s" % q["status"] if q else "(no request)"))
            if q and q["status"] == 200 and q["sniffed"] != q["content_type"]:
                served += " (bytes are %s!)" % q["sniffed"]
            if q and q["note"]:
                served += " " + q["note"]
            ok = bool(r and r.get("ok"))
            if r is None:
                size, why = "-", "no result"
            else:
                size = "%sx%s" % (r.get("nw"), r.get("nh"))
                why = r.get("why", "")
            rows.append((b, c["key"], "auto" if c["negotiated"] else c["format"], served,
                         "yes" if ok else "NO", size, "%dx%d" % (c["w"], c["h"]),
                         str(q["bytes"]) if q else "-", why))
            if c["negotiated"] and not ok and res:
                failures.append("%s %s: %s (served %s)" % (b, c["key"], why or "not decoded", served))
    hdr = ("browser", "url", "fmt", "content-type served", "decoded", "size", "expected", "bytes", "note")
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
    forced_bad = [r for r in rows if r[2] != "auto" and r[4] != "yes" and r[8] != "no result"]
    if forced_bad:
        print("forced formats not decoded (reported only):")
        for r in forced_bad:
            print("  %s %s -> %s: %s" % (r[0], r[1], r[3], r[8]))
    if failures:
        print("FAIL:")
        for f in failures:
            print("  " + f)
        return 1
    print("PASS: every negotiated image decoded at the expected size in: " + ", ".join(browsers))
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

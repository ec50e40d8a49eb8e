#!/usr/bin/env python3
"""Drives imgedge's /_playground in a running headless Chromium and judges what it shows.

  check.py --devtools PROFILE_DIR --imgedge http://127.0.0.1:PORT --upload FILE --out DIR

PROFILE_DIR is the Chromium --user-data-dir started with --remote-debugging-port=0: Chromium
writes the port and the browser's WebSocket path to PROFILE_DIR/DevToolsActivePort. The checks,
each waiting on the page's hooks (#result-info's data-url, data-status, and data-width, which the
page sets from naturalWidth once the result has decoded, or data-decode="failed"):
  page      GET /_playground answers 200 text/html
  initial   the page loads and shows landscape.jpg (status 200, decoded)
  w=320     typing 320 into #w fetches /landscape.jpg?w=320, decoded 320 px wide
  w=200     the same at 200
  error     w=9000: status 400, the server's one-line reason shown instead of an image
  upload    #w=150, then FILE into #file (DOM.setFileInputFiles): POST /resize?w=150, 150 px wide
  shot      a screenshot of the page with a few controls set -> OUT/playground.png
  js-errors no exception, console.error or JS log error in the page during all of the above
Prints a PASS/FAIL table; exits 1 if any check failed.
"""
import argparse
import base64
import json
import os
import sys
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cdp  # noqa: E402

WAIT = 30  # seconds for any one result to arrive and decode

# Sets a control as a user would: empties it, then types (Input.insertText fires `input`).
FOCUS_AND_CLEAR = "(() => { const e = document.getElementById(%s); e.focus(); e.value = ''; return true; })()"
# The result hooks, once the answer for URL has arrived and (for a 200) decoded.
RESULT_FOR = """(() => {
  const d = document.getElementById('result-info').dataset;
  if (d.url !== %s || !d.status || d.status === 'loading') return null;
  if (d.status === '200' && !d.width && d.decode !== 'failed') return null;
  return { status: d.status, width: d.width || null, height: d.height || null, decode: d.decode || null,
           error: document.getElementById('error').hidden ? null : document.getElementById('error').textContent };
})()"""


class Checks:
    def __init__(self):
        self.rows = []  # (name, ok, detail)

    def record(self, name, ok, detail):
        self.rows.append((name, bool(ok), detail))
        print(f"  {'PASS' if ok else 'FAIL'}  {name:<10} {detail}", flush=True)

    def table(self):
        print("\ncheck       result  detail")
        for name, ok, detail in self.rows:
            print(f"{name:<11} {'PASS' if ok else 'FAIL':<7} {detail}")
        return all(ok for _, ok, _ in self.rows)


def type_into(page, element_id, text):
    page.evaluate(FOCUS_AND_CLEAR % json.dumps(element_id))
    page.call("Input.insertText", {"text": text})


def wait_result(page, url):
    return page.wait_for(RESULT_FOR % json.dumps(url), timeout=WAIT)


def check_width(checks, name, page, url, width):
    """Waits for the answer to URL and checks it decoded `width` px wide."""
    got = wait_result(page, url)
    if got is None:
        shown = page.evaluate("JSON.stringify(document.getElementById('result-info').dataset)")
        checks.record(name, False, f"no decoded result for {url} in {WAIT} s (hooks: {shown})")
    elif got["status"] != "200" or got["width"] != str(width):
        why = got["error"] or ("the browser could not decode it" if got["decode"] == "failed" else "")
        checks.record(name, False, f"{url}: status {got['status']}, width {got['width']} (want 200, {width})"
                      + (f": {why}" if why else ""))
    else:
        checks.record(name, True, f"{url.split('/', 3)[3]} -> {got['width']}x{got['height']}")


def devtools_url(profile):
    """The browser endpoint Chromium wrote to PROFILE/DevToolsActivePort (waits up to 30 s)."""
    path = os.path.join(profile, "DevToolsActivePort")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            port, ws_path = open(path).read().split()[:2]
            return f"ws://127.0.0.1:{port}{ws_path}"
        except (OSError, ValueError):
            time.sleep(0.2)
    raise SystemExit(f"Chromium wrote no {path} in 30 s")


def js_errors(page):
    """Exceptions, console.error calls and JS-source log errors the page reported, as text."""
    errors = []
    for e in page.events("Runtime.exceptionThrown"):
        d = e["exceptionDetails"]
        errors.append("exception: " + (d.get("exception", {}).get("description") or d.get("text", "")))
    for e in page.events("Runtime.consoleAPICalled"):
        if e["type"] in ("error", "assert"):
            errors.append("console.error: " + " ".join(str(a.get("value", a.get("description", ""))) for a in e["args"]))
    for e in page.events("Log.entryAdded"):
        entry = e["entry"]
        if entry["level"] == "error" and entry.get("source") != "network":
            errors.append(f"log ({entry.get('source')}): {entry['text']}")
    return errors


def network_errors(page):
    return [e["entry"]["text"] + " " + e["entry"].get("url", "") for e in page.events("Log.entryAdded")
            if e["entry"]["level"] == "error" and e["entry"].get("source") == "network"]


def take_screenshot(checks, page, base, png):
    """The whole page, back on the path with a few more controls in use, as PNG."""
    page.evaluate("document.getElementById('clear-file').click(), true")
    page.evaluate("""(() => {
      const set = (id, v) => { document.getElementById(id).value = v; };
      set('path', 'landscape.jpg'); set('w', '480'); set('h', '320'); set('fit', 'cover');
      set('gravity', 'attention'); set('filter', 'sepia,vignette(0.4)');
      document.getElementById('w').dispatchEvent(new Event('input', { bubbles: true }));
      document.activeElement.blur();
      return true; })()""")
    shot_url = base + "/landscape.jpg?w=480&h=320&fit=cover&gravity=attention&filter=sepia,vignette(0.4)"
    got = wait_result(page, shot_url)
    page.wait_for("document.getElementById('original').complete", 10)
    if got and got["status"] == "200":
        metrics = page.evaluate("({ w: document.documentElement.scrollWidth, h: document.documentElement.scrollHeight })")
        data = page.call("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": metrics["w"], "height": metrics["h"], "scale": 1}})["data"]
        with open(png, "wb") as f:
            f.write(base64.b64decode(data))
        checks.record("shot", True, f"{png} ({metrics['w']}x{metrics['h']}, result {got['width']}x{got['height']})")
    else:
        checks.record("shot", False, f"no result for {shot_url}: {got}")


def run_page(checks, base, args):
    """Opens the page in a new tab, runs the steps, then reports the page's JS errors."""
    browser = cdp.Browser(devtools_url(args.devtools))
    page = browser.open_page()
    for domain in ("Page", "Runtime", "Log", "DOM"):
        page.call(domain + ".enable")
    try:
        run_steps(checks, page, base, args)
    finally:
        errors = js_errors(page)
        checks.record("js-errors", not errors, "; ".join(errors)[:300] if errors else "none")
        for n in network_errors(page):
            if not n.endswith("?w=9000"):  # the error check's own 400 is expected
                print(f"  note: network error in the page: {n}")
        browser.ws.close()


def run_steps(checks, page, base, args):
    """The checks in the browser, in order; each step leaves the page as the next expects."""
    page.call("Page.navigate", {"url": base + "/_playground"})
    loaded = page.wait_for("document.readyState === 'complete' && !!document.getElementById('result-info')", WAIT)
    got = wait_result(page, base + "/landscape.jpg") if loaded else None
    checks.record("initial", got is not None and got["status"] == "200",
                  f"landscape.jpg -> status {got['status']}, {got['width']}x{got['height']}" if got
                  else f"page or first result not there in {WAIT} s")
    if not got:
        return  # not the playground (or not working at all): the other checks would only time out

    # (b) the width control
    for width in (320, 200):
        type_into(page, "w", str(width))
        check_width(checks, f"w={width}", page, f"{base}/landscape.jpg?w={width}", width)

    # an error answer: the server's one-line reason instead of an image
    type_into(page, "w", "9000")
    got = wait_result(page, base + "/landscape.jpg?w=9000")
    checks.record("error", got is not None and got["status"] == "400" and bool(got["error"]),
                  f"landscape.jpg?w=9000 -> {got['error']}" if got else f"no answer in {WAIT} s")

    # (c) an upload: POST /resize with the same query
    type_into(page, "w", "150")
    wait_result(page, base + "/landscape.jpg?w=150")
    node = page.call("DOM.querySelector", {"nodeId": page.call("DOM.getDocument")["root"]["nodeId"],
                                           "selector": "#file"})["nodeId"]
    page.call("DOM.setFileInputFiles", {"nodeId": node, "files": [os.path.abspath(args.upload)]})
    check_width(checks, "upload", page, base + "/resize?w=150", 150)

    # (d)
    take_screenshot(checks, page, base, os.path.join(args.out, "playground.png"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--devtools", required=True, help="Chromium's --user-data-dir")
    ap.add_argument("--imgedge", required=True)
    ap.add_argument("--upload", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    base = args.imgedge.rstrip("/")
    page_url = base + "/_playground"
    checks = Checks()

    # (a) the page as served
    try:
        with urllib.request.urlopen(page_url, timeout=10) as r:
            ctype = r.headers.get("Content-Type", "")
            size = len(r.read())
            checks.record("page", r.status == 200 and ctype.startswith("text/html"),
                          f"GET /_playground: {r.status} {ctype}, {size} bytes")
    except urllib.error.HTTPError as error:
        checks.record("page", False, f"GET /_playground: {error.code} (is --playground off, or signing on?)")
        return 0 if checks.table() else 1

    try:
        run_page(checks, base, args)
    except (cdp.CDPError, OSError, TimeoutError, KeyError, TypeError) as error:
        checks.record("aborted", False, f"{type(error).__name__}: {error}")
    return 0 if checks.table() else 1


if __name__ == "__main__":
    sys.exit(main())

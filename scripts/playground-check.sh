#!/usr/bin/env bash
# Checks imgedge's /_playground page in real headless Chromium, driven over the DevTools Protocol.
#
#   scripts/playground-check.sh                       # starts imgedge on a free loopback port
#   UPDATE_SCREENSHOT=1 scripts/playground-check.sh   # also writes the screenshot to docs/playground.jpg
#   IMGEDGE_URL=http://127.0.0.1:8095 scripts/playground-check.sh   # use an imgedge already running
#
# Environment:
#   IMGEDGE            imgedge binary (default .build/release/imgedge, then .build/debug/imgedge);
#                      the page is compiled into it, so rebuild after editing playground.html
#   IMGEDGE_URL        an imgedge already serving TestImages/ with the playground on (then none is started)
#   PORT               port for the imgedge this script starts (default: a free one)
#   OUT                scratch/output dir (default /tmp/playground-check): logs, profile, playground.png
#   CHECK_TIMEOUT      seconds for the whole browser run (default 120)
#   UPDATE_SCREENSHOT=1  write $OUT/playground.png to docs/playground.jpg (JPEG q82, with vips) when every check passed
#   INSTALL=1          apt-get install chromium if missing
#
# scripts/playground-check/check.py (Python 3 stdlib, with its own small WebSocket/CDP client in
# cdp.py) opens the page in a Chromium started with --remote-debugging-port=0, types into the
# controls and waits on the page's hooks (#result-info data-url/data-status/data-width); see its
# docstring for the checks. Exits 1 if any check failed, 2 if it could not run.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HERE=$ROOT/scripts/playground-check
OUT=${OUT:-/tmp/playground-check}
CHECK_TIMEOUT=${CHECK_TIMEOUT:-120}
ORIGIN=$ROOT/TestImages
START=$(date +%s)

mkdir -p "$OUT"
rm -rf "$OUT"/profile "$OUT"/playground.png "$OUT"/*.log

# Processes this script starts, stopped on exit; start_bg, stop_group, wait_for, free_port, healthy, start_imgedge.
. "$ROOT/scripts/processes.sh"

# ---- chromium
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ] && [ "${INSTALL:-0}" = 1 ]; then
  apt-get install -y chromium >"$OUT/apt.log" 2>&1 || { apt-get update >>"$OUT/apt.log" 2>&1 && apt-get install -y chromium >>"$OUT/apt.log" 2>&1; }
  CHROMIUM=$(command -v chromium || true)
fi
[ -n "$CHROMIUM" ] || { echo "chromium not found (apt-get install -y chromium, or INSTALL=1)" >&2; exit 2; }

# ---- imgedge
start_imgedge --modules "$ROOT/Modules/build"
echo "imgedge:  $IMGEDGE_URL (${IMGEDGE:-already running})"

start_bg "$OUT/chromium.log" "$CHROMIUM" --headless=new --no-sandbox --disable-gpu --no-first-run \
  --no-default-browser-check --disable-background-networking --disable-component-update --disable-sync \
  --disable-extensions --disable-dev-shm-usage --metrics-recording-only --mute-audio --hide-scrollbars \
  --window-size=1280,900 --user-data-dir="$OUT/profile" --remote-debugging-port=0 about:blank
echo "chromium: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"

rc=0
timeout -k 5 "$CHECK_TIMEOUT" python3 "$HERE/check.py" --devtools "$OUT/profile" --imgedge "$IMGEDGE_URL" \
  --upload "$ORIGIN/portrait.jpg" --out "$OUT" || rc=$?
[ $rc = 124 ] && echo "FAIL: the browser run took over $CHECK_TIMEOUT s (see $OUT/chromium.log)" >&2

if [ $rc = 0 ] && [ "${UPDATE_SCREENSHOT:-0}" = 1 ]; then
  mkdir -p "$ROOT/docs"
  vips copy "$OUT/playground.png" "$ROOT/docs/playground.jpg[Q=82,strip]"
  echo "screenshot written to docs/playground.jpg"
fi
echo "playground-check: $(( $(date +%s) - START )) s, exit $rc"
exit $rc

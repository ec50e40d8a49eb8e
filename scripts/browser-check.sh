#!/usr/bin/env bash
# Checks with real headless browsers (Chromium, Firefox ESR) that what imgedge sends decodes to the
# right pixels, alpha included.
#
#   scripts/browser-check.sh            # starts imgedge on a free loopback port
#   IMGEDGE_URL=http://127.0.0.1:8095 scripts/browser-check.sh   # use an imgedge already running
#
# Environment:
#   IMGEDGE          imgedge binary (default .build/release/imgedge, then .build/debug/imgedge)
#   IMGEDGE_URL      an imgedge already serving TestImages/ (then none is started)
#   PORT             port for the imgedge this script starts (default: a free one)
#   BROWSERS         default "chromium firefox"
#   OUT              scratch/output dir (default /tmp/browser-check): results, logs, screenshots,
#                    bytes/BROWSER/ (what each browser was sent, and libvips' decode of it)
#   RESULT_TIMEOUT   seconds to wait for a browser's page to post its results (default 180)
#   SHOT_TIMEOUT     seconds for a screenshot run (default 90)
#   INSTALL=1        apt-get install chromium / firefox-esr if missing
# Needs the `vips` command-line tool (installed with libvips).
#
# The page is served by scripts/browser-check/collector.py (Python 3 stdlib, loopback only), which
# also reverse-proxies every <img> request to imgedge, logs the browser's Accept and the
# Content-Type imgedge answered, and keeps the bytes. For every source the page loads one
# negotiated <img> (no format=) and one forced <img> per format, and posts back for each:
#   - decoded: img.decode() resolved, at the expected naturalWidth x naturalHeight;
#   - pixels: the <img> drawn into a canvas (getImageData), per channel max/mean abs diff against
#     (a) the same bytes decoded by libvips (`vips copy` to PNG, served by the collector) - tight:
#         catches a browser decoding the same file differently (e.g. Chromium expanding AVIF alpha
#         as limited range), and
#     (b) imgedge's own format=png of the same variant - loose: catches a wrong orientation,
#         colour profile or crop.
#     Both are drawn through a canvas in the same browser. Animated outputs (GIF/WebP) are not
#     pixel-compared: the <img> shows whichever frame is current.
# collector.py report prints the table and the limits it applied. Exits 1 if a NEGOTIATED case
# failed any check in any browser (or a browser never reported); forced formats are only reported.
# Screenshots: $OUT/<browser>.png.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HERE=$ROOT/scripts/browser-check
OUT=${OUT:-/tmp/browser-check}
BROWSERS=${BROWSERS:-chromium firefox}
RESULT_TIMEOUT=${RESULT_TIMEOUT:-180}
SHOT_TIMEOUT=${SHOT_TIMEOUT:-90}
ORIGIN=$ROOT/TestImages
START=$(date +%s)

mkdir -p "$OUT"
rm -rf "$OUT"/profile-* "$OUT"/bytes "$OUT"/results-*.json "$OUT"/requests.jsonl "$OUT"/collector.port "$OUT"/*.png "$OUT"/*.log

# Processes this script starts, stopped on exit; start_bg, stop_group, wait_for, free_port, healthy, start_imgedge.
. "$ROOT/scripts/processes.sh"

# ---- browsers
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
FIREFOX=$(command -v firefox-esr || command -v firefox || true)
if [ "${INSTALL:-0}" = 1 ] && { [ -z "$CHROMIUM" ] || [ -z "$FIREFOX" ]; }; then
  apt-get install -y chromium firefox-esr >"$OUT/apt.log" 2>&1 || { apt-get update >>"$OUT/apt.log" 2>&1 && apt-get install -y chromium firefox-esr >>"$OUT/apt.log" 2>&1; }
  CHROMIUM=$(command -v chromium || true); FIREFOX=$(command -v firefox-esr || true)
fi
for b in $BROWSERS; do
  case $b in
    chromium) [ -n "$CHROMIUM" ] || { echo "chromium not found (apt-get install -y chromium, or INSTALL=1)" >&2; exit 2; } ;;
    firefox)  [ -n "$FIREFOX" ] || { echo "firefox-esr not found (apt-get install -y firefox-esr, or INSTALL=1)" >&2; exit 2; } ;;
    *) echo "unknown browser $b" >&2; exit 2 ;;
  esac
done

command -v vips >/dev/null || { echo "vips (libvips command-line tool) not found: apt-get install -y libvips-tools" >&2; exit 2; }

# ---- imgedge
start_imgedge
echo "imgedge: $IMGEDGE_URL (${IMGEDGE:-already running})"

# ---- collector (page + proxy + results)
start_bg "$OUT/collector.log" python3 "$HERE/collector.py" serve --imgedge "$IMGEDGE_URL" --origin "$ORIGIN" --out "$OUT"
wait_for 20 test -s "$OUT/collector.port" || { echo "collector did not start" >&2; cat "$OUT/collector.log" >&2; exit 2; }
PAGE=http://127.0.0.1:$(cat "$OUT/collector.port")/page
echo "page:    $PAGE?browser=NAME"

CHROMIUM_FLAGS=(--headless=new --no-sandbox --disable-gpu --no-first-run --no-default-browser-check
  --disable-background-networking --disable-component-update --disable-sync --disable-extensions
  --disable-dev-shm-usage --metrics-recording-only --mute-audio --hide-scrollbars)

firefox_profile() {
  mkdir -p "$1"
  cat >"$1/user.js" <<'EOF'
user_pref("browser.shell.checkDefaultBrowser", false);
user_pref("browser.startup.homepage_override.mstone", "ignore");
user_pref("browser.aboutwelcome.enabled", false);
user_pref("datareporting.policy.dataSubmissionEnabled", false);
user_pref("datareporting.healthreport.uploadEnabled", false);
user_pref("toolkit.telemetry.reportingpolicy.firstRun", false);
user_pref("app.update.auto", false);
user_pref("app.normandy.enabled", false);
user_pref("browser.safebrowsing.update.enabled", false);
user_pref("browser.safebrowsing.downloads.remote.enabled", false);
user_pref("extensions.update.enabled", false);
user_pref("network.captive-portal-service.enabled", false);
user_pref("network.connectivity-service.enabled", false);
user_pref("browser.newtabpage.enabled", false);
EOF
}

run_browser() {  # run_browser NAME : results pass, then screenshot pass (same profile: images come from cache)
  local b=$1 prof="$OUT/profile-$1" t0
  t0=$(date +%s)
  case $b in
    chromium) start_bg "$OUT/$b.log" "$CHROMIUM" "${CHROMIUM_FLAGS[@]}" --user-data-dir="$prof" "$PAGE?browser=$b" ;;
    firefox)  firefox_profile "$prof"
              start_bg "$OUT/$b.log" env MOZ_HEADLESS=1 "$FIREFOX" --headless -no-remote -profile "$prof" "$PAGE?browser=$b" ;;
  esac
  local pid=$BG_PID
  if wait_for "$RESULT_TIMEOUT" test -s "$OUT/results-$b.json"; then
    echo "$b: results in $(( $(date +%s) - t0 )) s"
  else
    echo "$b: NO results after $RESULT_TIMEOUT s (see $OUT/$b.log)" >&2
  fi
  stop_group "$pid"

  t0=$(date +%s)
  case $b in
    chromium) start_bg "$OUT/$b-shot.log" timeout -k 5 "$SHOT_TIMEOUT" "$CHROMIUM" "${CHROMIUM_FLAGS[@]}" --user-data-dir="$prof" \
                --window-size=1400,1000 --virtual-time-budget=5000 --screenshot="$OUT/$b.png" "$PAGE?browser=$b&shot=1" ;;
    firefox)  start_bg "$OUT/$b-shot.log" timeout -k 5 "$SHOT_TIMEOUT" env MOZ_HEADLESS=1 "$FIREFOX" --headless -no-remote -profile "$prof" \
                --window-size=1400,1000 --screenshot "$OUT/$b.png" "$PAGE?browser=$b&shot=1" ;;
  esac
  pid=$BG_PID
  wait "$pid" || true
  stop_group "$pid"
  if [ -s "$OUT/$b.png" ]; then echo "$b: screenshot $OUT/$b.png ($(( $(date +%s) - t0 )) s)"; else echo "$b: no screenshot (see $OUT/$b-shot.log)" >&2; fi
}

for b in $BROWSERS; do run_browser "$b"; done

rc=0
python3 "$HERE/collector.py" report --origin "$ORIGIN" --out "$OUT" --browsers "$(echo $BROWSERS | tr ' ' ,)" || rc=$?
echo "browser-check: $(( $(date +%s) - START )) s, exit $rc"
exit $rc

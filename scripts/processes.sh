# Sourced by the check scripts: starts background processes (imgedge among them) in their own
# process groups and stops them all when the script exits, however it exits.

GROUPS_TO_KILL=()   # process-group ids of everything this script started (each runs under setsid)
cleanup() {
  local g
  for g in "${GROUPS_TO_KILL[@]}"; do kill -TERM -- "-$g" 2>/dev/null || true; done
  for _ in $(seq 1 20); do
    local alive=0
    for g in "${GROUPS_TO_KILL[@]}"; do kill -0 -- "-$g" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break
    sleep 0.5
  done
  for g in "${GROUPS_TO_KILL[@]}"; do kill -KILL -- "-$g" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_bg LOG CMD... : runs CMD in its own session/process group; sets BG_PID (= its pgid).
start_bg() {
  local log=$1; shift
  setsid "$@" >"$log" 2>&1 </dev/null &
  BG_PID=$!
  GROUPS_TO_KILL+=("$BG_PID")
}
stop_group() {  # stop_group PGID: TERM, up to 10 s, then KILL
  kill -TERM -- "-$1" 2>/dev/null || true
  for _ in $(seq 1 20); do kill -0 -- "-$1" 2>/dev/null || return 0; sleep 0.5; done
  kill -KILL -- "-$1" 2>/dev/null || true
}
# wait_for SECONDS CMD... : polls CMD every 0.5 s until it succeeds or the time is up.
wait_for() {
  local deadline=$(( $(date +%s) + $1 )); shift
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -ge "$deadline" ] && return 1
    sleep 0.5
  done
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
healthy() { python3 - "$1" <<'EOF'
import sys, urllib.request
urllib.request.urlopen(sys.argv[1] + "/healthz", timeout=2).read()
EOF
}

# start_imgedge [FLAG...]: uses the imgedge at $IMGEDGE_URL, or starts $IMGEDGE (default the
# release build, then the debug one) serving $ORIGIN on $PORT (default a free one) with FLAGs;
# waits up to 60 s for /healthz. Sets IMGEDGE_URL; exits 2 if it never becomes healthy.
start_imgedge() {
  if [ -n "${IMGEDGE_URL:-}" ]; then
    IMGEDGE_URL=${IMGEDGE_URL%/}
  else
    if [ -z "${IMGEDGE:-}" ]; then
      for c in "$ROOT/.build/release/imgedge" "$ROOT/.build/debug/imgedge"; do
        [ -x "$c" ] && { IMGEDGE=$c; break; }
      done
    fi
    [ -n "${IMGEDGE:-}" ] && [ -x "$IMGEDGE" ] || { echo "no imgedge binary: swift build --product imgedge, or set IMGEDGE=path" >&2; exit 2; }
    PORT=${PORT:-$(free_port)}
    IMGEDGE_URL=http://127.0.0.1:$PORT
    start_bg "$OUT/imgedge.log" "$IMGEDGE" serve --host 127.0.0.1 --port "$PORT" --origin "$ORIGIN" "$@"
  fi
  wait_for 60 healthy "$IMGEDGE_URL" || { echo "imgedge at $IMGEDGE_URL not healthy after 60 s" >&2; tail -20 "$OUT/imgedge.log" 2>/dev/null >&2; exit 2; }
}

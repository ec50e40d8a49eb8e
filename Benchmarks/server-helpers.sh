# Sourced by the benchmarks that start servers on loopback: finding a port, waiting for a server
# to answer, stopping it by PID.

# Stops the server whose PID is in the named variable, and forgets it.
stop() {
    [[ -n "${!1:-}" ]] || return 0
    kill "${!1}" 2>/dev/null || true
    wait "${!1}" 2>/dev/null || true
    printf -v "$1" '%s' ""
}

# The first port from $1 up that nothing on loopback listens on.
free_port() {
    local port=$1
    while (: <"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
    echo "$port"
}

# Waits until `url` answers 200, failing if the server's process `pid` has exited or 30 s pass.
wait_ready() {
    local name=$1 pid=$2 url=$3
    for _ in $(seq 300); do
        curl -sf -o /dev/null "$url" && return 0
        kill -0 "$pid" 2>/dev/null || { echo "$name exited at startup (see its messages above)" >&2; exit 1; }
        sleep 0.1
    done
    echo "$name did not answer $url within 30 s" >&2
    exit 1
}

# Starts thumbor 7.8 from the venv `venv` (Benchmarks/python-venv.sh) on loopback port `port` with
# its defaults (JPEG q80), loading originals from the directory `root`, storing nothing and
# caching no result, and waits until it answers; its PID is left in THUMBOR_PID. Its
# configuration is written into the directory `work`.
start_thumbor() {
    local venv=$1 root=$2 port=$3 work=$4
    cat >"$work/thumbor.conf" <<CONF
LOADER = 'thumbor.loaders.file_loader'
FILE_LOADER_ROOT_PATH = '$root'
STORAGE = 'thumbor.storages.no_storage'
RESULT_STORAGE = None
CONF
    "$venv/bin/thumbor" --ip 127.0.0.1 --port "$port" --conf "$work/thumbor.conf" --log-level error &
    THUMBOR_PID=$!
    wait_ready thumbor "$THUMBOR_PID" "http://127.0.0.1:$port/healthcheck"
}

# The pids of process `pid`'s live children (an imgedge server's worker processes).
children() { awk -v p="$1" '$4 == p { print $1 }' /proc/[0-9]*/stat 2>/dev/null || true; }

# CPU milliseconds (utime + stime) of process `pid`, of the children it has collected, and of
# its live children.
cpu_ms() {
    local ticks total each
    ticks=$(getconf CLK_TCK)
    total=$(awk -v t="$ticks" '{ print ($14 + $15 + $16 + $17) * 1000 / t }' "/proc/$1/stat")
    for each in $(children "$1"); do
        total=$(awk -v t="$ticks" -v s="$total" '{ print s + ($14 + $15) * 1000 / t }' "/proc/$each/stat" 2>/dev/null || echo "$total")
    done
    echo "$total"
}

# Process `pid`'s peak resident memory (VmHWM), as "N kB".
peak_rss() { awk '/VmHWM/ { print $2, $3 }' "/proc/$1/status"; }

# The CPU milliseconds per image that process `pid` (with its workers) spends on `url`, under
# wrk -t2 -c4 for $SECONDS_PER_RUN seconds with every request distinct
# (Benchmarks/distinct-requests.lua), wrk's output kept in $WORK.
ms_per_image() {
    local pid=$1 url=$2 before after requests
    curl -sf "$url" >/dev/null   # warm-up
    before=$(cpu_ms "$pid")
    wrk -t2 -c4 -d"${SECONDS_PER_RUN}s" -s Benchmarks/distinct-requests.lua "$url" >"$WORK/wrk.txt"
    if grep -q "Non-2xx" "$WORK/wrk.txt"; then cat "$WORK/wrk.txt" >&2; exit 1; fi
    requests=$(awk '/requests in/ { print $1 }' "$WORK/wrk.txt")
    # wrk's last requests are cut off, and a worker process running one is killed: once the
    # server has collected it, its CPU is in the children's total (its replacement's start-up too).
    sleep 1
    after=$(cpu_ms "$pid")
    awk -v a="$after" -v s="$before" -v n="$requests" 'BEGIN { printf "%.1f", (a - s) / n }'
}

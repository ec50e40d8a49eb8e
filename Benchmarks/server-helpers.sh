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

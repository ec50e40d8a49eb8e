#!/usr/bin/env python3
"""Every hostile client of issue 26 at once against one imgedge, and a legitimate client beside them.

Usage: adversary.py PORT PID SECONDS [ATTACK,...]

The server on 127.0.0.1:PORT (process PID) serves TestImages/ with the filter modules. The
attackers connect from 127.0.0.2, the legitimate client from 127.0.0.1. For SECONDS:
  stalled uploads   12 POST /resize with Content-Length 1 MB, 16 bytes sent, then nothing;
                    each re-opened when the server closes it
  pipelining        one connection sending GETs of a cached variant, 500 a write, never reading;
                    re-opened when closed
  half heads        200 connections each holding half a request head, re-opened when closed
  QOI uploads       4 at a time, valid 3900x3900 QOI (transform=qoi), 245 KB each
  big encodes       large-20mp.jpg at 8192x4882, WebP q100, one at a time
  key churn         tiny.png?format=thumbhash&w=N for ever new N
The optional last argument names the attacks to run (stalled, pipelining, half-heads, qoi,
big-encode, key-churn); all by default.
The legitimate client meanwhile asks for a hit and a miss (a new width each time) in turn. It
prints the legitimate client's success rate and p50/p99 for hits and misses, the server's peak
RSS and its RSS once the attackers have stopped, and exits 1 if a legitimate request failed, a
hit's p99 passed 50 ms, RSS passed 512 MB, or it was not back within 100 MB of its resting level
30 s after the attack.
"""

import multiprocessing
import os
import socket
import struct
import sys
import threading
import time

ATTACKER = "127.0.0.2"
CLIENT = "127.0.0.1"
HIT = "/landscape.jpg?w=320&format=jpeg"
ATTACKS = ("stalled", "pipelining", "half-heads", "qoi", "big-encode", "key-churn")
LIMITS = {"hit_p99_ms": 50.0, "rss_mb": 512.0, "rss_back_mb": 100.0, "rss_back_seconds": 30.0}


def connect(port, source, timeout=10.0):
    connection = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    connection.settimeout(timeout)
    connection.bind((source, 0))
    connection.connect(("127.0.0.1", port))
    return connection


def read_response(connection):
    """Status and body of one response on `connection` (Content-Length framed)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            raise ConnectionError("closed before the head")
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = connection.recv(65536)
        if not chunk:
            raise ConnectionError("closed inside the body")
        body += chunk
    return status, body[:length]


def request(port, target, source=CLIENT, timeout=30.0):
    connection = connect(port, source, timeout)
    try:
        connection.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\nAccept: image/jpeg\r\n\r\n".encode())
        return read_response(connection)
    finally:
        connection.close()


def qoi(width, height):
    """A valid QOI image of one colour: a header, the colour, then runs of 62 pixels."""
    pixels = width * height
    body = bytearray(b"qoif" + struct.pack(">IIBB", width, height, 4, 0))
    body += bytes([0xFF, 200, 100, 50, 255])  # QOI_OP_RGBA
    remaining = pixels - 1
    body += bytes([0xC0 | 61]) * (remaining // 62)
    if remaining % 62:
        body += bytes([0xC0 | (remaining % 62 - 1)])
    return bytes(body + b"\x00" * 7 + b"\x01")


class Attack(threading.Thread):
    """Runs `step` over and over until `stop` is set, swallowing what the server does to it."""

    def __init__(self, name, stop, step):
        super().__init__(name=name, daemon=True)
        self.stop, self.step = stop, step

    def run(self):
        while not self.stop.is_set():
            try:
                self.step()
            except OSError:
                time.sleep(0.05)


def stalled_upload(port, stop):
    connection = connect(port, ATTACKER)
    connection.sendall(b"POST /resize?w=10 HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n0123456789abcdef")
    while not stop.is_set() and connection.recv(65536):
        pass
    connection.close()


def pipelining(port, stop):
    connection = connect(port, ATTACKER)
    burst = f"GET {HIT} HTTP/1.1\r\nHost: x\r\n\r\n".encode() * 500
    connection.settimeout(1.0)
    try:
        while not stop.is_set():
            try:
                connection.sendall(burst)
            except socket.timeout:
                pass
    finally:
        connection.close()


def half_heads(port, stop):
    held = []
    for _ in range(200):
        try:
            connection = connect(port, ATTACKER, timeout=2.0)
            connection.sendall(b"GET /landscape.jpg HTTP/1.1\r\nHost: x\r\nUser-Ag")
            held.append(connection)
        except OSError:
            break
    deadline = time.monotonic() + 2.0
    while not stop.is_set() and time.monotonic() < deadline:
        time.sleep(0.1)
    for connection in held:
        connection.close()


def qoi_upload(port, body):
    connection = connect(port, ATTACKER, timeout=30.0)
    try:
        connection.sendall(
            f"POST /resize?transform=qoi&w=100&format=jpeg HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n\r\n".encode()
            + body)
        read_response(connection)
    finally:
        connection.close()


def big_encode(port):
    request(port, "/large-20mp.jpg?w=8192&h=4882&fit=fill&format=webp&q=100", source=ATTACKER, timeout=60.0)


def key_churn(port, counter):
    counter[0] += 1
    request(port, f"/tiny.png?format=thumbhash&w={counter[0] % 4000 + 1}", source=ATTACKER)


def attack(port, stop_signal, names):
    """The attackers `names` on threads of this process, until `stop_signal` is set.

    The process runs at nice 10: a real attacker spends its own machine's CPU, not the server's,
    so here it must not take the cores from the server and the legitimate client either.
    """
    os.nice(10)
    stop = threading.Event()
    qoi_body = qoi(3900, 3900)
    churn = [0]
    kinds = {
        "stalled": [Attack(f"stalled-{i}", stop, lambda: stalled_upload(port, stop)) for i in range(12)],
        "pipelining": [Attack("pipelining", stop, lambda: pipelining(port, stop))],
        "half-heads": [Attack("half-heads", stop, lambda: half_heads(port, stop))],
        "qoi": [Attack(f"qoi-{i}", stop, lambda: qoi_upload(port, qoi_body)) for i in range(4)],
        "big-encode": [Attack("big-encode", stop, lambda: big_encode(port))],
        "key-churn": [Attack("key-churn", stop, lambda: key_churn(port, churn))],
    }
    attacks = [thread for name in names for thread in kinds[name]]
    for thread in attacks:
        thread.start()
    stop_signal.wait()
    stop.set()
    for thread in attacks:
        thread.join(timeout=5)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


def resident_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main():
    port, pid, seconds = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    names = sys.argv[4].split(",") if len(sys.argv) > 4 else list(ATTACKS)
    unknown = [name for name in names if name not in ATTACKS]
    if unknown:
        print(f"unknown attacks {unknown}; known: {', '.join(ATTACKS)}")
        return 2
    status, _ = request(port, HIT)  # warms the hit
    if status != 200:
        print(f"the hit {HIT} answered {status} before the attack")
        return 1
    rest_mb = resident_mb(pid)
    # The attackers run in a process of their own, so that the legitimate client's timings are
    # not its wait for Python's interpreter lock.
    stop = multiprocessing.Event()
    attackers = multiprocessing.Process(target=attack, args=(port, stop, names), daemon=True)
    attackers.start()

    # Hits and misses on threads of their own, so that a slow miss delays no hit's sample.
    hits, misses, failures, peak = [], [], [], [rest_mb]
    end = time.monotonic() + seconds

    def legitimate(kind, targets, pause):
        for target in targets:
            if time.monotonic() >= end:
                return
            start = time.monotonic()
            try:
                status, _ = request(port, target)
            except OSError as error:
                status = str(error)
            (hits if kind == "hit" else misses).append((time.monotonic() - start) * 1000)
            if status != 200:
                failures.append(f"{kind} {target}: {status}")
            time.sleep(pause)

    def repeated(target):
        while True:
            yield target

    def widths():
        width = 100
        while True:
            yield f"/landscape.jpg?w={width}&format=jpeg"
            width = width + 1 if width < 1200 else 100

    clients = [
        threading.Thread(target=legitimate, args=("hit", repeated(HIT), 0.02)),
        threading.Thread(target=legitimate, args=("miss", widths(), 0.0)),
    ]
    for client in clients:
        client.start()
    while time.monotonic() < end:
        peak[0] = max(peak[0], resident_mb(pid))
        time.sleep(0.1)
    for client in clients:
        client.join()
    peak_mb = peak[0]
    stop.set()
    attackers.join(timeout=10)
    settle_end = time.monotonic() + LIMITS["rss_back_seconds"]
    after_mb = resident_mb(pid)
    while after_mb > rest_mb + LIMITS["rss_back_mb"] and time.monotonic() < settle_end:
        time.sleep(0.5)
        after_mb = resident_mb(pid)
    settled_in = LIMITS["rss_back_seconds"] - max(0.0, settle_end - time.monotonic())

    total = len(hits) + len(misses)
    print(f"legitimate requests: {total - len(failures)}/{total} succeeded")
    print(f"hits:   {len(hits)}, p50 {percentile(hits, 0.5):.1f} ms, p99 {percentile(hits, 0.99):.1f} ms")
    print(f"misses: {len(misses)}, p50 {percentile(misses, 0.5):.1f} ms, p99 {percentile(misses, 0.99):.1f} ms")
    print(f"server RSS: {rest_mb:.0f} MB at rest, {peak_mb:.0f} MB at peak, {after_mb:.0f} MB {settled_in:.1f} s after the attack")
    for failure in failures[:10]:
        print(f"  failed: {failure}")
    problems = []
    if failures:
        problems.append(f"{len(failures)} legitimate requests failed")
    if percentile(hits, 0.99) > LIMITS["hit_p99_ms"]:
        problems.append(f"hit p99 over {LIMITS['hit_p99_ms']:.0f} ms")
    if peak_mb > LIMITS["rss_mb"]:
        problems.append(f"RSS over {LIMITS['rss_mb']:.0f} MB")
    if after_mb > rest_mb + LIMITS["rss_back_mb"]:
        problems.append(f"RSS not back within {LIMITS['rss_back_mb']:.0f} MB of rest {LIMITS['rss_back_seconds']:.0f} s after")
    print("PASS" if not problems else "FAIL: " + "; ".join(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

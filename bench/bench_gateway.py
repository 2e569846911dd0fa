#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""klefr-gateway measured against emulated buses with real byte timing
(klefr-meterd --baud-timing) and a local mosquitto:

  * cycle time for a full reading of every meter, as a percentage of the
    wire limit of the same transactions. Two limits: the emulated line's
    (klefr-meterd times its answers at the baud rate, but a request crosses
    the pty at once and the slave answers without waiting for a silence, so
    the limit is every answer byte at the character time plus, on Modbus,
    the t3.5 the master keeps before each request), and a real bus's
    (request and answer bytes, and the silence before and after each
    answer). The gateway's overhead is the cycle time minus the first; the
    second percentage is what that overhead costs on a real line;
  * the gateway's RSS and CPU time per reading;
  * latency from the end of a response on the bus (the reading's
    timestamp) to the message at a subscriber.

Usage: bench/bench_gateway.py BUILD_DIR [--meters 32] [--cycles 3]
       [--protocol modbus|mbus|both]
Not a test: it prints numbers (doc/gateway.md has the last ones)."""
import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import paho.mqtt.client as paho

ap = argparse.ArgumentParser()
ap.add_argument("build")
ap.add_argument("--meters", type=int, default=32)
ap.add_argument("--cycles", type=int, default=3)
ap.add_argument("--protocol", default="both")
args = ap.parse_args()
GW = os.path.join(args.build, "tools/gateway/klefr-gateway")
METERD = os.path.join(args.build, "tools/meterd/klefr-meterd")
KLEFR = os.path.join(args.build, "tools/klefr/klefr")
TMP = tempfile.mkdtemp(prefix="klefr-gw-bench-")
procs = []


def start(args_, name):
    p = subprocess.Popen(args_, stdout=open(os.path.join(TMP, name + ".out"), "w"),
                         stderr=open(os.path.join(TMP, name + ".err"), "w"),
                         stdin=subprocess.DEVNULL)
    procs.append(p)
    return p


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_file_line(path, prefix, timeout=10):
    end = time.time() + timeout
    while time.time() < end:
        if os.path.exists(path):
            for line in open(path):
                if line.startswith(prefix):
                    return line[len(prefix):].strip()
        time.sleep(0.05)
    sys.exit("no '%s' in %s" % (prefix, path))


def cpu_rss(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    rss = 0
    for line in open("/proc/%d/status" % pid):
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1])
    return cpu, rss


def run(protocol):
    n = args.meters
    port = free_port()
    conf = os.path.join(TMP, "mosquitto.conf")
    with open(conf, "w") as f:
        f.write("listener %d 127.0.0.1\nallow_anonymous true\n%s\n"
                % (port, "user root" if os.getuid() == 0 else ""))
    broker = start([shutil.which("mosquitto") or "/usr/sbin/mosquitto", "-c", conf], "broker")
    time.sleep(0.5)
    model = "6914" if protocol == "modbus" else "6913"
    meters = []
    for i in range(1, n + 1):
        meters += ["--meter", "%s:%d" % (model, i)]
    md = start([METERD, "--baud-timing", "--tick", "1"] + meters, "meterd-" + protocol)
    bus = wait_file_line(os.path.join(TMP, "meterd-%s.out" % protocol), "bus: ")
    baud = 9600
    if protocol == "mbus":
        # The meters answer at 9600 out of the box: 2400 is set over the bus.
        baud = 2400
        for i in range(1, n + 1):
            subprocess.run([KLEFR, "write", "--port", bus, "--protocol", "mbus", "--baud",
                            "9600", "--id", str(i), "baud_rate", "2400"], check=True,
                           capture_output=True)
    gwconf = os.path.join(TMP, "gw-%s.conf" % protocol)
    with open(gwconf, "w") as f:
        f.write("[gateway]\nid = bench\nqueue = %s/queue-%s\nqueue_fsync = false\n"
                "[mqtt]\nhost = 127.0.0.1\nport = %d\ndiscovery = false\n"
                "[bus b]\nport = %s\nprotocol = %s\nbaud = %d\nmeters = %s\ninterval = 0\n"
                % (TMP, protocol, port, bus, protocol, baud,
                   ", ".join(str(i) for i in range(1, n + 1))))
    lat, statuses, lock = [], [], threading.Lock()

    def on_message(c, u, m):
        now = time.time()
        payload = json.loads(m.payload)
        with lock:
            if m.topic.endswith("/state"):
                t = payload["timestamp"]
                ts = time.mktime(time.strptime(t[:19], "%Y-%m-%dT%H:%M:%S")) - time.timezone
                lat.append(now - ts - int(t[20:23]) / 1000.0)
            elif m.topic.endswith("/status") and "/bus/" in m.topic:
                statuses.append((now, payload))
    sub = paho.Client()
    sub.on_message = on_message
    sub.connect("127.0.0.1", port)
    sub.subscribe([("klefr/+/state", 1), ("klefr/gateway/bench/bus/+/status", 1)])
    sub.loop_start()
    gw = start([GW, "-c", gwconf], "gw-" + protocol)
    # Warm-up: the first cycle reads the identification too.
    while True:
        with lock:
            full = [s for _, s in statuses if s["readings"] >= n]
        if full:
            break
        time.sleep(0.2)
    cpu0, _ = cpu_rss(gw.pid)
    with lock:
        lat.clear()
        base = statuses[-1][1]
    target = base["readings"] + n * args.cycles
    while True:
        with lock:
            last = statuses[-1][1]
        if last["readings"] >= target:
            break
        time.sleep(0.2)
    cpu1, rss = cpu_rss(gw.pid)
    gw.send_signal(signal.SIGTERM)
    gw.wait()
    sub.loop_stop()
    # Each status follows one cycle over every meter: the last full ones.
    with lock:
        cyc = [s for _, s in statuses if s["readings"] > base["readings"]]
        lats = sorted(lat)
    cycles = [(a, b) for a, b in zip(cyc, cyc[1:]) if b["readings"] - a["readings"] == n]
    if not cycles:
        cycles = [(base, cyc[-1])]
    char_us = 1e6 * 11 / baud  # 8E1: start, 8 data, parity, stop
    results = []
    if protocol == "modbus":
        gap_us = 3.5 * char_us if baud <= 19200 else 1750
    else:
        gap_us = 11 * 1e6 / baud
    for a, b in cycles:
        tr = b["transactions"] - a["transactions"]
        tx = b["bytes_tx"] - a["bytes_tx"]
        rx = b["bytes_rx"] - a["bytes_rx"]
        emulated = (rx * char_us + (tr * gap_us if protocol == "modbus" else 0)) / 1e6
        real = ((tx + rx) * char_us + 2 * tr * gap_us) / 1e6
        results.append((b["last_cycle_s"], emulated, real, tr, tx + rx))
    cycle_s = statistics.median(r[0] for r in results)
    limit_s = statistics.median(r[1] for r in results)
    real_s = statistics.median(r[2] for r in results)
    overhead = cycle_s - limit_s
    readings = target - base["readings"]
    print("%s: %d x %s at %d baud, --baud-timing" % (protocol, n, model, baud))
    print("  full reading of every meter: %.3f s per cycle (%d transactions, %d bytes)"
          % (cycle_s, results[0][3], results[0][4]))
    print("  emulated line's limit %.3f s -> %.1f %% of it; gateway overhead %.1f ms per cycle"
          % (limit_s, 100 * limit_s / cycle_s, 1000 * overhead))
    print("  real bus: limit %.3f s; with that overhead %.1f %% of it"
          % (real_s, 100 * real_s / (real_s + max(overhead, 0))))
    print("  gateway: RSS %d KiB, CPU %.3f ms per reading (%d readings)"
          % (rss, 1000 * (cpu1 - cpu0) / readings, readings))
    if lats:
        print("  latency end of response -> subscriber: median %.1f ms, p95 %.1f ms, max %.1f ms"
              % (1000 * statistics.median(lats), 1000 * lats[int(0.95 * (len(lats) - 1))],
                 1000 * lats[-1]))
    md.send_signal(signal.SIGTERM)
    md.wait()
    broker.send_signal(signal.SIGTERM)
    broker.wait()


try:
    for p in (["modbus", "mbus"] if args.protocol == "both" else [args.protocol]):
        run(p)
finally:
    for p in procs:
        if p.poll() is None:
            p.kill()
    shutil.rmtree(TMP, ignore_errors=True)

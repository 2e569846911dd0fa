#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""SIGKILL klefr-meterd at random moments while energy integrates fast
(--speed), restart it on the same store, and check that no counter went
backwards: the forward active energy read before each kill (through the
control socket, which reads like a master would) is never more than what
the restarted meter shows, and each kill counts as one power outage.
Usage: sigkill_never_loses_counted_energy.py KLEFR_METERD"""
import os
import random
import re
import signal
import socket
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from spawn import start_meterd  # noqa: E402


def start(meterd, store, ctl):
    # The control socket listens before the ports are printed.
    return start_meterd(meterd, "--model", "6914", "--load", "230,40,0,50", "--speed", "2000",
                        "--store", store, "--control", ctl)


def command(ctl, cmd):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(ctl)
    s.sendall((cmd + "\n").encode())
    reply = b""
    while not reply.endswith(b"\n"):
        chunk = s.recv(4096)
        if not chunk:
            break
        reply += chunk
    s.close()
    return reply.decode().strip()


def counters(ctl):
    r = command(ctl, "values")
    assert r.startswith("ok"), r
    q = int(re.search(r"forward_q10wh=(\d+)", r).group(1))
    pd = int(re.search(r"power_down_counter=(\d+)", r).group(1))
    return q, pd


def main():
    meterd = sys.argv[1]
    rnd = random.Random(6914)
    with tempfile.TemporaryDirectory() as tmp:
        store = os.path.join(tmp, "store")
        ctl = os.path.join(tmp, "ctl")
        proc = start(meterd, store, ctl)
        last_q, last_pd = counters(ctl)
        try:
            for cycle in range(8):
                # 9.2 kW x 2000: one 10 Wh quantum every 2 ms of real time.
                time.sleep(rnd.uniform(0.05, 0.3))
                q, pd = counters(ctl)
                assert q >= last_q, (q, last_q)
                time.sleep(rnd.uniform(0.0, 0.05))
                proc.proc.send_signal(signal.SIGKILL)
                proc.proc.wait()
                proc.stop()
                proc = start(meterd, store, ctl)
                q2, pd2 = counters(ctl)
                print("cycle %d: before kill %d x 10 Wh (outages %d), after restart %d (outages %d)"
                      % (cycle, q, pd, q2, pd2))
                assert q2 >= q, "energy went backwards: %d < %d" % (q2, q)
                assert pd2 == pd + 1, "outage not counted once: %d -> %d" % (pd, pd2)
                last_q, last_pd = q2, pd2
            # An orderly stop (SIGTERM) is a power down too: counted once.
            rc = proc.stop()
            assert rc == 0, rc
            proc = start(meterd, store, ctl)
            q3, pd3 = counters(ctl)
            assert q3 >= last_q and pd3 == last_pd + 1, (q3, last_q, pd3, last_pd)
        finally:
            proc.stop()
    print("pass")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Issue 11: --speed makes metrology time run N times faster, while
protocol time stays real (doc/klefr-meterd.md, "Time"). At --speed 1000 a
programming session paused for 6 s (100 minutes of metrology) must still
answer R1, and the 15-minute password lockout must still hold after 12 s
(3.3 hours of metrology); meanwhile the energy has grown about 1000 times
faster than the load gives in real time (230 V, 5 A: 1.15 kW).
Usage: speed_accelerates_metrology_not_protocol_timers.py KLEFR_METERD"""
import os
import re
import socket
import sys
import tempfile
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "lib"))
sys.path.insert(0, here)
from spawn import start_meterd  # noqa: E402
from iec_client import IrPort, block_text  # noqa: E402

ACK = b"\x06"
ER01 = "(ER01)"
ER02 = "(ER02)"


def control(path, line):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.connect(path)
        s.sendall(line.encode() + b"\n")
        reply = b""
        while not reply.endswith(b"\n"):
            chunk = s.recv(4096)
            if not chunk:
                break
            reply += chunk
    return reply.decode().strip()


def energy(ctl):
    values = control(ctl, "values")
    return float(re.search(r"forward_active_energy=([0-9.]+)kWh", values).group(1))


def main():
    tmp = tempfile.mkdtemp(prefix="klefr-speed-")
    ctl = os.path.join(tmp, "ctl")
    proc = start_meterd(sys.argv[1], "--model", "6914", "--ir", "pty", "--speed", "1000",
                        "--load", "230,5,0,50", "--control", ctl)
    port = IrPort(proc.ir)
    try:
        start = time.monotonic()
        kwh0 = energy(ctl)
        port.programming()
        assert port.ask("P1", "(0000)") == ACK
        time.sleep(6)
        text = block_text(port.ask("R1", "128.1.4()"))
        print("R1 after a 6 s pause: %r" % text)
        assert text == "128.1.4(10*s)", "the session died during the pause: %r" % text
        port.send(b"\x01B0\x03\x71")
        time.sleep(0.5)

        port.programming()
        answers = [block_text(port.ask("P1", "(1234)")) for _ in range(3)]
        assert answers == [ER01, ER01, ER02], answers
        port.send(b"\x01B0\x03\x71")
        time.sleep(12)
        port.programming()
        text = block_text(port.ask("P1", "(0000)"))
        print("P1 12 s after the lock: %r" % text)
        assert text == ER02, "the 15-minute lock opened after 12 s: %r" % text
        port.send(b"\x01B0\x03\x71")

        kwh = energy(ctl) - kwh0
        real = time.monotonic() - start
        at_speed = 1.15 * 1000 * real / 3600
        print("%.2f kWh in %.1f s real (%.2f kWh at 1000 x 1.15 kW)" % (kwh, real, at_speed))
        assert kwh > 0.8 * at_speed and kwh < 1.05 * at_speed + 0.02, kwh
    finally:
        port.close()
        proc.stop()
    print("pass")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Round trips per second host -> QEMU: a 2-register Modbus read (FC03 of
0x4000, the serial number) to the 6914 image over its bus pseudo-terminal,
one request at a time, N times.
Usage: KLEFR_FW_IMAGES=DIR bench_qemu_modbus.py [N]   (DIR: the folder of
klefr-6914.elf, e.g. build/firmware)"""
import os
import select
import subprocess
import sys
import time
import tty

here = os.path.dirname(os.path.abspath(__file__))
n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
req = bytes.fromhex("010340000002d1cb")
proc = subprocess.Popen([sys.executable, os.path.join(here, "..", "tests", "qemu", "qemu_meterd.py"),
                         "--model", "6914"], stdout=subprocess.PIPE, text=True)
try:
    bus = proc.stdout.readline().split(" ", 1)[1].strip()
    fd = os.open(bus, os.O_RDWR | os.O_NOCTTY)
    tty.setraw(fd)
    times = []
    for i in range(n):
        t0 = time.perf_counter()
        os.write(fd, req)
        got = b""
        while len(got) < 9:
            if not select.select([fd], [], [], 2.0)[0]:
                sys.exit("no answer to request %d" % i)
            got += os.read(fd, 64)
        times.append(time.perf_counter() - t0)
        assert got[:3] == b"\x01\x03\x04", got
    times.sort()
    total = sum(times)
    print("%d round trips of a 2-register read: %.0f per second, median %.2f ms, p99 %.2f ms"
          % (n, n / total, times[n // 2] * 1e3, times[int(n * 0.99)] * 1e3))
finally:
    proc.terminate()
    proc.wait()

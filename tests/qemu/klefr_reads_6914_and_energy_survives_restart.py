#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The issue's closing check: `klefr read --port <qemu pty> --protocol
modbus --id 1` returns the values of the emulated 6914 microcontroller
(serial number, meter code, the voltage set on its control UART). Then:
the energy counted survives a QEMU restart on the same EEPROM file, the
orderly stop counts one power-down, and the stack high-water mark after
Modbus, IR and control traffic stays 64 bytes inside the stack the image
has (firmware/mps2/stack.c).
Usage: klefr_reads_6914_and_energy_survives_restart.py QEMU_METERD KLEFR"""
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from spawn import start_meterd  # noqa: E402


def command(ctl, line):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(10)
        s.connect(ctl)
        s.sendall(line.encode() + b"\n")
        buf = b""
        while not buf.endswith(b"\n"):
            data = s.recv(4096)
            if not data:
                break
            buf += data
    return buf.decode().strip()


def field(reply, name):
    m = re.search(r"\b%s=(-?\d+)" % name, reply)
    assert m, "%s missing in %r" % (name, reply)
    return int(m.group(1))


def klefr(cli, *args):
    r = subprocess.run([cli] + list(args), capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, "klefr %s: exit %d\n%s%s" % (" ".join(args), r.returncode,
                                                           r.stdout, r.stderr)
    return r.stdout


def main():
    meterd, cli = sys.argv[1:3]
    with tempfile.TemporaryDirectory() as tmp:
        store, ctl = os.path.join(tmp, "eeprom.bin"), os.path.join(tmp, "ctl")
        args = ["--model", "6914", "--ir", "pty", "--load", "253,45,0,50", "--speed", "1000",
                "--store", store, "--control", ctl]
        proc = start_meterd(meterd, *args)
        try:
            # --meter-speed: the reading checks allow energy to grow 1000 times
            # faster than a real meter's maximum power permits.
            d = json.loads(klefr(cli, "read", "--port", proc.bus, "--protocol", "modbus",
                                 "--id", "1", "--json", "--meter-speed", "1000"))
            v = d["values"]
            print("modbus: serial %s, meter code %s, %s V" % (v["serial_number"],
                                                             v["meter_code"], v["voltage"]))
            assert v["serial_number"] == 17060518 and v["meter_code"] == 6914, v
            assert v["voltage"] == 253, v
            d = json.loads(klefr(cli, "read", "--port", proc.ir, "--protocol", "iec", "--json",
                                 "--meter-speed", "1000"))
            assert d["values"]["meter_code"] == 6914, d
            time.sleep(1.0)  # 11.4 kW x 1000: about 300 quanta of 10 Wh
            before = command(ctl, "values")
            q1, pd1 = field(before, "forward_q10wh"), field(before, "power_down_counter")
            assert q1 > 0, before
            info = command(ctl, "info")
            used, size = field(info, "stack_used"), field(info, "stack_size")
            print("stack high-water %d of %d bytes" % (used, size))
            assert used <= size - 64, info
        finally:
            proc.stop()  # SIGTERM: quit, an orderly power down
        proc = start_meterd(meterd, *args)
        try:
            after = command(ctl, "values")
            q2, pd2 = field(after, "forward_q10wh"), field(after, "power_down_counter")
            print("forward active before the restart %d x 10 Wh, after %d; power-downs %d -> %d"
                  % (q1, q2, pd1, pd2))
            assert q2 >= q1, (before, after)
            assert pd2 == pd1 + 1, (before, after)
        finally:
            proc.stop()
    print("pass")


main()

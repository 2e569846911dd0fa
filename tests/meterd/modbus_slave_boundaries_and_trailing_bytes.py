#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Issue 11, over the emulator's pseudo-terminal with raw RTU frames (CRCs
computed here, apart from libklefr): FC16 with quantity 0 gets exception 03
(Modbus application protocol 6.12) instead of silence; a request followed
by one more byte in the same burst (before t3.5) is not acted upon; the
same request alone is.
Usage: modbus_slave_boundaries_and_trailing_bytes.py KLEFR_METERD"""
import os
import select
import sys
import time
import tty

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from spawn import start_meterd  # noqa: E402


def crc(frame):
    c = 0xFFFF
    for b in frame:
        c ^= b
        for _ in range(8):
            c = (c >> 1) ^ 0xA001 if c & 1 else c >> 1
    return frame + bytes([c & 0xFF, c >> 8])


def xfer(fd, request, wait=0.5):
    os.write(fd, request)
    buf = b""
    end = time.monotonic() + wait
    while time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], 0.02)
        if r:
            buf += os.read(fd, 512)
    return buf


def main():
    proc = start_meterd(sys.argv[1], "--model", "6914")
    fd = os.open(proc.bus, os.O_RDWR | os.O_NOCTTY)
    tty.setraw(fd)
    try:
        got = xfer(fd, crc(bytes.fromhex("01 10 40 0F 00 00 00")))
        print("FC16 quantity 0: %s" % got.hex(" "))
        assert got == crc(bytes.fromhex("01 90 03")), got.hex(" ")
        got = xfer(fd, crc(bytes.fromhex("01 10 40 0F 00 01 04 00 01 00 25")))
        assert got == crc(bytes.fromhex("01 90 03")), "byte count 4 for 1: " + got.hex(" ")

        write_25 = crc(bytes.fromhex("01 06 40 10 00 25"))
        read_lcd = crc(bytes.fromhex("01 03 40 10 00 01"))
        got = xfer(fd, write_25 + b"\x00")
        print("write + 1 byte: %r" % got.hex(" "))
        assert got == b"", "a request with a trailing byte was answered"
        got = xfer(fd, read_lcd)
        assert got == crc(bytes.fromhex("01 03 02 00 10")), "executed anyway: " + got.hex(" ")
        got = xfer(fd, write_25)
        assert got == write_25, got.hex(" ")
        got = xfer(fd, read_lcd)
        assert got == crc(bytes.fromhex("01 03 02 00 25")), got.hex(" ")
    finally:
        os.close(fd)
        proc.stop()
    print("pass")


if __name__ == "__main__":
    main()

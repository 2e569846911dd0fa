#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""With --baud-timing, one meter's answers never collide with each other:
a UART sends its bytes one after another, so an answer the firmware
starts while its last one is still on the wire goes out after it. Only
different meters collide (two_meters_share_one_bus and
full_buses_in_one_process show that they do). The emulator used to put
every answer on the line at the instant it was written, so a meter's own
answers ANDed into each other's character slots.

1. IR: a sign-on during a 300-baud readout. The identification waits for
   the readout; the characters received are a clean readout, and no
   collision is counted.
2. Bus: a second Modbus request while the first answer (69 bytes, 79 ms at
   9600 baud) is still going out: both answers arrive whole, one after
   the other, each with a good CRC.
3. The bus and the IR port of one meter are two UARTs: a bus read during
   an IR identification is answered cleanly, nothing collides.
Usage: one_meter_never_collides_with_itself.py KLEFR_METERD"""
import os
import re
import select
import socket
import sys
import tempfile
import time
import tty

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from spawn import start_meterd  # noqa: E402


def crc16(data):
    crc = 0xFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return bytes([crc & 0xFF, crc >> 8])


def rtu_read(unit, address, count):
    body = bytes([unit, 3, address >> 8, address & 0xFF, 0, count])
    return body + crc16(body)


def open_raw(path):
    fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
    tty.setraw(fd)
    return fd


def read_for(fd, seconds, done=lambda b: False):
    buf = b""
    end = time.monotonic() + seconds
    while time.monotonic() < end and not done(buf):
        if select.select([fd], [], [], 0.02)[0]:
            buf += os.read(fd, 4096)
    return buf


def command(ctl, line):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(ctl)
    s.sendall(line.encode() + b"\n")
    reply = b""
    while not reply.endswith(b"\n"):
        chunk = s.recv(4096)
        if not chunk:
            break
        reply += chunk
    s.close()
    return reply.decode().strip()


def collisions(ctl):
    info = command(ctl, "info")
    bus = re.search(r" collisions=(\d+)", info)
    ir = re.search(r" ir_collisions=(\d+)", info)
    assert bus and ir, info
    return int(bus.group(1)), int(ir.group(1))


# A readout's characters: STX, then data lines "address(value*unit)" CR LF.
READOUT_PREFIX = re.compile(rb"^\x02(?:[0-9A-Z.:*]+\([^()\r\n]*\)\r\n)*[0-9A-Z.:*]*(?:\([^()\r\n]*)?\)?\r?$")


def sign_on_during_readout(meterd, ctl):
    proc = start_meterd(meterd, "--model", "6912", "--ir", "pty", "--baud-timing", "--control", ctl)
    try:
        fd = open_raw(proc.ir)
        # 7-bit characters: the emulator follows the peer and answers alike.
        os.write(fd, b"/?!\r\n")
        ident = read_for(fd, 3, lambda b: b.endswith(b"\n"))
        assert ident.startswith(b"/INM5KLEFR6912"), ident
        os.write(fd, b"\x06000\r\n")  # option select: readout at 300 baud (Z = 0)
        start = read_for(fd, 3, lambda b: len(b) >= 10)
        assert start[:1] == b"\x02", start
        # About 35 characters into a readout of many hundred: sign on again.
        start += read_for(fd, 0.8)
        os.write(fd, b"/?!\r\n")
        rest = read_for(fd, 1.5)
        got = start + rest
        print("IR: %d characters of the 300-baud readout in the 2.3 s after the second sign-on"
              % len(got))
        assert READOUT_PREFIX.match(got), "not a clean readout: %r" % got
        assert b"/INM5" not in got, "the identification did not wait for the readout"
        bus, ir = collisions(ctl)
        assert ir == 0, "%d IR characters collided" % ir
        os.close(fd)
    finally:
        proc.stop()


def second_request_during_an_answer(meterd, ctl):
    proc = start_meterd(meterd, "--model", "6914", "--baud-timing", "--control", ctl)
    try:
        fd = open_raw(proc.bus)
        long_req, short_req = rtu_read(1, 0x4000, 32), rtu_read(1, 0x4000, 2)
        os.write(fd, long_req)
        time.sleep(0.02)  # more than t3.5, far less than the 79 ms answer
        os.write(fd, short_req)
        got = read_for(fd, 1.0, lambda b: len(b) >= 69 + 9)
        a, b = got[:69], got[69:]
        print("bus: %d bytes: a 69-byte answer and a 9-byte answer after it" % len(got))
        assert len(got) == 78, got.hex()
        assert a[:3] == b"\x01\x03\x40" and crc16(a[:-2]) == a[-2:], "first answer: " + a.hex()
        assert b[:3] == b"\x01\x03\x04" and crc16(b[:-2]) == b[-2:], "second answer: " + b.hex()
        assert collisions(ctl) == (0, 0)
        os.close(fd)
    finally:
        proc.stop()


def bus_during_ir(meterd, ctl):
    proc = start_meterd(meterd, "--model", "6914", "--ir", "pty", "--baud-timing", "--control", ctl)
    try:
        ir, bus = open_raw(proc.ir), open_raw(proc.bus)
        os.write(ir, b"/?!\r\n")
        time.sleep(0.3)  # the identification (0.5 s at 300 baud) starts after 200 ms
        os.write(bus, rtu_read(1, 0x4000, 32))
        a = read_for(bus, 1.0, lambda b: len(b) >= 69)
        ident = read_for(ir, 2, lambda b: b.endswith(b"\n"))
        assert len(a) == 69 and crc16(a[:-2]) == a[-2:], a.hex()
        assert ident == b"/INM5KLEFR6914\r\n", ident
        assert collisions(ctl) == (0, 0)
        print("bus read during the IR identification: both clean")
        os.close(ir)
        os.close(bus)
    finally:
        proc.stop()


def main():
    with tempfile.TemporaryDirectory() as tmp:
        ctl = os.path.join(tmp, "ctl")
        sign_on_during_readout(sys.argv[1], ctl)
        second_request_during_an_answer(sys.argv[1], ctl)
        bus_during_ir(sys.argv[1], ctl)
    print("pass")


if __name__ == "__main__":
    main()

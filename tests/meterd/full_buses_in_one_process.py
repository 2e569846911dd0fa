#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Scale: one klefr-meterd process emulates a full bus. 247 Modbus 6914s
on a TCP listener (RTU bytes, as a serial server passes them): a pymodbus
master finds every ID. 250 M-Bus 6913s with distinct secondary addresses
(serial numbers counting up): selecting one by its secondary address and
reading it gives that meter's RSP_UD; a secondary address nobody has is
silent. With --baud-timing, a wildcard selection that matches three
meters makes their RSP_UDs collide, as a search on a real bus sees.
Usage: full_buses_in_one_process.py KLEFR_METERD
Exit 77 (skipped) without pymodbus."""
import os
import socket
import sys
import time

try:
    from pymodbus.client import ModbusTcpClient
    from pymodbus.transaction import ModbusRtuFramer
except ImportError:
    print("pymodbus not found: skipped")
    sys.exit(77)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from spawn import start_meterd  # noqa: E402

FIRST_SERIAL = 17060518


def start(meterd, meters, extra=()):
    args = ["--listen", "tcp:127.0.0.1:0"] + list(extra)
    for m in meters:
        args += ["--meter", m]
    proc = start_meterd(meterd, *args)
    assert proc.bus.startswith("tcp:"), proc.bus
    return proc, int(proc.bus.rsplit(":", 1)[1])


def modbus_bus(meterd):
    proc, port = start(meterd, ["6914:%d" % i for i in range(1, 248)])
    try:
        c = ModbusTcpClient("127.0.0.1", port=port, framer=ModbusRtuFramer, timeout=1)
        assert c.connect()
        t = time.time()
        for i in range(1, 248):
            r = c.read_holding_registers(0x4000, 4, slave=i)
            assert not r.isError(), (i, r)
            assert r.registers[3] == i, (i, r.registers)
            serial = int("%04X%04X" % (r.registers[0], r.registers[1]))
            assert serial == FIRST_SERIAL + i - 1, (i, serial)
        print("247 Modbus meters answered in %.2f s" % (time.time() - t))
        c.close()
    finally:
        proc.stop()


def bcd_le(n):
    s = "%08d" % n
    return bytes(int(s[i:i + 2], 16) for i in (6, 4, 2, 0))


def long_frame(c, a, ci, data):
    body = bytes([c, a, ci]) + data
    return bytes([0x68, len(body), len(body), 0x68]) + body + bytes([sum(body) & 0xFF, 0x16])


def short_frame(c, a):
    return bytes([0x10, c, a, (c + a) & 0xFF, 0x16])


def long_frame_complete(buf):
    return len(buf) >= 4 and len(buf) >= buf[1] + 6


def exchange(s, frame, want):
    """Send a frame; collect want bytes, or until want(buf) is true
    (want 0: wait 0.1 s for nothing to come)."""
    done = want if callable(want) else (lambda b: want and len(b) >= want)
    s.sendall(frame)
    buf = b""
    end = time.time() + (1.0 if want else 0.1)
    while time.time() < end and not done(buf):
        s.settimeout(max(0.01, end - time.time()))
        try:
            chunk = s.recv(4096)
        except socket.timeout:
            break
        if not chunk:
            break
        buf += chunk
    return buf


def mbus_bus(meterd):
    proc, port = start(meterd, ["6913:0"] * 250)
    try:
        s = socket.create_connection(("127.0.0.1", port))
        time.sleep(0.1)
        for k in (0, 124, 249):
            serial = FIRST_SERIAL + k
            # SND_NKE to the broadcast address: everyone deselects, no answer.
            exchange(s, short_frame(0x40, 0xFF), 0)
            sel = long_frame(0x53, 0xFD, 0x52, bcd_le(serial) + b"\xff\xff\xff\xff")
            r = exchange(s, sel, 1)
            assert r == b"\xe5", (serial, r)
            r = exchange(s, short_frame(0x7B, 0xFD), long_frame_complete)
            assert len(r) > 20 and r[0] == 0x68 and r[6] == 0x72, (serial, r)
            assert r[7:11] == bcd_le(serial), (serial, r[7:11].hex())
        exchange(s, short_frame(0x40, 0xFF), 0)
        r = exchange(s, long_frame(0x53, 0xFD, 0x52, bcd_le(99999999) + b"\xff" * 4), 0)
        assert r == b"", r
        print("250 M-Bus meters: selected by secondary address and read")
        s.close()
    finally:
        proc.stop()


def rsp_ud_valid(r):
    return (long_frame_complete(r) and r[0] == 0x68 and r[3] == 0x68 and
            r[1] == r[2] and sum(r[4:-2]) & 0xFF == r[-2] and r[-1] == 0x16)


def mbus_collision(meterd):
    proc, port = start(meterd, ["6913:0"] * 3, ["--baud-timing"])
    try:
        s = socket.create_connection(("127.0.0.1", port))
        time.sleep(0.1)
        exchange(s, short_frame(0x40, 0xFF), 0)
        # Meter 2 alone: a clean answer at 9600 baud (about 0.1 s).
        sel = long_frame(0x53, 0xFD, 0x52, bcd_le(FIRST_SERIAL + 1) + b"\xff" * 4)
        assert exchange(s, sel, 1) == b"\xe5"
        r = exchange(s, short_frame(0x7B, 0xFD), long_frame_complete)
        assert rsp_ud_valid(r) and r[7:11] == bcd_le(FIRST_SERIAL + 1), r.hex()
        # Wildcard 170605FF: all three answer E5 at once (identical bytes
        # collide into an E5), then three RSP_UDs with different IDs collide.
        exchange(s, short_frame(0x40, 0xFF), 0)
        sel = long_frame(0x53, 0xFD, 0x52, bytes([0xFF, 0x05, 0x06, 0x17]) + b"\xff" * 4)
        assert exchange(s, sel, 1) == b"\xe5"
        r = exchange(s, short_frame(0x7B, 0xFD), long_frame_complete)
        assert not rsp_ud_valid(r), "three answers did not collide: " + r.hex()
        print("M-Bus wildcard with three matches: collision (%d bytes of garbage)" % len(r))
        s.close()
    finally:
        proc.stop()


def main():
    modbus_bus(sys.argv[1])
    mbus_bus(sys.argv[1])
    mbus_collision(sys.argv[1])
    print("pass")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Without --baud-timing no wire time is simulated, so a change of the bus
address takes effect right after the answer to the write: also after a
master has polled far faster than 9600 baud could carry the answers (the
emulator used to queue each answer's 9600-baud time and apply the change
only once that queue had drained: seconds to hours late, the old address
answering meanwhile).

6914: 1000 FC03 reads as fast as the pty carries them, then FC06 4003 := 10
(answered by ID 1), then ID 10 must answer the very next read and ID 1 stay
silent. 6913: 200 REQ_UD2 (81-byte RSP_UDs, 17 s of wire time at 9600
baud), then SND_UD primary address := 5 (E5), then REQ_UD2 to 5 answers.
Frames are put together here by hand (CRC-16 and M-Bus checksum), not with
libklefr. Prints the delays it measured.
Usage: address_change_takes_effect_right_after_its_answer.py KLEFR_METERD [--measure]
(--measure: wait up to 120 s for the new address instead of failing at 1 s)"""
import os
import select
import sys
import time
import tty

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from spawn import start_meterd  # noqa: E402

MEASURE = "--measure" in sys.argv
LATE_S = 120.0 if MEASURE else 1.0


def crc16(data):
    crc = 0xFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return bytes([crc & 0xFF, crc >> 8])


def rtu(unit, pdu):
    body = bytes([unit]) + pdu
    return body + crc16(body)


def open_pty(path):
    fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
    tty.setraw(fd)
    return fd


def exchange(fd, request, want, timeout):
    """Send request; read until want(bytes) or timeout. Returns the bytes."""
    os.write(fd, request)
    buf = b""
    end = time.monotonic() + timeout
    while not want(buf):
        left = end - time.monotonic()
        if left <= 0:
            break
        r, _, _ = select.select([fd], [], [], left)
        if r:
            buf += os.read(fd, 4096)
    return buf


def quiet(fd, s=0.01):
    """A gap longer than t3.5 (4 ms at 9600) and nothing left to read."""
    time.sleep(s)
    while select.select([fd], [], [], 0)[0]:
        os.read(fd, 4096)


def first_answer(fd, request, want, ok):
    """Ask until an answer passes ok(); returns seconds until it came."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < LATE_S:
        r = exchange(fd, request, want, 0.1)
        if ok(r):
            return time.monotonic() - t0
        quiet(fd)
    return None


def modbus(meterd):
    proc = start_meterd(meterd, "--model", "6914")
    try:
        fd = open_pty(proc.bus)
        read1 = rtu(1, bytes([3, 0x40, 0x00, 0x00, 0x02]))
        n9 = lambda b: len(b) >= 9  # noqa: E731
        t0 = time.monotonic()
        for i in range(1000):
            r = exchange(fd, read1, n9, 1.0)
            assert len(r) == 9 and r[:3] == b"\x01\x03\x04" and crc16(r[:7]) == r[7:], (i, r.hex())
            quiet(fd, 0.0)
        fast = time.monotonic() - t0
        print("1000 reads in %.2f s (9600 baud would carry their answers in %.1f s)"
              % (fast, 1000 * 9 * 11 / 9600))
        w = rtu(1, bytes([6, 0x40, 0x03, 0x00, 0x0A]))
        r = exchange(fd, w, lambda b: len(b) >= 8, 1.0)
        assert r == w, "the write is answered by ID 1 with its echo: " + r.hex()
        quiet(fd)
        read10 = rtu(10, bytes([3, 0x40, 0x00, 0x00, 0x02]))
        late = first_answer(fd, read10, n9, lambda b: len(b) == 9 and b[:3] == b"\x0a\x03\x04")
        print("Modbus ID 1 -> 10 took effect %s after the write's answer"
              % ("never (%g s)" % LATE_S if late is None else "%.3f s" % late))
        assert MEASURE or (late is not None and late < 0.3), "ID 10 did not answer in time"
        r = exchange(fd, read1, n9, 0.3)
        assert r == b"", "ID 1 still answers: " + r.hex()
        os.close(fd)
    finally:
        proc.stop()


def mbus_short(c, a):
    return bytes([0x10, c, a, (c + a) & 0xFF, 0x16])


def mbus_long(c, a, ci, data):
    body = bytes([c, a, ci]) + data
    n = len(body)
    return bytes([0x68, n, n, 0x68]) + body + bytes([sum(body) & 0xFF, 0x16])


def rsp_ud(b):
    return len(b) >= 6 and b[0] == 0x68 and len(b) >= b[1] + 6


def mbus(meterd):
    proc = start_meterd(meterd, "--model", "6913")
    try:
        fd = open_pty(proc.bus)
        req0 = [mbus_short(0x7B, 0), mbus_short(0x5B, 0)]  # toggle the FCB
        t0 = time.monotonic()
        for i in range(200):
            r = exchange(fd, req0[i % 2], rsp_ud, 1.0)
            assert rsp_ud(r) and r[5] == 0 and r[-1] == 0x16, (i, r.hex())
            quiet(fd, 0.0)
        print("200 REQ_UD2 in %.2f s (9600 baud would carry their RSP_UDs in %.1f s)"
              % (time.monotonic() - t0, 200 * len(r) * 11 / 9600))
        # SND_UD, data record 01 7A 05: primary address 5 (manual A2.2).
        r = exchange(fd, mbus_long(0x53, 0, 0x51, bytes([0x01, 0x7A, 0x05])),
                     lambda b: len(b) >= 1, 1.0)
        assert r == b"\xe5", r.hex()
        quiet(fd)
        late = first_answer(fd, mbus_short(0x5B, 5), rsp_ud, lambda b: rsp_ud(b) and b[5] == 5)
        print("M-Bus primary address 0 -> 5 took effect %s after the E5"
              % ("never (%g s)" % LATE_S if late is None else "%.3f s" % late))
        assert MEASURE or (late is not None and late < 0.3), "address 5 did not answer in time"
        r = exchange(fd, mbus_short(0x7B, 0), rsp_ud, 0.3)
        assert r == b"", "address 0 still answers: " + r.hex()
        os.close(fd)
    finally:
        proc.stop()


def main():
    modbus(sys.argv[1])
    mbus(sys.argv[1])
    print("pass")


if __name__ == "__main__":
    main()

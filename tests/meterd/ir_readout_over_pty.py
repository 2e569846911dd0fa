#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The IR port (--ir pty): an IEC 62056-21 mode C sign-on at 300 baud, the
identification, the option select to 9600 and the readout with a correct
BCC; once with the 7E1 parity bit carried in bit 7 (as our own master's
parity filter sends it) and once as 7-bit characters (as a termios 7E1
client on a pseudo-terminal sends them): the emulator follows the peer.
Usage: ir_readout_over_pty.py KLEFR_METERD [MORE OPTIONS, e.g. --baud-timing]"""
import os
import select
import sys
import time
import tty

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from spawn import start_meterd  # noqa: E402


def with_parity(data):
    return bytes(c | (0x80 if bin(c).count("1") % 2 else 0) for c in data)


def read_until(fd, done, timeout):
    buf = b""
    end = time.time() + timeout
    while time.time() < end and not done(buf):
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            buf += os.read(fd, 4096)
    return buf


def session(path, parity):
    fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
    tty.setraw(fd)
    out = with_parity if parity else (lambda b: b)
    try:
        os.write(fd, out(b"/?!\r\n"))
        t = time.time()
        ident = read_until(fd, lambda b: b.endswith(out(b"\n")), 3)
        delay = time.time() - t
        if parity:
            assert ident == with_parity(ident), "parity bits not added"
        ident = bytes(c & 0x7F for c in ident)
        print("identification %r after %.3f s" % (ident, delay))
        assert ident.startswith(b"/INM5") and ident.endswith(b"\r\n"), ident
        assert b"\\2" not in ident
        assert delay >= 0.19, "answered sooner than 200 ms"
        os.write(fd, out(b"\x06050\r\n"))
        raw = read_until(fd, lambda b: len(b) > 2 and (b[-2] & 0x7F) == 0x03, 5)
        data = bytes(c & 0x7F for c in raw)
        assert data[0] == 0x02 and data[-2] == 0x03, data[:20] + data[-20:]
        bcc = 0
        for c in data[1:-1]:
            bcc ^= c
        assert bcc == data[-1], "BCC %02x, expected %02x" % (data[-1], bcc)
        text = data[1:-2].decode("ascii")
        assert text.endswith("!\r\n"), text[-10:]
        assert "0.0.0(17060518)" in text, text
        assert "32.7.0(230.0*V)" in text, text
        print("readout: %d lines, BCC ok" % text.count("\r\n"))
    finally:
        os.close(fd)


def main():
    proc = start_meterd(sys.argv[1], "--model", "6912", "--ir", "pty", *sys.argv[2:])
    try:
        session(proc.ir, True)
        time.sleep(0.5)
        session(proc.ir, False)
    finally:
        proc.stop()
    print("pass")


if __name__ == "__main__":
    main()

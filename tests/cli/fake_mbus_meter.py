#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A slow M-Bus meter on a pseudo-terminal it makes itself, for the CLI's
scans and defaults.

Usage: fake_mbus_meter.py BAUD DELAY_MS [MODE]. Prints "tty: /dev/pts/N"
and answers at primary address 0, identification number 00000000 (the
manual's RSP_UD of A2.2), DELAY_MS after each frame to it: SND_NKE -> E5,
REQ_UD2 -> RSP_UD, a selection that matches -> E5 (then it answers at FD).
MODE damages the RSP_UD the way a line can without the checksum noticing:
  flips    the total's BCD 14 48 -> 04 58 (bit 4 off in one byte, on in the
           next: the sum is unchanged), 16048.14 kWh read as 16058.04
  lostvif  the T1 total's VIF 04 -> 05 (and the checksum with it): a record
           of no quantity of the meter
It hears only frames sent while the line is set to BAUD (a meter at
another baud receives garbage), which it reads from the pty's settings.
Standard library only; the frames are put together here by hand, not with
libklefr.
"""
import os
import pty
import select
import sys
import termios
import time
import tty

# The manual's RSP_UD after C A: CI 72, the 12-byte header, nine records.
BODY = bytes.fromhex(
    "72 00000000 CD25 01 02 02 00 0000"
    "0C04 14486001 8C1004 23803500 8C2004 91672401 1C04 46136900"
    "9C1004 56341200 9C2004 90785600 2C04 68349100 AC1004 67452300"
    "AC2004 01896700")

BAUDS = {getattr(termios, "B%d" % b): b for b in
         (300, 600, 1200, 2400, 4800, 9600, 19200, 38400)}


def damaged(mode):
    body = bytearray(BODY)
    if mode == "flips":
        at = body.index(bytes.fromhex("0C04 1448"))
        body[at + 2:at + 4] = bytes.fromhex("0458")
    elif mode == "lostvif":
        at = body.index(bytes.fromhex("8C1004"))
        body[at + 2] = 0x05
    return bytes(body)


def rsp_ud(address, mode):
    user = bytes([0x08, address]) + damaged(mode)
    return bytes([0x68, len(user), len(user), 0x68]) + user + bytes([sum(user) % 256, 0x16])


def matches(sel):
    # 52 ID(4, BCD LSB first) MAN(2) GEN VER: F nibbles and FF bytes match.
    ident = sel[1:5]
    for b in ident:
        for nib in (b & 0x0F, b >> 4):
            if nib not in (0x0, 0xF):
                return False
    man = sel[5] | sel[6] << 8
    return man in (0x25CD, 0xFFFF) and sel[7] in (0x01, 0xFF) and sel[8] in (0x02, 0xFF)


def frames(buf):
    """Split complete frames off the front of buf."""
    out = []
    while buf:
        if buf[0] == 0x10:
            if len(buf) < 5:
                break
            out.append(buf[:5])
            buf = buf[5:]
        elif buf[0] == 0x68:
            if len(buf) < 4:
                break
            n = buf[1] + 6
            if len(buf) < n:
                break
            out.append(buf[:n])
            buf = buf[n:]
        else:
            buf = buf[1:]
    return out, buf


def main():
    baud, delay = int(sys.argv[1]), int(sys.argv[2]) / 1000.0
    mode = sys.argv[3] if len(sys.argv) > 3 else "good"
    master, slave = pty.openpty()
    tty.setraw(slave)
    print("tty:", os.ttyname(slave), flush=True)
    selected = False
    buf = b""
    while True:
        ready, _, _ = select.select([master], [], [], 1.0)
        if not ready:
            continue
        try:
            data = os.read(master, 512)
        except OSError:
            return
        # The slave's settings, as the master end reports them.
        if BAUDS.get(termios.tcgetattr(master)[5]) != baud:
            buf = b""
            continue
        got, buf = frames(buf + data)
        for f in got:
            answer = None
            if f[0] == 0x10:
                c, a = f[1], f[2]
                mine = a == 0 or (a == 0xFD and selected)
                if c == 0x40 and mine:
                    answer = b"\xE5"
                    if a == 0xFD:
                        selected = False
                elif c in (0x5B, 0x7B) and mine:
                    answer = rsp_ud(a, mode)
            elif len(f) == 17 and f[4] == 0x53 and f[5] == 0xFD and f[6] == 0x52:
                selected = matches(f[6:15])
                if selected:
                    answer = b"\xE5"
            if answer is not None:
                time.sleep(delay)
                os.write(master, answer)


if __name__ == "__main__":
    main()

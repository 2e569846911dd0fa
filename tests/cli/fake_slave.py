#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A misbehaving Modbus RTU slave on a pseudo-terminal, for the CLI's error
paths. It answers every request of unit 1 in one way:

  exception  exception 02 (illegal data address) to every function
  badcrc     a well-formed answer to a read whose CRC is wrong
  slow       a good answer to a read (registers 0), 150 ms late

Usage: fake_slave.py TTY MODE. Written with the standard library only; the
frames are put together here by hand so the test does not use libklefr's
encoder to check libklefr's decoder.
"""
import os
import select
import sys
import termios
import time
import tty


def crc16(data):
    crc = 0xFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return bytes([crc & 0xFF, crc >> 8])


def main():
    path, mode = sys.argv[1], sys.argv[2]
    fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
    tty.setraw(fd)
    attrs = termios.tcgetattr(fd)
    attrs[3] &= ~termios.ECHO
    termios.tcsetattr(fd, termios.TCSANOW, attrs)
    print("ready", flush=True)  # the test waits for this line
    buf = b""
    while True:
        ready, _, _ = select.select([fd], [], [], 0.02)
        if ready:
            buf += os.read(fd, 512)
            continue
        if len(buf) < 4:
            buf = b""
            continue
        frame, buf = buf, b""
        unit, function = frame[0], frame[1]
        if unit != 1:
            continue
        if mode == "exception":
            body = bytes([unit, function | 0x80, 0x02])
            os.write(fd, body + crc16(body))
        elif mode == "badcrc" and function == 3:
            count = frame[5]
            body = bytes([unit, 3, 2 * count]) + bytes(2 * count)
            crc = crc16(body)
            os.write(fd, body + bytes([crc[0] ^ 0xFF, crc[1]]))
        elif mode == "slow" and function == 3:
            count = frame[5]
            body = bytes([unit, 3, 2 * count]) + bytes(2 * count)
            time.sleep(0.15)
            os.write(fd, body + crc16(body))


if __name__ == "__main__":
    main()

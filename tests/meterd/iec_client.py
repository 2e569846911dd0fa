# SPDX-License-Identifier: MIT
"""A small IEC 62056-21 client for the emulator tests, written apart from
libklefr (its own BCC and framing): opens an IR pseudo-terminal raw, sends
7-bit characters and reads the meter's answers."""
import os
import select
import time
import tty

SOH, STX, ETX, ACK, NAK = 0x01, 0x02, 0x03, 0x06, 0x15


def bcc(data):
    x = 0
    for c in data:
        x ^= c
    return x


def command(cmd, data):
    """SOH C D STX data ETX BCC (BCC over everything after SOH)."""
    body = cmd.encode() + bytes([STX]) + data.encode() + bytes([ETX])
    return bytes([SOH]) + body + bytes([bcc(body)])


def block_text(answer):
    """The text between STX and ETX of a data block answer, or None."""
    a = bytes(c & 0x7F for c in answer)
    if len(a) < 3 or a[0] != STX or a[-2] != ETX or bcc(a[1:-1]) != a[-1]:
        return None
    return a[1:-2].decode("ascii")


class IrPort:
    def __init__(self, path):
        self.fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(self.fd)

    def close(self):
        os.close(self.fd)

    def send(self, data):
        os.write(self.fd, data)

    def read_until(self, done, timeout):
        buf = b""
        end = time.monotonic() + timeout
        while time.monotonic() < end and not done(buf):
            r, _, _ = select.select([self.fd], [], [], 0.02)
            if r:
                buf += os.read(self.fd, 4096)
        return buf

    def answer(self, timeout=2.5):
        """One answer: a line (ends LF), ACK, NAK or a block (ETX BCC)."""
        def done(b):
            b = bytes(c & 0x7F for c in b)
            if not b:
                return False
            if b[0] in (ACK, NAK):
                return True
            if b[0] in (SOH, STX):
                return len(b) >= 2 and b[-2] == ETX
            return b.endswith(b"\n")
        return bytes(c & 0x7F for c in self.read_until(done, timeout))

    def sign_on(self, timeout=2.5):
        self.send(b"/?!\r\n")
        t = time.monotonic()
        ident = self.answer(timeout)
        return ident, time.monotonic() - t

    def programming(self):
        """Sign on and select programming mode at 9600: returns P0."""
        ident, _ = self.sign_on()
        assert ident.startswith(b"/INM5"), ident
        self.send(b"\x06051\r\n")
        p0 = self.answer()
        assert p0[:3] == b"\x01P0", p0
        return p0

    def ask(self, cmd, data, timeout=2.5):
        self.send(command(cmd, data))
        return self.answer(timeout)

#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Issue 11: a stray byte on the IR port (SOH, STX, or any byte 0x80-0xFF,
which --ir-parity auto turns into a 7-bit character such as SOH) must not
make the meter ignore the next sign-on: the identification comes within
the reaction time, not after the 1500 ms abort of an unfinished message.
Usage: stray_byte_never_hides_a_sign_on.py KLEFR_METERD"""
import os
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "lib"))
sys.path.insert(0, here)
from spawn import start_meterd  # noqa: E402
from iec_client import IrPort  # noqa: E402

STRAYS = [b"\x01", b"\x02", b"\x81", b"\x82", b"\x80", b"\xff", b"\xc1", b"\x01R1\x02"]


def main():
    proc = start_meterd(sys.argv[1], "--model", "6914", "--ir", "pty")
    port = IrPort(proc.ir)
    try:
        for stray in STRAYS:
            port.send(stray)
            ident, delay = port.sign_on(timeout=3)
            print("stray %r: %r after %.3f s" % (stray, ident, delay))
            assert ident == b"/INM5KLEFR6914\r\n", ident
            assert delay < 1.2, "the sign-on waited for the stray byte's timeout"
            time.sleep(1.7)  # the identification's session times out
    finally:
        port.close()
        proc.stop()
    print("pass")


if __name__ == "__main__":
    main()

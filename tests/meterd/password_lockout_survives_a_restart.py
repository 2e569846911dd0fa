#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Issue 11: the IR password lockout is kept in the store, so restarting
klefr-meterd (an orderly stop or SIGKILL: the meter's supply cycled) buys
no more guesses. Three wrong passwords lock; after a restart the right one
still gets (ER02); two wrong ones before a SIGKILL and one after lock too.
Usage: password_lockout_survives_a_restart.py KLEFR_METERD"""
import os
import signal
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "lib"))
sys.path.insert(0, here)
from spawn import start_meterd  # noqa: E402
from iec_client import IrPort, block_text  # noqa: E402

B0 = b"\x01B0\x03\x71"


def run(meterd, store, steps, kill=False):
    """Start on store, run steps(port) in programming mode, then stop."""
    proc = start_meterd(meterd, "--model", "6912", "--ir", "pty", "--store", store)
    port = IrPort(proc.ir)
    try:
        port.programming()
        got = steps(port)
        port.send(B0)
    finally:
        port.close()
        if kill:
            proc.proc.send_signal(signal.SIGKILL)
            proc.proc.wait()
        proc.stop()
    return got


def p1(port, password):
    a = port.ask("P1", "(%s)" % password)
    return "ACK" if a == b"\x06" else block_text(a)


def main():
    meterd = sys.argv[1]
    tmp = tempfile.mkdtemp(prefix="klefr-lock-")
    store = os.path.join(tmp, "meter.store")

    got = run(meterd, store, lambda p: [p1(p, "1234") for _ in range(3)])
    assert got == ["(ER01)", "(ER01)", "(ER02)"], got
    for kill in (False, True):
        got = run(meterd, store, lambda p: p1(p, "0000"), kill=kill)
        print("after %s: %s" % ("SIGKILL" if kill else "an orderly stop", got))
        assert got == "(ER02)", "the restart opened the lock: %r" % got

    other = os.path.join(tmp, "other.store")
    got = run(meterd, other, lambda p: [p1(p, "1234") for _ in range(2)], kill=True)
    assert got == ["(ER01)", "(ER01)"], got
    got = run(meterd, other, lambda p: [p1(p, "1234"), p1(p, "0000")])
    print("third wrong password after SIGKILL: %s" % got)
    assert got == ["(ER02)", "(ER02)"], "the restart forgot two wrong passwords: %r" % got
    print("pass")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Issue 11: klefr-meterd's numeric options take plain decimal numbers in
their range, like the klefr CLI's (tools/common/option_number.c): 0x10,
signs, exponents, inf and nan are refused with a message naming the option
(exit 2), leading zeros are decimal (--serial 010 is meter 00000010, not
octal 8), and a refused command line leaks nothing (valgrind, when it is
installed and the binary is not built with AddressSanitizer, whose leak
check at exit covers it there).
Usage: numeric_options_are_strict.py KLEFR_METERD"""
import os
import shutil
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "lib"))
sys.path.insert(0, here)
from spawn import start_meterd  # noqa: E402
from iec_client import IrPort  # noqa: E402

BAD = [
    (["--tick", "0x5"], "--tick takes 1 to 1000 milliseconds, not '0x5'"),
    (["--tick", "-5"], "--tick takes 1 to 1000 milliseconds, not '-5'"),
    (["--tick", "0"], "--tick takes 1 to 1000 milliseconds, not '0'"),
    (["--tick", "5ms"], "--tick takes 1 to 1000 milliseconds, not '5ms'"),
    (["--serial", "0x10"], "--serial takes a serial number of up to 8 digits, not '0x10'"),
    (["--serial", "+17"], "--serial takes a serial number of up to 8 digits, not '+17'"),
    (["--serial", "123456789"], "not '123456789'"),
    (["--speed", "1e3"], "--speed takes 1 to 1000000, not '1e3'"),
    (["--speed", "0x10"], "--speed takes 1 to 1000000, not '0x10'"),
    (["--speed", "inf"], "--speed takes 1 to 1000000, not 'inf'"),
    (["--speed", "nan"], "--speed takes 1 to 1000000, not 'nan'"),
    (["--speed", "0.5"], "--speed takes 1 to 1000000, not '0.5'"),
    (["--speed", "2000000"], "--speed takes 1 to 1000000, not '2000000'"),
    (["--meter", "6914:0x10"], "--meter 6914:0x10: expected MODEL[:ADDRESS]"),
    (["--meter", "6913:1:+1234"], "--meter 6913:1:+1234: expected"),
    (["--ir", "tcp:127.0.0.1:0x10"], "--ir tcp:127.0.0.1:0x10: expected tcp:HOST:PORT"),
    (["--tick"], "Missing argument for --tick"),
    (["--bogus"], "Unknown option --bogus"),
    (["--profile", "/nonexistent/profile.csv"], "--profile:"),
]


def asan_build(binary):
    with open(binary, "rb") as f:
        return b"__asan_init" in f.read()


def main():
    meterd = sys.argv[1]
    valgrind = shutil.which("valgrind") if not asan_build(meterd) else None
    for args, message in BAD:
        cmd = [meterd] + args
        if valgrind:
            cmd = [valgrind, "-q", "--leak-check=full", "--errors-for-leak-kinds=definite,indirect",
                   "--show-leak-kinds=definite,indirect", "--error-exitcode=99"] + cmd
        r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           timeout=60)
        print("%s -> %d: %s" % (" ".join(args), r.returncode, r.stderr.strip().splitlines()[:1]))
        assert r.returncode == 2, "exit %d, stderr:\n%s" % (r.returncode, r.stderr)
        assert message in r.stderr, "stderr lacks %r:\n%s" % (message, r.stderr)
        assert "LeakSanitizer" not in r.stderr and "definitely lost" not in r.stderr, r.stderr

    tmp = tempfile.mkdtemp(prefix="klefr-opts-")
    proc = start_meterd(meterd, "--model", "6912", "--serial", "010", "--tick", "007",
                        "--speed", "2.5", "--ir", "pty", "--store", os.path.join(tmp, "s"))
    port = IrPort(proc.ir)
    try:
        ident, _ = port.sign_on()
        assert ident == b"/INM5KLEFR6912\r\n", ident
        port.send(b"\x06000\r\n")
        readout = port.answer(timeout=10).decode("ascii", "replace")
        print("readout starts %r" % readout[:20])
        assert "0.0.0(00000010)" in readout, "--serial 010 is not meter 10: " + readout[:40]
    finally:
        port.close()
        proc.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print("pass")


if __name__ == "__main__":
    main()

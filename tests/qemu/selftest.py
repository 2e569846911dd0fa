#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Boot a firmware image under qemu-system-arm with the command line word
"selftest" (firmware/mps2/selftest.c) on a fresh EEPROM and pass when the
image exits 0 through semihosting and says "pass". The line it prints
(stack high-water mark included) is echoed for the test log.
Usage: selftest.py QEMU MACHINE IMAGE.elf"""
import os
import re
import subprocess
import sys
import tempfile

qemu, machine, image = sys.argv[1:4]
with tempfile.TemporaryDirectory(prefix="klefr-selftest-") as tmp:
    eeprom = os.path.join(tmp, "eeprom.bin")
    cmd = [qemu, "-M", machine, "-display", "none", "-monitor", "none",
           "-serial", "null", "-serial", "null", "-serial", "null",
           "-semihosting-config",
           "enable=on,target=native,arg=klefr,arg=eeprom=%s,arg=selftest" % eeprom,
           "-kernel", image]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    except subprocess.TimeoutExpired:
        sys.exit("FAIL: %s did not end within 30 s" % image)
    out = r.stdout + r.stderr
    print(out.strip())
    m = re.search(r"selftest (\d+): pass stack_used=(\d+) stack_size=(\d+)", out)
    if r.returncode != 0 or not m:
        sys.exit("FAIL: exit status %d (the number of the failed check, see selftest.c)"
                 % r.returncode)
    if os.path.getsize(eeprom) != 4096:
        sys.exit("FAIL: the EEPROM file is %d bytes, not 4096" % os.path.getsize(eeprom))
print("pass")

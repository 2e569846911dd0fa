#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The firmware images against the meter's budget (issue 14): 32 KiB of flash
and 4 KiB of RAM, stack included, for every model.

  firmware_size.py DIR [OUT.md]   write the size report (doc/firmware-size.md)
  firmware_size.py [--machine M] --check DIR
                                  the same numbers; exit status 1 when an image
                                  is over the budget or its stack high-water
                                  mark comes within 64 bytes of its stack

DIR is a cross build (meson setup build-fw --cross-file
cross/arm-none-eabi-cortex-m3.txt; the images are in DIR/firmware/mps2) or
the folder a host build copies them to (build/firmware). Needs
arm-none-eabi-size and -nm; with qemu-system-arm on PATH the high-water mark
is measured by each model's self-test image (on mps2-an385, or machine M:
mps2-an386 for the Cortex-M4 images). The budget is written here, not
read from the linker script: raising the limit in mps2.ld does not move it."""
import os
import re
import subprocess
import sys
import tempfile

FLASH_BUDGET = 32 * 1024  # issue 14
RAM_BUDGET = 4 * 1024
STACK_MARGIN = 64
MODELS = ["6911", "6912", "6913", "6914"]

args = sys.argv[1:]
machine = "mps2-an385"
if len(args) > 1 and args[0] == "--machine":
    machine, args = args[1], args[2:]
check = len(args) > 0 and args[0] == "--check"
args = args[1:] if check else args
if not args:
    sys.exit(__doc__)
d = args[0]
if os.path.isdir(os.path.join(d, "firmware", "mps2")):
    d = os.path.join(d, "firmware", "mps2")
out = args[1] if len(args) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                 "..", "doc", "firmware-size.md")


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


def sections(elf):
    size = {}
    for line in run(["arm-none-eabi-size", "-A", elf]).splitlines():
        p = line.split()
        if len(p) == 3 and p[1].isdigit():
            size[p[0]] = int(p[1])
    return size


def symbols(elf):
    """Code and constants by address: aliases (__aeabi_dadd and __adddf3, a
    function folded with its twin) count once, under their first name."""
    by_addr = {}
    for line in run(["arm-none-eabi-nm", "-S", "-t", "d", elf]).splitlines():
        p = line.split()
        if len(p) == 4 and p[2] in "TtRrDd":
            addr, size = int(p[0]), int(p[1])
            if addr not in by_addr or by_addr[addr][0] < size:
                by_addr[addr] = (size, p[3])
    return sorted(by_addr.values(), key=lambda s: (-s[0], s[1]))


# libgcc's floating point: __adddf3, __floatsidf, __fixdfsi, __aeabi_dadd,
# __aeabi_i2d, __aeabi_cdcmple... (not __aeabi_ldivmod: that is integer).
SOFT_FLOAT = re.compile(r"^__((\w+)?[ds]f[23]$|(float|fix|extend|trunc)\w+|"
                        r"aeabi_(d|f|cd|cf|u?[il]2[df])\w*)")


def highwater(elf):
    if not os.path.exists(elf):
        return None
    try:
        with tempfile.TemporaryDirectory() as tmp:
            r = subprocess.run(["qemu-system-arm", "-M", machine, "-display", "none",
                                "-monitor", "none", "-serial", "null", "-serial", "null",
                                "-serial", "null", "-semihosting-config",
                                "enable=on,target=native,arg=klefr,arg=eeprom=%s/e,arg=selftest"
                                % tmp, "-kernel", elf], capture_output=True, text=True, timeout=30)
        m = re.search(r"stack_used=(\d+)", r.stdout + r.stderr)
        return int(m.group(1)) if m else None
    except (OSError, subprocess.TimeoutExpired):
        return None


rows, details, failures = {}, [], []
for model in MODELS:
    elf = os.path.join(d, "klefr-%s.elf" % model)
    s = sections(elf)
    flash = sum(s.get(k, 0) for k in (".text", ".ARM.exidx", ".image_crc", ".data"))
    data, bss, stack = s.get(".data", 0), s.get(".bss", 0), s.get(".stack", 0)
    syms = symbols(elf)
    soft = sum(size for size, name in syms if SOFT_FLOAT.match(name))
    hw = highwater(os.path.join(d, "klefr-%s-selftest.elf" % model))
    rows[model] = (flash, data, bss, stack, hw, soft)
    if flash > FLASH_BUDGET:
        failures.append("%s: %d bytes of flash, %d over %d KiB" % (model, flash,
                                                                   flash - FLASH_BUDGET,
                                                                   FLASH_BUDGET // 1024))
    if data + bss + stack > RAM_BUDGET:
        failures.append("%s: %d bytes of RAM, over 4 KiB" % (model, data + bss + stack))
    if hw is not None and hw > stack - STACK_MARGIN:
        failures.append("%s: stack high-water %d of %d bytes, within %d of the end"
                        % (model, hw, stack, STACK_MARGIN))
    details += ["", "## %s: the 15 largest symbols" % model, "", "| bytes | symbol |",
                "|---|---|"]
    details += ["| %d | `%s` |" % (size, name) for size, name in syms[:15]]

modbus = rows["6914"][0] - rows["6912"][0]
table = ["| model | flash | of %d KiB | left |" % (FLASH_BUDGET // 1024) + " data | bss | stack | high-water | soft-float |",
         "|---|---|---|---|---|---|---|---|---|"]
for model in MODELS:
    flash, data, bss, stack, hw, soft = rows[model]
    table.append("| %s | %d | %.1f %% | %d | %d | %d | %d | %s | %d |" % (
        model, flash, 100.0 * flash / FLASH_BUDGET, FLASH_BUDGET - flash, data, bss, stack,
        hw if hw is not None else "n/a", soft))
print("\n".join(table))
print("Modbus slave (6914 - 6912): %d bytes" % modbus)

if check:
    for f in failures:
        print("FAIL " + f)
    print("pass" if not failures else "over budget")
    sys.exit(1 if failures else 0)

gcc = run(["arm-none-eabi-gcc", "-dumpversion"]).strip()
lines = ["# Firmware size per model", "",
         "Generated by `scripts/firmware_size.py build-fw` from the Cortex-M3 images",
         "(`meson setup build-fw --cross-file cross/arm-none-eabi-cortex-m3.txt`, gcc %s, -Os," % gcc,
         "link-time optimisation, the lean core of doc/firmware.md \"Budget\").",
         "The budget is %d KiB of flash and 4 KiB of RAM (issue 14)," % (FLASH_BUDGET // 1024),
         "stack included: `mps2.ld` fails",
         "the link beyond it and `scripts/firmware_size.py --check` (the test",
         "`firmware_images_fit_their_flash_and_ram_budget`) fails when an image is over it or",
         "its stack high-water mark comes within 64 bytes of its stack.",
         "Flash = text + data (the initial values of .data live in flash); RAM = data + bss,",
         "and the stack is the rest of the 4 KiB. The high-water mark is the deepest the",
         "stack went in the model's self-test image under QEMU (the QEMU tests check the",
         "deepest after Modbus, IR and control traffic too). Soft-float: bytes of libgcc's",
         "floating-point routines in the image.", ""] + table + [
         "", "The Modbus slave (the 6914's image less the 6912's, which is the same meter",
         "without a bus slave: the codec, the slave and the three-phase rows only a Modbus",
         "map has) takes %d bytes, beside nanoMODBUS's 5.6 KiB server-only footprint for"
         % modbus, "Cortex-M3 at -Os."]
with open(out, "w") as f:
    f.write("\n".join(lines + details) + "\n")
print("wrote " + out)

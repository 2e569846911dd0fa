#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Build the firmware images from a host build: a build has one compiler
per machine, so the images get a cross build of the same source tree of
their own (set up once, then ninja keeps it current), and the images are
copied next to this script's outputs for the host build's tests.
Usage: cross_build.py MESON SOURCE_ROOT CROSS_BUILD_DIR CROSS_FILE WERROR OUTDIR"""
import glob
import os
import shutil
import subprocess
import sys

meson, src, build, cross, werror, outdir = sys.argv[1:7]
if not os.path.exists(os.path.join(build, "build.ninja")):
    subprocess.run([meson, "setup", "--cross-file", os.path.join(src, cross),
                    "-Dwerror=" + ("true" if werror == "1" else "false"), build, src],
                   check=True, stdout=subprocess.DEVNULL)
jobs = os.environ.get("KLEFR_FW_JOBS", "2")
subprocess.run(["ninja", "-C", build, "-j", jobs], check=True)
for path in glob.glob(os.path.join(build, "firmware", "mps2", "klefr-69??*.*")):
    if path.endswith((".elf", ".bin", ".map")) and "-unsigned" not in path:
        target = os.path.join(outdir, os.path.basename(path))
        if not os.path.exists(target) or os.path.getmtime(target) < os.path.getmtime(path):
            shutil.copy2(path, target)

#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Record the program checksum in a linked firmware image: the CRC-32
(IEEE, as klefr_fw_crc32) of everything in flash before the .image_crc
word goes into that word. Writes the patched ELF and its raw .bin.
Usage: image_crc.py OBJCOPY IN.elf OUT.elf OUT.bin"""
import os
import struct
import subprocess
import sys
import tempfile
import zlib

objcopy, elf_in, elf_out, bin_out = sys.argv[1:5]
with tempfile.TemporaryDirectory() as tmp:
    raw = os.path.join(tmp, "image.bin")
    subprocess.run([objcopy, "-O", "binary", elf_in, raw], check=True)
    image = open(raw, "rb").read()
    # .image_crc is the last section in flash: its word ends the raw image.
    if len(image) < 8 or image[-4:] != b"\0\0\0\0":
        sys.exit("image_crc.py: %s does not end in an empty checksum word" % elf_in)
    word = os.path.join(tmp, "crc.bin")
    with open(word, "wb") as f:
        f.write(struct.pack("<I", zlib.crc32(image[:-4]) & 0xFFFFFFFF))
    subprocess.run([objcopy, "--update-section", ".image_crc=" + word, elf_in, elf_out],
                   check=True)
    subprocess.run([objcopy, "-O", "binary", elf_out, bin_out], check=True)

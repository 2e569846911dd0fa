#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the seed corpora of the firmware fuzz targets (fuzz_fw_bus,
fuzz_fw_ir, fuzz_fw_store) from the manual's frames (SPEC 9, manual
appendices 2-4) in the chunk format of fuzz/fuzz_fw_platform.h. Run from
the source tree: python3 fuzz/make_fw_seeds.py (rewrites the files)."""
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def gap_code(ms):
    """The smallest control gap code (0, 1, 2, 4 ... ms) of at least ms."""
    code = 0
    while (0 if code == 0 else 1 << (code - 1)) < ms:
        code += 1
    return code


def chunks(data, gap_ms):
    out = b""
    for i in range(0, len(data), 16):
        part = data[i:i + 16]
        code = gap_code(gap_ms) if i == 0 else 0
        out += bytes([code << 4 | (len(part) - 1)]) + part
    return out


def crc16(frame):
    c = 0xFFFF
    for b in frame:
        c ^= b
        for _ in range(8):
            c = (c >> 1) ^ 0xA001 if c & 1 else c >> 1
    return frame + bytes([c & 0xFF, c >> 8])


def rtu(hexs):
    return crc16(bytes.fromhex(hexs))


def mbus_long(c, a, ci, data_hex):
    body = bytes([c, a, ci]) + bytes.fromhex(data_hex)
    return bytes([0x68, len(body), len(body), 0x68]) + body + bytes([sum(body) & 0xFF, 0x16])


def mbus_short(c, a):
    return bytes([0x10, c, a, (c + a) & 0xFF, 0x16])


def bcc(data):
    x = 0
    for c in data:
        x ^= c
    return x


def iec_cmd(cmd, data=None):
    body = cmd.encode() + (b"\x02" + data.encode() if data is not None else b"") + b"\x03"
    return b"\x01" + body + bytes([bcc(body)])


def write(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def session(frames, gap_ms):
    return b"".join(chunks(f, gap_ms) for f in frames)


def bus_seeds():
    modbus = {
        "modbus_read_blocks": ["01 03 40 00 00 1D", "01 03 50 00 00 32", "01 03 60 00 00 4B"],
        "modbus_spec9_writes": ["01 06 40 03 00 0A", "0A 06 40 04 25 80",
                                "0A 10 40 0D 00 02 04 41 20 00 00", "0A 06 40 0F 00 0A",
                                "0A 06 40 10 00 25", "0A 06 40 11 00 02", "0A 06 40 16 00 00",
                                "0A 06 60 48 00 02", "0A 10 60 49 00 02 04 00 00 00 00"],
        "modbus_exceptions": ["01 03 40 00 00 00", "01 03 40 00 00 7E", "01 03 3F FF 00 01",
                              "01 04 40 00 00 01", "01 10 40 0F 00 00 00",
                              "01 06 40 02 00 01", "01 06 40 03 00 F8"],
        "modbus_broadcast": ["00 06 40 0F 00 01", "00 03 40 00 00 01", "01 03 40 0F 00 01"],
    }
    for name, frames in modbus.items():
        write("fuzz_fw_bus", name, b"\x01" + session([rtu(h) for h in frames], 32))
    # A request with a byte right behind it, then the same alone.
    w = rtu("01 06 40 10 00 25")
    write("fuzz_fw_bus", "modbus_trailing_byte",
          b"\x01" + chunks(w + b"\x00", 32) + chunks(w, 64) + chunks(rtu("01 03 40 10 00 01"), 64))
    write("fuzz_fw_bus", "modbus_in_pieces_fast_metrology",
          b"\x03" + b"".join(chunks(bytes([b]), 1) for b in rtu("01 03 60 00 00 4B")))

    req_ud2 = mbus_short(0x5B, 0x00)
    manual_writes = [
        mbus_long(0x53, 0x00, 0x51, "01 7A 01"),
        mbus_long(0x53, 0x01, 0x51, "0C 79 15 01 23 45"),
        mbus_long(0x53, 0x01, 0x51, "09 7C 01 54 02"),
        mbus_long(0x53, 0x01, 0x51, "09 FD 3A 05"),
        mbus_long(0x53, 0x01, 0x51, "0C FD 3A 00 00 01 00"),
        mbus_long(0x53, 0x01, 0x51, "0C 04 00 00 00 00"),
        mbus_long(0x53, 0x01, 0x51, "0A FD 60 00 00"),
        mbus_short(0x7B, 0x01),
        bytes([0x68, 0x03, 0x03, 0x68, 0x53, 0x01, 0xBB, 0x0F, 0x16]),
    ]
    write("fuzz_fw_bus", "mbus_req_ud2_and_fcb",
          b"\x00" + session([req_ud2, mbus_short(0x7B, 0x00), mbus_short(0x7B, 0x00),
                             mbus_short(0x40, 0x00), mbus_short(0x5A, 0x00)], 150))
    write("fuzz_fw_bus", "mbus_manual_writes", b"\x00" + session(manual_writes, 150))
    select = mbus_long(0x53, 0xFD, 0x52, "18 05 06 17 CD 25 01 02")
    wildcard = mbus_long(0x53, 0xFD, 0x52, "FF FF FF FF FF FF FF FF")
    write("fuzz_fw_bus", "mbus_secondary_selection",
          b"\x00" + session([select, mbus_short(0x7B, 0xFD), wildcard, mbus_short(0x40, 0xFD),
                             mbus_short(0x5B, 0xFE), mbus_long(0x53, 0x00, 0x50, "")], 150))
    write("fuzz_fw_bus", "mbus_noise_and_pieces",
          b"\x00" + chunks(b"\x00\xff\x68\x99", 150) +
          b"".join(chunks(bytes([b]), 2) for b in req_ud2))


def ir_seeds():
    sign_on = b"/?!\r\n"
    readout = [sign_on, b"\x06050\r\n", b"\x15"]
    write("fuzz_fw_ir", "readout_9600", b"\x03" + session(readout, 512))
    write("fuzz_fw_ir", "readout_300_6911", b"\x00" + session([sign_on, b"\x06000\r\n"], 512))
    prog = [sign_on, b"\x06051\r\n", iec_cmd("P1", "(0000)"), iec_cmd("R1", "128.1.4()"),
            iec_cmd("W1", "128.1.4(25)"), iec_cmd("W1", "128.1.4(2*min)"),
            iec_cmd("W1", "128.4.0(0*kWh)"), iec_cmd("R1", "1.8.0()"), b"\x15",
            iec_cmd("E2", "x()"), iec_cmd("B0")]
    write("fuzz_fw_ir", "programming_6914", b"\x03" + session(prog, 512))
    m_bus = [sign_on, b"\x06051\r\n", iec_cmd("P1", "(0000)"), iec_cmd("W1", "128.1.0(7)"),
             iec_cmd("W1", "128.1.7(45230115)"), iec_cmd("B0")]
    write("fuzz_fw_ir", "programming_6913", b"\x02" + session(m_bus, 512))
    wrong = [sign_on, b"\x06051\r\n"] + [iec_cmd("P1", "(1234)")] * 4 + [iec_cmd("B0")]
    write("fuzz_fw_ir", "lockout_fast_metrology", b"\x07" + session(wrong, 512))
    write("fuzz_fw_ir", "stray_soh_before_sign_on",
          b"\x03" + chunks(b"\x01", 512) + chunks(sign_on, 1) + chunks(b"\x02/?17060518!\r\n", 2048))
    write("fuzz_fw_ir", "bad_bcc_in_programming",
          b"\x03" + session([sign_on, b"\x06051\r\n", b"\x01P1\x02(0000)\x03\x60"], 512))


def record(seq, q_fwd_t1=230, lock_failures=0, lock_left=0, clean=False):
    r = bytearray(160)
    r[0:4] = b"KFW1"
    struct.pack_into("<I", r, 4, seq)
    struct.pack_into("<H", r, 8, 1 if clean else 0)
    struct.pack_into("<IQ", r, 12, q_fwd_t1, 123456789)
    struct.pack_into("<H", r, 120, 3)
    struct.pack_into("<IIHHBBBBBB", r, 122, 17060518, 1000000, 9600, 0, 1, 1, 5, 10, 2, 1)
    struct.pack_into("<Q", r, 140, 0x801)
    struct.pack_into("<I", r, 148, 0)  # first journal entry
    r[152] = lock_failures
    r[153:156] = (lock_left // 1000).to_bytes(3, "little")
    struct.pack_into("<I", r, 156, zlib.crc32(bytes(r[:156])) & 0xFFFFFFFF)
    return bytes(r)


def store_seeds():
    write("fuzz_fw_store", "blank", b"\x03")
    write("fuzz_fw_store", "one_record_bank_1", b"\x03" + b"\xff" * 160 + record(1))
    write("fuzz_fw_store", "two_records", b"\x02" + record(4, 100) + record(5, 230, clean=True))
    write("fuzz_fw_store", "locked_record", b"\x03" + record(2, lock_failures=3, lock_left=600000)
          + record(1))
    write("fuzz_fw_store", "zeros", b"\x01" + b"\x00" * 320)
    write("fuzz_fw_store", "sealed_garbage", b"\x0f" + bytes(range(256)) + bytes(range(64)))


if __name__ == "__main__":
    bus_seeds()
    ir_seeds()
    store_seeds()

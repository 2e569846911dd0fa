# SPDX-License-Identifier: MIT
"""klefr.decode on the manual's frames (SPEC section 9, appendices A2.2 and
A3.2) and on IEC 62056-21 messages; bad input raises the right exception."""

import random

import pytest

import klefr

RSP_UD = bytes.fromhex(
    "68 4B 4B 68 08 00 72 00 00 00 00 CD 25 01 02 02 00 00 00 0C 04 14 48 60 01 8C 10 04 23"
    "80 35 00 8C 20 04 91 67 24 01 1C 04 46 13 69 00 9C 10 04 56 34 12 00 9C 20 04 90 78 56 00"
    "2C 04 68 34 91 00 AC 10 04 67 45 23 00 AC 20 04 01 89 67 00 7C 16")

# value (Wh), function, tariff of the nine records of A2.2
NINE = [
    (16048140, klefr.MbusFunction.INSTANTANEOUS, 0),
    (3580230, klefr.MbusFunction.INSTANTANEOUS, 1),
    (12467910, klefr.MbusFunction.INSTANTANEOUS, 2),
    (6913460, klefr.MbusFunction.MAXIMUM, 0),
    (1234560, klefr.MbusFunction.MAXIMUM, 1),
    (5678900, klefr.MbusFunction.MAXIMUM, 2),
    (9134680, klefr.MbusFunction.MINIMUM, 0),
    (2345670, klefr.MbusFunction.MINIMUM, 1),
    (6789010, klefr.MbusFunction.MINIMUM, 2),
]


def test_rsp_ud_gives_the_nine_energies_with_units():
    f = klefr.decode(RSP_UD)
    assert isinstance(f, klefr.MbusFrame)
    assert f.header.manufacturer == "INM"
    assert f.header.medium_name == "Electricity"
    assert f.header.access == 2
    got = [(r.value, r.function, r.tariff) for r in f.records]
    assert got == NINE
    assert all(r.unit == "Wh" and r.quantity == "Energy" for r in f.records)
    assert all(r.storage == 0 and r.subunit == 0 for r in f.records)
    assert str(f.records[0].exact) == "16048140"


def test_str_of_the_rsp_ud_lists_the_nine_energies_with_units():
    lines = str(klefr.decode(RSP_UD)).splitlines()
    assert lines[0] == ("M-Bus RSP_UD from address 0 (C 08, CI 72): id 00000000, INM version 1, "
                        "Electricity, access 2, status 00, 9 records")
    # The manual's kWh column (Energy 10 Wh), the function and tariff of the DIF/DIFE.
    assert lines[1:] == [
        "  Energy: 16048.14 kWh (instantaneous)", "  Energy: 3580.23 kWh (instantaneous, tariff 1)",
        "  Energy: 12467.91 kWh (instantaneous, tariff 2)", "  Energy: 6913.46 kWh (maximum)",
        "  Energy: 1234.56 kWh (maximum, tariff 1)", "  Energy: 5678.9 kWh (maximum, tariff 2)",
        "  Energy: 9134.68 kWh (minimum)", "  Energy: 2345.67 kWh (minimum, tariff 1)",
        "  Energy: 6789.01 kWh (minimum, tariff 2)"]
    assert str(klefr.decode(bytes.fromhex("E5"))) == "M-Bus ACK (E5)"
    assert str(klefr.decode(bytes.fromhex("10 5B 00 5B 16"))) == "M-Bus REQ_UD2 to address 0 (C 5B)"


def test_str_of_modbus_and_iec_frames():
    assert str(klefr.decode(bytes.fromhex("01 06 40 10 00 25 5C 14"))) == \
        "Modbus request to unit 1: write single register (06) 0x4010 = 0x0025"
    assert str(klefr.decode(bytes.fromhex("01 03 04 17 06 05 18 1C DC"))) == \
        "Modbus response from unit 1: read holding registers (03), 2 registers: 1706 0518"
    assert str(klefr.decode(bytes.fromhex("01 83 02 C0 F1"))).endswith(
        "read holding registers (03): Modbus exception 02: illegal data address")
    assert str(klefr.decode(READOUT)).splitlines() == [
        "IEC 62056-21 data message, 3 data sets", "  0.0.0 = 17060518",
        "  1.8.0 = 00006913.46 kWh", "  32.7.0 = 230.1 V"]
    assert str(klefr.decode(b"/?!\r\n")) == "IEC 62056-21 request: '/?!'"
    assert str(klefr.decode(b"\x06")) == "IEC 62056-21 ack"


def test_protocol_may_be_given_by_name_or_enum():
    assert klefr.decode(RSP_UD, "mbus") == klefr.decode(RSP_UD, klefr.Protocol.MBUS)
    with pytest.raises(ValueError):
        klefr.decode(RSP_UD, "zigbee")


# Appendix 3 writes (SPEC section 9), CRC appended: decoded field by field.
A3_WRITES = [
    ("01 06 4003 000A", 0x4003, 10),
    ("01 06 4004 2580", 0x4004, 0x2580),
    ("01 06 400F 000A", 0x400F, 10),
    ("01 06 4010 0025", 0x4010, 0x25),
    ("01 06 4011 0002", 0x4011, 2),
    ("01 06 4016 0000", 0x4016, 0),
    ("01 06 6048 0002", 0x6048, 2),
]


def crc(frame):
    c = 0xFFFF
    for b in frame:
        c ^= b
        for _ in range(8):
            c = (c >> 1) ^ 0xA001 if c & 1 else c >> 1
    return frame + bytes([c & 0xFF, c >> 8])


@pytest.mark.parametrize("hexframe,address,value", A3_WRITES)
def test_manual_single_register_writes(hexframe, address, value):
    q = klefr.decode(crc(bytes.fromhex(hexframe)))
    assert isinstance(q, klefr.ModbusRequest)
    assert (q.unit, q.function, q.address, q.value) == (
        1, klefr.ModbusFunction.WRITE_SINGLE_REGISTER, address, value)


def test_manual_multiple_register_writes():
    q = klefr.decode(crc(bytes.fromhex("01 10 400D 0002 04 41 20 00 00")))
    assert q.function == klefr.ModbusFunction.WRITE_MULTIPLE_REGISTERS
    assert (q.address, q.quantity, q.registers) == (0x400D, 2, (0x4120, 0))
    q = klefr.decode(crc(bytes.fromhex("01 10 6049 0002 04 00 00 00 00")))
    assert (q.address, q.quantity, q.registers) == (0x6049, 2, (0, 0))


def test_lcd_cycle_time_write_of_the_manual_byte_for_byte():
    assert crc(bytes.fromhex("01 06 40 10 00 25")) == bytes.fromhex("01 06 40 10 00 25 5C 14")
    q = klefr.decode(bytes.fromhex("01 06 40 10 00 25 5C 14"))
    assert (q.address, q.value) == (0x4010, 0x25)  # "HEX": 25 s as BCD


def test_read_response_and_exception():
    r = klefr.decode(bytes.fromhex("01 03 04 17 06 05 18 1C DC"))
    assert isinstance(r, klefr.ModbusResponse)
    assert r.registers == (0x1706, 0x0518) and r.exception == 0
    q = klefr.decode(bytes.fromhex("01 03 40 00 00 02 D1 CB"))
    assert isinstance(q, klefr.ModbusRequest) and (q.address, q.quantity) == (0x4000, 2)
    e = klefr.decode(bytes.fromhex("01 83 02 C0 F1"))
    assert e.exception == 2 and e.function == klefr.ModbusFunction.READ_HOLDING_REGISTERS


READOUT = bytes.fromhex(
    "02 30 2E 30 2E 30 28 31 37 30 36 30 35 31 38 29 0D 0A 31 2E 38 2E 30 28 30 30 30 30 36 39"
    "31 33 2E 34 36 2A 6B 57 68 29 0D 0A 33 32 2E 37 2E 30 28 32 33 30 2E 31 2A 56 29 0D 0A 21"
    "0D 0A 03 2D")


def test_iec_readout_data_sets():
    m = klefr.decode(READOUT)
    assert isinstance(m, klefr.IecMessage) and m.type == klefr.IecMessageType.DATA
    got = [(d.address, d.value, d.unit, d.number) for d in m.datasets]
    assert got == [("0.0.0", "17060518", "", 17060518.0),
                   ("1.8.0", "00006913.46", "kWh", 6913.46),
                   ("32.7.0", "230.1", "V", 230.1)]


def test_iec_command_sign_on_and_7e1_parity_bits():
    w = klefr.decode(bytes.fromhex("01 57 31 02 31 32 38 2E 31 2E 34 28 32 35 29 03 5F"))
    assert w.command == "W1" and w.datasets[0].address == "128.1.4"
    assert w.datasets[0].value == "25"
    assert klefr.decode(b"/?!\r\n").type == klefr.IecMessageType.REQUEST
    parity = bytes.fromhex("82 30 2E 30 2E 30 28 B1 B7 30 36 30 35 B1 B8 A9 8D 0A 21 8D 0A 03 9F")
    m = klefr.decode(parity, "iec")
    assert m.datasets[0].value == "17060518"


def test_7e1_bits_are_stripped_only_when_every_byte_has_even_parity():
    # Sign-on "/?!" CR LF with even parity in bit 7: 2F 3F 21 0D 0A have
    # 5, 6, 2, 3, 2 one bits, so 2F and 0D get bit 7 (AF, 8D).
    assert klefr.decode(bytes.fromhex("AF 3F 21 8D 0A"), "iec").type == klefr.IecMessageType.REQUEST
    # The same with one parity bit wrong (3F -> BF: odd) is not stripped,
    # and an 8-bit byte is no IEC character.
    with pytest.raises(klefr.Error):
        klefr.decode(bytes.fromhex("AF BF 21 8D 0A"), "iec")


def test_a_manufacturer_code_that_makes_no_letters_reads_as_question_marks():
    # A2.2 with manufacturer bytes 00 00 (EN 13757-3, 6.4: a 5-bit group of 0
    # is no letter); the checksum loses CD + 25.
    body = bytearray(RSP_UD[4:-2])
    body[7:9] = b"\x00\x00"
    frame = RSP_UD[:4] + bytes(body) + bytes([sum(body) & 0xFF, 0x16])
    f = klefr.decode(frame)
    assert f.header.manufacturer == "???"
    assert [r.value for r in f.records] == [n[0] for n in NINE]


@pytest.mark.parametrize("data,exc", [
    (bytes.fromhex("01 06 40 10 00 25 5C 15"), klefr.Checksum),
    (bytes.fromhex("68 4B 4B 68 08 00 72 00 16"), klefr.Truncated),
    (RSP_UD[:-2] + bytes([RSP_UD[-2] ^ 1, 0x16]), klefr.Checksum),
    (b"", klefr.Truncated),
])
def test_bad_frames_raise_their_exception(data, exc):
    with pytest.raises(exc) as info:
        klefr.decode(data)
    assert isinstance(info.value, klefr.Error) and int(info.value.code) < 0


def test_errors_carry_the_c_code():
    with pytest.raises(klefr.Checksum) as info:
        klefr.decode(bytes.fromhex("01 06 40 10 00 25 5C 15"))
    assert info.value.code == klefr.ErrorCode.ERR_CHECKSUM
    assert "checksum" in str(info.value)


def test_random_bytes_through_every_decoder_never_crash():
    rnd = random.Random(13)
    decoders = [klefr.decode, klefr.decode_mbus, klefr.decode_modbus, klefr.decode_iec]
    seeds = [RSP_UD, READOUT, bytes.fromhex("01 03 04 17 06 05 18 1C DC")]
    for i in range(20000):
        if i % 2:
            data = bytes(rnd.randrange(256) for _ in range(rnd.randrange(0, 80)))
        else:  # mutate a valid frame: deeper into the decoders
            data = bytearray(rnd.choice(seeds))
            for _ in range(rnd.randrange(1, 4)):
                data[rnd.randrange(len(data))] = rnd.randrange(256)
            data = bytes(data[:rnd.randrange(1, len(data) + 1)])
        for d in decoders:
            try:
                d(data)
            except klefr.Error:
                pass

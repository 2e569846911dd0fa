# SPDX-License-Identifier: MIT
"""klefr.modbus, klefr.mbus and klefr.iec: the manual's frames (SPEC
section 9, manual appendices A2.2 and A3.2) and frames derived by hand from
EN 13757-2 and IEC 62056-21 produced byte for byte, encoder -> decoder
round trips, bad arguments raising the right exception, and random and
mutated bytes through every decoder."""

import random

import pytest

import klefr
from klefr import iec, mbus, modbus


def crc16_modbus(frame):
    """CRC-16/MODBUS written out here (poly 0xA001 reflected, init 0xFFFF),
    not the library's: the manual prints its frames without the CRC."""
    c = 0xFFFF
    for b in frame:
        c ^= b
        for _ in range(8):
            c = (c >> 1) ^ 0xA001 if c & 1 else c >> 1
    return frame + bytes([c & 0xFF, c >> 8])


def mbus_long(c, a, ci, data):
    """68 L L 68 C A CI data CS 16, CS the sum of C..data mod 256 (EN 13757-2, 5.2)."""
    body = bytes([c, a, ci]) + data
    return bytes([0x68, len(body), len(body), 0x68]) + body + bytes([sum(body) % 256, 0x16])


# --- M-Bus: the RSP_UD of manual A2.2 ------------------------------------------------

RSP_UD = bytes.fromhex(
    "68 4B 4B 68 08 00 72 00 00 00 00 CD 25 01 02 02 00 00 00 0C 04 14 48 60 01 8C 10 04 23"
    "80 35 00 8C 20 04 91 67 24 01 1C 04 46 13 69 00 9C 10 04 56 34 12 00 9C 20 04 90 78 56 00"
    "2C 04 68 34 91 00 AC 10 04 67 45 23 00 AC 20 04 01 89 67 00 7C 16")

# The nine records of A2.2: DIF, DIFE, kWh as the manual's remarks give them.
NINE = [
    (0x0C, None, "total_active_energy", 16048.14),
    (0x8C, 0x10, "t1_total_active_energy", 3580.23),
    (0x8C, 0x20, "t2_total_active_energy", 12467.91),
    (0x1C, None, "forward_active_energy", 6913.46),
    (0x9C, 0x10, "t1_forward_active_energy", 1234.56),
    (0x9C, 0x20, "t2_forward_active_energy", 5678.90),
    (0x2C, None, "reverse_active_energy", 9134.68),
    (0xAC, 0x10, "t1_reverse_active_energy", 2345.67),
    (0xAC, 0x20, "t2_reverse_active_energy", 6789.01),
]


def test_a22_rsp_ud_decodes_to_the_nine_energies_with_value_and_unit():
    f = mbus.decode(RSP_UD)
    assert f == klefr.decode(RSP_UD)
    assert len(f.records) == 9
    for r, (dif, dife, _name, kwh) in zip(f.records, NINE):
        assert r.unit == "Wh" and r.quantity == "Energy"
        assert r.value == round(kwh * 1000)  # VIF 04: 10 Wh, 8-digit BCD
        assert r.raw[0] == dif and r.tariff == (0 if dife is None else dife >> 4)
        # bits 5-4 of the DIF as sent: 0 total, 1 (maximum) forward, 2 (minimum) reverse
        assert r.function == (dif >> 4) & 3


def test_a22_rsp_ud_rebuilt_byte_for_byte_from_the_records():
    records = [mbus.record(0x04, round(kwh * 100), coding=klefr.MbusCoding.BCD8,
                           function=(dif >> 4) & 3, tariff=0 if dife is None else dife >> 4)
               for dif, dife, _n, kwh in NINE]
    assert mbus.rsp_ud(records, address=0, id=0, version=1, medium=2, access=2) == RSP_UD


def test_a22_rsp_ud_rebuilt_byte_for_byte_from_the_register_model():
    values = {name: kwh for _d, _e, name, kwh in NINE}
    assert mbus.meter_rsp_ud(values, address=0, id=0, access=2, status=0) == RSP_UD


def test_encode_of_a_decoded_frame_gives_the_frame_back():
    assert mbus.encode(mbus.decode(RSP_UD)) == RSP_UD
    for frame in (mbus.snd_nke(5), mbus.req_ud2(5, fcb=True), mbus.app_reset(7), b"\xe5",
                  mbus.baud_change(1, 4800)):
        assert mbus.encode(mbus.decode(frame)) == frame


# --- M-Bus: the master's frames, derived by hand from EN 13757-2 ------------------------

def test_snd_nke_and_req_ud2_by_hand():
    # Short frame (EN 13757-2, 5.2): 10h C A CS 16h, CS = (C + A) mod 256.
    # SND_NKE: C = 40h (PRM set, FCV clear, function 0). To address 01h:
    #   CS = 40h + 01h = 41h                          -> 10 40 01 41 16
    assert mbus.snd_nke(1) == bytes.fromhex("10 40 01 41 16")
    # REQ_UD2: C = 5Bh (PRM 40h + FCV 10h + function Bh); with FCB (20h) 7Bh.
    # Manual A2.2 sends 10 5B 00 5B 16 to address 00 (CS = 5Bh + 00h).
    assert mbus.req_ud2(0) == bytes.fromhex("10 5B 00 5B 16")
    # To FEh (every slave answers) with FCB: CS = 7Bh + FEh = 179h -> 79h.
    assert mbus.req_ud2(mbus.BROADCAST_REPLY, fcb=True) == bytes.fromhex("10 7B FE 79 16")
    # SND_NKE to FDh (the selected slave): CS = 40h + FDh = 13Dh -> 3Dh.
    assert mbus.snd_nke(mbus.SECONDARY) == bytes.fromhex("10 40 FD 3D 16")


def test_control_frames_and_selection_by_hand():
    # Control frame 68 03 03 68 C A CI CS 16. Application reset: C 53h
    # (SND_UD: PRM + FCV + 3), CI 50h; to 01: CS = 53 + 01 + 50 = A4h.
    assert mbus.app_reset(1) == bytes.fromhex("68 03 03 68 53 01 50 A4 16")
    # Baud change to 2400 (manual A2.2: CI BBh): CS = 53 + 01 + BB = 10Fh -> 0Fh.
    assert mbus.baud_change(1, 2400) == bytes.fromhex("68 03 03 68 53 01 BB 0F 16")
    # Selection (EN 13757-3, 11.3) of the manual's input: id 13070001 as BCD
    # little-endian 01 00 07 13, manufacturer INM = 25CDh sent CD 25, version
    # 01, medium 02. CS over 53 FD 52 01 00 07 13 CD 25 01 02:
    #   53+FD=150, +52=1A2, +01=1A3, +07=1AA, +13=1BD, +CD=28A, +25=2AF,
    #   +01=2B0, +02=2B2 -> B2h.
    frame = bytes.fromhex("68 0B 0B 68 53 FD 52 01 00 07 13 CD 25 01 02 B2 16")
    assert mbus.select(13070001, manufacturer="INM", version=1, medium=2) == frame
    assert mbus.select("13070001", manufacturer=0x25CD, version=1, medium=2) == frame
    # Wildcards: F per digit, FF per byte.
    assert mbus.select("1307FFFF") == mbus_long(0x53, 0xFD, 0x52,
                                                bytes.fromhex("FF FF 07 13 FF FF FF FF"))


def test_c_fields_by_hand():
    # EN 13757-2, 5.4: PRM 40h, FCB 20h, FCV 10h; RSP_UD 08h + ACD 20h + DFC 10h.
    assert mbus.control_field("SND_NKE") == 0x40
    assert mbus.control_field("REQ_UD2") == 0x5B
    assert mbus.control_field(mbus.LinkFunction.REQ_UD2, fcb=True) == 0x7B
    assert mbus.control_field("SND_UD", fcb=True) == 0x73
    assert mbus.control_field("RSP_UD", acd=True, dfc=True) == 0x38


# The writes of manual A2.2 to primary address 01 (setting, value, the
# bytes after the CI 51, or a baud-change CI).
A22_WRITES = [
    ("bus_address", 1, "01 7A 01"),
    ("secondary_address", 45230115, "0C 79 15 01 23 45"),
    ("tariff", 2, "09 7C 01 54 02"),
    ("calculation_code", 5, "09 FD 3A 05"),
    ("s0_rate", 100, "0C FD 3A 00 00 01 00"),
    ("day_counter", 0, "0C 04 00 00 00 00"),
    ("power_down_counter", 0, "0A FD 60 00 00"),
]


@pytest.mark.parametrize("name,value,records", A22_WRITES)
def test_manual_mbus_writes_byte_for_byte(name, value, records):
    frame = mbus_long(0x53, 0x01, 0x51, bytes.fromhex(records))
    assert mbus.write_request(name, value, address=1) == frame
    assert mbus.snd_ud(1, [bytes.fromhex(records)]) == frame
    assert mbus.decode_write(frame) == [(name, value)]


def test_manual_mbus_baud_write_is_a_baud_change():
    frame = bytes.fromhex("68 03 03 68 53 01 BB 0F 16")
    assert mbus.write_request("baud_rate", 2400, address=1) == frame
    assert mbus.decode_write(frame) == [("baud_rate", 2400)]


def test_records_round_trip_through_a_rsp_ud():
    records = [
        mbus.record(0x04, 1604814, coding=klefr.MbusCoding.BCD8, tariff=1, storage=3),
        mbus.record(0x13, 2.5),                                   # volume, m^3 x 10^-3, REAL32
        mbus.record(bytes([0xFD, 0x0C]), "v2.18"),                # model/version, LVAR text
        mbus.record(0x2B, -1500, coding=klefr.MbusCoding.INT16),  # power, W
    ]
    f = mbus.decode(mbus.rsp_ud(records, id=17060518, version=1, medium=2, access=9))
    assert f.header.id == 17060518 and f.header.manufacturer == "INM" and f.header.access == 9
    got = [(r.value, r.unit, r.storage, r.tariff) for r in f.records]
    assert got == [(16048140, "Wh", 3, 1), (0.0025, "m^3", 0, 0), ("v2.18", "", 0, 0),
                   (-1500, "W", 0, 0)]
    assert [r.raw for r in f.records] == records


# --- Modbus: the write frames of manual A3.2 ------------------------------------------------

# (setting, value, the manual's frame without its CRC)
A32_WRITES = [
    ("bus_address", 10, "01 06 4003 000A"),
    ("baud_rate", 9600, "01 06 4004 2580"),
    ("s0_rate", 10, "01 10 400D 0002 04 41 20 00 00"),
    ("calculation_code", 10, "01 06 400F 000A"),
    ("lcd_cycle_time", 25, "01 06 4010 0025"),
    ("parity", 2, "01 06 4011 0002"),
    ("power_down_counter", 0, "01 06 4016 0000"),
    ("tariff", 2, "01 06 6048 0002"),
    ("day_counter", 0, "01 10 6049 0002 04 0000 0000"),
]


@pytest.mark.parametrize("name,value,manual", A32_WRITES)
def test_manual_modbus_writes_byte_for_byte(name, value, manual):
    frame = crc16_modbus(bytes.fromhex(manual))
    assert modbus.write_request(name, value, unit=1) == frame
    q = modbus.decode_request(frame)
    if q.function == klefr.ModbusFunction.WRITE_SINGLE_REGISTER:
        assert modbus.write_register(1, q.address, q.value) == frame
    else:
        assert modbus.write_registers(1, q.address, q.registers) == frame
    assert modbus.encode(q) == frame


def test_lcd_cycle_time_frame_with_its_known_crc():
    assert modbus.write_register(1, 0x4010, 0x0025) == bytes.fromhex("01 06 40 10 00 25 5C 14")


def test_modbus_requests_and_responses_by_hand():
    # 01 03 4000 0002 + CRC: the serial number read of the master.
    assert modbus.read_request(1, 0x4000, 2) == bytes.fromhex("01 03 40 00 00 02 D1 CB")
    assert modbus.read_registers_response(1, [0x1706, 0x0518]) == bytes.fromhex(
        "01 03 04 17 06 05 18 1C DC")
    assert modbus.exception_response(1, 3, 2) == bytes.fromhex("01 83 02 C0 F1")
    # Function 05 (coil on = FF00), 15 (coils LSB first: 1,0,1,1 -> 0Dh).
    assert modbus.write_coil(1, 0x13, True) == crc16_modbus(bytes.fromhex("01 05 0013 FF00"))
    assert modbus.write_coils(1, 0x13, [1, 0, 1, 1]) == crc16_modbus(
        bytes.fromhex("01 0F 0013 0004 01 0D"))
    assert modbus.read_bits_response(1, [0, 1] * 5) == crc16_modbus(
        bytes.fromhex("01 01 02 AA 02"))


def test_modbus_round_trips():
    frames = [modbus.read_request(7, 0x5000, 0x2C), modbus.write_register(7, 0x4010, 0x12),
              modbus.write_registers(0, 0x400D, [0x4120, 0]),
              modbus.write_coils(3, 9, [True] * 9), modbus.write_coil(3, 1, False),
              modbus.read_registers_response(1, list(range(125)), function=4),
              modbus.exception_response(9, 16, 3),
              modbus.response(1, 6, address=0x4010, value=0x25),
              modbus.response(1, 16, address=0x400D, quantity=2)]
    for f in frames:
        assert modbus.encode(modbus.decode(f)) == f
    regs = modbus.registers({"voltage": 230.5, "frequency": 49.95, "serial_number": 17060518},
                            0x4000, 2)
    assert regs == (0x1706, 0x0518)  # "HEX": the digits read as hex digits
    back = modbus.values_of(modbus.registers({"voltage": 230.5}, 0x5000, 2), 0x5000)
    assert back == {"voltage": 230.5}
    answer = modbus.values_response(1, {"serial_number": 17060518}, 0x4000, 2)
    assert answer == bytes.fromhex("01 03 04 17 06 05 18 1C DC")


def test_modbus_tcp():
    assert modbus.mbap(0x1234, 1, 6) == bytes.fromhex("12 34 00 00 00 06 01")
    assert modbus.tcp_from_rtu(modbus.read_request(1, 0x4000, 2), 7) == bytes.fromhex(
        "00 07 00 00 00 06 01 03 40 00 00 02")


# --- IEC 62056-21, derived by hand from the standard -------------------------------------------

def test_iec_request_and_option_select_by_hand():
    # Request (IEC 62056-21, 6.3.1): '/' '?' device address '!' CR LF.
    assert iec.request("17060518") == bytes.fromhex(
        "2F 3F 31 37 30 36 30 35 31 38 21 0D 0A")
    assert iec.request() == b"/?!\r\n"
    # Option select (6.3.3): ACK '0' Z Y CR LF; Z '5' = 9600 (mode C), Y '1' programming.
    assert iec.option_select(9600, option=iec.PROGRAMMING) == bytes.fromhex("06 30 35 31 0D 0A")
    assert iec.option_select("0") == bytes.fromhex("06 30 30 30 0D 0A")


def test_iec_commands_by_hand():
    # R1 of the LCD cycle time (data set 128.1.4): SOH 'R' '1' STX "128.1.4()"
    # ETX BCC, the BCC the XOR of everything after SOH up to and including ETX:
    #   52^31=63 ^02=61 ^31=50 ^32=62 ^38=5A ^2E=74 ^31=45 ^2E=6B ^34=5F
    #   ^28=77 ^29=5E ^03=5D
    r1 = bytes.fromhex("01 52 31 02 31 32 38 2E 31 2E 34 28 29 03 5D")
    assert iec.read_request("lcd_cycle_time") == r1
    assert iec.command("R1", "128.1.4()") == r1
    # Break B0 without data: SOH 'B' '0' ETX BCC, BCC = 42^30^03 = 71h.
    assert iec.command("B0") == bytes.fromhex("01 42 30 03 71")
    # W1 128.1.4(25): SOH 'W' '1' STX "128.1.4(25)" ETX BCC, BCC over W..ETX:
    #   57^31=66 ^02=64 ^31=55 ^32=67 ^38=5F ^2E=71 ^31=40 ^2E=6E ^34=5A
    #   ^28=72 ^32=40 ^35=75 ^29=5C ^03=5F
    assert iec.write_request("lcd_cycle_time", 25) == bytes.fromhex(
        "01 57 31 02 31 32 38 2E 31 2E 34 28 32 35 29 03 5F")
    # P1 with the default password: SOH 'P' '1' STX "(0000)" ETX BCC:
    #   50^31=61 ^02=63 ^28=4B ^30=7B ^30=4B ^30=7B ^30=4B ^29=62 ^03=61
    assert iec.password("0000") == bytes.fromhex("01 50 31 02 28 30 30 30 30 29 03 61")


def test_iec_messages_round_trip():
    m = iec.decode(iec.identification("INM", "5", "KLEFR6914"))
    assert m.type == klefr.IecMessageType.IDENTIFICATION
    assert iec.ident(6914) == b"/INM5KLEFR6914\r\n"
    d = iec.decode(iec.data("1.8.0(00001234.56*kWh)\r\n!\r\n"))
    assert [(x.address, x.number, x.unit) for x in d.datasets] == [("1.8.0", 1234.56, "kWh")]
    assert iec.decode(iec.data("1.8.0(1)", partial=True)).partial
    e = iec.decode(iec.error(3))
    assert e.type == klefr.IecMessageType.ERROR and e.error_code == 3
    assert iec.decode(iec.ack()).type == klefr.IecMessageType.ACK
    assert iec.decode(iec.nak()).type == klefr.IecMessageType.NAK
    w = iec.decode(iec.write_request("tariff", 2, model=6913))
    assert w.command == "W1" and w.datasets[0].value == "2"
    for baud in (300, 600, 1200, 2400, 4800, 9600, 19200):
        assert iec.baud_of(iec.baud_char(baud)) == baud
    assert iec.baud_char(2400, "B") == "C"


def test_iec_readout_round_trip():
    values = {"total_active_energy": 16048.14, "voltage": 230.1, "frequency": 49.95}
    m = iec.decode(iec.readout(values, 6914))
    got = {d.address: d.number for d in m.datasets}
    assert got == {"15.8.0": 16048.14, "32.7.0": 230.1, "14.7.0": 49.95}


def test_long_iec_data_is_not_cut_at_a_fixed_buffer():
    text = "".join(f"0.{i % 10}.{i % 7}({i:08d})\r\n" for i in range(200))  # 3.6 kB
    m = iec.decode(iec.data(text))
    assert len(m.datasets) == 200 and m.datasets[-1].value == "00000199"


# --- bad arguments ------------------------------------------------------------------------

@pytest.mark.parametrize("call", [
    lambda: modbus.write_registers(1, 0x4000, []),           # count 0
    lambda: modbus.write_registers(1, 0x4000, [0] * 124),    # over 123
    lambda: modbus.read_request(1, 0x4000, 0),
    lambda: modbus.read_request(1, 0x4000, 126),
    lambda: modbus.read_request(0, 0x4000, 2),                # a read to the broadcast address
    lambda: modbus.read_request(248, 0x4000, 2),              # unit over 247
    lambda: modbus.read_request(1, 0xFFFF, 2),                # past 0xFFFF
    lambda: modbus.read_request(1, 0x4000, 2, function=6),
    lambda: modbus.write_coils(1, 0, []),
    lambda: modbus.exception_response(1, 3, 0),
    lambda: modbus.read_request(1, 0x10000, 2),               # no uint16_t
    lambda: modbus.write_registers(1, 0, [70000]),
    lambda: modbus.write_registers(1, 0, [0] * 300),
    lambda: modbus.registers({}, 0x5000, 126),
    lambda: mbus.record(b"", 1),                              # no VIF
    lambda: mbus.snd_nke(251),                                # reserved
    lambda: mbus.req_ud2(256),
    lambda: mbus.select("1307ABCD"),                          # A-E is no digit
    lambda: mbus.select("1307"),
    lambda: mbus.select(123456789),
    lambda: mbus.select(1, manufacturer="IN1"),
    lambda: iec.command("R"),
    lambda: iec.option_select(9600, option=1000),
    lambda: iec.baud_of("x"),
    lambda: iec.request("caf\u00e9"),
])
def test_bad_arguments_raise_invalid_argument(call):
    with pytest.raises(klefr.InvalidArgument) as info:
        call()
    assert isinstance(info.value, ValueError) and isinstance(info.value, klefr.Error)
    assert info.value.code in (klefr.ErrorCode.ERR_INVALID_ARG, klefr.ErrorCode.ERR_ENCODING)


def test_c_invalid_arg_is_a_value_error_with_the_c_code():
    with pytest.raises(ValueError) as info:
        modbus.write_registers(1, 0x4000, [0] * 124)
    assert type(info.value) is klefr.InvalidArgument
    assert info.value.code == klefr.ErrorCode.ERR_INVALID_ARG
    assert "124" in str(info.value)


@pytest.mark.parametrize("call,exc", [
    (lambda: mbus.baud_change(1, 1234), klefr.InvalidValue),
    (lambda: iec.request("12!"), klefr.InvalidValue),        # '!' ends the request
    (lambda: iec.command("X1", ""), klefr.InvalidValue),
    (lambda: iec.data("a\x03b"), klefr.InvalidValue),         # ETX inside data
    (lambda: iec.password("12a4"), klefr.InvalidValue),
    (lambda: iec.baud_char(1234), klefr.InvalidValue),
    (lambda: modbus.write_request("baud_rate", 300), klefr.InvalidValue),
    (lambda: modbus.write_request("lcd_cycle_time", 31), klefr.InvalidValue),
    (lambda: mbus.write_request("bus_address", 251), klefr.InvalidValue),
    (lambda: modbus.write_request("voltage", 1), klefr.NotWritable),
    (lambda: mbus.write_request("parity", 1), klefr.NotAvailable),
    (lambda: mbus.meter_rsp_ud({"voltage": 1}), klefr.NotAvailable),
    (lambda: modbus.registers({}, 0x3000, 1), klefr.DeviceRefused),
    (lambda: mbus.decode_write(RSP_UD), klefr.Error),
    (lambda: modbus.write_register(1, 0, "1"), TypeError),
])
def test_refused_values_raise_their_exception(call, exc):
    with pytest.raises(exc):
        call()


def test_invalid_value_says_what_is_allowed():
    with pytest.raises(klefr.InvalidValue) as info:
        modbus.write_request("baud_rate", 300)
    assert 9600 in info.value.allowed and 300 not in info.value.allowed


# --- random and mutated bytes through every decoder ---------------------------------------------

DECODERS = [klefr.decode, klefr.decode_mbus, klefr.decode_modbus, klefr.decode_iec,
            modbus.decode, modbus.decode_request, modbus.decode_response,
            mbus.decode, mbus.decode_write, iec.decode]

VALID = [RSP_UD, mbus.snd_nke(1), mbus.app_reset(1), mbus.baud_change(1, 2400),
         mbus.write_request("s0_rate", 100, address=1),
         mbus.select("1307FFFF"), mbus.rsp_ud([mbus.record(0x13, 2.5), mbus.record(0xFD, b"")]),
         modbus.read_request(1, 0x4000, 2), modbus.write_request("s0_rate", 10),
         modbus.read_registers_response(1, list(range(20))), modbus.exception_response(1, 3, 2),
         modbus.write_coils(1, 0, [1, 0, 1]),
         iec.readout({"total_active_energy": 1.5, "voltage": 230}), iec.request("17060518"),
         iec.write_request("lcd_cycle_time", 25), iec.error(4), iec.command("B0"),
         iec.identification("INM", "5", "KLEFR6914")]


def test_random_and_mutated_bytes_raise_only_klefr_errors():
    rnd = random.Random(20261204)
    outcomes = {"decoded": 0, "refused": 0}
    for i in range(20000):
        if i % 2:
            data = bytes(rnd.randrange(256) for _ in range(rnd.randrange(0, 300)))
        else:  # a valid frame with 1-3 bytes changed and maybe cut: deeper into the decoders
            data = bytearray(rnd.choice(VALID))
            for _ in range(rnd.randrange(1, 4)):
                data[rnd.randrange(len(data))] = rnd.randrange(256)
            data = bytes(data[:rnd.randrange(1, len(data) + 1)])
        for decode in DECODERS:
            try:
                decode(data)
                outcomes["decoded"] += 1
            except klefr.Error:  # anything else (or a crash) fails the test
                outcomes["refused"] += 1
    assert outcomes["decoded"] > 0 and outcomes["refused"] > 0


@pytest.mark.parametrize("module", [modbus, mbus, iec])
def test_public_functions_have_docstrings_and_full_annotations(module):
    import inspect
    functions = [getattr(module, n) for n in module.__all__
                 if inspect.isfunction(getattr(module, n))]
    assert len(functions) >= 10
    for f in functions:
        sig = inspect.signature(f)
        assert f.__doc__, f.__name__
        assert sig.return_annotation is not inspect.Signature.empty, f.__name__
        for p in sig.parameters.values():
            assert p.annotation is not inspect.Parameter.empty, f"{f.__name__}({p.name})"

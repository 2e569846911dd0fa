# SPDX-License-Identifier: MIT
"""klefr.decode(): one frame of any of the three protocols as typed objects."""

import dataclasses
import datetime
import decimal
from typing import Optional, Tuple, Union

from . import _c
from .enums import (IecMessageType, MbusCoding, MbusFrameType, MbusFunction, MbusRecordKind,
                    MbusValueType, ModbusFunction, Protocol, _as)
from .errors import Error, check


@dataclasses.dataclass(frozen=True)
class MbusRecord:
    """One EN 13757-3 data record. ``value`` is in ``unit`` with the VIF's
    exponent applied (an int when it is whole, else a float; ``exact`` the
    decimal), a datetime, a str or bytes."""
    quantity: str
    value: object
    unit: str
    function: MbusFunction
    storage: int
    tariff: int
    subunit: int
    kind: MbusRecordKind
    coding: MbusCoding
    exact: Optional[decimal.Decimal]
    raw: bytes


@dataclasses.dataclass(frozen=True)
class MbusHeader:
    """The fixed header of a RSP_UD (CI 72)."""
    id: int
    manufacturer: str
    version: int
    medium: int
    medium_name: str
    access: int
    status: int
    signature: int


@dataclasses.dataclass(frozen=True)
class MbusFrame:
    """An M-Bus link frame; for a RSP_UD its header and records."""
    protocol = Protocol.MBUS
    type: MbusFrameType
    c: int
    a: int
    ci: int
    header: Optional[MbusHeader]
    records: Tuple[MbusRecord, ...]
    data: bytes


@dataclasses.dataclass(frozen=True)
class ModbusRequest:
    """A Modbus RTU request (master to slave)."""
    protocol = Protocol.MODBUS
    unit: int
    function: ModbusFunction
    address: int
    quantity: int
    value: int
    data: bytes
    registers: Tuple[int, ...]


@dataclasses.dataclass(frozen=True)
class ModbusResponse:
    """A Modbus RTU response; ``exception`` is 0 for a normal one."""
    protocol = Protocol.MODBUS
    unit: int
    function: ModbusFunction
    exception: int
    address: int
    quantity: int
    value: int
    data: bytes
    registers: Tuple[int, ...]


@dataclasses.dataclass(frozen=True)
class IecDataset:
    """One value of an IEC 62056-21 data set ``address(value*unit)``;
    ``number`` is the value as a number when it is decimal."""
    address: str
    value: str
    unit: str
    index: int
    number: Optional[float]


@dataclasses.dataclass(frozen=True)
class IecMessage:
    """An IEC 62056-21 message; ``datasets`` for data blocks and commands."""
    protocol = Protocol.IEC
    type: IecMessageType
    text: str
    command: str
    datasets: Tuple[IecDataset, ...]
    partial: bool
    error_code: Optional[int]


Frame = Union[MbusFrame, ModbusRequest, ModbusResponse, IecMessage]


def decode(data: bytes, protocol: Union[Protocol, str, None] = None) -> Frame:
    """Decode the one frame in @p data. Without @p protocol it is guessed
    (klefr_frame_protocol_guess: a checksum-valid frame first, then what
    the bytes look most like). Bad input raises a klefr.Error subclass
    (Checksum, Truncated, FrameError...)."""
    data = bytes(data)
    if protocol is None:
        err, guessed, _complete = _c.protocol_guess(data)
        check(err, "decode")
        protocol = Protocol(guessed)
    protocol = _protocol(protocol)
    if protocol == Protocol.MBUS:
        return decode_mbus(data)
    if protocol == Protocol.MODBUS:
        return decode_modbus(data)
    return decode_iec(data)


def _protocol(p):
    if isinstance(p, str):
        try:
            return Protocol[p.upper().replace("-", "")]
        except KeyError:
            raise ValueError(f"unknown protocol {p!r} (modbus, mbus or iec)") from None
    return Protocol(p)


# --- M-Bus ------------------------------------------------------------------

def decode_mbus(data: bytes) -> MbusFrame:
    """An M-Bus frame: E5, short, control or long; a RSP_UD's records."""
    data = bytes(data)
    f = _c.MbusFrame()
    check(_c.mbus_frame_decode(data, f), "M-Bus frame")
    payload = _c.bytes_at(f.data, f.data_len)
    header, records = None, ()
    if f.type == MbusFrameType.LONG and f.ci in (0x72, 0x7A, 0x78):
        h = _c.MbusHeader()
        err, header_len = _c.mbus_header_decode(f.ci, payload, h)
        check(err, "M-Bus header")
        if f.ci == 0x72:
            header = _header(h)
        records = tuple(_records(payload[header_len:]))
    return MbusFrame(MbusFrameType(f.type), f.c, f.a, f.ci, header, records, payload)


def _manufacturer(code):
    return "".join(chr(((code >> s) & 0x1F) + 64) for s in (10, 5, 0))


def _header(h):
    return MbusHeader(h.id if h.id_valid else -1, _manufacturer(h.manufacturer), h.version,
                      h.medium, _c.mbus_medium_name(h.medium), h.access, h.status, h.signature)


def _records(block):
    # The iterator points into @p block: keep it referenced until the end.
    it = _c.MbusRecordIter()
    _c.mbus_record_iter_init(it, block)
    r = _c.MbusRecord()
    while _c.mbus_record_next(it, r):
        yield _record(r)
    check(it.error, "M-Bus records")


def _record(r):
    value, exact = _value(r)
    return MbusRecord(r.quantity, value, r.unit, _as(MbusFunction, r.function), r.storage,
                      r.tariff, r.subunit, _as(MbusRecordKind, r.kind),
                      _as(MbusCoding, r.coding), exact, _c.bytes_at(r.raw, r.raw_len))


def _value(r):
    v = r.value
    t = v.type
    if t == MbusValueType.INTEGER:
        if v.exponent >= 0:  # whole: an int, and a Decimal without exponent notation
            whole = v.integer * 10**v.exponent
            return whole, decimal.Decimal(whole)
        exact = decimal.Decimal(v.integer).scaleb(v.exponent)
        return float(exact), exact
    if t == MbusValueType.REAL:
        err, d = _c.mbus_value_to_double(v)
        check(err)
        return d, None
    if t == MbusValueType.DATETIME:
        return _datetime(v.datetime), None
    if t == MbusValueType.STRING:
        return _c.bytes_at(v.bytes, v.bytes_len)[::-1].decode("latin-1"), None
    if t == MbusValueType.BYTES:
        return _c.bytes_at(v.bytes, v.bytes_len), None
    if t == MbusValueType.INVALID:
        return Error(r.value_error), None
    return None, None


def _datetime(d):
    try:
        if d.type == "G":
            return datetime.date(d.year, d.month, d.day)
        if d.type == "J":
            return datetime.time(d.hour, d.minute, d.second)
        return datetime.datetime(d.year, d.month, d.day, d.hour, d.minute, d.second)
    except ValueError:  # a field out of range (the IV bit, a bad date)
        return None


# --- Modbus -----------------------------------------------------------------

def decode_modbus(data: bytes, response: Optional[bool] = None):
    """A Modbus RTU ADU. Without @p response, a request when the bytes are
    exactly one request (the echo of a write is one), else a response."""
    data = bytes(data)
    if response is None:
        s = _c.FrameScan()
        _c.modbus_frame_detect(_c.MODBUS_REQUESTS, -1, data, s)
        response = not (s.state == _c.FRAME_COMPLETE and s.length == len(data))
    if not response:
        q = _c.ModbusRequest()
        check(_c.modbus_request_decode(data, q), "Modbus request")
        payload = _c.bytes_at(q.data, q.data_len)
        regs = _registers(payload) if q.function == ModbusFunction.WRITE_MULTIPLE_REGISTERS else ()
        return ModbusRequest(q.unit, _as(ModbusFunction, q.function), q.address, q.quantity,
                             q.value, payload, regs)
    p = _c.ModbusResponse()
    err = _c.modbus_response_decode(None, data, p)
    if err < 0:
        check(err, "Modbus response")
    payload = _c.bytes_at(p.data, p.data_len)
    regs = _registers(payload) if p.function in (3, 4) and not p.exception else ()
    return ModbusResponse(p.unit, _as(ModbusFunction, p.function), p.exception, p.address,
                          p.quantity, p.value, payload, regs)


def _registers(payload):
    return tuple(int.from_bytes(payload[i:i + 2], "big") for i in range(0, len(payload) - 1, 2))


# --- IEC 62056-21 -----------------------------------------------------------

def _strip_parity(data):
    """8-bit bytes with the 7E1 parity bit still in bit 7 (a pty capture)."""
    if all(b < 0x80 for b in data):
        return data
    if all(bin(b).count("1") % 2 == 0 for b in data):
        return bytes(b & 0x7F for b in data)
    return data


def decode_iec(data: bytes) -> IecMessage:
    """One IEC 62056-21 message; its data sets parsed."""
    data = _strip_parity(bytes(data))
    m = _c.IecMessage()
    err, used = _c.iec_message_decode(data, m)
    check(err, "IEC 62056-21 message")
    if used != len(data):
        check(-23, "IEC 62056-21 message")  # KLEFR_ERR_TRAILING_DATA
    block = _c.iec_message_data(m)
    datasets = ()
    if block is not None and m.type in (IecMessageType.DATA, IecMessageType.COMMAND):
        datasets = tuple(_datasets(block))
    command = f"{m.command}{m.command_type}" if m.type == IecMessageType.COMMAND else ""
    text = block.decode("latin-1") if block is not None else data.decode("latin-1")
    return IecMessage(IecMessageType(m.type), text, command, datasets, bool(m.partial),
                      m.error_code if m.type == IecMessageType.ERROR else None)


def _field(s, n):
    # SWIG reads a char pointer member up to a NUL; the parser's fields are
    # printable 7-bit text that is not terminated: its first n characters.
    return (s or "")[:n]


def _datasets(block):
    p = _c.IecParser()
    _c.iec_parser_init(p)
    ds = _c.IecDataset()
    while True:
        err, found = _c.iec_dataset_next(p, block, ds)
        check(err, "IEC 62056-21 data set")
        if not found:
            return
        value = _field(ds.value, ds.value_len)
        number = None
        if value:
            e, n = _c.iec_value_parse(value.encode())
            number = n if e == 0 else None
        yield IecDataset(_field(ds.address, ds.address_len), value,
                         _field(ds.unit, ds.unit_len), ds.index, number)

# SPDX-License-Identifier: MIT
"""klefr.decode(): one frame of any of the three protocols as typed objects."""

import dataclasses
import datetime
import decimal
from typing import Any, Iterator, Optional, Tuple, Union

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
    function: Union[MbusFunction, int]  # a plain int when the C enum has no member
    storage: int
    tariff: int
    subunit: int
    kind: Union[MbusRecordKind, int]
    coding: Union[MbusCoding, int]
    exact: Optional[decimal.Decimal]
    raw: bytes

    def __str__(self) -> str:
        # "Energy: 16048.14 kWh (instantaneous, tariff 1)": what the
        # record says, then how (function; storage, tariff, subunit if set).
        how = [_function_text(self.function)]
        how += [f"{k} {v}" for k, v in (("storage", self.storage), ("tariff", self.tariff),
                                        ("subunit", self.subunit)) if v]
        return f"{self.quantity or 'record'}: {_value_text(self)} ({', '.join(how)})"


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

    def __str__(self) -> str:
        ident = f"{self.id:08d}" if self.id >= 0 else "(not BCD)"
        return (f"id {ident}, {self.manufacturer} version {self.version}, {self.medium_name}, "
                f"access {self.access}, status {self.status:02X}")


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

    def __str__(self) -> str:
        """One line for the frame, then one indented line per record."""
        if self.type == MbusFrameType.ACK:
            return "M-Bus ACK (E5)"
        link = _link_function(self.c)
        to = "from" if link == "RSP_UD" else "to"
        head = f"M-Bus {link} {to} address {self.a} (C {self.c:02X}"
        if self.type == MbusFrameType.SHORT:
            return head + ")"
        head += f", CI {self.ci:02X})"
        if self.header is not None:
            head += f": {self.header}"
        if self.type == MbusFrameType.LONG and (self.records or self.header is not None):
            plural = "" if len(self.records) == 1 else "s"
            lines = [f"{head}, {len(self.records)} record{plural}"]
            lines += [f"  {r}" for r in self.records]
            return "\n".join(lines)
        return f"{head}, data {self.data.hex(' ').upper()}" if self.data else head


@dataclasses.dataclass(frozen=True)
class ModbusRequest:
    """A Modbus RTU request (master to slave)."""
    protocol = Protocol.MODBUS
    unit: int
    function: Union[ModbusFunction, int]  # a plain int for a code it does not name
    address: int
    quantity: int
    value: int
    data: bytes
    registers: Tuple[int, ...]

    def __str__(self) -> str:
        f = self.function
        what = f"Modbus request to unit {self.unit}: {_modbus_function_text(f)}"
        if f in (1, 2, 3, 4):
            return f"{what} 0x{self.address:04X}, {self.quantity} {_items(f, self.quantity)}"
        if f in (5, 6):
            return f"{what} 0x{self.address:04X} = 0x{self.value:04X}"
        if f in (15, 16):
            values = " ".join(f"{r:04X}" for r in self.registers) if self.registers \
                else self.data.hex(" ").upper()
            return (f"{what} 0x{self.address:04X}, {self.quantity} {_items(f, self.quantity)}"
                    f" = {values}")
        return f"{what}, data {self.data.hex(' ').upper()}"


@dataclasses.dataclass(frozen=True)
class ModbusResponse:
    """A Modbus RTU response; ``exception`` is 0 for a normal one."""
    protocol = Protocol.MODBUS
    unit: int
    function: Union[ModbusFunction, int]  # a plain int for a code it does not name
    exception: int
    address: int
    quantity: int
    value: int
    data: bytes
    registers: Tuple[int, ...]

    def __str__(self) -> str:
        f = self.function
        what = f"Modbus response from unit {self.unit}: {_modbus_function_text(f)}"
        if self.exception:
            return f"{what}: {_c.strerror(self.exception)}"
        if f in (3, 4):
            plural = "" if len(self.registers) == 1 else "s"
            values = " ".join(f"{r:04X}" for r in self.registers)
            return f"{what}, {len(self.registers)} register{plural}: {values}"
        if f in (5, 6):
            return f"{what} 0x{self.address:04X} = 0x{self.value:04X}"
        if f in (15, 16):
            return f"{what} 0x{self.address:04X}, {self.quantity} {_items(f, self.quantity)}"
        return f"{what}, data {self.data.hex(' ').upper()}"


@dataclasses.dataclass(frozen=True)
class IecDataset:
    """One value of an IEC 62056-21 data set ``address(value*unit)``;
    ``number`` is the value as a number when it is decimal."""
    address: str
    value: str
    unit: str
    index: int
    number: Optional[float]

    def __str__(self) -> str:
        # 1.8.0 = 00006913.46 kWh; a repeated address gets its index.
        where = f"{self.address}[{self.index}]" if self.index else self.address
        return f"{where or '(no address)'} = {self.value}{' ' + self.unit if self.unit else ''}"


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

    def __str__(self) -> str:
        """One line for the message, then one indented line per data set."""
        kind = "data message" if self.type == IecMessageType.DATA else _enum_text(self.type)
        head = f"IEC 62056-21 {kind}"
        if self.type == IecMessageType.COMMAND:
            head += f" {self.command}"
        if self.type == IecMessageType.ERROR:
            head += f" {self.error_code}"
        if self.partial:
            head += " (partial block)"
        if self.datasets:
            plural = "" if len(self.datasets) == 1 else "s"
            lines = [f"{head}, {len(self.datasets)} data set{plural}"]
            lines += [f"  {d}" for d in self.datasets]
            return "\n".join(lines)
        # The text without its framing (ACK alone is nothing but framing).
        text = self.text.strip("\r\n\x01\x02\x03\x06\x15")
        return f"{head}: {text!r}" if text else head


Frame = Union[MbusFrame, ModbusRequest, ModbusResponse, IecMessage]


# --- text of the frames (their __str__) -----------------------------------

def _enum_text(v: object) -> str:
    """An enum member as words ("read holding registers"), else the number."""
    name = getattr(v, "name", None)
    return name.lower().replace("_", " ") if isinstance(name, str) else str(v)


def _function_text(f: object) -> str:
    return _enum_text(f) if isinstance(f, MbusFunction) else f"function {f}"


def _modbus_function_text(f: int) -> str:
    # "read holding registers (03)"; a code without a member: "function 43".
    if isinstance(f, ModbusFunction):
        return f"{_enum_text(f)} ({int(f):02d})"
    return f"function {int(f):02d}"


def _items(function: int, n: int) -> str:
    kind = "coil" if function in (1, 5, 15) else "input" if function == 2 else "register"
    return kind if n == 1 else kind + "s"


# Unit prefixes for large values in text: the meters count energy in kWh
# while the records carry Wh. Only these units: a "k°C" means nothing.
_KILO_UNITS = ("Wh", "W", "J", "varh", "var", "VAh", "VA")


def _value_text(r: "MbusRecord") -> str:
    unit, v = r.unit, r.value
    if r.exact is not None:
        exact = r.exact
        if unit in _KILO_UNITS and abs(exact) >= 1000:
            exact, unit = exact.scaleb(-3), "k" + unit
        number = format(exact.normalize(), "f")
    elif isinstance(v, float):
        number = repr(v)
    elif isinstance(v, bytes):
        number = v.hex(" ").upper() or "(empty)"
    elif isinstance(v, (datetime.date, datetime.time)):
        number = v.isoformat()
    elif isinstance(v, Error):
        number = f"invalid ({v.message})"
    elif v is None:
        number = "(no value)"
    else:
        number = str(v)
    return f"{number} {unit}" if unit else number


def _link_function(c: int) -> str:
    """The C field's link function (klefr_mbus_control_decode), or its hex."""
    ctl = _c.MbusControl()
    if _c.mbus_control_decode(c, ctl) != 0:
        return f"C field {c:02X}"
    return _LINK_FUNCTIONS.get(ctl.function, f"C field {c:02X}")


_LINK_FUNCTIONS = {_c.MBUS_SND_NKE: "SND_NKE", _c.MBUS_SND_UD: "SND_UD",
                   _c.MBUS_REQ_UD1: "REQ_UD1", _c.MBUS_REQ_UD2: "REQ_UD2",
                   _c.MBUS_RSP_UD: "RSP_UD"}


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


def _protocol(p: Union[Protocol, str, int]) -> Protocol:
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
    header: Optional[MbusHeader] = None
    records: Tuple[MbusRecord, ...] = ()
    if f.type == MbusFrameType.LONG and f.ci in (0x72, 0x7A, 0x78):
        h = _c.MbusHeader()
        err, header_len = _c.mbus_header_decode(f.ci, payload, h)
        check(err, "M-Bus header")
        if f.ci == 0x72:
            header = _header(h)
        records = tuple(_records(payload[header_len:]))
    return MbusFrame(MbusFrameType(f.type), f.c, f.a, f.ci, header, records, payload)


def _manufacturer(code: int) -> str:
    return str(_c.mbus_manufacturer_decode(code))


# The SWIG structs (klefr_mbus_header and the others) are Any to mypy
# (klefr/capi.pyi): the helpers that read them take Any.
def _header(h: Any) -> MbusHeader:
    return MbusHeader(h.id if h.id_valid else -1, _manufacturer(h.manufacturer), h.version,
                      h.medium, _c.mbus_medium_name(h.medium), h.access, h.status, h.signature)


def _records(block: bytes) -> Iterator[MbusRecord]:
    # The iterator points into @p block: keep it referenced until the end.
    it = _c.MbusRecordIter()
    _c.mbus_record_iter_init(it, block)
    r = _c.MbusRecord()
    while _c.mbus_record_next(it, r):
        yield _record(r)
    check(it.error, "M-Bus records")


def _record(r: Any) -> MbusRecord:
    value, exact = _value(r)
    return MbusRecord(r.quantity, value, r.unit, _as(MbusFunction, r.function), r.storage,
                      r.tariff, r.subunit, _as(MbusRecordKind, r.kind),
                      _as(MbusCoding, r.coding), exact, _c.bytes_at(r.raw, r.raw_len))


def _value(r: Any) -> Tuple[object, Optional[decimal.Decimal]]:
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


def _datetime(d: Any) -> Union[datetime.date, datetime.time, None]:
    try:
        if d.type == "G":
            return datetime.date(d.year, d.month, d.day)
        if d.type == "J":
            return datetime.time(d.hour, d.minute, d.second)
        return datetime.datetime(d.year, d.month, d.day, d.hour, d.minute, d.second)
    except ValueError:  # a field out of range (the IV bit, a bad date)
        return None


# --- Modbus -----------------------------------------------------------------

def decode_modbus(data: bytes,
                  response: Optional[bool] = None) -> Union[ModbusRequest, ModbusResponse]:
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


def _registers(payload: bytes) -> Tuple[int, ...]:
    return tuple(int.from_bytes(payload[i:i + 2], "big") for i in range(0, len(payload) - 1, 2))


# --- IEC 62056-21 -----------------------------------------------------------

def _strip_parity(data: bytes) -> bytes:
    """8-bit bytes with the 7E1 parity bit still in bit 7 (a pty capture):
    the codec strips it when every byte has even parity, as `klefr decode`
    does; otherwise the bytes stay as they are."""
    stripped = _c.iec_parity_strip(data)
    return data if stripped is None else bytes(stripped)


def decode_iec(data: bytes) -> IecMessage:
    """One IEC 62056-21 message; its data sets parsed."""
    data = _strip_parity(bytes(data))
    m = _c.IecMessage()
    err, used = _c.iec_message_decode(data, m)
    check(err, "IEC 62056-21 message")
    if used != len(data):
        check(-23, "IEC 62056-21 message")  # KLEFR_ERR_TRAILING_DATA
    block = _c.iec_message_data(m)
    datasets: Tuple[IecDataset, ...] = ()
    if block is not None and m.type in (IecMessageType.DATA, IecMessageType.COMMAND):
        datasets = tuple(_datasets(block))
    command = f"{m.command}{m.command_type}" if m.type == IecMessageType.COMMAND else ""
    text = block.decode("latin-1") if block is not None else data.decode("latin-1")
    return IecMessage(IecMessageType(m.type), text, command, datasets, bool(m.partial),
                      m.error_code if m.type == IecMessageType.ERROR else None)


def _field(s: Optional[str], n: int) -> str:
    # SWIG reads a char pointer member up to a NUL; the parser's fields are
    # printable 7-bit text that is not terminated: its first n characters.
    return (s or "")[:n]


def _datasets(block: bytes) -> Iterator[IecDataset]:
    p = _c.IecParser()
    _c.iec_parser_init(p)
    ds = _c.IecDataset()
    while True:
        err, found = _c.iec_dataset_next(p, block, ds)
        check(err, "IEC 62056-21 data set")
        if not found:
            return
        value = _field(ds.value, ds.value_len)
        number: Optional[float] = None
        if value:
            e, n = _c.iec_value_parse(value.encode())
            number = n if e == 0 else None
        yield IecDataset(_field(ds.address, ds.address_len), value,
                         _field(ds.unit, ds.unit_len), ds.index, number)

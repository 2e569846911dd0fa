# SPDX-License-Identifier: MIT
"""M-Bus frames as bytes (EN 13757-2 link layer, EN 13757-3 records): the
master's frames (SND_NKE, REQ_UD2, application reset, baud change,
secondary selection, SND_UD), any frame from its fields, data records, a
RSP_UD, and the register model's writes and RSP_UD (the 6913, manual
appendix A2.2).

>>> klefr.mbus.req_ud2(0).hex(" ")
'10 5b 00 5b 16'
>>> klefr.mbus.write_request("tariff", 2, address=1)   # SND_UD 09 7C 01 54 02

Addresses: 0-250 primary, :data:`SECONDARY` (253) the selected meter,
:data:`BROADCAST_REPLY` (254), :data:`BROADCAST` (255). The reserved 251
and 252 are refused with :class:`klefr.InvalidArgument`, as is anything
the C codec cannot encode.

Decoders: :func:`decode` (klefr.decode_mbus: the records of a RSP_UD with
value and unit), :func:`decode_write` (a write of the register model).
"""

import enum
import numbers
from typing import Any, Iterable, List, Mapping, Optional, Tuple, Union

from . import _c
from ._encode import BytesLike, QuantityKey, as_bytes, byte, encoded, integer, values_struct
from .decode import MbusFrame, decode_mbus
from .enums import ErrorCode, MbusCoding, MbusFrameType, MbusFunction, MbusValueType, Model
from .errors import InvalidArgument
from .model import SettingValue, lookup, quantities

PRIMARY_MAX: int = _c.MBUS_ADDR_PRIMARY_MAX
SECONDARY: int = _c.MBUS_ADDR_SECONDARY
BROADCAST_REPLY: int = _c.MBUS_ADDR_BROADCAST_REPLY
BROADCAST: int = _c.MBUS_ADDR_BROADCAST
WILDCARD = None
"""A selection field that matches any value."""

class LinkFunction(enum.IntEnum):
    """Link functions of the C field (klefr_mbus_link_function)."""
    SND_NKE = _c.MBUS_LINK_FUNCTIONS["SND_NKE"]
    SND_UD = _c.MBUS_LINK_FUNCTIONS["SND_UD"]
    REQ_UD1 = _c.MBUS_LINK_FUNCTIONS["REQ_UD1"]
    REQ_UD2 = _c.MBUS_LINK_FUNCTIONS["REQ_UD2"]
    RSP_UD = _c.MBUS_LINK_FUNCTIONS["RSP_UD"]


#: A record's value: a number, text (LVAR, in reading order), bytes, or None (no data).
RecordValue = Union[int, float, str, bytes, None]


def _address(given: Any) -> int:
    a = byte("M-Bus address", given)
    if PRIMARY_MAX < a < SECONDARY:
        raise InvalidArgument(ErrorCode.ERR_INVALID_ARG,
                              f"M-Bus address {a} is reserved (0-250 primary, 253 selected, "
                              "254 and 255 broadcast)")
    return a


# --- the master's frames --------------------------------------------------------

def snd_nke(address: int) -> bytes:
    """SND_NKE, the link reset: 10 40 A CS 16."""
    return encoded(_c.mbus_snd_nke_encode(_address(address)), "M-Bus SND_NKE")


def req_ud2(address: int, *, fcb: bool = False) -> bytes:
    """REQ_UD2, the request for the meter's data: 10 5B/7B A CS 16 (7B
    with the frame count bit)."""
    return encoded(_c.mbus_req_ud2_encode(_address(address), bool(fcb)), "M-Bus REQ_UD2")


def app_reset(address: int) -> bytes:
    """Application reset: 68 03 03 68 53 A 50 CS 16."""
    return encoded(_c.mbus_app_reset_encode(_address(address)), "M-Bus application reset")


def baud_change(address: int, baud: int) -> bytes:
    """Baud change to @p baud (300-38400): a control frame with CI B8-BF.
    Another rate raises InvalidValue."""
    return encoded(_c.mbus_baud_change_encode(_address(address),
                                              integer("baud", baud, 0, 0xFFFFFFFF)),
                   f"M-Bus baud change to {baud}")


def select(id: Union[int, str, None] = WILDCARD, *, manufacturer: Union[str, int, None] = WILDCARD,
           version: Optional[int] = WILDCARD, medium: Optional[int] = WILDCARD,
           fcb: bool = False) -> bytes:
    """The secondary selection 68 0B 0B 68 53/73 FD 52 ID MAN VER MED CS 16.
    @p id is the identification number (an int, 0-99999999), or its eight
    digits as text with F for a digit that matches any ("1307FFFF");
    @p manufacturer three letters ("INM") or the code; None matches any."""
    return encoded(_c.mbus_selection_encode(_id_pattern(id), _manufacturer(manufacturer),
                                            0xFF if version is None else byte("version", version),
                                            0xFF if medium is None else byte("medium", medium),
                                            bool(fcb)),
                   f"M-Bus selection of {id}")


def snd_ud(address: int, records: Iterable[BytesLike], *, fcb: bool = False) -> bytes:
    """SND_UD (C 53/73, CI 51) carrying the encoded @p records (see record())."""
    return encoded(_c.mbus_snd_ud_encode(_address(address), bool(fcb),
                                         b"".join(bytes(r) for r in records)), "M-Bus SND_UD")


def control_field(function: Union[LinkFunction, str, int], *, fcb: bool = False,
                  fcv: Optional[bool] = None, acd: bool = False, dfc: bool = False) -> int:
    """The C field byte of @p function ("SND_NKE", "REQ_UD2", "RSP_UD"...):
    FCB/FCV for the master's frames (FCV is always set for SND_UD and
    REQ_UD), ACD/DFC for RSP_UD."""
    f = LinkFunction[function.upper()] if isinstance(function, str) else LinkFunction(function)
    if fcv is None:
        fcv = f != LinkFunction.SND_NKE
    err, c = _c.mbus_control_encode(int(f), bool(fcb), bool(fcv), bool(acd), bool(dfc))
    if err:
        raise InvalidArgument(err, f"M-Bus C field of {f.name}")
    return int(c)


def frame(type: Union[MbusFrameType, str, int], *, c: int = 0, a: int = 0, ci: int = 0,
          data: BytesLike = b"") -> bytes:
    """Any frame from its fields (klefr_mbus_frame_encode): ``type`` ACK
    (E5), SHORT, CONTROL or LONG; length and checksum are computed."""
    t = MbusFrameType[type.upper()] if isinstance(type, str) else MbusFrameType(type)
    return encoded(_c.mbus_frame_encode(int(t), byte("c", c), byte("a", a), byte("ci", ci),
                                        bytes(data)), f"M-Bus {t.name} frame")


def encode(f: MbusFrame) -> bytes:
    """The bytes of a decoded frame: ``encode(decode(b)) == b``."""
    if not isinstance(f, MbusFrame):
        raise TypeError(f"a klefr.MbusFrame, not {type(f).__name__}")
    return frame(f.type, c=f.c, a=f.a, ci=f.ci, data=f.data)


# --- records and the RSP_UD ------------------------------------------------------

def record(vib: Union[BytesLike, int], value: RecordValue = None, *,
           coding: Union[MbusCoding, int, None] = None,
           function: Union[MbusFunction, int] = MbusFunction.INSTANTANEOUS, storage: int = 0,
           tariff: int = 0, subunit: int = 0) -> bytes:
    """One data record (klefr_mbus_record_encode): the fewest DIFEs for
    @p storage, @p tariff and @p subunit, the VIF bytes @p vib (an int for
    a one-byte VIF), the data. @p value is the mantissa (the VIF's
    exponent is not applied: ``record(0x04, 1604814, coding=BCD8)`` is
    16048140 Wh). The default coding is INT32 for an int, REAL32 for a
    float, LVAR for text and bytes, NONE for None. A value the coding
    cannot hold raises InvalidValue."""
    vib_bytes = bytes([byte("vib", vib)]) if isinstance(vib, numbers.Integral) else bytes(vib)
    vtype, whole, real, text = _record_value(value)
    if coding is None:
        coding = {MbusValueType.INTEGER: MbusCoding.INT32, MbusValueType.REAL: MbusCoding.REAL32,
                  MbusValueType.NONE: MbusCoding.NONE}.get(vtype, MbusCoding.LVAR)
    return encoded(_c.mbus_record_encode(integer("coding", coding, 0, 15),
                                         integer("function", function, 0, 3),
                                         integer("storage", storage, 0, (1 << 64) - 1),
                                         integer("tariff", tariff, 0, 0xFFFFFFFF),
                                         integer("subunit", subunit, 0, 0xFFFF), vib_bytes,
                                         int(vtype), whole, real, text),
                   "M-Bus record")


def _record_value(value: RecordValue) -> Tuple[MbusValueType, int, float, bytes]:
    if value is None:
        return MbusValueType.NONE, 0, 0.0, b""
    if isinstance(value, bool):
        raise TypeError("an M-Bus record value is a number, text or bytes, not bool")
    if isinstance(value, numbers.Integral):
        return MbusValueType.INTEGER, integer("value", value, -(1 << 63), (1 << 63) - 1), 0.0, b""
    if isinstance(value, numbers.Real):
        return MbusValueType.REAL, 0, float(value), b""
    if isinstance(value, str):
        return MbusValueType.STRING, 0, 0.0, as_bytes("value", value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return MbusValueType.BYTES, 0, 0.0, bytes(value)
    raise TypeError(f"an M-Bus record value is a number, text or bytes, not "
                    f"{type(value).__name__}")


def rsp_ud(records: Iterable[BytesLike], *, address: int = 0, id: int = 0,
           manufacturer: Union[str, int] = "INM", version: int = 0, medium: int = 0,
           access: int = 0, status: int = 0, signature: int = 0, ci: int = 0x72,
           acd: bool = False, dfc: bool = False) -> bytes:
    """A RSP_UD (C 08, with ACD/DFC) with the header of CI @p ci (72: all
    fields, 7A: access, status, signature; 78: none) and the encoded
    @p records after it."""
    return encoded(_c.mbus_rsp_ud_encode(_address(address), bool(acd), bool(dfc), byte("ci", ci),
                                         integer("id", id, 0, 0xFFFFFFFF),
                                         _manufacturer(manufacturer), byte("version", version),
                                         byte("medium", medium), byte("access", access),
                                         byte("status", status),
                                         integer("signature", signature, 0, 0xFFFF),
                                         b"".join(bytes(r) for r in records)), "M-Bus RSP_UD")


# --- the register model (the 6913) -------------------------------------------------

def write_request(name: QuantityKey, value: SettingValue = 0, *, address: int = 0,
                  model: Union[Model, int] = Model.M6913, fcb: bool = False) -> bytes:
    """The write of @p name to @p value as the 6913 takes it
    (klefr_model_mbus_write_encode): a SND_UD with the row's write record,
    or for the baud rate a baud-change frame. The value is checked first
    (InvalidValue with what is allowed); reset-only counters take 0. A
    quantity without an M-Bus write raises NotAvailable."""
    row = lookup(name)
    number = row.validate(model, value)
    return encoded(_c.model_mbus_write_encode(int(model), _address(address), int(row.id), number,
                                              bool(fcb)), f"M-Bus write of {row.name}")


def meter_rsp_ud(values: Mapping[QuantityKey, float], *, address: int = 0, id: int = 0,
                 access: int = 0, status: int = 0) -> bytes:
    """The 6913's RSP_UD of @p values (klefr_model_mbus_rsp_ud_encode):
    the nine energy records of manual A2.2 in the table's order. Every
    one of them must be in @p values (else NotAvailable)."""
    h = _c.MbusModelHeader()
    h.address = _address(address)
    h.id = integer("id", id, 0, 0xFFFFFFFF)
    h.access = byte("access", access)
    h.status = byte("status", status)
    return encoded(_c.model_mbus_rsp_ud_encode(values_struct(values), h), "the 6913's RSP_UD")


# --- decoders ------------------------------------------------------------------------

def decode(data: BytesLike) -> MbusFrame:
    """An M-Bus frame (klefr.decode_mbus): E5, short, control or long; a
    RSP_UD's header and records with value, unit, function and tariff."""
    return decode_mbus(bytes(data))


def decode_write(data: BytesLike) -> List[Tuple[str, float]]:
    """The settings a write of the register model carries (a SND_UD with
    CI 51 or a baud change; klefr_model_mbus_write_decode), as (name,
    value) in frame order. A frame that is no such write raises."""
    result = _c.model_mbus_write_decode(bytes(data))
    encoded((result[0], b""), "M-Bus write")
    return [(quantities[q].name, v) for q, v in result[1]]


# --- argument forms -------------------------------------------------------------------

def _id_pattern(id: Union[int, str, None]) -> int:
    """The eight BCD nibbles of the selection (F: any digit)."""
    if id is None:
        return 0xFFFFFFFF
    if isinstance(id, str):
        if len(id) != 8:
            raise InvalidArgument(ErrorCode.ERR_INVALID_ARG,
                                  f"M-Bus identification {id!r} is not 8 characters")
        try:
            return int(id, 16)  # digits stay digits; A-E are refused by C
        except ValueError:
            raise InvalidArgument(ErrorCode.ERR_INVALID_ARG,
                                  f"M-Bus identification {id!r}: digits and F only") from None
    return int(f"{integer('M-Bus identification', id, 0, 99999999):08d}", 16)


def _manufacturer(m: Union[str, int, None]) -> int:
    """The manufacturer code of three letters (EN 13757-3, 6.4), 0xFFFF for any."""
    if m is None:
        return 0xFFFF
    if isinstance(m, str):
        err, code = _c.mbus_manufacturer_encode(m.upper())
        if err != 0:
            raise InvalidArgument(ErrorCode.ERR_INVALID_ARG,
                                  f"manufacturer {m!r} is not three letters")
        return int(code)
    return integer("manufacturer", m, 0, 0xFFFF)


__all__ = ["snd_nke", "req_ud2", "app_reset", "baud_change", "select", "snd_ud",
           "control_field", "frame", "encode", "record", "rsp_ud", "write_request",
           "meter_rsp_ud", "decode", "decode_write", "LinkFunction", "RecordValue",
           "PRIMARY_MAX", "SECONDARY", "BROADCAST_REPLY", "BROADCAST", "WILDCARD"]

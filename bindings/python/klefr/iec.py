# SPDX-License-Identifier: MIT
"""IEC 62056-21 messages as bytes (7-bit characters; add the 7E1 parity bit
on links that need it): the sign-on request, identification, option select,
data and error messages, programming commands, ACK and NAK, the baud
characters, and the register model's messages (the KLEFR identification,
readout, P1 password, R1 read and W1 write of a quantity).

>>> klefr.iec.request("17060518")
b'/?17060518!\\r\\n'
>>> klefr.iec.write_request("lcd_cycle_time", 25)   # SOH W1 STX 128.1.4(25) ETX BCC

A field the message cannot carry (a `!` in the device address, an ETX in
data, a command letter other than P W R E B) raises InvalidValue (the C
codec's KLEFR_ERR_RANGE); a non-ASCII character InvalidArgument.

Decoders: :func:`decode` (klefr.decode_iec: the message and its data sets).
"""

from typing import Iterable, Mapping, Optional, Union

from . import _c
from ._encode import BytesLike, QuantityKey, as_bytes, encoded, integer, values_struct
from .decode import IecMessage, decode_iec
from .enums import ErrorCode, IecMessageType, Model
from .errors import InvalidArgument, check
from .model import SettingValue, lookup

READOUT = 0
"""Option select mode Y: data readout."""
PROGRAMMING = 1
"""Option select mode Y: programming mode."""

#: Text in: str (ASCII) or bytes.
Text = Union[str, BytesLike]


def _message(type: IecMessageType, *, device: bytes = b"", manufacturer: bytes = b"",
             escapes: int = 0, ident: bytes = b"", baud_char: str = "\0", protocol: int = 0,
             option: int = 0, command: str = "\0", command_type: str = "\0",
             data: Optional[bytes] = None, partial: bool = False, error_code: int = 0) -> bytes:
    """klefr_iec_message_encode of the fields @p type reads."""
    return encoded(_c.iec_message_encode(int(type), device, manufacturer, escapes, ident,
                                         baud_char, protocol, option, command, command_type,
                                         data, partial, error_code),
                   f"IEC 62056-21 {type.name.lower()} message")


def _char(name: str, c: str) -> str:
    if not isinstance(c, str) or len(c) != 1 or not c.isascii():
        raise InvalidArgument(ErrorCode.ERR_INVALID_ARG, f"{name} {c!r} is not one ASCII character")
    return c


# --- the messages of the standard ---------------------------------------------------

def request(device_address: Text = "") -> bytes:
    """The sign-on ``/?`` [device address] ``!`` CR LF (0-32 characters;
    empty: whichever meter faces the head)."""
    return _message(IecMessageType.REQUEST, device=as_bytes("device address", device_address))


def identification(manufacturer: str, baud_char: str, ident: Text, *,
                   escapes: Iterable[int] = ()) -> bytes:
    """The meter's ``/XXXZ`` [``\\n`` escapes] identification CR LF: three
    manufacturer letters, the baud character, up to 16 characters."""
    mask = 0
    for n in escapes:
        mask |= 1 << integer("escape", n, 0, 9)
    return _message(IecMessageType.IDENTIFICATION, manufacturer=as_bytes("manufacturer",
                                                                         manufacturer),
                    escapes=mask, ident=as_bytes("identification", ident),
                    baud_char=_char("baud character", baud_char))


def option_select(baud: Union[int, str], *, option: int = READOUT, protocol: int = 0) -> bytes:
    """ACK V Z Y CR LF: switch to @p baud (a rate, or its mode-C
    character), @p option READOUT or PROGRAMMING, protocol control V."""
    z = baud if isinstance(baud, str) else baud_char(baud)
    return _message(IecMessageType.OPTION_SELECT, baud_char=_char("baud character", z),
                    protocol=integer("protocol", protocol, 0, 255),
                    option=integer("option", option, 0, 255))


def data(text: Text, *, partial: bool = False) -> bytes:
    """A data message STX text ETX BCC (EOT instead of ETX when
    @p partial: more blocks follow)."""
    return _message(IecMessageType.DATA, data=as_bytes("data", text), partial=bool(partial))


def error(code: int) -> bytes:
    """The error message STX ``(ERnn)`` ETX BCC of @p code (0-99)."""
    return _message(IecMessageType.ERROR, error_code=integer("error code", code, 0, 99),
                    data=b"")


def command(name: str, data: Optional[Text] = None) -> bytes:
    """The programming command SOH C D STX data ETX BCC of @p name ("P1",
    "R1", "W1", "B0"...), or SOH C D ETX BCC without @p data (B0)."""
    if not isinstance(name, str) or len(name) != 2:
        raise InvalidArgument(ErrorCode.ERR_INVALID_ARG,
                              f"command {name!r} is not a letter and a digit")
    body = None if data is None else as_bytes("data", data)
    return encoded(_c.iec_command_encode(_char("command", name[0]), _char("command", name[1]),
                                         body), f"IEC 62056-21 command {name}")


def ack() -> bytes:
    """The single character ACK."""
    return _message(IecMessageType.ACK)


def nak() -> bytes:
    """The single character NAK: repeat the last block."""
    return _message(IecMessageType.NAK)


def baud_char(baud: int, mode: str = "C") -> str:
    """The baud character of @p baud in @p mode B, C or E ('5' for 9600 in
    mode C). A rate without one raises InvalidValue."""
    err, c = _c.iec_baud_char_encode(_mode(mode), integer("baud", baud, 0, 0xFFFFFFFF))
    check(err, f"IEC 62056-21 baud character of {baud} in mode {mode}")
    return str(c)


def baud_of(char: str, mode: str = "C") -> int:
    """The baud rate of baud character @p char in @p mode (A-E)."""
    err, baud = _c.iec_baud_char_decode(_mode(mode), _char("baud character", char))
    if err == ErrorCode.ERR_ENCODING:
        raise InvalidArgument(err, f"{char!r} is no baud character of mode {mode}")
    check(err, f"IEC 62056-21 baud character {char!r}")
    return int(baud)


def _mode(mode: str) -> int:
    try:
        return int(_c.IEC_MODES[mode.upper()])
    except (KeyError, AttributeError):
        raise InvalidArgument(ErrorCode.ERR_INVALID_ARG, f"mode {mode!r} is not A-E") from None


# --- the register model -------------------------------------------------------------

def ident(model: Union[Model, int]) -> bytes:
    """The identification of a KLEFR @p model: ``/INM5KLEFR69xx`` CR LF."""
    return encoded(_c.model_iec_ident_encode(int(model)), f"identification of the {int(model)}")


def readout(values: Mapping[QuantityKey, float], model: Union[Model, int] = Model.M6914) -> bytes:
    """The mode-C readout of @p model holding @p values: STX, one data set
    per quantity of the readout that @p values has, ``!`` CR LF, ETX, BCC."""
    return encoded(_c.model_iec_readout_encode(int(model), values_struct(values)),
                   f"readout of the {int(model)}")


def password(password: str) -> bytes:
    """P1 with the 4-digit @p password: SOH P1 STX (password) ETX BCC."""
    if not isinstance(password, str) or not password.isascii():
        raise InvalidArgument(ErrorCode.ERR_INVALID_ARG, "the password is 4 ASCII digits")
    return encoded(_c.model_iec_password_encode(password), "IEC 62056-21 password")


def read_request(name: QuantityKey) -> bytes:
    """R1 of @p name: SOH R1 STX address() ETX BCC."""
    row = lookup(name)
    return encoded(_c.model_iec_read_encode(int(row.id)), f"R1 of {row.name}")


def write_request(name: QuantityKey, value: SettingValue, *,
                  model: Union[Model, int] = Model.M6914) -> bytes:
    """W1 of @p value to @p name on @p model: SOH W1 STX address(value)
    ETX BCC, the value checked first (InvalidValue with what is allowed)."""
    row = lookup(name)
    number = row.validate(model, value)
    return encoded(_c.model_iec_write_encode(int(model), int(row.id), number),
                   f"W1 of {row.name}")


# --- decoders -------------------------------------------------------------------------

def decode(data: BytesLike) -> IecMessage:
    """One IEC 62056-21 message (klefr.decode_iec) with its data sets."""
    return decode_iec(bytes(data))


__all__ = ["request", "identification", "option_select", "data", "error", "command", "ack",
           "nak", "baud_char", "baud_of", "ident", "readout", "password", "read_request",
           "write_request", "decode", "READOUT", "PROGRAMMING", "Text"]

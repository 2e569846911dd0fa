# SPDX-License-Identifier: MIT
"""Exceptions mapped from the C error enum (klefr_err)."""

from typing import Any, Dict, Optional, Tuple, Type

from . import _c
from .enums import ErrorCode, _as


class Error(Exception):
    """A libklefr error. ``code`` is the klefr_err (an ErrorCode, or a
    positive Modbus exception code), ``message`` the library's text."""

    def __init__(self, code: int, context: Optional[str] = None) -> None:
        self.code: int = _as(ErrorCode, int(code))
        self.message = _c.strerror(int(code))
        text = self.message if context is None else f"{context}: {self.message}"
        super().__init__(text)


class Timeout(Error, TimeoutError):
    """No (complete) answer in time."""


class Checksum(Error):
    """A CRC, checksum, BCC or parity bit does not match."""


class Truncated(Error):
    """The bytes end before the frame or field they announce."""


class FrameError(Error, ValueError):
    """Malformed framing, or bytes that are no frame of the protocol."""


class DeviceRefused(Error):
    """The device answered no: a Modbus exception (``exception_code``), an
    IEC 62056-21 error message or NAK (``iec_error``), a wrong password."""

    def __init__(self, code: int, context: Optional[str] = None,
                 exception_code: Optional[int] = None, iec_error: Optional[int] = None) -> None:
        super().__init__(code, context)
        self.exception_code = exception_code if exception_code is not None else (
            int(code) if int(code) > 0 else None)
        self.iec_error = iec_error


class InvalidArgument(Error, ValueError):
    """An impossible argument (KLEFR_ERR_INVALID_ARG, or a value the
    encoder cannot carry): a register count of 0, a unit over 247, an
    M-Bus address that is no address, a character a message cannot hold."""


class InvalidValue(Error, ValueError):
    """A value outside the allowed ones; ``allowed`` says which are (a
    tuple of values, a (min, max) pair, or None when unknown)."""

    def __init__(self, code: int, context: Optional[str] = None, allowed: Any = None) -> None:
        super().__init__(code, context)
        self.allowed = allowed


class NotWritable(Error):
    """The quantity cannot be written (over this protocol or at all)."""


class NotAvailable(Error):
    """The protocol or model does not carry the quantity."""


class Implausible(Error):
    """The reading contradicts the register model and was refused.
    ``failure`` (from klefr.Meter.read) names the broken rule, or is None."""

    failure: Any = None


class Incomplete(Error):
    """Quantities the answer should carry were missing. From
    klefr.Meter.read: ``reading`` holds what was read (it passed the
    checks), ``missing`` the names of what was not."""

    reading: Any = None
    missing: Tuple[str, ...] = ()


_CLASSES: Dict[int, Type[Error]] = {
    ErrorCode.ERR_INVALID_ARG: InvalidArgument,
    ErrorCode.ERR_TIMEOUT: Timeout,
    ErrorCode.ERR_CHECKSUM: Checksum,
    ErrorCode.ERR_PARITY: Checksum,
    ErrorCode.ERR_TRUNCATED: Truncated,
    ErrorCode.ERR_FRAME: FrameError,
    ErrorCode.ERR_TRAILING_DATA: FrameError,
    ErrorCode.ERR_NAK: DeviceRefused,
    ErrorCode.ERR_ACCESS_DENIED: DeviceRefused,
    ErrorCode.ERR_LOCKED: DeviceRefused,
    ErrorCode.ERR_RANGE: InvalidValue,
    ErrorCode.ERR_NOT_WRITABLE: NotWritable,
    ErrorCode.ERR_NOT_AVAILABLE: NotAvailable,
    ErrorCode.ERR_IMPLAUSIBLE: Implausible,
    ErrorCode.ERR_INCOMPLETE: Incomplete,
}


def error_class(code: int) -> Type[Error]:
    """The exception class of klefr_err @p code."""
    if int(code) > 0:
        return DeviceRefused
    return _CLASSES.get(code, Error)


def check(code: int, context: Optional[str] = None, **extra: Any) -> None:
    """Raise the exception of @p code unless it is KLEFR_OK."""
    code = int(code)
    if code == 0:
        return
    cls = error_class(code)
    if extra and cls in (DeviceRefused, InvalidValue):
        raise cls(code, context, **extra)
    raise cls(code, context)

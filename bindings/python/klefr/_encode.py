# SPDX-License-Identifier: MIT
"""What klefr.modbus, klefr.mbus and klefr.iec share: the checks of the
arguments that C receives as fixed-width integers, the (err, bytes) result
of an encoder turned into bytes or an exception, and a mapping of values
turned into a klefr_values."""

import numbers
from typing import Any, Mapping, Sequence, Union

from . import _c
from .enums import ErrorCode, Quantity
from .errors import InvalidArgument, check
from .model import lookup

#: Bytes in: bytes, bytearray or memoryview.
BytesLike = Union[bytes, bytearray, memoryview]
#: A quantity: its machine name, its Quantity, or its int.
QuantityKey = Union[str, Quantity, int]


def encoded(result: Sequence[Any], context: str) -> bytes:
    """The bytes of an encoder's (err, bytes) result; a failure raises
    its klefr exception. For an encoder a bad digit or character in an
    argument (KLEFR_ERR_ENCODING) is a bad argument: InvalidArgument."""
    err, out = int(result[0]), result[-1]
    if err == ErrorCode.ERR_ENCODING:
        raise InvalidArgument(err, context)
    check(err, context)
    assert isinstance(out, bytes)
    return out


def integer(name: str, value: Any, low: int, high: int) -> int:
    """@p value as an int in @p low .. @p high; TypeError for a non-int,
    InvalidArgument (a ValueError) out of range."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if not low <= int(value) <= high:
        raise InvalidArgument(ErrorCode.ERR_INVALID_ARG, f"{name} {int(value)} is not {low}-{high}")
    return int(value)


def byte(name: str, value: Any) -> int:
    """An argument that C takes as a uint8_t."""
    return integer(name, value, 0, 0xFF)


def word(name: str, value: Any) -> int:
    """An argument that C takes as a uint16_t."""
    return integer(name, value, 0, 0xFFFF)


def as_bytes(name: str, value: Any) -> bytes:
    """@p value (bytes-like, or str as ASCII) as bytes."""
    if isinstance(value, str):
        try:
            return value.encode("ascii")
        except UnicodeEncodeError:
            raise InvalidArgument(ErrorCode.ERR_INVALID_ARG,
                                  f"{name} {value!r} is not ASCII") from None
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"{name} must be bytes or str, not {type(value).__name__}")


def values_struct(values: Mapping[QuantityKey, float]) -> Any:
    """A klefr_values holding @p values (quantity -> number in its unit)."""
    v = _c.Values()
    _c.values_clear(v)
    for key, number in values.items():
        row = lookup(key)
        check(_c.values_set(v, int(row.id), float(number)), row.name)
    return v

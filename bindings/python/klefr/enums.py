# SPDX-License-Identifier: MIT
"""The C enumerations as enum.IntEnum, built from the C module's constants
so that they always match the library this package was built with."""

import enum
from typing import TYPE_CHECKING, Dict, Tuple, Type, TypeVar, Union, cast

from . import _c


def _members(prefixes: Tuple[str, ...], strip: str) -> Dict[str, int]:
    out: Dict[str, int] = {}
    for name, value in _c.constants().items():
        if name in _c.ENUM_EXCLUDE or not name.startswith(prefixes):
            continue
        short = name[len(strip):]
        out["M" + short if short[0].isdigit() else short] = value  # Model.M6914
    return dict(sorted(out.items(), key=lambda kv: kv[1]))


def _make(name: str, prefixes: Tuple[str, ...]) -> Type[enum.IntEnum]:
    # ErrorCode keeps ERR_/EXC_ (ErrorCode.ERR_TIMEOUT); Model strips
    # KLEFR_MODEL_ (Model.M6914); the others their whole prefix.
    strip = {"ErrorCode": "KLEFR_", "Model": "KLEFR_MODEL_"}.get(name, prefixes[0])
    # mypy reads the functional API's call as an instance; it is a class.
    return cast(Type[enum.IntEnum], enum.IntEnum(name, _members(prefixes, strip), module=__name__))


if TYPE_CHECKING:
    # For type checkers: the members come from the C module at run time, so
    # each enumeration is declared as an IntEnum whose members are looked
    # up by name (Model.M6914 is a Model). Nothing here runs.
    _E = TypeVar("_E")

    class _FromC(enum.EnumMeta):
        def __getattr__(cls: Type[_E], name: str) -> _E: ...

    class ErrorCode(enum.IntEnum, metaclass=_FromC): ...
    class Protocol(enum.IntEnum, metaclass=_FromC): ...
    class Model(enum.IntEnum, metaclass=_FromC): ...
    class Group(enum.IntEnum, metaclass=_FromC): ...
    class Quantity(enum.IntEnum, metaclass=_FromC): ...
    class MbusFunction(enum.IntEnum, metaclass=_FromC): ...
    class MbusCoding(enum.IntEnum, metaclass=_FromC): ...
    class MbusValueType(enum.IntEnum, metaclass=_FromC): ...
    class MbusRecordKind(enum.IntEnum, metaclass=_FromC): ...
    class MbusFrameType(enum.IntEnum, metaclass=_FromC): ...
    class IecMessageType(enum.IntEnum, metaclass=_FromC): ...
    class Parity(enum.IntEnum, metaclass=_FromC): ...
    class ModbusType(enum.IntEnum, metaclass=_FromC): ...
    class CheckRule(enum.IntEnum, metaclass=_FromC): ...
    class ModbusFunction(enum.IntEnum, metaclass=_FromC): ...
else:
    ErrorCode = _make("ErrorCode", _c.ENUM_PREFIXES["ErrorCode"])
    Protocol = _make("Protocol", _c.ENUM_PREFIXES["Protocol"])
    Model = _make("Model", _c.ENUM_PREFIXES["Model"])
    Group = _make("Group", _c.ENUM_PREFIXES["Group"])
    Quantity = _make("Quantity", _c.ENUM_PREFIXES["Quantity"])
    MbusFunction = _make("MbusFunction", _c.ENUM_PREFIXES["MbusFunction"])
    MbusCoding = _make("MbusCoding", _c.ENUM_PREFIXES["MbusCoding"])
    MbusValueType = _make("MbusValueType", _c.ENUM_PREFIXES["MbusValueType"])
    MbusRecordKind = _make("MbusRecordKind", _c.ENUM_PREFIXES["MbusRecordKind"])
    MbusFrameType = _make("MbusFrameType", _c.ENUM_PREFIXES["MbusFrameType"])
    IecMessageType = _make("IecMessageType", _c.ENUM_PREFIXES["IecMessageType"])
    Parity = _make("Parity", _c.ENUM_PREFIXES["Parity"])
    ModbusType = _make("ModbusType", _c.ENUM_PREFIXES["ModbusType"])
    CheckRule = _make("CheckRule", _c.ENUM_PREFIXES["CheckRule"])
    ModbusFunction = enum.IntEnum(
        "ModbusFunction",
        {n[len("KLEFR_MODBUS_"):]: _c.constants()[n] for n in _c.MODBUS_FUNCTIONS},
        module=__name__)


_M = TypeVar("_M", bound=enum.IntEnum)


def _as(enum_type: Type[_M], value: int) -> Union[_M, int]:
    """@p value as a member of @p enum_type, or the plain int if it has none."""
    try:
        return enum_type(value)
    except ValueError:
        return value

# SPDX-License-Identifier: MIT
"""The register model as data: ``klefr.quantities``.

Every row is read from the C table (klefr_quantity_get) when the package is
imported; nothing about the meters is written down in Python, so the
package always describes the library it was built with. Whether a value may
be written is asked of klefr_quantity_validate, the one place that knows.
"""

import dataclasses
import decimal
import numbers
from typing import (Any, Dict, FrozenSet, Iterator, List, Mapping, Optional, Tuple, Union,
                    overload)

from . import _c
from .enums import Group, Model, ModbusType, Quantity, _as
from .errors import InvalidValue, NotAvailable, NotWritable, check, error_class

#: What ``write`` takes: a number, or its decimal text ("25", "0.01").
SettingValue = Union[int, float, str, decimal.Decimal]


@dataclasses.dataclass(frozen=True)
class ModbusRegister:
    """Where a quantity sits in the Modbus map (manual appendix 3)."""
    address: int
    """First register, e.g. 0x6010."""
    length: int
    """1 or 2 registers."""
    type: Union[ModbusType, int]
    """Data type of the manual (HEX, SIGNED, FLOAT, ASCII, BITS)."""
    write_function: int
    """6 or 16 when writable over Modbus, else 0."""


@dataclasses.dataclass(frozen=True)
class MbusRecordSpec:
    """The quantity's record in the 6913's RSP_UD (manual appendix 2)."""
    dif: int
    dife: int
    """Its single DIFE (the tariff), 0 for none."""
    vif: int
    scale: int
    """Value = raw x 10**scale in the quantity's unit."""
    write: bytes
    """DIF, VIF[, VIFE...] of the SND_UD that writes it; b"" if not writable."""


@dataclasses.dataclass(frozen=True)
class IecAddress:
    """The quantity's IEC 62056-21 data set (IR port, every model)."""
    address: str
    """Data set address, e.g. "1.8.1"."""
    decimals: int
    """Digits after the decimal point in the data set."""
    in_readout: bool
    """Part of the mode-C readout."""
    writable: bool
    """Writable with W1 in programming mode."""


@dataclasses.dataclass(frozen=True)
class Allowed:
    """Allowed written values: a list (``values``), or the closed range
    ``minimum`` .. ``maximum`` (``values`` None)."""
    values: Optional[Tuple[float, ...]]
    minimum: Optional[float] = None
    maximum: Optional[float] = None

    def __contains__(self, value: object) -> bool:
        if not isinstance(value, numbers.Real):
            return False
        if self.values is not None:
            return value in self.values
        assert self.minimum is not None and self.maximum is not None
        return self.minimum <= float(value) <= self.maximum

    def __str__(self) -> str:
        if self.values is not None:
            return ", ".join(_text(v) for v in self.values)
        return f"{_text(self.minimum)} to {_text(self.maximum)}"


def _text(v: Optional[float]) -> str:
    if v is None:
        return "?"
    return str(int(v)) if float(v).is_integer() else repr(v)


@dataclasses.dataclass(frozen=True)
class QuantityInfo:
    """One row of the register model (klefr_quantity_info)."""
    id: Quantity
    name: str
    """Stable machine name, "t2_forward_active_energy"."""
    label: str
    """Human label, "T2 forward active energy"."""
    unit: str
    """SI-style unit ("kWh", "V"), "" for none."""
    group: Group
    writable: bool
    """Can be written over some protocol."""
    reset_only: bool
    """A write only resets it to 0 (Meter.reset)."""
    three_phase: bool
    """A three-phase register of the Modbus map: always 0 on these meters."""
    integer: bool
    """Whole numbers only."""
    models: FrozenSet[Model]
    """The models that have it."""
    allowed: Optional[Allowed]
    """The table's allowed values (of every model), None for any value."""
    modbus: Optional[ModbusRegister]
    mbus: Optional[MbusRecordSpec]
    iec: Optional[IecAddress]

    def allowed_for(self, model: Union[Model, int]) -> Optional[Allowed]:
        """The values @p model takes (klefr_quantity_valid_values: the
        table's, with the bus address and baud rate of that model's bus).
        None when any value is allowed, or the model cannot write it."""
        return _allowed(_c.quantity_valid_values(int(model), int(self.id)))

    def parse(self, value: SettingValue) -> float:
        """@p value as the number the meter stores, checked digit by digit
        (klefr_quantity_parse): a whole number of the quantity's
        resolution, never rounded. Raises InvalidValue otherwise."""
        if isinstance(value, bool) or not isinstance(value, (str, numbers.Real, decimal.Decimal)):
            raise TypeError(f"{self.name}: a number or its text, not {type(value).__name__}")
        if isinstance(value, float):
            text = repr(value)  # the shortest text that is this double
        elif isinstance(value, numbers.Integral):
            text = str(int(value))
        else:
            text = str(value)
        err, number = _c.quantity_parse(int(self.id), text.encode("ascii", "replace"))
        if err != 0:
            raise InvalidValue(err, f"{self.name} = {text}", allowed=self.allowed)
        return float(number)

    def validate(self, model: Union[Model, int], value: SettingValue) -> float:
        """Parse @p value and check that @p model takes it for this
        quantity (klefr_quantity_validate). Returns the number; raises
        InvalidValue (``allowed`` says what is), NotWritable or
        NotAvailable."""
        number = self.parse(value)
        err = _c.quantity_validate(int(model), int(self.id), number)
        if err != 0:
            context = f"{self.name} = {_text(number)} on the {int(model)}"
            if error_class(err) is InvalidValue:
                raise InvalidValue(err, context, allowed=self.allowed_for(model))
            check(err, context)
        return number


def _allowed(v: Any) -> Optional[Allowed]:
    """A klefr_valid_values (or NULL) as an Allowed (or None)."""
    if v is None:
        return None
    if v.list is not None:
        return Allowed(tuple(_c.number_at(v.list, i) for i in range(v.list_len)))
    return Allowed(None, v.min, v.max)


def _row(q: int) -> QuantityInfo:
    r = _c.quantity_get(q)
    flags = r.flags
    allowed = _allowed(r.valid)
    m = r.modbus
    modbus = (ModbusRegister(m.address, m.length, _as(ModbusType, m.type), m.write_function)
              if m.length else None)
    b = r.mbus
    mbus = None
    if b.dif or b.write_len:
        mbus = MbusRecordSpec(b.dif, b.dife, b.vif, b.scale,
                              bytes(_c.byte_at(b.write, i) for i in range(b.write_len)))
    i = r.iec
    iec = IecAddress(i.address, i.decimals, bool(i.in_readout),
                     bool(i.writable)) if i.address is not None else None
    models = frozenset(m for m in Model if r.models & (1 << (int(m) - int(Model.M6911))))
    return QuantityInfo(Quantity(r.id), r.name, r.label, r.unit, Group(r.group),
                        bool(flags & _c.QF_WRITABLE), bool(flags & _c.QF_RESET_ONLY),
                        bool(flags & _c.QF_THREE_PHASE), bool(flags & _c.QF_INTEGER), models,
                        allowed, modbus, mbus, iec)


class Quantities(Mapping[str, QuantityInfo]):
    """The rows of the register model by machine name, in the table's
    order; also indexable by Quantity (or its int). ``klefr.quantities``
    is the one instance."""

    def __init__(self) -> None:
        rows = [_row(q) for q in range(_c.quantity_count())]
        self._by_name: Dict[str, QuantityInfo] = {r.name: r for r in rows}
        self._rows: List[QuantityInfo] = rows

    @overload
    def __getitem__(self, key: str) -> QuantityInfo: ...
    @overload
    def __getitem__(self, key: int) -> QuantityInfo: ...

    def __getitem__(self, key: Union[str, int]) -> QuantityInfo:
        if isinstance(key, str):
            try:
                return self._by_name[key]
            except KeyError:
                raise KeyError(f"no quantity {key!r} (see klefr.quantities)") from None
        if 0 <= int(key) < len(self._rows):
            return self._rows[int(key)]
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_name)

    def __len__(self) -> int:
        return len(self._rows)

    def __repr__(self) -> str:
        return f"<klefr.quantities: {len(self)} rows>"

    def settings(self) -> Tuple[QuantityInfo, ...]:
        """The writable quantities that are not reset-only counters."""
        return tuple(r for r in self._rows if r.writable and not r.reset_only)

    def of_model(self, model: Union[Model, int]) -> Tuple[QuantityInfo, ...]:
        """The quantities @p model has."""
        return tuple(r for r in self._rows if Model(model) in r.models)


quantities = Quantities()


def lookup(name: Union[str, int, QuantityInfo]) -> QuantityInfo:
    """The row of @p name (machine name, Quantity or row)."""
    if isinstance(name, QuantityInfo):
        return name
    return quantities[name]


__all__ = ["quantities", "Quantities", "QuantityInfo", "Allowed", "ModbusRegister",
           "MbusRecordSpec", "IecAddress", "SettingValue", "lookup", "NotWritable",
           "NotAvailable"]

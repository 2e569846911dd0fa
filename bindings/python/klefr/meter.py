# SPDX-License-Identifier: MIT
"""klefr.Meter and klefr.Bus: read and configure a KLEFR meter over the C
meter API (klefr/meter.h). See doc/python.md for how they map onto it."""

import dataclasses
import datetime
import threading
import weakref
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Union

from . import _c
from .enums import CheckRule, ErrorCode, Model, Parity, Protocol, _as
from .errors import (DeviceRefused, Error, Implausible, Incomplete, InvalidValue, NotAvailable,
                     NotWritable, check, error_class)
from .model import Allowed, QuantityInfo, SettingValue, lookup, quantities

#: A quantity as the methods take it: its machine name, a Quantity, or its row.
QuantityKey = Union[str, int, QuantityInfo]
#: A meter's place on its bus: Modbus ID, M-Bus primary address, an 8-digit
#: M-Bus secondary address (str), or an IEC device address (str, "" = any).
Address = Union[int, str, None]

_PROTOCOLS = {"modbus": Protocol.MODBUS, "modbus-rtu": Protocol.MODBUS, "mbus": Protocol.MBUS,
              "m-bus": Protocol.MBUS, "iec": Protocol.IEC, "ir": Protocol.IEC,
              "iec62056": Protocol.IEC}
_NAMES = {Protocol.MODBUS: "Modbus", Protocol.MBUS: "M-Bus", Protocol.IEC: "IEC 62056-21"}
# The model a bus protocol implies (the C meter API validates against it).
_BUS_MODEL = {Protocol.MODBUS: Model.M6914, Protocol.MBUS: Model.M6913}


def protocol_of(protocol: Union[Protocol, str, int]) -> Protocol:
    """@p protocol as a Protocol: "modbus", "mbus" or "iec" (or the enum)."""
    if isinstance(protocol, str):
        try:
            return _PROTOCOLS[protocol.lower()]
        except KeyError:
            raise ValueError(f"unknown protocol {protocol!r} (modbus, mbus or iec)") from None
    return Protocol(protocol)


class Value(float):
    """A value of a reading: a float in the unit of its quantity, with
    ``unit`` and ``quantity`` (its row of klefr.quantities). repr() shows
    it with its unit at the meter's resolution ("230.1 V"); str() and
    format() are the float's."""

    quantity: QuantityInfo

    def __new__(cls, value: float, quantity: QuantityInfo) -> "Value":
        self = super().__new__(cls, value)
        self.quantity = quantity
        return self

    @property
    def unit(self) -> str:
        """The unit ("kWh", "V"; "" for none)."""
        return self.quantity.unit

    def __repr__(self) -> str:
        # As the klefr CLI prints it: one decimal more than the meter's
        # resolution (a float register's 2.18 is 2.180000066757202),
        # trailing zeros dropped. float(value) keeps every digit.
        row = self.quantity
        decimals = 0 if row.integer else (row.iec.decimals if row.iec is not None else 3)
        number = f"{float(self):.{decimals + 1 if decimals else 0}f}"
        if "." in number:
            number = number.rstrip("0").rstrip(".")
        return f"{'0' if number == '-0' else number} {self.unit}".rstrip()

    def __str__(self) -> str:
        # The plain number, so that str(), f"{v}" and csv write no unit.
        return float.__repr__(self)

    def __reduce__(self) -> Any:
        return (Value, (float(self), self.quantity))


@dataclasses.dataclass(frozen=True)
class MeterIdentity:
    """Who answered: the protocol and address asked, and what the meter
    said of itself (None where the reading did not carry it)."""
    port: str
    protocol: Protocol
    address: Union[int, str]
    model: Optional[Model]
    serial_number: Optional[int]
    secondary_address: Optional[int] = None
    """M-Bus identification number, when the reading carried it."""


class Reading(Mapping[str, Value]):
    """One reading of a meter: quantity name -> Value, in the order of the
    register model, plus ``time`` (UTC, when the answer was complete) and
    ``identity`` (a MeterIdentity)."""

    def __init__(self, values: Dict[str, Value], time: datetime.datetime,
                 identity: MeterIdentity) -> None:
        self._values = values
        self.time = time
        self.identity = identity

    def __getitem__(self, name: str) -> Value:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def as_dict(self) -> Dict[str, float]:
        """The values as plain floats, by name."""
        return {k: float(v) for k, v in self._values.items()}

    def __repr__(self) -> str:
        items = ", ".join(f"{k}={v!r}" for k, v in list(self._values.items())[:4])
        more = ", ..." if len(self) > 4 else ""
        return f"<Reading {self.time.isoformat()} {len(self)} values: {items}{more}>"


@dataclasses.dataclass(frozen=True)
class CheckFailure:
    """The register-model rule a refused reading broke (klefr_check_failure)."""
    rule: Union[CheckRule, int]
    rule_name: str
    quantity: Optional[str]
    other: Optional[str]
    value: float
    expected: float


def _name(q: int) -> Optional[str]:
    return quantities[q].name if 0 <= q < len(quantities) else None


class Bus:
    """One port and its protocol master (klefr_*_master_open): a serial line
    (a path such as /dev/ttyUSB0 or a pty /dev/pts/3), ``tcp://HOST:PORT`` or
    ``modbus-tcp://HOST:PORT``. Several Meters may share a Bus, also from
    several threads: the C master serialises their transactions.

    @p baud and @p parity ("even", "none", "odd") set the line (default 9600
    8E1 on Modbus and M-Bus); over IEC 62056-21 the session starts at 300
    baud and @p baud caps the baud the meter may switch to. @p timeout is the
    response timeout in seconds (default: the protocol's for the line),
    @p retries the extra attempts after a timeout or a corrupt answer
    (default 2)."""

    def __init__(self, port: str, protocol: Union[Protocol, str] = "modbus", *,
                 baud: Optional[int] = None, parity: Union[Parity, str, None] = None,
                 timeout: Optional[float] = None, retries: Optional[int] = None) -> None:
        self.port = port
        self.protocol = protocol_of(protocol)
        self._lock = threading.RLock()
        self._meters: "weakref.WeakSet[Meter]" = weakref.WeakSet()
        self._io: Any = None
        self._master: Any = None
        line = self._line(baud, parity)
        err, io = _c.io_open(port, line)
        check(err, f"cannot open port {port}")
        self._io = io
        try:
            self._master = self._open_master(line, baud, timeout, retries)
        except BaseException:
            _c.io_close(io)
            self._io = None
            raise

    def _line(self, baud: Optional[int], parity: Union[Parity, str, None]) -> Any:
        line = _c.Line()
        line.baud, line.data_bits, line.stop_bits = 9600, 8, 1
        line.parity = int(Parity.EVEN)
        if baud is not None:
            line.baud = int(baud)
        if parity is not None:
            line.parity = int(Parity[parity.upper()] if isinstance(parity, str) else parity)
        if self.protocol == Protocol.IEC:
            line.baud, line.data_bits = _c.IEC_INITIAL_BAUD, 7
        return line

    def _open_master(self, line: Any, baud: Optional[int], timeout: Optional[float],
                     retries: Optional[int]) -> Any:
        timeout_ms = None if timeout is None else max(1, int(round(timeout * 1000)))
        serial = (_c.io_get_flags(self._io) & _c.IO_NETWORK) == 0
        o: Any
        if self.protocol == Protocol.IEC:
            o = _c.IecMasterOptions()
            _c.iec_master_options_init(o)
            if baud is not None:
                o.max_baud = int(baud)
            opener = _c.iec_master_open
        elif self.protocol == Protocol.MBUS:
            o = _c.MbusMasterOptions()
            _c.mbus_master_options_init(o)
            opener = _c.mbus_master_open
        else:
            o = _c.ModbusMasterOptions()
            _c.modbus_master_options_init(o)
            opener = _c.modbus_master_open
        if self.protocol != Protocol.IEC and serial:
            o.line = line
        if timeout_ms is not None:
            o.response_timeout_ms = timeout_ms
        if retries is not None:
            o.retries = int(retries)
        err, master = opener(self._io, o)
        check(err, f"cannot start the {_NAMES[self.protocol]} master")
        return master

    @property
    def closed(self) -> bool:
        """True once close() ran."""
        return self._master is None

    def _handle(self) -> Any:
        if self._master is None:
            raise Error(ErrorCode.ERR_STATE, f"bus {self.port} is closed")
        return self._master

    def stats(self) -> Dict[str, int]:
        """The master's counters since open (klefr_master_stats: requests,
        retries, answers, timeouts, bad_frames...)."""
        with self._lock:
            out = _c.MasterStats()
            _c.MASTER_GET_STATS[int(self.protocol)](self._handle(), out)
            return _c.counters(out)

    def meter(self, address: Address = None, **options: Any) -> "Meter":
        """A Meter at @p address on this bus (see Meter for the options)."""
        return Meter(self, address=address, **options)

    def close(self) -> None:
        """Close the meters on the bus, the master and the port. Waits for a
        call in progress on any of them. Closing twice does nothing."""
        with self._lock:
            for m in list(self._meters):
                m.close()
            if self._master is not None:
                {Protocol.MODBUS: _c.modbus_master_close, Protocol.MBUS: _c.mbus_master_close,
                 Protocol.IEC: _c.iec_master_close}[self.protocol](self._master)
                self._master = None
            if self._io is not None:
                _c.io_close(self._io)
                self._io = None

    def __enter__(self) -> "Bus":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # interpreter shutdown: the module may be gone
            pass

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"<klefr.Bus {_NAMES[self.protocol].lower()} {self.port} {state}>"


class Meter:
    """A KLEFR meter on one protocol: a context manager over klefr_meter.

    ``Meter(port, protocol="modbus", address=None, baud=None, ...)`` opens
    the port and a private bus; pass a Bus as @p port to share one among
    several meters. @p address: the Modbus ID (default 1), the M-Bus
    primary address (default 0) or an 8-digit secondary address as a str,
    the IEC device address (default "", the meter facing the head).
    @p password is the 4-digit IR programming password ("0000"),
    @p meter_speed the emulator's --speed (the history checks allow
    energies to grow that much faster), @p check_retries how often a
    reading the register model refused is read again (default 2). The
    other options are the Bus's.

    read() returns a Reading; write() checks the value against the register
    model before anything is sent; every setting of klefr.quantities is
    also a property (``meter.baud_rate = 4800``). Calls release the GIL
    while they wait for the meter; one lock per Meter serialises threads
    sharing it."""

    def __init__(self, port: Union[str, Bus], protocol: Union[Protocol, str] = "modbus",
                 address: Address = None, *, baud: Optional[int] = None,
                 parity: Union[Parity, str, None] = None, timeout: Optional[float] = None,
                 retries: Optional[int] = None, password: Optional[str] = None,
                 meter_speed: Optional[float] = None, check_retries: Optional[int] = None) -> None:
        self._lock = threading.RLock()
        self._handle: Any = None
        self._own_bus = not isinstance(port, Bus)
        if isinstance(port, Bus):
            given = [k for k, v in (("baud", baud), ("parity", parity), ("timeout", timeout),
                                    ("retries", retries)) if v is not None]
            if given:
                raise TypeError(f"{', '.join(given)}: options of the Bus, not of a Meter on it")
            self.bus = port
        else:
            self.bus = Bus(port, protocol, baud=baud, parity=parity, timeout=timeout,
                           retries=retries)
        self.protocol = self.bus.protocol
        self.model: Optional[Model] = _BUS_MODEL.get(self.protocol)
        """The meter's model: the bus protocol's (6914 on Modbus, 6913 on
        M-Bus), over IEC the one the last reading named (None before)."""
        try:
            self.address = self._address(address)
            self._open(password, meter_speed, check_retries)
        except BaseException:
            self.close()  # the handle if it was opened, and a bus of its own
            raise

    def _address(self, address: Address) -> Union[int, str]:
        if self.protocol == Protocol.IEC:
            return "" if address is None else str(address)
        if address is None:
            return 1 if self.protocol == Protocol.MODBUS else 0
        if isinstance(address, str) and self.protocol == Protocol.MBUS and len(address) == 8 \
                and address.isdigit():
            return address
        if isinstance(address, bool) or not isinstance(address, int):
            raise TypeError(f"a {_NAMES[self.protocol]} address is an int, not {address!r}")
        return address

    def _open(self, password: Optional[str], meter_speed: Optional[float],
              check_retries: Optional[int]) -> None:
        a = _c.MeterAddress()
        if self.protocol == Protocol.IEC:
            assert isinstance(self.address, str)
            if len(self.address.encode()) > 32:
                raise InvalidValue(ErrorCode.ERR_RANGE,
                                   f"IEC device address {self.address!r} is over 32 characters")
            a.iec = self.address
            opener = _c.meter_open_iec
        elif isinstance(self.address, str):
            a.use_secondary, a.secondary = True, int(self.address)
            opener = _c.meter_open_mbus
        else:
            lo, hi = (1, _c.MODBUS_ADDRESS_MAX) if self.protocol == Protocol.MODBUS \
                else (0, _c.MBUS_ADDR_PRIMARY_MAX)
            if not lo <= self.address <= hi:
                raise InvalidValue(ErrorCode.ERR_RANGE,
                                   f"{_NAMES[self.protocol]} address {self.address} is not "
                                   f"{lo}-{hi}", allowed=Allowed(None, lo, hi))
            a.primary = self.address
            opener = _c.meter_open_modbus if self.protocol == Protocol.MODBUS \
                else _c.meter_open_mbus
        with self.bus._lock:
            err, handle = opener(self.bus._handle(), a)
            check(err, f"{_NAMES[self.protocol]} address {self.address!r}")
            self._handle = handle
            self.bus._meters.add(self)
        if password is not None:
            self._check(_c.meter_set_password(handle, str(password)), "password (4 digits)")
        if meter_speed is not None:
            self._check(_c.meter_set_time_scale(handle, float(meter_speed)), "meter_speed")
        if check_retries is not None:
            _c.meter_set_retries(handle, int(check_retries))

    def _check(self, err: int, context: str) -> None:
        if err == 0:
            return
        if err > 0 or error_class(err) is DeviceRefused:
            exc = int(err) if err > 0 else None
            iec = _as(ErrorCode, err) if self.protocol == Protocol.IEC and err < 0 else None
            raise DeviceRefused(err, context, exception_code=exc, iec_error=iec)
        check(err, context)

    def _live(self) -> Any:
        if self._handle is None:
            raise Error(ErrorCode.ERR_STATE, "the meter is closed")
        return self._handle

    # --- reading -----------------------------------------------------------

    def read(self, quantities: Optional[Iterable[QuantityKey]] = None) -> Reading:
        """Read the meter: everything its protocol carries, or only
        @p quantities (names, Quantity members or rows; over Modbus only
        their registers are read). Raises Timeout, Checksum, DeviceRefused
        (a Modbus exception), Implausible (``failure`` names the broken
        rule of the register model), Incomplete (``reading`` holds what was
        read, ``missing`` the names that were not)..."""
        want = None if quantities is None else [int(lookup(q).id) for q in quantities]
        with self._lock:
            h = self._live()
            values = _c.Values()
            if want is None:
                err, _not_available = _c.meter_read(h, values)
            elif not want:
                raise ValueError("read(quantities=[]) asks for nothing")
            else:
                err = _c.meter_read_quantities(h, want, values)
            time = datetime.datetime.now(datetime.timezone.utc)
            partial = err == ErrorCode.ERR_INCOMPLETE
            reading = self._reading(values, time) if err == 0 or partial else None
            if reading is not None and err == 0:
                return reading
            raise self._read_error(h, err, reading)

    def _reading(self, values: Any, time: datetime.datetime) -> Reading:
        out = {}
        for q, v in _c.values_items(values):
            row = quantities[q]
            out[row.name] = Value(v, row)
        code = out.get("meter_code")
        if code is not None and int(code) in Model._value2member_map_:
            self.model = Model(int(code))
        serial = out.get("serial_number")
        secondary = out.get("secondary_address")
        model = Model(int(code)) if code is not None and int(code) in Model._value2member_map_ \
            else self.model
        identity = MeterIdentity(self.bus.port, self.protocol, self.address, model,
                                 None if serial is None else int(serial),
                                 None if secondary is None else int(secondary))
        return Reading(out, time, identity)

    def _read_error(self, h: Any, err: int, partial: Optional[Reading]) -> Error:
        context = f"reading {self}"
        if err == ErrorCode.ERR_INCOMPLETE:
            _n, lost = _c.meter_missing(h)
            e = Incomplete(err, context)
            e.reading = partial
            e.missing = tuple(n for n in (_name(q) for q in lost) if n is not None)
            return e
        if err == ErrorCode.ERR_IMPLAUSIBLE:
            f = _c.CheckFailure()
            e2 = Implausible(err, context)
            e2.failure = None
            if _c.meter_last_failure(h, f):
                e2.failure = CheckFailure(_as(CheckRule, f.rule), _c.check_rule_name(f.rule),
                                          _name(f.quantity), _name(f.other), f.value, f.expected)
            return e2
        try:
            self._check(err, context)
        except Error as e3:
            return e3
        return Error(err, context)

    def __getitem__(self, name: QuantityKey) -> Value:
        """One quantity, read on its own: ``meter["voltage"]``. NotAvailable
        when the protocol or the model does not carry it."""
        row = lookup(name)
        try:
            reading = self.read([row])
        except NotAvailable:
            reading = None
        if reading is None or row.name not in reading:
            raise NotAvailable(ErrorCode.ERR_NOT_AVAILABLE,
                               f"{row.name} is not read over {_NAMES[self.protocol]}")
        return reading[row.name]

    def can_read(self, name: QuantityKey) -> bool:
        """True if @p name is carried by this meter's protocol."""
        with self._lock:
            return bool(_c.meter_can_read(self._live(), int(lookup(name).id)))

    def can_write(self, name: QuantityKey) -> bool:
        """True if @p name can be written over this meter's protocol."""
        with self._lock:
            return bool(_c.meter_can_write(self._live(), int(lookup(name).id)))

    # --- writing -----------------------------------------------------------

    def _validate(self, row: QuantityInfo, value: SettingValue) -> float:
        if not row.writable:
            raise NotWritable(ErrorCode.ERR_NOT_WRITABLE, f"{row.name} is read-only")
        if self.model is not None:
            return row.validate(self.model, value)
        # IEC before the first reading: the model facing the head is not
        # known yet. Refuse only what no model takes (the C layer checks
        # again once the session names the model).
        first: Optional[Exception] = None
        for model in sorted(row.models):
            try:
                return row.validate(model, value)
            except (InvalidValue, NotAvailable) as e:
                first = first or e
        assert first is not None
        raise first

    def write(self, name: QuantityKey, value: SettingValue) -> None:
        """Change the setting @p name to @p value (a number or its decimal
        text). The value is parsed exactly (klefr_quantity_parse) and checked
        for the meter's model (klefr_quantity_validate) before anything is
        sent: InvalidValue (with ``allowed``), NotWritable or NotAvailable
        otherwise. The meter may still refuse: DeviceRefused.

        The meter answers a change of its bus address, baud rate or parity
        with the old ones, then switches: this Meter keeps the old ones, so
        open a new one (or a new Bus) to go on talking to it."""
        row = lookup(name)
        number = self._validate(row, value)
        with self._lock:
            h = self._live()
            if not _c.meter_can_write(h, int(row.id)):
                raise NotAvailable(ErrorCode.ERR_NOT_AVAILABLE,
                                   f"{row.name} cannot be written over {_NAMES[self.protocol]}")
            err = _c.meter_write(h, int(row.id), number)
            if err != 0 and error_class(err) is InvalidValue:
                allowed = row.allowed_for(self.model) if self.model else row.allowed
                raise InvalidValue(err, f"{row.name} = {value}", allowed=allowed)
            self._check(err, f"writing {row.name} = {value}")

    def reset(self, name: QuantityKey) -> None:
        """Reset a counter that can only be reset (a row with
        ``reset_only``: the day counter, the power-down counter)."""
        row = lookup(name)
        if not row.reset_only:
            raise NotWritable(ErrorCode.ERR_NOT_WRITABLE,
                              f"{row.name} is not a resettable counter")
        with self._lock:
            self._check(_c.meter_reset(self._live(), int(row.id)), f"resetting {row.name}")

    def stats(self) -> Dict[str, int]:
        """This meter's counters since open (klefr_meter_stats: reads,
        exchanges, retries, confirmations, failed...)."""
        with self._lock:
            out = _c.MeterStats()
            _c.meter_get_stats(self._live(), out)
            return _c.counters(out)

    def forget(self) -> None:
        """Forget the history of readings: the next one is checked on its
        own (for a meter known to have been replaced or reset)."""
        with self._lock:
            _c.meter_forget(self._live())

    # --- life --------------------------------------------------------------

    @property
    def closed(self) -> bool:
        """True once close() ran (or its Bus was closed)."""
        return self._handle is None

    def close(self) -> None:
        """Close the meter, and the port if the Meter opened it. Waits for a
        call in progress. Closing twice does nothing."""
        with self._lock:
            was_open = self._handle is not None
            if was_open:
                _c.meter_close(self._handle)
                self._handle = None
        if was_open:
            # Not under the meter's lock: Bus.close takes the bus's, then ours.
            with self.bus._lock:
                self.bus._meters.discard(self)
        if self._own_bus:
            self.bus.close()

    def __enter__(self) -> "Meter":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # interpreter shutdown
            pass

    def __repr__(self) -> str:
        return f"<klefr.Meter {self}{' closed' if self.closed else ''}>"

    def __str__(self) -> str:
        p = self.protocol
        if p == Protocol.MODBUS:
            where = f"Modbus ID {self.address}"
        elif p == Protocol.MBUS:
            kind = "secondary" if isinstance(self.address, str) else "primary"
            where = f"M-Bus {kind} address {self.address}"
        else:
            where = f"IEC 62056-21 meter {self.address!r}" if self.address else \
                "IEC 62056-21 meter"
        return f"{where} on {self.bus.port}"


def _setting_property(row: QuantityInfo) -> property:
    def get(self: Meter) -> Value:
        return self[row]

    def put(self: Meter, value: SettingValue) -> None:
        self.write(row, value)

    # What each model takes (the bus address and baud rate differ).
    per_model: Dict[str, List[int]] = {}
    for model in sorted(row.models):
        a = row.allowed_for(model)
        if a is not None:
            per_model.setdefault(str(a), []).append(int(model))
    allowed = ""
    if len(per_model) == 1 and len(next(iter(per_model.values()))) == len(row.models):
        allowed = f" Allowed: {next(iter(per_model))}."
    elif per_model:
        allowed = " Allowed: " + "; ".join(
            f"{text} ({', '.join(map(str, models))})" for text, models in per_model.items()) + "."
    unit = f" ({row.unit})" if row.unit else ""
    doc = (f"{row.label}{unit}: reading it reads the meter, assigning writes it"
           f" (Meter.write).{allowed}")
    return property(get, put, doc=doc)


# One property per setting of the register model (klefr.quantities.settings()).
for _row in quantities.settings():
    if not hasattr(Meter, _row.name):
        setattr(Meter, _row.name, _setting_property(_row))
del _row

__all__ = ["Meter", "Bus", "Reading", "Value", "MeterIdentity", "CheckFailure", "protocol_of"]

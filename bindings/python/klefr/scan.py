# SPDX-License-Identifier: MIT
"""klefr.scan(): find the meters on a bus, yielding each as it answers."""

import dataclasses
import queue
import threading
from typing import Any, Callable, Iterator, Optional, Set, Union

from . import _c
from .enums import Group, Protocol
from .errors import Error, check
from .meter import Bus, Meter, MeterIdentity, Reading, protocol_of
from .model import quantities


@dataclasses.dataclass(frozen=True)
class MbusIdentity:
    """What an M-Bus slave answered a secondary selection with."""
    id: int
    """Identification number (the secondary address)."""
    manufacturer: str
    version: int
    medium: int


@dataclasses.dataclass(frozen=True)
class Found:
    """A meter that answered a scan. ``reading`` holds the values read to
    identify it (None after a secondary search, which identifies from the
    selection, or when that read failed: ``error`` says why)."""
    port: str
    protocol: Protocol
    address: Union[int, str]
    """Modbus ID, M-Bus primary address, or 8-digit secondary address."""
    identity: MeterIdentity
    reading: Optional[Reading] = None
    mbus: Optional[MbusIdentity] = None
    error: Optional[Error] = None

    def meter(self, **options: Any) -> Meter:
        """Open this meter (on a port of its own; pass ``port=`` a Bus to share one)."""
        port = options.pop("port", self.port)
        return Meter(port, self.protocol, self.address, **options)


@dataclasses.dataclass(frozen=True)
class ScanProgress:
    """Where a scan is, given to the progress callback after each try."""
    tried: Union[int, str]
    """The address tried, or the secondary pattern selected ("1706FFFF")."""
    done: int
    """Tries so far."""
    total: Optional[int]
    """Tries in all; None for a secondary search (it narrows as it goes)."""
    found: int
    """Meters found so far."""


Progress = Callable[[ScanProgress], Any]


def scan(port: Union[str, Bus], protocol: Union[Protocol, str] = "modbus", *,
         first: Optional[int] = None, last: Optional[int] = None, secondary: bool = False,
         progress: Optional[Progress] = None, identify: bool = True,
         **bus_options: Any) -> Iterator[Found]:
    """Find the meters on @p port (a port name, or an open Bus), yielding
    each as soon as it has answered (and, with @p identify, been read for
    its identity). Modbus tries IDs @p first..@p last (default 1-247),
    M-Bus primary addresses (default 0-250) or, with @p secondary, searches
    secondary addresses with wildcards. Each address is tried once, with
    the bus's response timeout (``timeout=`` seconds, default the
    protocol's: a shorter one is quicker but misses slow meters).
    @p progress is called with a ScanProgress after every try; it may
    raise to stop the scan. The other keywords go to Bus (baud, parity,
    retries). IEC 62056-21 has no bus to scan (the IR head faces one meter)."""
    p = protocol_of(port.protocol if isinstance(port, Bus) else protocol)
    if p == Protocol.IEC:
        raise ValueError("the IR port faces one meter: read it with klefr.Meter(port, 'iec')")
    if secondary and p != Protocol.MBUS:
        raise ValueError("a secondary search is M-Bus only")
    own = not isinstance(port, Bus)
    bus = Bus(port, p, **bus_options) if isinstance(port, str) else port
    try:
        if secondary:
            if first is not None or last is not None:
                raise ValueError("a secondary search has no address range")
            yield from _search(bus, progress)
        else:
            yield from _primary(bus, first, last, progress, identify)
    finally:
        if own:
            bus.close()


def _primary(bus: Bus, first: Optional[int], last: Optional[int],
             progress: Optional[Progress], identify: bool) -> Iterator[Found]:
    modbus = bus.protocol == Protocol.MODBUS
    lo, hi = (1, _c.MODBUS_ADDRESS_MAX) if modbus else (0, _c.MBUS_ADDR_PRIMARY_MAX)
    first = lo if first is None else first
    last = hi if last is None else last
    if not lo <= first <= last <= hi:
        raise ValueError(f"scan range {first}-{last} is not within {lo}-{hi}")
    # KLEFR meters answer a read of their first identification register.
    probe = min(r.modbus.address for r in quantities.values()
                if r.group == Group.IDENTIFICATION and r.modbus is not None)
    found = 0
    for n, address in enumerate(range(first, last + 1), 1):
        with bus._lock:
            if modbus:
                err, answered = _c.modbus_probe(bus._handle(), address, probe)
            else:
                err, answered = _c.mbus_probe(bus._handle(), address)
        check(err, f"scan of {bus.port} stopped at address {address}")
        found += bool(answered)
        if progress is not None:
            progress(ScanProgress(address, n, last - first + 1, found))
        if answered:
            yield _identify(bus, address, identify)


def _identify(bus: Bus, address: int, identify: bool) -> Found:
    blank = MeterIdentity(bus.port, bus.protocol, address, None, None)
    if not identify:
        return Found(bus.port, bus.protocol, address, blank)
    try:
        with Meter(bus, address=address) as m:
            if bus.protocol == Protocol.MODBUS:
                # The identification registers only: one short read.
                ident = [r for r in quantities.values()
                         if r.group == Group.IDENTIFICATION and m.can_read(r)]
                reading = m.read(ident)
            else:
                reading = m.read()  # one REQ_UD2 carries everything anyway
        return Found(bus.port, bus.protocol, address, reading.identity, reading)
    except Error as e:
        return Found(bus.port, bus.protocol, address, blank, error=e)


_DONE = object()


def _search(bus: Bus, progress: Optional[Progress]) -> Iterator[Found]:
    """The C search runs in a thread of its own (GIL released, taken back
    for each callback); its finds come through a queue, so that they are
    yielded while it goes on."""
    q: "queue.Queue[Any]" = queue.Queue()
    stop = threading.Event()
    seen: Set[int] = set()  # a narrower pattern can find a slave again
    done = [0]

    def callback(pattern: int, outcome: int, ident: Optional[int], man: Optional[int],
                 version: Optional[int], medium: Optional[int]) -> bool:
        try:
            done[0] += 1
            if outcome == _c.MBUS_PROBE_FOUND and ident is not None and ident not in seen:
                seen.add(ident)
                q.put(MbusIdentity(ident, _c.mbus_manufacturer_decode(man or 0), version or 0,
                                   medium or 0))
            q.put(ScanProgress(f"{pattern:08X}", done[0], None, len(seen)))
            return not stop.is_set()
        except BaseException as e:  # never let it escape into C
            q.put(e)
            return False

    def run() -> None:
        try:
            with bus._lock:
                q.put(("result", _c.mbus_search(bus._handle(), callback)))
        except BaseException as e:
            q.put(e)
        finally:
            q.put(_DONE)

    worker = threading.Thread(target=run, name="klefr-mbus-search", daemon=True)
    worker.start()
    try:
        while True:
            item = q.get()
            if item is _DONE:
                break
            if isinstance(item, BaseException):
                raise item
            if isinstance(item, tuple):
                check(item[1], f"secondary search on {bus.port}")
            elif isinstance(item, ScanProgress):
                if progress is not None:
                    progress(item)
            else:
                address = f"{item.id:08d}"
                yield Found(bus.port, Protocol.MBUS, address,
                            MeterIdentity(bus.port, Protocol.MBUS, address, None, None, item.id),
                            mbus=item)
    finally:
        stop.set()
        worker.join()


__all__ = ["scan", "Found", "ScanProgress", "MbusIdentity"]

# SPDX-License-Identifier: MIT
"""asyncio facade: klefr.aio.Meter and klefr.aio.Bus.

The blocking calls of klefr.Meter run in the event loop's default thread
executor (they release the GIL while they wait for the meter), one at a
time per bus under an asyncio.Lock, so that coroutines waiting for a busy
bus wait in the loop rather than in executor threads.

    async with klefr.aio.Meter("/dev/ttyUSB0", "modbus", 1) as m:
        reading = await m.read()
        await m.write("lcd_cycle_time", 10)

Cancelling a call stops the wait, not the transaction: the C call in the
executor runs to its end (bounded by the master's timeouts) before the
bus takes the next one.
"""

import asyncio
import functools
from typing import Any, Callable, Iterable, Optional, TypeVar, Union

from . import meter as _meter
from .enums import Protocol
from .meter import Address, QuantityKey, Reading, Value
from .model import SettingValue

T = TypeVar("T")


class Bus:
    """An asyncio view of klefr.Bus: one port, one master, one lock. Open it
    with ``await bus.open()`` or ``async with``; the keywords are klefr.Bus's."""

    def __init__(self, port: str, protocol: Union[Protocol, str] = "modbus",
                 **options: Any) -> None:
        self.port = port
        self.protocol = _meter.protocol_of(protocol)
        self._options = options
        self.lock = asyncio.Lock()
        """Held for each call on the bus (by every aio.Meter on it)."""
        self.sync: Optional[_meter.Bus] = None
        """The klefr.Bus, once open."""

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run the blocking @p fn(*args, **kwargs) in the executor, under the
        bus's lock."""
        async with self.lock:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(None, functools.partial(fn, *args, **kwargs))

    async def open(self) -> "Bus":
        """Open the port and the master (in the executor)."""
        if self.sync is None:
            self.sync = await self.run(_meter.Bus, self.port, self.protocol, **self._options)
        return self

    def meter(self, address: Address = None, **options: Any) -> "Meter":
        """An aio.Meter at @p address on this bus (open it with ``async with``)."""
        return Meter(self, address=address, **options)

    async def close(self) -> None:
        """Close the master and the port (and the meters on it)."""
        if self.sync is not None:
            await self.run(self.sync.close)
            self.sync = None

    async def __aenter__(self) -> "Bus":
        return await self.open()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


class Meter:
    """An asyncio view of klefr.Meter, with the same arguments: @p port is a
    port name (a private aio.Bus is opened) or an aio.Bus to share. Every
    method is a coroutine; ``sync`` is the klefr.Meter underneath."""

    def __init__(self, port: Union[str, Bus], protocol: Union[Protocol, str] = "modbus",
                 address: Address = None, **options: Any) -> None:
        bus_keys = ("baud", "parity", "timeout", "retries")
        self._own_bus = not isinstance(port, Bus)
        if isinstance(port, Bus):
            self.bus = port
        else:
            self.bus = Bus(port, protocol, **{k: options.pop(k) for k in bus_keys
                                              if k in options})
        self.address = address
        self._options = options
        self.sync: Optional[_meter.Meter] = None

    async def open(self) -> "Meter":
        """Open the bus if it is this meter's own, then the meter."""
        await self.bus.open()
        if self.sync is None:
            self.sync = await self.bus.run(_meter.Meter, self.bus.sync, self.bus.protocol,
                                           self.address, **self._options)
        return self

    def _m(self) -> _meter.Meter:
        if self.sync is None:
            raise RuntimeError("open the meter first (await meter.open() or async with)")
        return self.sync

    async def read(self, quantities: Optional[Iterable[QuantityKey]] = None) -> Reading:
        """klefr.Meter.read in the executor."""
        want = None if quantities is None else list(quantities)
        return await self.bus.run(self._m().read, want)

    async def get(self, name: QuantityKey) -> Value:
        """One quantity (klefr.Meter[name])."""
        return await self.bus.run(self._m().__getitem__, name)

    async def write(self, name: QuantityKey, value: SettingValue) -> None:
        """klefr.Meter.write in the executor (validated before anything is sent)."""
        await self.bus.run(self._m().write, name, value)

    async def reset(self, name: QuantityKey) -> None:
        """klefr.Meter.reset in the executor."""
        await self.bus.run(self._m().reset, name)

    async def close(self) -> None:
        """Close the meter, and its bus if it is its own."""
        if self.sync is not None:
            await self.bus.run(self.sync.close)
            self.sync = None
        if self._own_bus:
            await self.bus.close()

    async def __aenter__(self) -> "Meter":
        return await self.open()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"<klefr.aio.Meter {self.sync if self.sync is not None else 'not open'}>"


__all__ = ["Meter", "Bus"]

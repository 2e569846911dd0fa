#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Poll several KLEFR meters concurrently with asyncio (klefr.aio).

    python3 aio_poller.py --meter modbus,/dev/ttyUSB0,1 --meter modbus,/dev/ttyUSB0,2 \\
        --meter iec,/dev/ttyUSB1 --interval 5 --count 10

Each --meter is PROTOCOL,PORT[,ADDRESS] and is polled by its own task.
Meters on one port and protocol share one klefr.aio.Bus: their requests
take turns under the bus's asyncio.Lock, while meters on other ports are
read at the same time (each blocking call runs in the loop's thread
executor and releases the GIL). A slow IEC session on the IR port does not
hold up the Modbus meters.

One line is printed per reading, as it arrives:

    2026-12-04T10:00:00.123456+00:00 modbus,/dev/ttyUSB0,1 voltage=230.1 V current=5.002 A

and a line "... error: ..." for a reading that failed (the task goes on).
Stop with Ctrl-C or --count. Exit status 0 when every reading succeeded,
1 when one or more failed or a port could not be opened.
"""

import argparse
import asyncio
import datetime
import sys
from typing import Dict, List, Optional, Sequence, Tuple, Union

import klefr
import klefr.aio

#: Quantities printed when no --quantity is given.
DEFAULT_QUANTITIES = ("voltage", "current", "active_power", "total_active_energy")


def parse_meter(spec: str) -> Tuple[str, str, Union[int, str, None]]:
    """PROTOCOL,PORT[,ADDRESS] -> (protocol, port, address)."""
    parts = spec.split(",")
    if len(parts) not in (2, 3) or parts[0] not in ("modbus", "mbus", "iec") or not parts[1]:
        raise ValueError(f"--meter {spec!r}: PROTOCOL,PORT[,ADDRESS] with PROTOCOL modbus, "
                         "mbus or iec")
    protocol, port = parts[0], parts[1]
    if len(parts) == 2:
        return protocol, port, None
    text = parts[2]
    if protocol == "iec" or (protocol == "mbus" and len(text) == 8 and text.isdigit()):
        return protocol, port, text
    return protocol, port, int(text, 0)


def reading_line(spec: str, reading: klefr.Reading) -> str:
    """time, meter, then name=value unit for each value (repr of klefr.Value)."""
    values = " ".join(f"{name}={value!r}" for name, value in reading.items())
    return f"{reading.time.isoformat()} {spec} {values}"


async def poll_meter(spec: str, meter: klefr.aio.Meter, wanted: Sequence[str],
                     interval: float, count: int) -> int:
    """Read @p meter every @p interval seconds, @p count times (0: until
    cancelled), printing each reading; the number of failed readings."""
    await meter.open()
    # What this meter's protocol carries (asked of the klefr.Meter underneath).
    sync = meter.sync
    assert sync is not None
    names = [name for name in wanted if sync.can_read(name)]
    loop = asyncio.get_running_loop()
    start = loop.time()
    failed = 0
    done = 0
    while count == 0 or done < count:
        try:
            if not names:
                raise klefr.NotAvailable(klefr.ErrorCode.ERR_NOT_AVAILABLE,
                                         f"{sync} carries none of the quantities")
            print(reading_line(spec, await meter.read(names)), flush=True)
        except klefr.Error as e:
            failed += 1
            now = datetime.datetime.now(datetime.timezone.utc).isoformat()
            print(f"{now} {spec} error: {e}", flush=True)
        done += 1
        if count and done == count:
            break
        await asyncio.sleep(max(0.0, start + done * interval - loop.time()))
    return failed


async def run(specs: Sequence[str], wanted: Sequence[str], interval: float, count: int,
              meter_speed: Optional[float]) -> int:
    """Open a bus per port and a task per meter; the failed readings in all."""
    buses: Dict[Tuple[str, str], klefr.aio.Bus] = {}
    meters: List[Tuple[str, klefr.aio.Meter]] = []
    for spec in specs:
        protocol, port, address = parse_meter(spec)
        bus = buses.get((port, protocol))
        if bus is None:
            bus = buses[(port, protocol)] = klefr.aio.Bus(port, protocol)
        meters.append((spec, bus.meter(address, meter_speed=meter_speed)))
    try:
        for bus in buses.values():
            await bus.open()
        failed = await asyncio.gather(*(poll_meter(spec, meter, wanted, interval, count)
                                        for spec, meter in meters))
        return sum(failed)
    finally:
        for _, meter in meters:
            await meter.close()
        for bus in buses.values():
            await bus.close()


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        description="Poll several KLEFR meters concurrently with asyncio (klefr.aio).")
    parser.add_argument("--meter", "-m", action="append", required=True,
                        metavar="PROTOCOL,PORT[,ADDRESS]",
                        help="a meter to poll (repeatable), e.g. modbus,/dev/ttyUSB0,1 or "
                             "iec,/dev/ttyUSB1")
    parser.add_argument("--quantity", "-q", action="append", metavar="NAME",
                        help="a quantity to print (repeatable; a name of klefr.quantities; "
                             "default: " + ", ".join(DEFAULT_QUANTITIES) + ")")
    parser.add_argument("--interval", "-i", type=float, default=10.0,
                        help="seconds between the readings of each meter (default 10)")
    parser.add_argument("--count", "-n", type=int, default=0,
                        help="readings per meter, 0 = until Ctrl-C (default 0)")
    parser.add_argument("--meter-speed", type=float,
                        help="the emulator's --speed, when polling klefr-meterd")
    args = parser.parse_args(argv)
    wanted = args.quantity or list(DEFAULT_QUANTITIES)
    unknown = [n for n in wanted if n not in klefr.quantities]
    if unknown:
        parser.error(f"no quantity {', '.join(unknown)} (see klefr.quantities)")
    if args.interval < 0 or args.count < 0:
        parser.error("--interval and --count are not negative")
    for spec in args.meter:
        try:
            parse_meter(spec)
        except ValueError as e:
            parser.error(str(e))
    try:
        failed = asyncio.run(run(args.meter, wanted, args.interval, args.count,
                                 args.meter_speed))
    except KeyboardInterrupt:
        return 0
    except klefr.Error as e:  # a port that cannot be opened
        print(f"aio_poller: {e}", file=sys.stderr)
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

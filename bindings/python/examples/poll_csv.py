#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Poll several KLEFR meters and write their values to CSV with timestamps.

    python3 poll_csv.py --meter modbus,/dev/ttyUSB0,1 --meter modbus,/dev/ttyUSB0,2 \\
        --meter mbus,/dev/ttyUSB1,5 --interval 60 --output energy.csv

Each --meter is PROTOCOL,PORT[,ADDRESS]. Meters on the same port and
protocol share one klefr.Bus (one master: their transactions take turns on
the line). Every --interval seconds each meter is read once, and one row
per meter is written:

    time,meter,model,serial_number,<one column per --quantity>,error

``time`` is when the meter's answer was complete (UTC, ISO 8601),
``meter`` the --meter argument as given, ``serial_number`` the meter's
(over M-Bus its secondary address, which the 6913 sets to it). A quantity the meter's protocol
does not carry stays empty; a meter that does not answer gets a row with
no values and the reason in ``error``, and polling goes on. Values are
written in the quantity's unit of klefr.quantities (kWh, V, A, kW, Hz),
with every digit the meter sent. Rows are flushed after each round, so
``tail -f`` follows the file. Stop with Ctrl-C or --count.
"""

import argparse
import csv
import datetime
import sys
import time
from typing import Dict, List, Optional, Sequence, TextIO, Tuple, Union

import klefr

#: Columns written when no --quantity is given.
DEFAULT_QUANTITIES = ("total_active_energy", "forward_active_energy", "reverse_active_energy",
                      "voltage", "current", "active_power", "frequency")


class PolledMeter:
    """One --meter: what the user wrote, the open klefr.Meter, and the
    quantities of the CSV it can read."""

    def __init__(self, spec: str, meter: klefr.Meter, wanted: Sequence[str]) -> None:
        self.spec = spec
        self.meter = meter
        self.readable = [name for name in wanted if meter.can_read(name)]
        # Who answered, in every row: the serial number (Modbus, IEC) or
        # the M-Bus secondary address, which the 6913 sets to it.
        self.ident = next((name for name in ("serial_number", "secondary_address")
                           if meter.can_read(name)), None)


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


def open_meters(specs: Sequence[str], wanted: Sequence[str],
                meter_speed: Optional[float]) -> Tuple[List[klefr.Bus], List[PolledMeter]]:
    """A Bus per (port, protocol) and a Meter per spec on it."""
    buses: Dict[Tuple[str, str], klefr.Bus] = {}
    meters = []
    try:
        for spec in specs:
            protocol, port, address = parse_meter(spec)
            bus = buses.get((port, protocol))
            if bus is None:
                bus = buses[(port, protocol)] = klefr.Bus(port, protocol)
            meters.append(PolledMeter(spec, bus.meter(address, meter_speed=meter_speed),
                                      wanted))
    except BaseException:
        for bus in buses.values():
            bus.close()
        raise
    return list(buses.values()), meters


def cell(value: klefr.Value) -> str:
    """A value as CSV text: no unit; a whole-number quantity as an int,
    else the float's repr (every digit the meter sent)."""
    return str(int(value)) if value.quantity.integer else str(value)


def poll_row(polled: PolledMeter, wanted: Sequence[str]) -> Dict[str, str]:
    """Read one meter once: its CSV row."""
    row = {"meter": polled.spec}
    try:
        if not polled.readable:
            raise klefr.NotAvailable(klefr.ErrorCode.ERR_NOT_AVAILABLE,
                                     f"{polled.meter} carries none of the quantities")
        extra = [polled.ident] if polled.ident and polled.ident not in polled.readable else []
        reading = polled.meter.read(polled.readable + extra)
    except klefr.Error as e:
        row["time"] = datetime.datetime.now(datetime.timezone.utc).isoformat()
        row["error"] = f"{type(e).__name__}: {e}"
        return row
    row["time"] = reading.time.isoformat()
    model = reading.identity.model if reading.identity.model is not None else polled.meter.model
    row["model"] = str(int(model)) if model is not None else ""
    who = reading.identity
    serial = who.serial_number if who.serial_number is not None else who.secondary_address
    row["serial_number"] = str(serial) if serial is not None else ""
    for name in wanted:
        if name in reading:
            row[name] = cell(reading[name])
    return row


def columns(wanted: Sequence[str]) -> List[str]:
    """The CSV header: the fixed columns, then the quantities (but
    serial_number, which is a fixed one), then error."""
    fixed = ["time", "meter", "model", "serial_number"]
    return fixed + [name for name in wanted if name not in fixed] + ["error"]


def poll(meters: Sequence[PolledMeter], wanted: Sequence[str], out: TextIO, interval: float,
         count: int) -> None:
    """Write the header, then a row per meter every @p interval seconds,
    @p count rounds (0: until interrupted)."""
    writer = csv.DictWriter(out, columns(wanted), restval="")
    writer.writeheader()
    start = time.monotonic()
    done = 0
    while count == 0 or done < count:
        for polled in meters:
            writer.writerow(poll_row(polled, wanted))
        out.flush()
        done += 1
        if count and done == count:
            break
        # Rounds on a fixed grid: a slow round does not shift the next ones.
        time.sleep(max(0.0, start + done * interval - time.monotonic()))


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        description="Poll several KLEFR meters and write their values to CSV with timestamps.")
    parser.add_argument("--meter", "-m", action="append", required=True,
                        metavar="PROTOCOL,PORT[,ADDRESS]",
                        help="a meter to poll (repeatable), e.g. modbus,/dev/ttyUSB0,1 or "
                             "mbus,/dev/ttyUSB1,17060518")
    parser.add_argument("--quantity", "-q", action="append", metavar="NAME",
                        help="a CSV column (repeatable; a name of klefr.quantities; default: "
                             + ", ".join(DEFAULT_QUANTITIES) + ")")
    parser.add_argument("--interval", "-i", type=float, default=10.0,
                        help="seconds between rounds (default 10)")
    parser.add_argument("--count", "-n", type=int, default=0,
                        help="rounds to poll, 0 = until Ctrl-C (default 0)")
    parser.add_argument("--output", "-o", help="CSV file (default: stdout)")
    parser.add_argument("--meter-speed", type=float,
                        help="the emulator's --speed, when polling klefr-meterd")
    args = parser.parse_args(argv)
    wanted = args.quantity or list(DEFAULT_QUANTITIES)
    unknown = [n for n in wanted if n not in klefr.quantities]
    if unknown:
        parser.error(f"no quantity {', '.join(unknown)} (see klefr.quantities)")
    if args.interval < 0 or args.count < 0:
        parser.error("--interval and --count are not negative")
    try:
        buses, meters = open_meters(args.meter, wanted, args.meter_speed)
    except ValueError as e:  # a bad --meter, or klefr.InvalidValue (an address)
        parser.error(str(e))
    except klefr.Error as e:
        print(f"poll_csv: {e}", file=sys.stderr)
        return 1
    out = open(args.output, "w", newline="", encoding="utf-8") if args.output else sys.stdout
    try:
        poll(meters, wanted, out, args.interval, args.count)
    except KeyboardInterrupt:
        pass
    finally:
        if out is not sys.stdout:
            out.close()
        for bus in buses:
            bus.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

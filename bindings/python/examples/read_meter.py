#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Read one KLEFR meter and print its values with their units.

    python3 read_meter.py /dev/ttyUSB0                     # 6914, Modbus ID 1
    python3 read_meter.py /dev/ttyUSB0 --protocol mbus --address 5
    python3 read_meter.py /dev/ttyUSB1 --protocol iec -q voltage -q current

The first line says who answered (model, serial number, where) and when;
then one line per value: its machine name (a key of klefr.quantities), the
value at the meter's resolution and its unit, and the label. Without
--quantity everything the protocol carries is read (over Modbus that is
several transactions; with --quantity only those registers).

Exit status 0 on success, 1 when the meter could not be read.
"""

import argparse
import sys
from typing import List, Optional, Sequence, Tuple, Union

import klefr


def parse_address(text: Optional[str], protocol: str) -> Union[int, str, None]:
    """--address as klefr.Meter takes it: a number on Modbus and M-Bus
    primary, an 8-digit str for an M-Bus secondary address, the text of an
    IEC device address."""
    if text is None or protocol == "iec":
        return text
    if protocol == "mbus" and len(text) == 8 and text.isdigit():
        return text
    return int(text, 0)


def identity_line(reading: klefr.Reading, where: str) -> str:
    """Who answered, where and when: "KLEFR 6914 serial 17060518, Modbus
    ID 1 on /dev/pts/3, 2026-12-04T10:00:00.123456+00:00"."""
    who = reading.identity
    model = f"KLEFR {int(who.model)}" if who.model is not None else "KLEFR meter"
    serial = f" serial {who.serial_number}" if who.serial_number is not None else ""
    return f"{model}{serial}, {where}, {reading.time.isoformat()}"


def value_lines(reading: klefr.Reading) -> List[str]:
    """One line per value: name, number, unit, label. The number is the
    one repr(klefr.Value) shows: the meter's resolution plus one digit."""
    width = max((len(name) for name in reading), default=0)
    lines = []
    for name, value in reading.items():
        number, _, unit = repr(value).partition(" ")
        lines.append(f"{name:<{width}}  {number:>12} {unit:<7}  {value.quantity.label}")
    return lines


def read(port: str, protocol: str, address: Union[int, str, None],
         names: Optional[Sequence[str]], baud: Optional[int], timeout: Optional[float],
         password: Optional[str], meter_speed: Optional[float]) -> Tuple[klefr.Reading, str]:
    """Open the meter, read it (all, or @p names) and close it: the
    reading, and where the meter is ("Modbus ID 1 on /dev/ttyUSB0")."""
    with klefr.Meter(port, protocol, address, baud=baud, timeout=timeout, password=password,
                     meter_speed=meter_speed) as meter:
        return meter.read(names), str(meter)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        description="Read one KLEFR meter and print its values with their units.")
    parser.add_argument("port", help="serial port (/dev/ttyUSB0), pty, or tcp://HOST:PORT")
    parser.add_argument("--protocol", "-p", choices=("modbus", "mbus", "iec"), default="modbus",
                        help="bus protocol: modbus (6914), mbus (6913) or iec (IR port of "
                             "every model); default modbus")
    parser.add_argument("--address", "-a",
                        help="Modbus ID (default 1), M-Bus primary address (default 0) or "
                             "8-digit secondary address, IEC device address (default: any)")
    parser.add_argument("--quantity", "-q", action="append", metavar="NAME",
                        help="read only this quantity (repeatable; a name of "
                             "klefr.quantities, such as total_active_energy or voltage)")
    parser.add_argument("--baud", type=int, help="line baud rate (IEC: the highest to switch to)")
    parser.add_argument("--timeout", type=float, help="response timeout in seconds")
    parser.add_argument("--password", help="IEC programming password (4 digits)")
    parser.add_argument("--meter-speed", type=float,
                        help="the emulator's --speed, when reading klefr-meterd")
    args = parser.parse_args(argv)
    unknown = [n for n in args.quantity or () if n not in klefr.quantities]
    if unknown:
        parser.error(f"no quantity {', '.join(unknown)} (see klefr.quantities)")
    try:
        address = parse_address(args.address, args.protocol)
    except ValueError:
        parser.error(f"--address {args.address!r} is not a number")
    try:
        reading, where = read(args.port, args.protocol, address, args.quantity, args.baud,
                       args.timeout, args.password, args.meter_speed)
    except klefr.Error as e:
        print(f"read_meter: {e}", file=sys.stderr)
        return 1
    print(identity_line(reading, where))
    for line in value_lines(reading):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())

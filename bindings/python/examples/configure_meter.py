#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Change the settings of a KLEFR meter, checked against the register model.

    python3 configure_meter.py /dev/ttyUSB0 lcd_cycle_time=25 tariff=2
    python3 configure_meter.py /dev/ttyUSB1 --protocol iec --password 0000 backlight=1
    python3 configure_meter.py /dev/ttyUSB0 --list

Every NAME=VALUE is checked for the meter's model first (klefr's register
model: QuantityInfo.validate, the same check Meter.write makes): if one is
refused, with what is allowed, nothing at all is written. Then each is
written with Meter.write and read back, and the old and new values are
printed. --dry-run stops after the check.

The bus settings (bus_address, baud_rate, parity) are written last and not
read back: the meter answers that write with its old settings, then
switches, so the next request must use the new ones.

--list prints the settings the meter's protocol can write, the values its
model takes, and the present value of each.

Exit status 0 when everything was written, 1 when a value was refused
(by the register model or by the meter) or the meter did not answer.
"""

import argparse
import sys
from typing import List, Optional, Sequence, Tuple, Union

import klefr

#: Settings that change how the meter is reached: written last, not read back.
LINE_SETTINGS = ("bus_address", "baud_rate", "parity")


def parse_assignment(text: str) -> Tuple[str, str]:
    """NAME=VALUE -> (name, value text); the value stays text so that the
    register model parses it exactly (2.5 is not 2 for a whole-number
    setting)."""
    name, sep, value = text.partition("=")
    if not sep or not name or not value:
        raise ValueError(f"{text!r} is not NAME=VALUE")
    return name.strip(), value.strip()


def parse_address(text: Optional[str], protocol: str) -> Union[int, str, None]:
    """--address as klefr.Meter takes it (see read_meter.py)."""
    if text is None or protocol == "iec":
        return text
    if protocol == "mbus" and len(text) == 8 and text.isdigit():
        return text
    return int(text, 0)


def model_of(meter: klefr.Meter) -> klefr.Model:
    """The meter's model. Over IEC it is known only once a reading named
    it: read the meter code."""
    if meter.model is None:
        meter.read(["meter_code"])
    assert meter.model is not None, "the reading names the model"
    return meter.model


def check_all(model: klefr.Model, changes: Sequence[Tuple[str, str]]) -> List[str]:
    """Check every change against the register model; the refusals as text
    (empty when all pass)."""
    refused = []
    for name, value in changes:
        row = klefr.quantities[name]
        try:
            row.validate(model, value)
        except klefr.InvalidValue as e:
            allowed = f"; allowed: {e.allowed}" if e.allowed is not None else ""
            refused.append(f"{e}{allowed}")
        except (klefr.NotWritable, klefr.NotAvailable) as e:
            refused.append(str(e))
    return refused


def list_settings(meter: klefr.Meter, model: klefr.Model) -> List[str]:
    """One line per setting the protocol can write: name, present value,
    what the model takes."""
    # Every setting of the table has allowed values: none for the model
    # means the model cannot write it (the 6911 and 6912 have no tariff input).
    rows = [row for row in klefr.quantities.settings()
            if meter.can_write(row.name) and row.allowed_for(model) is not None]
    now = meter.read([row.name for row in rows if meter.can_read(row.name)])
    lines = []
    for row in rows:
        value = repr(now[row.name]) if row.name in now else "(not readable)"
        lines.append(f"{row.name:<18} {value:>16}   allowed: {row.allowed_for(model)}")
    return lines


def configure(meter: klefr.Meter, changes: Sequence[Tuple[str, str]]) -> List[str]:
    """Write @p changes (already checked); a line per change. The values
    before and after are read in one reading each (over IEC a reading is
    a whole session); the line settings are written after that."""
    line = [(name, value) for name, value in changes if name in LINE_SETTINGS]
    other = [(name, value) for name, value in changes if name not in LINE_SETTINGS]
    readable = [name for name, _ in other if meter.can_read(name)]
    before = meter.read(readable) if readable else None
    for name, value in other:
        meter.write(name, value)
    after = meter.read(readable) if readable else None
    lines = []
    for name, value in other:
        if before is not None and after is not None and name in readable:
            lines.append(f"{name}: {before[name]!r} -> {after[name]!r}")
        else:
            lines.append(f"{name}: written {value} (not readable)")
    # After one of these the meter no longer answers on this line setting.
    for name, value in line:
        meter.write(name, value)
        lines.append(f"{name}: written {value} (the meter now answers with it)")
    return lines


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        description="Change the settings of a KLEFR meter, checked against the register "
                    "model before anything is written.")
    parser.add_argument("port", help="serial port (/dev/ttyUSB0), pty, or tcp://HOST:PORT")
    parser.add_argument("settings", nargs="*", metavar="NAME=VALUE",
                        help="a setting and its new value, e.g. lcd_cycle_time=25 "
                             "(names as in klefr.quantities.settings())")
    parser.add_argument("--protocol", "-p", choices=("modbus", "mbus", "iec"), default="modbus",
                        help="bus protocol: modbus (6914), mbus (6913) or iec (IR port of "
                             "every model); default modbus")
    parser.add_argument("--address", "-a",
                        help="Modbus ID (default 1), M-Bus address (default 0), IEC device "
                             "address (default: any)")
    parser.add_argument("--password", help="IEC programming password (default 0000)")
    parser.add_argument("--timeout", type=float, help="response timeout in seconds")
    parser.add_argument("--list", action="store_true",
                        help="print the writable settings, their values and what is allowed")
    parser.add_argument("--dry-run", "-n", action="store_true",
                        help="check the values against the register model, write nothing")
    args = parser.parse_intermixed_args(argv)
    try:
        changes = [parse_assignment(text) for text in args.settings]
        address = parse_address(args.address, args.protocol)
    except ValueError as e:
        parser.error(str(e))
    unknown = [name for name, _ in changes if name not in klefr.quantities]
    if unknown:
        parser.error(f"no quantity {', '.join(unknown)} (see klefr.quantities.settings())")
    if not changes and not args.list:
        parser.error("nothing to do: give NAME=VALUE settings or --list")
    try:
        with klefr.Meter(args.port, args.protocol, address, timeout=args.timeout,
                         password=args.password) as meter:
            model = model_of(meter)
            if args.list:
                print("\n".join(list_settings(meter, model)))
            if not changes:
                return 0
            refused = check_all(model, changes)
            if refused:
                print("configure_meter: nothing written:", file=sys.stderr)
                print("\n".join(f"  {text}" for text in refused), file=sys.stderr)
                return 1
            if args.dry_run:
                for name, value in changes:
                    print(f"{name}: {value} is valid for the {int(model)}")
                return 0
            print("\n".join(configure(meter, changes)))
    except klefr.Error as e:
        print(f"configure_meter: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Decode a capture file of hex frames, one frame a line.

Each line holds the bytes of one Modbus RTU, M-Bus or IEC 62056-21 frame
in hex, with any spacing ("01 03 40 00 00 02 D1 CB" or "0103400000 02D1CB");
"#" starts a comment, blank lines are skipped. klefr.decode() guesses the
protocol of every frame (or --protocol names it) and the decoded frame is
printed as klefr prints it. Where a field is a quantity of the KLEFR meters
(an M-Bus record of the 6913, a Modbus register of the 6914, an IEC data
set), its name in klefr.quantities is added after an arrow.

    python3 decode_capture.py capture.txt
    python3 decode_capture.py --protocol modbus - < modbus.txt

Exit status 0 when every frame decoded, 1 when one or more did not (each
is reported on its line and the rest is still decoded).
"""

import argparse
import pathlib
import sys
from typing import Dict, Iterator, List, Optional, TextIO, Tuple

import klefr

#: The capture of the manual's frames beside this script.
SAMPLE = pathlib.Path(__file__).with_name("capture.txt")

#: EN 13757-2: a control frame with one of these CI fields switches the
#: slave's baud rate (answered E5 at the old one).
MBUS_BAUD_CI = {0xB8: 300, 0xB9: 600, 0xBA: 1200, 0xBB: 2400, 0xBC: 4800, 0xBD: 9600}


def capture_lines(stream: TextIO) -> Iterator[Tuple[int, str]]:
    """(line number, hex text) of each line that holds a frame."""
    for number, line in enumerate(stream, start=1):
        text = line.split("#", 1)[0].strip()
        if text:
            yield number, text


def parse_hex(text: str) -> bytes:
    """The bytes of @p text: hex digits, spaces, colons and dashes."""
    digits = "".join(ch for ch in text if ch not in " \t:-")
    return bytes.fromhex(digits)


class QuantityNames:
    """Which KLEFR quantity a decoded field is, from the register model:
    the M-Bus record (DIF, DIFE, VIF), the Modbus register, the IEC data
    set address. The first row of klefr.quantities wins a shared key."""

    def __init__(self) -> None:
        self.mbus: Dict[Tuple[int, int, int], str] = {}
        self.modbus: Dict[int, str] = {}
        self.iec: Dict[str, str] = {}
        self.mbus_writes: List[Tuple[bytes, str]] = []
        for row in klefr.quantities.values():
            if row.mbus is not None and row.mbus.dif:
                self.mbus.setdefault((row.mbus.dif, row.mbus.dife, row.mbus.vif), row.name)
            if row.mbus is not None and row.mbus.write:
                self.mbus_writes.append((row.mbus.write, row.name))
            if row.modbus is not None:
                self.modbus.setdefault(row.modbus.address, row.name)
            if row.iec is not None:
                self.iec.setdefault(row.iec.address, row.name)

    def of_record(self, record: klefr.MbusRecord) -> Optional[str]:
        """The quantity of an M-Bus record with one DIFE at most."""
        raw = record.raw
        if len(raw) < 2:
            return None
        dif, dife, vif_at = raw[0], 0, 1
        if dif & 0x80:
            if len(raw) < 3 or raw[1] & 0x80:
                return None  # no DIFE, or more than one: none of the 6913's
            dife, vif_at = raw[1], 2
        return self.mbus.get((dif, dife, raw[vif_at]))

    def of_mbus_write(self, data: bytes) -> Optional[str]:
        """The setting a SND_UD (CI 51) writes: the row whose record head
        (DIF, VIF, VIFEs) starts the data; the longest head wins."""
        best: Optional[Tuple[bytes, str]] = None
        for head, name in self.mbus_writes:
            if data.startswith(head) and (best is None or len(head) > len(best[0])):
                best = (head, name)
        return best[1] if best is not None else None


def describe(frame: klefr.Frame, names: QuantityNames) -> List[str]:
    """The lines printed for @p frame: klefr's own text of it, with the
    quantity names added to the record and data set lines."""
    lines = str(frame).splitlines()
    if isinstance(frame, klefr.MbusFrame):
        written = names.of_mbus_write(frame.data) if frame.ci == 0x51 else None
        if written is not None:
            lines[0] += f"  -> {written}"
        if frame.ci in MBUS_BAUD_CI and not frame.data:
            lines[0] += f"  -> baud_rate {MBUS_BAUD_CI[frame.ci]}"
        # str(): the frame's line, then one line per record in order.
        for i, record in enumerate(frame.records, start=1):
            name = names.of_record(record)
            if name is not None and i < len(lines):
                lines[i] += f"  -> {name}"
    elif isinstance(frame, klefr.IecMessage):
        for i, dataset in enumerate(frame.datasets, start=1):
            name = names.iec.get(dataset.address)
            if name is not None and i < len(lines):
                lines[i] += f"  -> {name}"
    elif isinstance(frame, klefr.ModbusRequest) and frame.address in names.modbus:
        lines[0] += f"  -> {names.modbus[frame.address]}"
    elif isinstance(frame, klefr.ModbusResponse) and frame.function in (5, 6, 15, 16) \
            and not frame.exception and frame.address in names.modbus:
        # The answer to a write repeats the address; to a read it does not.
        lines[0] += f"  -> {names.modbus[frame.address]}"
    return lines


def decode_stream(stream: TextIO, protocol: Optional[str], out: TextIO) -> int:
    """Decode every frame of @p stream onto @p out; the number that failed."""
    names = QuantityNames()
    failed = 0
    for number, text in capture_lines(stream):
        try:
            frame = klefr.decode(parse_hex(text), protocol)
        except (klefr.Error, ValueError) as e:
            failed += 1
            print(f"line {number}: cannot decode {text!r}: {e}", file=out)
            continue
        first, *rest = describe(frame, names)
        print(f"line {number}: {first}", file=out)
        for line in rest:
            print(line, file=out)
    return failed


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        description="Decode a capture file of hex frames, one frame a line (Modbus RTU, "
                    "M-Bus, IEC 62056-21).")
    parser.add_argument("capture", nargs="?", default=str(SAMPLE),
                        help="the capture file, '-' for stdin (default: the manual's frames "
                             "in capture.txt beside this script)")
    parser.add_argument("--protocol", choices=("modbus", "mbus", "iec"),
                        help="decode every frame as this protocol (default: guess each)")
    args = parser.parse_args(argv)
    if args.capture == "-":
        failed = decode_stream(sys.stdin, args.protocol, sys.stdout)
    else:
        try:
            with open(args.capture, encoding="utf-8") as f:
                failed = decode_stream(f, args.protocol, sys.stdout)
        except OSError as e:
            parser.error(str(e))
    if failed:
        print(f"decode_capture: {failed} frame{'s' if failed > 1 else ''} did not decode",
              file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

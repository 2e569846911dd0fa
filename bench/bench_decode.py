#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""klefr.decode against pymodbus's own RTU framer, side by side in one run.

    python3 bench/bench_decode.py [--seconds S]

Decodes per second of:
  - the manual's RSP_UD (appendix 2.2, 81 bytes, nine BCD energy records)
    through klefr.decode(), protocol guessed and given;
  - a Modbus FC03 response of the same size (81 bytes: 38 registers)
    through klefr.decode() (guessed; and decode_modbus(response=True)) and
    through pymodbus's ModbusRtuFramer.processIncomingPacket() with its
    ClientDecoder, which is what its serial client runs on each answer.

Each result is checked once before it is timed (nine records of the right
values; the 38 registers). Run with the klefr package installed (a venv
made with /usr/bin/python3 -m venv --system-site-packages, then pip install
--no-build-isolation .) and Debian's python3-pymodbus. Prints numbers; it
never passes or fails on speed.

Not like for like: klefr.decode() returns frozen dataclasses for every
field (an M-Bus record carries value, exact Decimal, unit, function,
storage, tariff, raw bytes...), the guess first runs each protocol's frame
detector; pymodbus's framer returns a ReadHoldingRegistersResponse with
its register list and nothing else.
"""

import argparse
import struct
import sys
import time
from typing import Any, Callable, List, Tuple

import klefr

RSP_UD = bytes.fromhex(
    "68 4B 4B 68 08 00 72 00 00 00 00 CD 25 01 02 02 00 00 00 0C 04 14 48 60 01 8C 10 04 23"
    "80 35 00 8C 20 04 91 67 24 01 1C 04 46 13 69 00 9C 10 04 56 34 12 00 9C 20 04 90 78 56 00"
    "2C 04 68 34 91 00 AC 10 04 67 45 23 00 AC 20 04 01 89 67 00 7C 16")
NINE_WH = [16048140, 3580230, 12467910, 6913460, 1234560, 5678900, 9134680, 2345670, 6789010]
REGISTERS = [(0x4000 + 977 * i) & 0xFFFF for i in range(38)]


def crc16(frame: bytes) -> bytes:
    """@p frame with its Modbus CRC (low byte first), computed here."""
    c = 0xFFFF
    for b in frame:
        c ^= b
        for _ in range(8):
            c = (c >> 1) ^ 0xA001 if c & 1 else c >> 1
    return frame + bytes([c & 0xFF, c >> 8])


FC03 = crc16(bytes([1, 3, 2 * len(REGISTERS)]) + b"".join(struct.pack(">H", r)
                                                         for r in REGISTERS))


def rate(fn: Callable[[], Any], seconds: float) -> Tuple[float, float]:
    """(calls per second of wall time, CPU microseconds per call): the
    best of 3 runs of about @p seconds / 3 each."""
    best_rate, best_cpu = 0.0, float("inf")
    for _ in range(3):
        n, batch = 0, 64
        t0, c0 = time.perf_counter(), time.process_time()
        deadline = t0 + seconds / 3
        while time.perf_counter() < deadline:
            for _ in range(batch):
                fn()
            n += batch
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        best_rate, best_cpu = max(best_rate, n / wall), min(best_cpu, cpu / n * 1e6)
    return best_rate, best_cpu


def pymodbus_decoder() -> Callable[[], Any]:
    """pymodbus's RTU framer fed the whole response, as its client does."""
    from pymodbus.factory import ClientDecoder
    from pymodbus.framer.rtu_framer import ModbusRtuFramer

    framer = ModbusRtuFramer(ClientDecoder())
    out: List[Any] = []

    def decode() -> Any:
        framer.processIncomingPacket(FC03, out.append, unit=1)
        return out.pop()
    return decode


def check() -> None:
    """The frames decode to what they hold, through each decoder."""
    f = klefr.decode(RSP_UD)
    assert isinstance(f, klefr.MbusFrame)
    assert [r.value for r in f.records] == NINE_WH and all(r.unit == "Wh" for r in f.records)
    m = klefr.decode(FC03)
    assert isinstance(m, klefr.ModbusResponse) and list(m.registers) == REGISTERS
    assert list(pymodbus_decoder()().registers) == REGISTERS


def main() -> int:
    parser = argparse.ArgumentParser(description="klefr.decode against pymodbus's RTU framer.")
    parser.add_argument("--seconds", type=float, default=3.0, help="per case (default 3)")
    args = parser.parse_args()
    check()
    pymodbus = pymodbus_decoder()
    cases: List[Tuple[str, Callable[[], Any]]] = [
        ("klefr.decode(RSP_UD)            M-Bus, guessed", lambda: klefr.decode(RSP_UD)),
        ("klefr.decode(RSP_UD, 'mbus')    M-Bus", lambda: klefr.decode(RSP_UD, "mbus")),
        ("klefr.decode(FC03)              Modbus, guessed", lambda: klefr.decode(FC03)),
        ("klefr.decode_modbus(FC03, response=True)",
         lambda: klefr.decode_modbus(FC03, response=True)),
        ("pymodbus ModbusRtuFramer(FC03)  Modbus", pymodbus),
    ]
    import pymodbus as pm
    print(f"klefr {klefr.__version__}, pymodbus {pm.__version__}, Python "
          f"{sys.version.split()[0]}; RSP_UD {len(RSP_UD)} bytes, FC03 response "
          f"{len(FC03)} bytes ({len(REGISTERS)} registers)")
    print(f"{'case':<48} {'decodes/s':>11} {'CPU us/decode':>14}")
    for name, fn in cases:
        per_s, cpu_us = rate(fn, args.seconds)
        print(f"{name:<48} {per_s:>11.0f} {cpu_us:>14.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

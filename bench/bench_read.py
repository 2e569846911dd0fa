#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Transactions per second reading 2 registers from klefr-meterd: klefr.Meter,
pymodbus's synchronous ModbusSerialClient and the C meter API, on the same
pseudo-terminal in the same run.

    python3 bench/bench_read.py --meterd build/tools/meterd/klefr-meterd \\
        --c-bench build/bench/bench_meter_read [--reads 1000] [--rounds 3]

Layout: socat joins two pseudo-terminals (pty,raw,echo=0 each); klefr-meterd
serves a 6914 on one end (--port, --tick 1), the clients open the other end
one after another, each for --reads reads of the voltage (0x5000, 2 registers,
FC03), in --rounds rounds taking turns, and the median round is printed:

  - klefr.Meter(port, "modbus", 1).read(["voltage"]): one FC03 of 2 registers
    (checked with Bus.stats), the float decoded, the register model's checks,
    a Reading with a Value;
  - pymodbus ModbusSerialClient(strict=False).read_holding_registers(0x5000,
    2, slave=1), the float unpacked with struct;
  - bench_meter_read (C): klefr_meter_read_quantities() of the voltage, the
    same calls klefr.Meter makes underneath.

Wall time per transaction is mostly the peer: the emulator answers after
the t3.5 silence and on its next firmware tick, and the bytes cross socat.
CPU time per transaction is the client process alone, so the Python layer's
overhead is klefr.Meter's CPU time minus the C program's. The C program is
a separate process started per round; Python's CPU time is this process's
(time.process_time) over the reads only. Prints numbers; it never passes
or fails on speed. Needs socat, Debian's python3-pymodbus and the klefr
package installed (pip install --no-build-isolation . in a venv made with
--system-site-packages).
"""

import argparse
import os
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from typing import Any, Callable, Dict, List, Tuple

import klefr

VOLTAGE_REGISTER = 0x5000


class Peer:
    """socat's pty pair and klefr-meterd (a 6914) on one end of it."""

    def __init__(self, meterd: str, tmp: str) -> None:
        self.port = os.path.join(tmp, "client")
        meter_end = os.path.join(tmp, "meter")
        self.socat = subprocess.Popen(
            ["socat", f"pty,raw,echo=0,link={meter_end}", f"pty,raw,echo=0,link={self.port}"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._await(lambda: os.path.exists(meter_end) and os.path.exists(self.port), "socat")
        out = os.path.join(tmp, "meterd.out")
        with open(out, "wb") as o:
            self.meterd = subprocess.Popen(
                [meterd, "--model", "6914", "--port", meter_end, "--tick", "1",
                 "--load", "230.5,5,0,50"], stdin=subprocess.DEVNULL, stdout=o,
                stderr=subprocess.STDOUT)
        self._await(lambda: "bus:" in open(out, errors="replace").read(), "klefr-meterd")
        fd = os.open(self.port, os.O_RDWR | os.O_NOCTTY)
        self._fresh = termios.tcgetattr(fd)
        os.close(fd)

    def reset_port(self) -> None:
        """Give the clients' end the termios it had when socat made it.
        Every client then starts from the same port, and pyserial needs it:
        its open fails with EINVAL on a pty it configured before (its first
        tcsetattr over the 8E1 state it left)."""
        fd = os.open(self.port, os.O_RDWR | os.O_NOCTTY)
        try:
            termios.tcsetattr(fd, termios.TCSANOW, self._fresh)
        finally:
            os.close(fd)

    @staticmethod
    def _await(ready: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + 10
        while not ready():
            if time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        for p in (self.meterd, self.socat):
            p.terminate()
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def timed(reads: int, one: Callable[[], float]) -> Tuple[float, float, float]:
    """(wall s, CPU s, mean value) of @p reads calls of @p one."""
    total = 0.0
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(reads):
        total += one()
    return time.perf_counter() - t0, time.process_time() - c0, total / reads


def run_klefr(port: str, reads: int) -> Dict[str, float]:
    with klefr.Meter(port, "modbus", 1) as m:
        m.read(["voltage"])  # warm-up: the port opened, the history started
        before = m.bus.stats()["requests"]
        wall, cpu, mean = timed(reads, lambda: float(m.read(["voltage"])["voltage"]))
        requests = m.bus.stats()["requests"] - before
    assert requests == reads, f"klefr.Meter: {requests} requests for {reads} reads"
    return {"wall": wall, "cpu": cpu, "mean": mean}


def run_pymodbus(port: str, reads: int) -> Dict[str, float]:
    from pymodbus.client import ModbusSerialClient

    # strict=False: strict mode sets an inter-byte timeout (termios VTIME)
    # that a pseudo-terminal refuses.
    c = ModbusSerialClient(port=port, baudrate=9600, bytesize=8, parity="E", stopbits=1,
                           timeout=1, strict=False)
    assert c.connect(), f"pymodbus cannot open {port}"

    def one() -> float:
        rr: Any = c.read_holding_registers(VOLTAGE_REGISTER, 2, slave=1)
        assert not rr.isError(), rr
        value: float = struct.unpack(">f", struct.pack(">HH", *rr.registers))[0]
        return value

    try:
        one()
        wall, cpu, mean = timed(reads, one)
    finally:
        c.close()
    return {"wall": wall, "cpu": cpu, "mean": mean}


def run_c(program: str, port: str, reads: int) -> Dict[str, float]:
    out = subprocess.run([program, port, str(reads), "voltage"], capture_output=True,
                         text=True, timeout=600, check=True).stdout
    fields = dict(item.split("=", 1) for item in out.split()[1:])
    assert int(fields["requests"]) == reads, out
    return {"wall": float(fields["wall_s"]), "cpu": float(fields["cpu_s"]),
            "mean": float(fields["mean_value"])}


def main() -> int:
    parser = argparse.ArgumentParser(description="klefr.Meter vs pymodbus vs C: reads of 2 "
                                                 "registers from klefr-meterd over a socat pty.")
    parser.add_argument("--meterd", default=os.environ.get("KLEFR_METERD", "klefr-meterd"))
    parser.add_argument("--c-bench", required=True, help="build/bench/bench_meter_read")
    parser.add_argument("--reads", type=int, default=1000, help="reads per client and round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds (the median is shown)")
    args = parser.parse_args()
    if shutil.which("socat") is None:
        print("socat not found", file=sys.stderr)
        return 1
    clients: List[Tuple[str, Callable[[str, int], Dict[str, float]]]] = [
        ("klefr.Meter.read(['voltage'])", run_klefr),
        ("pymodbus read_holding_registers", run_pymodbus),
        ("C klefr_meter_read_quantities", lambda port, n: run_c(args.c_bench, port, n)),
    ]
    results: Dict[str, List[Dict[str, float]]] = {name: [] for name, _ in clients}
    with tempfile.TemporaryDirectory(prefix="klefr-bench-") as tmp:
        peer = Peer(args.meterd, tmp)
        try:
            for _ in range(args.rounds):
                for name, client in clients:
                    peer.reset_port()
                    r = client(peer.port, args.reads)
                    assert abs(r["mean"] - 230.5) < 0.01, (name, r)
                    results[name].append(r)
        finally:
            peer.stop()
    import pymodbus
    print(f"klefr {klefr.__version__}, pymodbus {pymodbus.__version__}, Python "
          f"{sys.version.split()[0]}; {args.reads} reads x {args.rounds} rounds, median round")
    print(f"{'client':<34} {'tx/s':>8} {'wall us/tx':>11} {'CPU us/tx':>10}")
    median: Dict[str, Tuple[float, float]] = {}
    for name, rounds in results.items():
        wall = statistics.median(r["wall"] for r in rounds) / args.reads * 1e6
        cpu = statistics.median(r["cpu"] for r in rounds) / args.reads * 1e6
        median[name] = (wall, cpu)
        print(f"{name:<34} {1e6 / wall:>8.0f} {wall:>11.1f} {cpu:>10.1f}")
    (kw, kc), (cw, cc) = median[clients[0][0]], median[clients[2][0]]
    print(f"Python layer over C: wall {kw - cw:+.1f} us/tx ({(kw - cw) / cw * 100:+.1f} %), "
          f"CPU {kc - cc:+.1f} us/tx ({(kc - cc) / cc * 100:+.1f} %)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

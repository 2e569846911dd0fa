# SPDX-License-Identifier: MIT
"""Emulated KLEFR meters for your own tests: klefr-meterd (the meter
firmware running on the host, doc/klefr-meterd.md) as a context manager
and as pytest fixtures.

    from klefr.testing import Emulator

    with Emulator(6914, ir=True, load=(230, 5, 0, 50), speed=100) as emu:
        my_integration.poll(emu.bus)          # a pseudo-terminal: /dev/pts/N
        with emu.meter() as m:                # or klefr.Meter(emu.bus, ...)
            print(m.read()["voltage"])

With pytest, ``pip install`` registers this module as a plugin (entry
point ``pytest11``): the fixture ``klefr_meter`` is a running 6914 with an
IR port (parametrize it indirectly with a model number or a dict of
Emulator arguments), ``klefr_emulator`` a factory that starts any number
of them and stops them all after the test.

Where klefr-meterd comes from: the ``KLEFR_METERD`` environment variable
(the project's own test suite sets it to the emulator it built), else
``klefr-meterd`` on PATH (installed with libklefr's tools). The fixtures
skip the test when neither is there; Emulator raises FileNotFoundError.
"""

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple, Union

from .enums import Protocol
from .meter import Meter, protocol_of

try:
    import pytest
except ImportError:  # klefr.testing without pytest: Emulator only
    pytest = None  # type: ignore[assignment]

#: A meter on the emulated bus: a model, "6914:2", (6913, 5) or (6913, 5, 12345678).
MeterSpec = Union[int, str, Tuple[int, ...]]
#: A constant load: volts, amps, degrees (+ = current lagging), hertz.
Load = Tuple[float, float, float, float]


class EmulatorError(RuntimeError):
    """klefr-meterd failed to start, or refused a control command."""


def find_meterd() -> str:
    """The klefr-meterd to run: $KLEFR_METERD, else klefr-meterd on PATH."""
    path = os.environ.get("KLEFR_METERD") or shutil.which("klefr-meterd")
    if not path:
        raise FileNotFoundError("klefr-meterd not found: set KLEFR_METERD to its path or put "
                                "it on PATH (it is built with libklefr's tools)")
    return path


def _number(x: float) -> str:
    # klefr-meterd takes plain decimals only (no exponent): 0.5, 230, 50.
    text = f"{x:.3f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


class Emulator:
    """klefr-meterd with one meter of @p model (6911-6914), or the bus of
    @p meters (each a model, "MODEL:ADDR[:SECONDARY]" or a tuple of those
    numbers), on a new pseudo-terminal (``bus``); with @p ir an IR port per
    meter (``ir`` is meter 1's, ``irs`` all by meter number). @p load is a
    constant load (V, A, degrees, Hz; default 230 V 5 A 0 degrees 50 Hz),
    @p profile "daily" or a CSV file instead; @p speed runs metrology time
    that many times faster. @p serial is meter 1's serial number, @p store
    a store file or directory to keep the meters across runs. Control
    commands (doc/klefr-meterd.md) go through command()."""

    def __init__(self, model: int = 6914, *, meters: Optional[Sequence[MeterSpec]] = None,
                 ir: bool = False, load: Optional[Load] = None, profile: Optional[str] = None,
                 speed: Optional[float] = None, serial: Optional[int] = None,
                 baud_timing: bool = False, store: Optional[str] = None,
                 extra_args: Sequence[str] = (), meterd: Optional[str] = None,
                 start_timeout: float = 10.0) -> None:
        self.meterd = meterd or find_meterd()
        self.speed = 1.0 if speed is None else float(speed)
        self.meters = [self._spec(m) for m in meters] if meters else [str(int(model))]
        self.bus = ""
        """The bus port (a pty path), once started."""
        self.irs: Dict[int, str] = {}
        """The IR port of each meter, by meter number (1 first)."""
        self._dir = ""
        self._proc: Optional["subprocess.Popen[bytes]"] = None
        self._timeout = start_timeout
        args = [self.meterd]
        for m in self.meters:
            args += ["--meter", m]
        if ir:
            args += ["--ir", "pty"]
        if load is not None:
            args += ["--load", ",".join(_number(x) for x in load)]
        if profile is not None:
            args += ["--profile", profile]
        if speed is not None:
            args += ["--speed", _number(self.speed)]
        if serial is not None:
            args += ["--serial", str(int(serial))]
        if baud_timing:
            args.append("--baud-timing")
        if store is not None:
            args += ["--store", store]
        self.args = args + list(extra_args)

    @staticmethod
    def _spec(m: MeterSpec) -> str:
        if isinstance(m, tuple):
            return ":".join(str(int(x)) for x in m)
        return str(m)

    @property
    def ir(self) -> Optional[str]:
        """Meter 1's IR port, or None without ``ir=True``."""
        return self.irs.get(1)

    @property
    def control(self) -> str:
        """The control socket's path."""
        return os.path.join(self._dir, "control")

    def start(self) -> "Emulator":
        """Start klefr-meterd and wait until its ports are ready."""
        if self._proc is not None:
            return self
        self._dir = tempfile.mkdtemp(prefix="klefr-meterd-")
        out = os.path.join(self._dir, "out")
        with open(out, "wb") as o, open(os.path.join(self._dir, "err"), "wb") as e:
            # Files, not pipes: nobody has to keep reading them.
            self._proc = subprocess.Popen(self.args + ["--control", self.control],
                                          stdin=subprocess.DEVNULL, stdout=o, stderr=e)
        try:
            self._await_ports(out)
        except BaseException:
            self.stop()
            raise
        return self

    def _await_ports(self, out: str) -> None:
        want_ir = "--ir" in self.args
        deadline = time.monotonic() + self._timeout
        while True:
            assert self._proc is not None
            exited = self._proc.poll() is not None
            with open(out, errors="replace") as f:
                lines = [ln for ln in f.read().splitlines(keepends=True) if ln.endswith("\n")]
            for line in lines:
                m = re.match(r"^(bus|ir)(?: (\d+))?: (.*)$", line.rstrip("\n"))
                if m and m.group(1) == "bus":
                    self.bus = m.group(3)
                elif m:
                    self.irs[int(m.group(2) or 1)] = m.group(3)
            if self.bus and (not want_ir or len(self.irs) == len(self.meters)):
                return
            if exited or time.monotonic() > deadline:
                why = "exited" if exited else f"gave no ports within {self._timeout:g} s"
                raise EmulatorError(f"klefr-meterd {why} ({' '.join(self.args)}): "
                                    f"{self.errors().strip()}")
            time.sleep(0.02)

    def errors(self) -> str:
        """What klefr-meterd wrote on stderr so far."""
        try:
            with open(os.path.join(self._dir, "err"), errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def command(self, line: str, meter: Optional[int] = None, timeout: float = 5.0) -> str:
        """Send one control command (to meter @p meter, default the first)
        and return its reply after "ok" ("" for a bare "ok"); a reply
        "error ..." raises EmulatorError."""
        if meter is not None:
            line = f"meter {int(meter)} {line}"
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(timeout)
            s.connect(self.control)
            s.sendall(line.encode() + b"\n")
            reply = b""
            while not reply.endswith(b"\n"):
                chunk = s.recv(4096)
                if not chunk:
                    break
                reply += chunk
        text = reply.decode(errors="replace").strip()
        if text == "ok" or text.startswith("ok "):
            return text[3:]
        raise EmulatorError(f"klefr-meterd refused {line!r}: {text or 'no reply'}")

    def set_load(self, volts: float, amps: float, angle: float = 0.0, hertz: float = 50.0,
                 meter: Optional[int] = None) -> None:
        """A constant load from now on (``load V I ANGLE F``)."""
        self.command("load " + " ".join(_number(x) for x in (volts, amps, angle, hertz)), meter)

    def values(self, meter: Optional[int] = None) -> Dict[str, str]:
        """The meter's own snapshot (``values``): name -> value with unit, as text."""
        reply = self.command("values", meter if meter is not None else
                             (1 if len(self.meters) > 1 else None))
        return dict(item.split("=", 1) for item in reply.split())

    def meter(self, protocol: Union[Protocol, str, None] = None, address: Any = None,
              **options: Any) -> Meter:
        """A klefr.Meter on this emulator: on the bus for a 6913 (M-Bus) or
        6914 (Modbus), else on meter 1's IR port; with the emulator's speed
        as ``meter_speed``."""
        if protocol is None:
            first = self.meters[0].split(":")[0]
            protocol = {"6913": "mbus", "6914": "modbus"}.get(first, "iec")
        p = protocol_of(protocol)
        port = self.bus
        if p == Protocol.IEC:
            if self.ir is None:
                raise EmulatorError("start the emulator with ir=True to read it over IEC")
            port = self.ir
        options.setdefault("meter_speed", self.speed)
        return Meter(port, p, address, **options)

    def stop(self) -> Optional[int]:
        """Stop klefr-meterd (an orderly power down) and remove its files;
        its exit status."""
        rc = None
        if self._proc is not None:
            if self._proc.poll() is None:
                self._proc.terminate()
                try:
                    self._proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self._proc.kill()
                    self._proc.wait()
            rc = self._proc.returncode
            self._proc = None
        if self._dir:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = ""
        return rc

    def __enter__(self) -> "Emulator":
        return self.start()

    def __del__(self) -> None:
        try:  # an Emulator dropped without stop() does not leave klefr-meterd behind
            self.stop()
        except Exception:
            pass

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<klefr.testing.Emulator {' '.join(self.meters)} bus={self.bus or '-'}>"


if pytest is not None:
    @pytest.fixture
    def klefr_emulator() -> Iterator[Any]:
        """A factory: ``klefr_emulator(6913, ir=True)`` starts an Emulator
        (the arguments are Emulator's); all are stopped after the test.
        Skips the test when klefr-meterd cannot be found."""
        try:
            find_meterd()
        except FileNotFoundError as e:
            pytest.skip(str(e))
        started: List[Emulator] = []

        def start(*args: Any, **kwargs: Any) -> Emulator:
            emu = Emulator(*args, **kwargs).start()
            started.append(emu)
            return emu

        yield start
        for emu in started:
            emu.stop()

    @pytest.fixture
    def klefr_meter(request: Any, klefr_emulator: Callable[..., Emulator]) -> Emulator:
        """A running emulated 6914 with an IR port. Parametrize indirectly
        for another: ``@pytest.mark.parametrize("klefr_meter", [6913],
        indirect=True)``, or a dict of Emulator arguments."""
        param = getattr(request, "param", None)
        if isinstance(param, dict):
            kwargs = dict(param)
            kwargs.setdefault("ir", True)
            return klefr_emulator(**kwargs)
        return klefr_emulator(int(param) if param is not None else 6914, ir=True)


__all__ = ["Emulator", "EmulatorError", "find_meterd"]
if pytest is not None:
    __all__ += ["klefr_emulator", "klefr_meter"]

# SPDX-License-Identifier: MIT
"""bindings/python/examples: each script run as a user runs it (a new
interpreter, the installed klefr) against klefr-meterd, its output checked
against what the emulator and klefr.Meter say; and mypy --strict over them.

The examples are not installed with the package: run_installed.sh passes
their directory in KLEFR_EXAMPLES (the source tree's); without it they are
looked for beside this tests directory."""

import ast
import csv
import datetime
import importlib.util
import io
import os
import pathlib
import subprocess
import sys
import tempfile
import time

import pytest

import klefr

EXAMPLES = pathlib.Path(os.environ.get("KLEFR_EXAMPLES")
                        or pathlib.Path(__file__).resolve().parent.parent / "examples")
SCRIPTS = ["read_meter.py", "poll_csv.py", "decode_capture.py", "configure_meter.py",
           "aio_poller.py"]

pytestmark = pytest.mark.skipif(not (EXAMPLES / "read_meter.py").exists(),
                                reason=f"no examples in {EXAMPLES} (set KLEFR_EXAMPLES)")


def run(script, *args, stdin=None, timeout=120):
    """Run an example with this interpreter from a directory without
    sources: (exit status, stdout, stderr)."""
    p = subprocess.run([sys.executable, str(EXAMPLES / script), *map(str, args)],
                       input=stdin, capture_output=True, text=True, timeout=timeout,
                       cwd=tempfile.gettempdir())
    return p.returncode, p.stdout, p.stderr


def frozen(klefr_emulator, model, **kw):
    """Counters at non-zero values that no longer move (as test_meter)."""
    emu = klefr_emulator(model, load=(231.5, 12, 30, 50), speed=100000, **kw)
    time.sleep(0.3)
    emu.set_load(229.8, 0, 0, 49.95)
    time.sleep(0.05)
    return emu


def number_of(own):
    """A value of the emulator's `values` ("231.25V") as a float."""
    return float(own.rstrip("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ/"))


# --- every script ----------------------------------------------------------

@pytest.mark.parametrize("script", SCRIPTS)
def test_each_example_has_a_docstring_and_help(script):
    source = (EXAMPLES / script).read_text()
    doc = ast.get_docstring(ast.parse(source))
    assert doc and len(doc.splitlines()) > 3, script
    rc, out, err = run(script, "--help")
    assert rc == 0, err
    assert out.startswith("usage: ") and doc.splitlines()[0].rstrip(".") in " ".join(out.split())


def test_mypy_strict_passes_on_the_examples(tmp_path):
    if importlib.util.find_spec("mypy") is None:
        pytest.skip("mypy is not installed (Debian: apt-get install python3-mypy)")
    p = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--cache-dir",
                        str(tmp_path / "cache"), *(str(EXAMPLES / s) for s in SCRIPTS)],
                       capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert p.returncode == 0, p.stdout + p.stderr
    assert f"no issues found in {len(SCRIPTS)} source files" in p.stdout


def test_mypy_sees_the_installed_package_types(tmp_path):
    # Not vacuous: a wrong use of klefr in the same setting fails.
    if importlib.util.find_spec("mypy") is None:
        pytest.skip("mypy is not installed (Debian: apt-get install python3-mypy)")
    bad = tmp_path / "bad.py"
    bad.write_text("import klefr\n\n"
                   "unit: int = klefr.quantities['voltage'].unit\n"
                   "model: str = klefr.Model.M6914\n")
    p = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--cache-dir",
                        str(tmp_path / "cache"), str(bad)],
                       capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert p.returncode == 1
    assert 'bad.py:3: error: Incompatible types in assignment (expression has type "str"' \
        in p.stdout
    assert 'bad.py:4: error: Incompatible types in assignment (expression has type "Model"' \
        in p.stdout



def test_mypy_strict_passes_on_the_installed_package(tmp_path):
    # From a directory without sources, so that mypy checks what is
    # installed: the stub for SWIG's capi.py must be there too.
    if importlib.util.find_spec("mypy") is None:
        pytest.skip("mypy is not installed (Debian: apt-get install python3-mypy)")
    installed = pathlib.Path(klefr.__file__).parent
    assert (installed / "capi.py").exists() and (installed / "capi.pyi").exists()
    p = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--cache-dir",
                        str(tmp_path / "cache"), "-p", "klefr"],
                       capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert p.returncode == 0, p.stdout + p.stderr
    modules = len(list(installed.glob("*.py")))
    assert f"no issues found in {modules} source files" in p.stdout

# --- read_meter.py ---------------------------------------------------------

def parse_values(out):
    """read_meter's value lines: name -> (number text, unit or "")."""
    got = {}
    for line in out.splitlines()[1:]:
        name, number, *rest = line.split()
        unit = klefr.quantities[name].unit
        if unit:
            assert rest[0] == unit, line
        got[name] = (number, unit)
    return got


def test_read_meter_prints_the_instantaneous_values_of_the_emulator(klefr_emulator):
    emu = klefr_emulator(6914, load=(231.25, 7.5, 0, 50.5))
    rc, out, err = run("read_meter.py", emu.bus, "-q", "voltage", "-q", "current",
                       "-q", "frequency", "-q", "serial_number", "-q", "meter_code")
    assert rc == 0, err
    head = out.splitlines()[0]
    assert head.startswith("KLEFR 6914 serial 17060518, Modbus ID 1 on " + emu.bus + ", ")
    when = datetime.datetime.fromisoformat(head.rsplit(", ", 1)[1])
    assert abs((datetime.datetime.now(datetime.timezone.utc) - when).total_seconds()) < 30
    got = parse_values(out)
    assert list(got) == ["serial_number", "meter_code", "voltage", "frequency", "current"]
    own = emu.values()
    for name in ("voltage", "current", "frequency"):
        assert float(got[name][0]) == pytest.approx(number_of(own[name])), name
    assert got["serial_number"] == ("17060518", "") and got["meter_code"] == ("6914", "")


def test_read_meter_over_mbus_prints_what_klefr_meter_reads(klefr_emulator):
    emu = frozen(klefr_emulator, 6913)
    rc, out, err = run("read_meter.py", emu.bus, "--protocol", "mbus")
    assert rc == 0, err
    assert out.startswith(f"KLEFR 6913, M-Bus primary address 0 on {emu.bus}, ")
    with emu.meter("mbus") as m:
        r = m.read()
    got = parse_values(out)
    assert list(got) == list(r)
    for name, value in r.items():
        assert got[name] == (repr(value).split(" ")[0], value.unit), name
    assert float(got["total_active_energy"][0]) > 1


def test_read_meter_over_iec_and_its_errors(klefr_emulator):
    emu = klefr_emulator(6911, ir=True, load=(228.5, 3.25, 0, 50))
    rc, out, err = run("read_meter.py", emu.ir, "-p", "iec", "-q", "meter_code",
                       "-q", "voltage", "-q", "current")
    assert rc == 0, err
    assert out.startswith(f"KLEFR 6911, IEC 62056-21 meter on {emu.ir}, ")
    got = parse_values(out)
    assert got == {"meter_code": ("6911", ""), "voltage": ("228.5", "V"),
                   "current": ("3.25", "A")}
    rc, out, err = run("read_meter.py", emu.bus, "-a", "9", "--timeout", "0.1", "-q", "voltage")
    assert rc == 1 and out == "" and "timeout" in err
    rc, out, err = run("read_meter.py", emu.bus, "-q", "volts")
    assert rc == 2 and "no quantity volts" in err


# --- poll_csv.py -----------------------------------------------------------

def test_poll_csv_writes_a_row_per_meter_and_round(klefr_emulator, tmp_path):
    bus = klefr_emulator(meters=["6914:1", "6914:2"], load=(231.5, 12, 30, 50), speed=100000)
    mbus = frozen(klefr_emulator, 6913)
    time.sleep(0.3)
    for meter in (1, 2):
        bus.set_load(229.8, 0, 0, 49.95, meter=meter)
    time.sleep(0.05)
    with bus.meter() as m1, klefr.Meter(bus.bus, "modbus", 2, meter_speed=100000) as m2, \
            mbus.meter("mbus") as m3:
        expect = {"1": m1.read(), "2": m2.read(), "mbus": m3.read()}
    out = tmp_path / "poll.csv"
    specs = [f"modbus,{bus.bus},1", f"modbus,{bus.bus},2", f"mbus,{mbus.bus}",
             f"modbus,{bus.bus},3"]  # no meter at ID 3
    rc, _, err = run("poll_csv.py", *(a for s in specs for a in ("--meter", s)),
                     "--interval", "0.2", "--count", "2", "--meter-speed", "100000",
                     "--output", out)
    assert rc == 0, err
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    header = out.read_text().splitlines()[0].split(",")
    assert header == ["time", "meter", "model", "serial_number", "total_active_energy",
                      "forward_active_energy", "reverse_active_energy", "voltage", "current",
                      "active_power", "frequency", "error"]
    assert [r["meter"] for r in rows] == specs * 2
    times = [datetime.datetime.fromisoformat(r["time"]) for r in rows]
    assert all(t.tzinfo is not None for t in times) and times == sorted(times)
    for r in rows:
        if r["meter"].endswith(",3"):
            assert r["error"].startswith("Timeout: ") and r["voltage"] == r["model"] == ""
            continue
        key = "mbus" if r["meter"].startswith("mbus") else r["meter"][-1]
        reading = expect[key]
        assert r["error"] == ""
        assert r["model"] == str(int(reading.identity.model))
        assert r["serial_number"] == {"1": "17060518", "2": "17060519", "mbus": "17060518"}[key]
        for name in header[4:-1]:
            if name in reading:
                assert float(r[name]) == float(reading[name]), (key, name)
            else:  # the 6913's RSP_UD has no instantaneous values
                assert key == "mbus" and r[name] == "", name
        assert float(r["total_active_energy"]) > 1


# --- decode_capture.py -----------------------------------------------------

# The nine records of the manual's RSP_UD (appendix 2.2): its kWh column,
# and the KLEFR quantity each DIF/DIFE is.
NINE = [("16048.14", "total_active_energy"), ("3580.23", "t1_total_active_energy"),
        ("12467.91", "t2_total_active_energy"), ("6913.46", "forward_active_energy"),
        ("1234.56", "t1_forward_active_energy"), ("5678.9", "t2_forward_active_energy"),
        ("9134.68", "reverse_active_energy"), ("2345.67", "t1_reverse_active_energy"),
        ("6789.01", "t2_reverse_active_energy")]


def test_decode_capture_prints_the_nine_energies_of_the_rsp_ud():
    rc, out, err = run("decode_capture.py", EXAMPLES / "capture.txt")
    assert rc == 0, err
    lines = out.splitlines()
    rsp = next(i for i, ln in enumerate(lines) if " RSP_UD " in ln)
    assert lines[rsp].endswith("id 00000000, INM version 1, Electricity, access 2, status 00, "
                               "9 records")
    records = lines[rsp + 1:rsp + 10]
    for line, (kwh, name) in zip(records, NINE):
        assert line.startswith(f"  Energy: {kwh} kWh (") and line.endswith(f"  -> {name}"), line
    assert [ln.split("(")[1].split(")")[0] for ln in records] == [
        "instantaneous", "instantaneous, tariff 1", "instantaneous, tariff 2",
        "maximum", "maximum, tariff 1", "maximum, tariff 2",
        "minimum", "minimum, tariff 1", "minimum, tariff 2"]


def test_decode_capture_decodes_every_frame_of_the_capture():
    capture = (EXAMPLES / "capture.txt").read_text().splitlines()
    frames = [i for i, ln in enumerate(capture, 1) if ln.split("#")[0].strip()]
    rc, out, err = run("decode_capture.py")  # the capture beside the script by default
    assert rc == 0, err
    heads = [ln for ln in out.splitlines() if ln.startswith("line ")]
    assert [int(h.split()[1].rstrip(":")) for h in heads] == frames
    text = "\n".join(heads)
    # A frame of each kind, with what it is in the KLEFR register model.
    assert "M-Bus REQ_UD2 to address 0 (C 5B)" in text
    assert "M-Bus SND_UD to address 1 (C 53, CI 51), data 01 7A 01  -> bus_address" in text
    assert "M-Bus SND_UD to address 1 (C 53, CI BB)  -> baud_rate 2400" in text
    assert "M-Bus ACK (E5)" in text
    assert "Modbus request to unit 1: write single register (06) 0x4010 = 0x0025  " \
           "-> lcd_cycle_time" in text
    assert "Modbus request to unit 1: write multiple registers (16) 0x400D, 2 registers = " \
           "4120 0000  -> s0_rate" in text
    assert "Modbus response from unit 1: read holding registers (03), 2 registers: " \
           "1706 0518" in text
    assert "illegal data address" in text
    assert "IEC 62056-21 identification: '/INM5KLEFR6914'" in text
    assert "  1.8.0 = 00006913.46 kWh  -> forward_active_energy" in out
    assert "  128.1.4 = 25  -> lcd_cycle_time" in out


def test_decode_capture_reports_bad_lines_and_goes_on():
    capture = ("# two bad frames between good ones\n"
               "01 06 40 10 00 25 5C 14\n"
               "01 06 40 10 00 25 5C 15   # CRC broken\n"
               "zz 01\n"
               "\n"
               "E5\n")
    rc, out, err = run("decode_capture.py", "-", stdin=capture)
    assert rc == 1 and "2 frames did not decode" in err
    lines = out.splitlines()
    assert lines[0].startswith("line 2: Modbus request to unit 1: write single register")
    assert lines[1].startswith("line 3: cannot decode ") and "checksum" in lines[1]
    assert lines[2].startswith("line 4: cannot decode 'zz 01'")
    assert lines[3] == "line 6: M-Bus ACK (E5)"
    rc, out, _ = run("decode_capture.py", "--protocol", "modbus", "-",
                     stdin="10 5B 00 5B 16\n")
    assert rc == 1 and out.startswith("line 1: cannot decode")  # not Modbus


# --- configure_meter.py ----------------------------------------------------

def test_configure_meter_writes_validated_settings(klefr_emulator):
    emu = klefr_emulator(6914)
    rc, out, err = run("configure_meter.py", emu.bus, "lcd_cycle_time=25", "tariff=2",
                       "s0_rate=0.01")
    assert rc == 0, err
    assert out.splitlines() == ["lcd_cycle_time: 10 s -> 25 s", "tariff: 1 -> 2",
                                "s0_rate: 10000 imp/kWh -> 0.01 imp/kWh"]
    assert emu.values()["tariff"] == "2"
    with emu.meter() as m:
        assert (m.lcd_cycle_time, m.s0_rate) == (25, pytest.approx(0.01))


def test_configure_meter_refuses_before_writing_anything(klefr_emulator):
    emu = klefr_emulator(6914)
    rc, out, err = run("configure_meter.py", emu.bus, "tariff=2", "lcd_cycle_time=31",
                       "baud_rate=300")
    assert rc == 1 and out == ""
    assert "lcd_cycle_time = 31 on the 6914: value out of range; allowed: 1 to 30" in err
    assert "baud_rate = 300 on the 6914: value out of range; allowed: 1200, 2400, 4800, " \
           "9600" in err
    rc, out, err = run("configure_meter.py", emu.bus, "--dry-run", "lcd_cycle_time=12")
    assert rc == 0 and out == "lcd_cycle_time: 12 is valid for the 6914\n"
    rc, _, err = run("configure_meter.py", emu.bus, "serial_number=1")
    assert rc == 1 and "not writable" in err
    with emu.meter() as m:  # tariff=2 was valid, but the list was not: nothing written
        r = m.read(["tariff", "lcd_cycle_time", "baud_rate"])
    assert (r["tariff"], r["lcd_cycle_time"], r["baud_rate"]) == (1, 10, 9600)


def test_configure_meter_lists_settings_and_moves_the_bus_address_last(klefr_emulator):
    emu = klefr_emulator(6914)
    rc, out, err = run("configure_meter.py", emu.bus, "--list")
    assert rc == 0, err
    listed = {ln.split()[0]: ln for ln in out.splitlines()}
    assert set(listed) == {r.name for r in klefr.quantities.settings()
                           if r.modbus is not None and r.modbus.write_function}
    assert listed["baud_rate"].split() == ["baud_rate", "9600", "Bd", "allowed:", "1200,",
                                           "2400,", "4800,", "9600"]
    rc, out, err = run("configure_meter.py", emu.bus, "bus_address=7", "lcd_cycle_time=9")
    assert rc == 0, err
    assert out.splitlines() == ["lcd_cycle_time: 10 s -> 9 s",
                                "bus_address: written 7 (the meter now answers with it)"]
    with klefr.Meter(emu.bus, "modbus", 7) as m:
        assert m.read(["lcd_cycle_time"])["lcd_cycle_time"] == 9


def test_configure_meter_over_iec_with_the_password(klefr_emulator):
    emu = klefr_emulator(6912, ir=True)
    rc, out, err = run("configure_meter.py", emu.ir, "-p", "iec", "--password", "0000",
                       "backlight=1", "lcd_cycle_time=7")
    assert rc == 0, err
    assert out.splitlines() == ["backlight: 2 -> 1", "lcd_cycle_time: 10 s -> 7 s"]
    rc, _, err = run("configure_meter.py", emu.ir, "-p", "iec", "tariff=2")
    assert rc == 1 and "tariff = 2 on the 6912: not writable" in err
    rc, _, err = run("configure_meter.py", emu.ir, "-p", "iec", "--password", "1234",
                     "backlight=0")
    assert rc == 1 and "access denied" in err.lower()
    with emu.meter("iec") as m:
        r = m.read()
    assert (r["backlight"], r["lcd_cycle_time"]) == (1, 7)


# --- aio_poller.py ---------------------------------------------------------

def test_aio_poller_prints_each_reading_of_each_meter(klefr_emulator):
    bus = klefr_emulator(meters=["6914:1", "6914:2"], load=(231.25, 7.5, 0, 50))
    mbus = frozen(klefr_emulator, 6913)
    with mbus.meter("mbus") as m:
        energy = m.read()["total_active_energy"]
    specs = [f"modbus,{bus.bus},1", f"modbus,{bus.bus},2", f"mbus,{mbus.bus}"]
    rc, out, err = run("aio_poller.py", *(a for s in specs for a in ("-m", s)),
                       "-q", "voltage", "-q", "current", "-q", "total_active_energy",
                       "--interval", "0.2", "--count", "3", "--meter-speed", "100000")
    assert rc == 0, err
    lines = out.splitlines()
    assert sorted(ln.split()[1] for ln in lines) == sorted(specs * 3)
    own = bus.values()
    for line in lines:
        when, spec, *pairs = line.split(" ")
        assert datetime.datetime.fromisoformat(when).tzinfo is not None
        values = dict(p.split("=") for p in pairs[::2])
        units = pairs[1::2]
        if spec.startswith("mbus"):
            assert values == {"total_active_energy": repr(energy).split()[0]}
            assert units == ["kWh"]
        else:
            assert float(values["voltage"]) == pytest.approx(number_of(own["voltage"]))
            assert float(values["current"]) == pytest.approx(number_of(own["current"]))
            assert units == ["V", "A", "kWh"]

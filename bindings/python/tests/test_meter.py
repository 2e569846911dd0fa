# SPDX-License-Identifier: MIT
"""klefr.Meter against klefr-meterd over pseudo-terminals, for each
protocol: the same values as `klefr read --json` of the same instant, and
writes that take effect or are refused with the right exception.

"The same instant": the emulator runs a load fast (--speed) so that the
energies are not zero, then the load is cut to 0 A, which freezes every
counter; from then on two reads a second apart must agree to the digit."""

import time

import pytest

import klefr
from conftest import cli_read_json, cli_text


def frozen(klefr_emulator, model, **kw):
    """An emulator whose counters hold non-zero values that no longer move."""
    emu = klefr_emulator(model, load=(231.5, 12, 30, 50), speed=100000, **kw)
    time.sleep(0.3)  # about 8 hours of metrology at 2.8 kVA
    emu.set_load(229.8, 0, 0, 49.95)
    time.sleep(0.05)
    return emu


def same_as_cli(reading, cli):
    assert set(reading) == set(cli)
    for name, value in reading.items():
        assert float(cli_text(name, value)) == cli[name], name


@pytest.mark.parametrize("model,protocol", [(6914, "modbus"), (6913, "mbus")])
def test_bus_reading_equals_klefr_read_json(klefr_emulator, klefr_cli, model, protocol):
    emu = frozen(klefr_emulator, model)
    with emu.meter(protocol) as m:
        r = m.read()
    cli = cli_read_json(klefr_cli, emu.bus, protocol, "--meter-speed", "100000")
    same_as_cli(r, cli)
    assert r["total_active_energy"] > 1 and r["total_active_energy"].unit == "kWh"
    assert r.identity.model == model and r.identity.protocol == klefr.Protocol[protocol.upper()]
    if protocol == "modbus":
        assert r.identity.serial_number == 17060518
        assert r["voltage"] == pytest.approx(229.8) and r["voltage"].unit == "V"
        assert r["frequency"] == pytest.approx(49.95)
    else:
        assert r.identity.secondary_address == 17060518


@pytest.mark.parametrize("model", [6911, 6912, 6913, 6914])
def test_iec_write_and_reading_equal_klefr_read_json(klefr_emulator, klefr_cli, model):
    emu = frozen(klefr_emulator, model, ir=True)
    with emu.meter("iec") as m:
        m.lcd_cycle_time = model % 100  # a value every model takes: no readout first
        assert m.model is None  # not known before the identification
        r = m.read()
        assert m.model == model
    assert r["lcd_cycle_time"] == model % 100
    same_as_cli(r, cli_read_json(klefr_cli, emu.ir, "iec", "--meter-speed", "100000"))
    assert r.identity.model == model and r.identity.serial_number == 17060518
    assert r["meter_code"] == model and r["total_active_energy"] > 1


def test_instantaneous_values_are_the_load_of_the_emulator(klefr_emulator):
    emu = klefr_emulator(6914, load=(231.25, 7.5, 0, 50.5))
    with emu.meter() as m:
        r = m.read(["voltage", "current", "frequency", "active_power", "power_factor"])
    assert set(r) == {"voltage", "current", "frequency", "active_power", "power_factor"}
    own = emu.values()
    assert r["voltage"] == pytest.approx(float(own["voltage"].rstrip("V")))
    assert r["current"] == pytest.approx(float(own["current"].rstrip("A")))
    assert r["active_power"] == pytest.approx(231.25 * 7.5 / 1000, abs=0.001)
    assert r["frequency"] == pytest.approx(50.5)
    assert abs((r.time - r.time.now(r.time.tzinfo)).total_seconds()) < 5


def test_modbus_writes_take_effect_and_settings_are_properties(klefr_emulator, klefr_cli):
    emu = klefr_emulator(6914)
    with emu.meter() as m:
        m.write("lcd_cycle_time", 12)
        assert m.lcd_cycle_time == 12 and m.lcd_cycle_time.unit == "s"
        m.s0_rate = "0.01"
        assert m.s0_rate == pytest.approx(0.01)
        m.baud_rate = 4800  # answered at 9600, then the meter switches
    assert cli_read_json(klefr_cli, emu.bus, "modbus", "--baud", "4800",
                         "--only", "baud_rate,lcd_cycle_time") == \
        {"baud_rate": 4800, "lcd_cycle_time": 12}
    assert "baud_rate" in dir(klefr.Meter) and klefr.Meter.baud_rate.__doc__


def test_refused_writes_raise_and_send_nothing(klefr_emulator):
    emu = klefr_emulator(6914)
    with emu.meter() as m:
        with pytest.raises(klefr.InvalidValue) as e:
            m.baud_rate = 300
        assert e.value.allowed.values == (1200, 2400, 4800, 9600)
        with pytest.raises(klefr.InvalidValue) as e:
            m.write("lcd_cycle_time", 2.5)
        with pytest.raises(klefr.InvalidValue) as e:
            m.write("bus_address", 0)
        assert (e.value.allowed.minimum, e.value.allowed.maximum) == (1, 247)
        with pytest.raises(klefr.NotWritable):
            m.write("voltage", 230)
        with pytest.raises(klefr.NotWritable):
            m.reset("total_active_energy")
        with pytest.raises(klefr.NotAvailable):
            m.write("password", 1234)  # IR only
        with pytest.raises(KeyError):
            m.write("no_such_setting", 1)
        r = m.read(["baud_rate", "lcd_cycle_time", "bus_address"])
    assert (r["baud_rate"], r["bus_address"]) == (9600, 1)  # still answers at 9600, ID 1


def test_mbus_write_reaches_the_meter(klefr_emulator):
    emu = klefr_emulator(6913)
    with emu.meter("mbus") as m:
        m.tariff = 2
        assert emu.values()["tariff"] == "2"
        with pytest.raises(klefr.NotAvailable):
            m.tariff  # written over M-Bus, but not in its RSP_UD
        with pytest.raises(klefr.InvalidValue) as e:
            m.bus_address = 251
        assert (e.value.allowed.minimum, e.value.allowed.maximum) == (0, 250)
    with emu.meter("mbus", "17060518") as m:  # by secondary address
        assert m.read().identity.secondary_address == 17060518


def test_iec_write_and_a_wrong_password_refused_by_the_meter(klefr_emulator):
    emu = klefr_emulator(6911, ir=True)
    with emu.meter("iec") as m:
        m.lcd_cycle_time = 9
    with emu.meter("iec", password="1234") as m:
        with pytest.raises(klefr.DeviceRefused) as e:
            m.lcd_cycle_time = 5
        assert e.value.code == klefr.ErrorCode.ERR_ACCESS_DENIED
        assert e.value.iec_error == klefr.ErrorCode.ERR_ACCESS_DENIED
        r = m.read()
        assert r["lcd_cycle_time"] == 9 and m.model == klefr.Model.M6911
        with pytest.raises(klefr.NotWritable):
            m.tariff = 2  # the 6911 has tariff T1 only: refused before sign-on


def test_a_silent_address_times_out_and_a_closed_meter_says_so(klefr_emulator):
    emu = klefr_emulator(6914)
    m = klefr.Meter(emu.bus, "modbus", 7, timeout=0.1, retries=0)
    with pytest.raises(klefr.Timeout):
        m.read(["voltage"])
    m.close()
    m.close()
    with pytest.raises(klefr.Error):
        m.read()
    with pytest.raises(klefr.Error) as e:
        klefr.Meter("/dev/no-such-port")
    assert e.value.code == klefr.ErrorCode.ERR_IO
    with pytest.raises(ValueError):
        klefr.Meter(emu.bus, "profibus")
    with klefr.Bus(emu.bus) as bus:
        for bad in (0, 248):
            with pytest.raises(klefr.InvalidValue) as e:
                bus.meter(bad)
            assert (e.value.allowed.minimum, e.value.allowed.maximum) == (1, 247)
        with pytest.raises(TypeError):
            bus.meter("1")  # an 8-digit str is an M-Bus secondary address only
        with pytest.raises(TypeError):
            bus.meter(1, baud=4800)  # the line is the bus's
        with pytest.raises(klefr.InvalidValue):
            bus.meter(1, password="12345")
        assert not bus._meters  # the refused ones were closed again


def test_an_implausible_reading_names_the_broken_rule(klefr_emulator):
    # The emulator runs 100000 times faster than the Meter is told: its
    # energies grow faster than any load the meter can measure.
    emu = klefr_emulator(6914, load=(230, 40, 0, 50), speed=100000)
    with emu.meter(meter_speed=1) as m:
        first = m.read()
        time.sleep(0.5)
        with pytest.raises(klefr.Implausible) as e:
            m.read()
    f = e.value.failure
    assert f.rule == klefr.CheckRule.ENERGY_TOO_FAST and f.rule_name == "energy_too_fast"
    assert f.quantity in first and f.value > f.expected

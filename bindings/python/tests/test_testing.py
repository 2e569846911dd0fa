# SPDX-License-Identifier: MIT
"""klefr.testing: the plugin's fixtures and the Emulator's control."""

import os

import pytest

import klefr
from klefr.testing import Emulator, EmulatorError, find_meterd


def test_klefr_meter_fixture_is_a_6914_with_ir(klefr_meter):
    assert klefr_meter.bus.startswith("/dev/") and klefr_meter.ir.startswith("/dev/")
    with klefr_meter.meter() as m:
        assert m.read(["meter_code"])["meter_code"] == 6914


@pytest.mark.parametrize("klefr_meter", [6913], indirect=True)
def test_klefr_meter_fixture_takes_a_model(klefr_meter):
    with klefr_meter.meter() as m:
        assert m.protocol == klefr.Protocol.MBUS


def test_emulator_commands_load_and_speed(klefr_emulator):  # the fixture skips without it
    with Emulator(6914, load=(230, 10, 0, 50), speed=1000) as emu:
        control = emu.control
        assert os.path.exists(control)
        assert "speed=1000" in emu.command("info")
        with pytest.raises(EmulatorError):
            emu.command("load 999 0 0 50")
        emu.set_load(240, 0)
        assert emu.values()["voltage"] == "240V"
        with emu.meter() as m:
            assert m.read(["voltage"])["voltage"] == 240
    assert emu.bus and not os.path.exists(control)


def test_find_meterd_takes_the_environment_first(monkeypatch, tmp_path):
    monkeypatch.setenv("KLEFR_METERD", "/x/klefr-meterd")
    assert find_meterd() == "/x/klefr-meterd"
    monkeypatch.delenv("KLEFR_METERD")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(FileNotFoundError):
        find_meterd()

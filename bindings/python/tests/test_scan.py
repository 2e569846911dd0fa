# SPDX-License-Identifier: MIT
"""klefr.scan finds the emulated meters, yielding each as it is found."""

import klefr


def test_modbus_scan_yields_as_it_finds(klefr_emulator):
    emu = klefr_emulator(meters=["6914:1", "6914:3"], serial=40000001)
    progress = []
    found = []
    for f in klefr.scan(emu.bus, "modbus", first=1, last=4, timeout=0.1,
                        progress=progress.append):
        found.append((f.address, f.identity.serial_number, f.identity.model,
                      len(progress)))
    # ID 1 came out before IDs 2-4 were tried, ID 3 before ID 4.
    assert found == [(1, 40000001, klefr.Model.M6914, 1), (3, 40000002, klefr.Model.M6914, 3)]
    assert [(p.tried, p.done, p.total, p.found) for p in progress] == \
        [(1, 1, 4, 1), (2, 2, 4, 1), (3, 3, 4, 2), (4, 4, 4, 2)]


def test_mbus_primary_scan_and_secondary_search(klefr_emulator):
    emu = klefr_emulator(meters=["6913:5", "6913:7"], serial=50000001)
    primary = [(f.address, f.identity.secondary_address)
               for f in klefr.scan(emu.bus, "mbus", first=4, last=8, timeout=0.1)]
    assert primary == [(5, 50000001), (7, 50000002)]
    progress = []
    secondary = list(klefr.scan(emu.bus, "mbus", secondary=True, timeout=0.1,
                                progress=progress.append))
    assert sorted(f.address for f in secondary) == ["50000001", "50000002"]
    assert all(f.mbus.manufacturer == "INM" for f in secondary)
    assert progress and progress[-1].found == 2 and progress[0].tried == "FFFFFFFF"
    with secondary[0].meter() as m:
        assert m.read().identity.secondary_address == secondary[0].mbus.id


def test_a_scan_can_stop_early_and_iec_has_no_bus(klefr_emulator):
    emu = klefr_emulator(meters=["6914:1", "6914:2"])
    gen = klefr.scan(emu.bus, "modbus", timeout=0.1)
    assert next(gen).address == 1
    gen.close()  # no 245 more tries
    with klefr.Bus(emu.bus, "modbus") as bus:
        assert [f.address for f in klefr.scan(bus, first=2, last=2, identify=False)] == [2]
        assert not bus.closed  # a Bus given to scan stays open
    try:
        klefr.scan(emu.bus, "iec").__next__()
    except ValueError:
        pass
    else:
        raise AssertionError("an IEC scan did not raise")

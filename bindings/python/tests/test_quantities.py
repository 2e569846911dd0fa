# SPDX-License-Identifier: MIT
"""klefr.quantities is the C register model, row for row: the names,
units, groups and labels `klefr read --list` prints, the allowed values
klefr_quantity_valid_values gives each model (and klefr_quantity_validate
takes)."""

import pytest

import klefr


def test_every_row_of_the_c_table_by_name_and_by_number():
    q = klefr.quantities
    assert len(q) == len(klefr.Quantity)
    for i, (name, row) in enumerate(q.items()):
        assert row.id == i and q[i] is row and q[klefr.Quantity(i)] is row
        assert row.name == name == klefr.Quantity(i).name.lower()
    with pytest.raises(KeyError):
        q["no_such_quantity"]


def test_names_units_groups_and_labels_match_klefr_read_list(klefr_cli):
    lines = klefr_cli("read", "--list").splitlines()[1:]
    assert len(lines) == len(klefr.quantities)
    for line, row in zip(lines, klefr.quantities.values()):
        name, unit, group, rest = line.split(None, 3)
        assert (name, unit, group) == (row.name, row.unit or "-", row.group.name.lower())
        assert rest.startswith(row.label)


def test_columns_of_known_rows():
    e = klefr.quantities["total_active_energy"]
    assert e.unit == "kWh" and e.group == klefr.Group.ENERGY and not e.writable
    assert e.models == frozenset(klefr.Model)
    assert e.modbus.address == 0x6000 and e.modbus.type == klefr.ModbusType.FLOAT
    assert e.iec.address == "15.8.0" and e.iec.in_readout
    assert (e.mbus.dif, e.mbus.vif, e.mbus.scale) == (0x0C, 0x04, -2)
    baud = klefr.quantities["baud_rate"]
    assert baud.writable and not baud.reset_only and baud.integer
    assert baud.modbus.write_function == 6
    assert klefr.quantities["day_counter"].reset_only


def test_allowed_values_per_model_come_from_the_validator():
    addr = klefr.quantities["bus_address"]
    a14, a13 = addr.allowed_for(klefr.Model.M6914), addr.allowed_for(klefr.Model.M6913)
    assert (a14.minimum, a14.maximum) == (1, 247)
    assert (a13.minimum, a13.maximum) == (0, 250)
    assert 0 in a13 and 0 not in a14 and 248 not in a14
    assert addr.allowed_for(klefr.Model.M6911) is None  # no bus on the 6911
    baud = klefr.quantities["baud_rate"]
    assert baud.allowed_for(6914).values == (1200, 2400, 4800, 9600)
    assert baud.allowed_for(6913).values == (300, 600, 1200, 2400, 4800, 9600)
    for model in klefr.Model:  # what is offered is what the validator takes
        for row in klefr.quantities.settings():
            a = row.allowed_for(model)
            if a is None:
                continue
            for v in a.values if a.values is not None else (a.minimum, a.maximum):
                assert row.validate(model, v) == v
    assert str(klefr.quantities["lcd_cycle_time"].allowed) == "1 to 30"


def test_validate_parses_exactly_and_names_what_is_allowed():
    lcd = klefr.quantities["lcd_cycle_time"]
    assert lcd.validate(6914, "12") == 12 and lcd.validate(6914, 30) == 30
    for bad in (2.5, "1e1x", "0x10", 31, 0):
        with pytest.raises(klefr.InvalidValue) as e:
            lcd.validate(6914, bad)
        assert e.value.code == klefr.ErrorCode.ERR_RANGE or \
            e.value.code == klefr.ErrorCode.ERR_ENCODING
        assert e.value.allowed is not None
    with pytest.raises(klefr.InvalidValue) as e:
        klefr.quantities["baud_rate"].validate(6914, 300)
    assert e.value.allowed.values == (1200, 2400, 4800, 9600)
    assert klefr.quantities["baud_rate"].validate(6913, 300) == 300
    with pytest.raises(klefr.NotWritable):
        klefr.quantities["voltage"].validate(6914, 230)
    with pytest.raises(TypeError):
        lcd.validate(6914, True)
    assert klefr.quantities["s0_rate"].validate(6914, "0.01") == 0.01

# SPDX-License-Identifier: MIT
"""The GIL is released while a call waits for the meter, and threads may
share a Meter (its lock) or a Bus (the C master's lock)."""

import threading
import time

import klefr


def test_other_threads_run_while_a_read_waits(klefr_emulator):
    emu = klefr_emulator(6914)
    # ID 9 is silent: the read blocks in C for its whole timeout.
    m = klefr.Meter(emu.bus, "modbus", 9, timeout=0.4, retries=0, check_retries=0)
    span = {}

    def blocked():
        span["start"] = time.monotonic()
        try:
            m.read(["voltage"])
        except klefr.Timeout:
            span["timeout"] = True
        span["end"] = time.monotonic()

    t = threading.Thread(target=blocked)
    ticks = []
    t.start()
    while t.is_alive():
        ticks.append(time.monotonic())  # runs only while the GIL is free
        time.sleep(0.001)
    t.join()
    m.close()
    assert span.get("timeout") and span["end"] - span["start"] >= 0.35
    inside = [x for x in ticks if span["start"] + 0.05 < x < span["end"] - 0.05]
    took = span["end"] - span["start"]
    assert len(inside) > 20, f"{len(inside)} ticks during a {took:.2f} s read"


def run_all(targets):
    errors = []

    def guard(fn):
        try:
            fn()
        except BaseException as e:  # noqa: B902 - reported below
            errors.append(e)

    threads = [threading.Thread(target=guard, args=(fn,)) for fn in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors


def test_two_threads_share_one_meter(klefr_emulator):
    emu = klefr_emulator(6914)
    with emu.meter() as m:
        got = []

        def reader():
            for _ in range(25):
                got.append(m.read(["serial_number", "voltage"])["serial_number"])

        def writer():
            for v in range(1, 26):
                m.lcd_cycle_time = v
                assert m.lcd_cycle_time == v  # the readers never write

        run_all([reader, reader, writer])
        assert got == [17060518] * 50
        assert m.lcd_cycle_time == 25


def test_threads_on_meters_sharing_one_bus(klefr_emulator):
    emu = klefr_emulator(meters=["6914:1", "6914:2", "6914:3"], serial=30000001)
    with klefr.Bus(emu.bus, "modbus") as bus:
        meters = [bus.meter(a) for a in (1, 2, 3)]
        seen = {1: set(), 2: set(), 3: set()}

        def poll(m):
            def run():
                for _ in range(15):
                    seen[m.address].add(int(m.read(["serial_number"])["serial_number"]))
            return run

        run_all([poll(m) for m in meters])
        # One transaction per read, none lost or repeated: never interleaved.
        stats = bus.stats()
        assert (stats["requests"], stats["answers"], stats["timeouts"]) == (45, 45, 0)
        assert [m.stats()["reads"] for m in meters] == [15, 15, 15]
    assert seen == {1: {30000001}, 2: {30000002}, 3: {30000003}}
    assert all(m.closed for m in meters)  # closing the bus closed its meters


def test_threads_on_two_buses(klefr_emulator):
    a, b = klefr_emulator(6914, serial=111), klefr_emulator(6913, serial=222)
    out = {}

    def read(emu, protocol):
        def run():
            with emu.meter(protocol) as m:
                out[protocol] = [m.read().identity for _ in range(5)]
        return run

    run_all([read(a, "modbus"), read(b, "mbus")])
    assert {i.serial_number for i in out["modbus"]} == {111}
    assert {i.secondary_address for i in out["mbus"]} == {222}

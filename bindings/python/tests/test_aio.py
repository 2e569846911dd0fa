# SPDX-License-Identifier: MIT
"""klefr.aio: coroutines over the same meters, one lock per bus."""

import asyncio

import pytest

import klefr
import klefr.aio


def test_asyncio_reads_and_writes(klefr_emulator):
    emu = klefr_emulator(meters=["6914:1", "6914:2"])

    async def main():
        async with klefr.aio.Bus(emu.bus, "modbus") as bus:
            m1, m2 = bus.meter(1), bus.meter(2)
            async with m1, m2:
                readings = await asyncio.gather(*(m.read(["serial_number"])
                                                  for m in (m1, m2, m1, m2)))
                await m2.write("lcd_cycle_time", 17)
                with pytest.raises(klefr.InvalidValue):
                    await m1.write("lcd_cycle_time", 99)
                lcd = await m2.get("lcd_cycle_time")
        async with klefr.aio.Meter(emu.bus, "modbus", 1, timeout=0.5) as m:
            alone = await m.read()
        return readings, lcd, alone

    readings, lcd, alone = asyncio.run(main())
    assert [int(r["serial_number"]) for r in readings] == [17060518, 17060519] * 2
    assert lcd == 17
    assert alone.identity.serial_number == 17060518


def test_the_loop_keeps_running_while_a_read_waits(klefr_emulator):
    emu = klefr_emulator(6914)

    async def main():
        ticks = 0
        async with klefr.aio.Meter(emu.bus, "modbus", 5, timeout=0.3, retries=0) as m:
            task = asyncio.ensure_future(m.read(["voltage"]))
            while not task.done():
                ticks += 1
                await asyncio.sleep(0.01)
            with pytest.raises(klefr.Timeout):
                task.result()
        return ticks

    assert asyncio.run(main()) > 10

# SPDX-License-Identifier: MIT
"""A Modbus exception from the device is DeviceRefused carrying its code.
The device is a few lines here on a pseudo-terminal of our own, answering
every request of unit 1 with exception 02 (the frames built by hand, not
with libklefr's encoder)."""

import os
import select
import threading

import pytest

import klefr


def crc16(data):
    crc = 0xFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return bytes([crc & 0xFF, crc >> 8])


@pytest.fixture
def refusing_slave():
    master, slave = os.openpty()
    path = os.ttyname(slave)
    stop = threading.Event()
    requests = []

    def serve():
        buf = b""
        while not stop.is_set():
            ready, _, _ = select.select([master], [], [], 0.02)
            if ready:
                try:
                    buf += os.read(master, 512)
                except OSError:
                    return
                continue
            if len(buf) >= 4 and buf[0] == 1 and crc16(buf[:-2]) == buf[-2:]:
                requests.append(buf)
                body = bytes([1, buf[1] | 0x80, 0x02])
                os.write(master, body + crc16(body))
            buf = b""

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    yield path, requests
    stop.set()
    t.join()
    os.close(master)
    os.close(slave)


def test_a_modbus_exception_is_device_refused_with_its_code(refusing_slave):
    path, requests = refusing_slave
    with klefr.Meter(path, "modbus", 1, timeout=0.3) as m:
        with pytest.raises(klefr.DeviceRefused) as e:
            m.read(["voltage"])
        assert e.value.exception_code == 2 and e.value.code == 2
        with pytest.raises(klefr.DeviceRefused) as e:
            m.lcd_cycle_time = 10
        assert e.value.exception_code == 2
        n = len(requests)
        with pytest.raises(klefr.InvalidValue):
            m.lcd_cycle_time = 99
        assert len(requests) == n  # refused here: nothing was sent
        assert m.bus.stats()["exceptions"] == 2
    assert [r[1] for r in requests] == [3, 6]

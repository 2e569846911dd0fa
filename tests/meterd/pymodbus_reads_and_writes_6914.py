#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""pymodbus (a Modbus master we did not write) against klefr-meterd
--model 6914 over the pseudo-terminal it prints: the 0x4000 block, the
voltage float at 0x5000, the energies at 0x6000, an FC06 write read back,
an FC16 write of the S0 rate and a refused write (exception 03).
Usage: pymodbus_reads_and_writes_6914.py KLEFR_METERD
Exit 77 (skipped) without pymodbus."""
import os
import struct
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from spawn import start_meterd  # noqa: E402

try:
    import pymodbus
    from pymodbus.client import ModbusSerialClient
except ImportError:
    print("pymodbus not found: skipped")
    sys.exit(77)


def floats(regs):
    return [struct.unpack(">f", struct.pack(">HH", regs[i], regs[i + 1]))[0]
            for i in range(0, len(regs) - 1, 2)]


def main():
    meterd = sys.argv[1]
    print("pymodbus", pymodbus.__version__)
    with tempfile.TemporaryDirectory() as tmp:
        proc = start_meterd(meterd, "--model", "6914", "--load", "230,10,0,50", "--speed", "500",
                            "--store", os.path.join(tmp, "store"))
        try:
            port = proc.bus
            time.sleep(0.3)
            # strict=False: strict mode sets pyserial's inter-byte timeout,
            # whose termios VTIME change a pseudo-terminal refuses (EINVAL).
            c = ModbusSerialClient(port=port, baudrate=9600, bytesize=8, parity="E",
                                   stopbits=1, timeout=1, strict=False)
            assert c.connect(), "cannot open " + port
            rr = c.read_holding_registers(0x4000, 32, slave=1)
            assert not rr.isError(), rr
            r = rr.registers
            print("0x4000:", " ".join("%04X" % x for x in r))
            assert r[0:2] == [0x1706, 0x0518], "serial number"
            assert r[2] == 0x6914, "meter code"
            assert r[3] == 1 and r[4] == 0x2580, "ID and baud"
            rr = c.read_holding_registers(0x5000, 2, slave=1)
            assert not rr.isError(), rr
            v = floats(rr.registers)[0]
            print("voltage", v)
            assert abs(v - 230.0) < 1e-3, v
            rr = c.read_holding_registers(0x6000, 18, slave=1)
            assert not rr.isError(), rr
            e = floats(rr.registers)
            print("energies 0x6000:", e)
            assert e[0] > 0, "no energy after 0.3 s at 2.3 kW x 500"
            # FC06: LCD cycle time 25 s (HEX 0x0025), read back.
            wr = c.write_register(0x4010, 0x0025, slave=1)
            assert not wr.isError(), wr
            rr = c.read_holding_registers(0x4010, 1, slave=1)
            assert rr.registers == [0x0025], rr.registers
            # FC16: S0 rate 10.0 imp/kWh as a float (SPEC 9 golden write).
            wr = c.write_registers(0x400D, [0x4120, 0x0000], slave=1)
            assert not wr.isError(), wr
            rr = c.read_holding_registers(0x400D, 2, slave=1)
            assert floats(rr.registers)[0] == 10.0, rr.registers
            # LCD cycle time 31 is out of range: exception 03.
            wr = c.write_register(0x4010, 0x0031, slave=1)
            assert wr.isError() and wr.exception_code == 3, wr
            # Another ID gets no answer.
            rr = c.read_holding_registers(0x4000, 1, slave=7)
            assert rr.isError(), rr
            c.close()
        finally:
            proc.stop()
    print("pass")


if __name__ == "__main__":
    main()

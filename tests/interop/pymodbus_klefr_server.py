#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A Modbus RTU slave written with pymodbus (Debian python3-pymodbus 3.0.x),
serving a KLEFR 6914 register map with a few known values, for the interop
test of libklefr's master.

Usage: pymodbus_klefr_server.py TTY          RTU on a serial port (a pty)
       pymodbus_klefr_server.py rtu-tcp:PORT RTU frames over TCP on 127.0.0.1
       pymodbus_klefr_server.py mbap:PORT    Modbus TCP on 127.0.0.1

The register values are put in by hand here (not with libklefr), so the
test compares our master with code and data we did not produce.
"""
import logging
import struct
import sys

from pymodbus.datastore import (ModbusServerContext, ModbusSlaveContext,
                                ModbusSparseDataBlock)
from pymodbus.server import StartSerialServer, StartTcpServer
from pymodbus.transaction import ModbusRtuFramer, ModbusSocketFramer


def float_abcd(value):
    """IEEE 754 single, high word first."""
    hi, lo = struct.unpack(">HH", struct.pack(">f", value))
    return [hi, lo]


def build_registers():
    regs = {}
    for start, count in ((0x4000, 32), (0x5000, 50), (0x6000, 75)):
        for a in range(start, start + count):
            regs[a] = 0
    # A reading that obeys the register model's rules (libklefr refuses
    # anything else, doc/reading-integrity.md): T1 + T2 = total, the total
    # active energy = forward + reverse (calculation code 05), S = V x I,
    # PF = P / S (a 3-4-5 triangle: 0.23 kW, 0.1725 kvar, 0.2875 kVA),
    # quadrant 1 with the current forward, L1 = the single phase.
    known = {
        0x4000: [0x1706, 0x0518],        # serial 17060518 (HEX)
        0x4002: [0x6914],                # meter code
        0x4003: [0x0001],                # Modbus ID 1
        0x4004: [0x2580],                # 9600 baud
        0x4005: float_abcd(1.0),         # protocol version
        0x4007: float_abcd(2.18),        # software version
        0x4009: float_abcd(1.0),         # hardware version
        0x400B: [45],                    # meter amps
        0x400D: float_abcd(1000.0),      # S0 rate
        0x400F: [5],                     # calculation code 05: F + R
        0x4010: [0x0010],                # LCD cycle time 10 s (HEX)
        0x4011: [0x0001],                # parity even
        0x4012: [ord("F")],              # current direction
        0x4017: [1],                     # quadrant 1 (P > 0, Q > 0)
        0x401B: [0x005F, 0xD96E],        # program checksum
        0x5000: float_abcd(230.0),       # voltage
        0x5002: float_abcd(230.0),       # L1 voltage
        0x5008: float_abcd(50.0),        # frequency
        0x500A: float_abcd(1.25),        # current
        0x500C: float_abcd(1.25),        # L1 current
        0x5012: float_abcd(0.23),        # active power
        0x501A: float_abcd(0.1725),      # reactive power
        0x5022: float_abcd(0.2875),      # apparent power
        0x502A: float_abcd(0.8),         # power factor
        0x6000: float_abcd(1234.5),      # total active energy
        0x6002: float_abcd(1000.0),      # T1 total active energy
        0x6004: float_abcd(234.5),       # T2 total active energy
        0x600C: float_abcd(1234.5),      # forward active energy
        0x600E: float_abcd(1000.0),      # T1 forward active energy
        0x6010: float_abcd(234.5),       # T2 forward active energy
        0x6048: [0x0001],                # tariff 1
    }
    for addr, words in known.items():
        for i, w in enumerate(words):
            regs[addr + i] = w
    return regs


def main():
    port = sys.argv[1]
    logging.basicConfig(level=logging.WARNING)
    store = ModbusSlaveContext(hr=ModbusSparseDataBlock(build_registers()),
                               zero_mode=True)
    context = ModbusServerContext(slaves={1: store}, single=False)
    if port.startswith("rtu-tcp:") or port.startswith("mbap:"):
        kind, tcp_port = port.split(":")
        framer = ModbusRtuFramer if kind == "rtu-tcp" else ModbusSocketFramer
        StartTcpServer(context=context, framer=framer,
                       address=("127.0.0.1", int(tcp_port)),
                       broadcast_enable=True, ignore_missing_slaves=True)
    else:
        StartSerialServer(context=context, framer=ModbusRtuFramer, port=port,
                          baudrate=9600, bytesize=8, parity="N", stopbits=1,
                          broadcast_enable=True, ignore_missing_slaves=True)


if __name__ == "__main__":
    main()

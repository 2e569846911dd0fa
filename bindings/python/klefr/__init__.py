# SPDX-License-Identifier: MIT
"""libklefr for Python: read and configure KLEFR 6911-6914 meters over
Modbus, M-Bus and IEC 62056-21, decode their frames (and any meter's M-Bus
records), and the register model as data.

>>> import klefr
>>> frame = klefr.decode(bytes.fromhex("68 4B 4B 68 08 00 72 ... 7C 16"))
>>> with klefr.Meter("/dev/ttyUSB0", "modbus", 1) as m:
...     print(m.read()["total_active_energy"])
>>> klefr.quantities["baud_rate"].allowed_for(klefr.Model.M6914)

klefr.modbus, klefr.mbus and klefr.iec encode frames (bytes in, bytes out)
and re-export their protocol's decoders:

>>> klefr.modbus.write_request("lcd_cycle_time", 25).hex(" ")
'01 06 40 10 00 25 5c 14'

klefr.aio has the asyncio facade, klefr.testing the emulated meters.
"""

from .decode import (Frame, IecDataset, IecMessage, MbusFrame, MbusHeader, MbusRecord,
                     ModbusRequest, ModbusResponse, decode, decode_iec, decode_mbus,
                     decode_modbus)
from .enums import (CheckRule, ErrorCode, Group, IecMessageType, MbusCoding, MbusFunction,
                    MbusRecordKind, Model, ModbusFunction, ModbusType, Parity, Protocol, Quantity)
from .errors import (Checksum, DeviceRefused, Error, FrameError, Implausible, Incomplete,
                     InvalidArgument, InvalidValue, NotAvailable, NotWritable, Timeout, Truncated)
from .meter import Bus, CheckFailure, Meter, MeterIdentity, Reading, Value
from .model import Allowed, IecAddress, MbusRecordSpec, ModbusRegister, QuantityInfo, quantities
from .scan import Found, MbusIdentity, ScanProgress, scan
from ._c import version_string as _version_string
from . import iec, mbus, modbus

__version__: str = _version_string()

__all__ = [
    "decode", "decode_mbus", "decode_modbus", "decode_iec", "Frame", "MbusFrame", "MbusHeader",
    "MbusRecord", "ModbusRequest", "ModbusResponse", "IecMessage", "IecDataset",
    "ErrorCode", "Group", "IecMessageType", "MbusCoding", "MbusFunction", "MbusRecordKind",
    "Model", "ModbusFunction", "Protocol", "Quantity",
    "Error", "Timeout", "Checksum", "Truncated", "FrameError", "DeviceRefused", "InvalidValue",
    "NotWritable", "NotAvailable", "Implausible", "Incomplete", "InvalidArgument",
    "CheckRule", "ModbusType", "Parity",
    "Meter", "Bus", "Reading", "Value", "MeterIdentity", "CheckFailure",
    "quantities", "QuantityInfo", "Allowed", "ModbusRegister", "MbusRecordSpec", "IecAddress",
    "scan", "Found", "ScanProgress", "MbusIdentity",
    "modbus", "mbus", "iec",
]

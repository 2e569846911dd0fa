# SPDX-License-Identifier: MIT
"""libklefr for Python: decode Modbus, M-Bus and IEC 62056-21 frames of
KLEFR 6911-6914 meters (and any meter's M-Bus records).

>>> import klefr
>>> frame = klefr.decode(bytes.fromhex("68 4B 4B 68 08 00 72 ... 7C 16"))
"""

from .decode import (Frame, IecDataset, IecMessage, MbusFrame, MbusHeader, MbusRecord,
                     ModbusRequest, ModbusResponse, decode, decode_iec, decode_mbus,
                     decode_modbus)
from .enums import (ErrorCode, Group, IecMessageType, MbusCoding, MbusFunction, MbusRecordKind,
                    Model, ModbusFunction, Protocol, Quantity)
from .errors import (Checksum, DeviceRefused, Error, FrameError, Implausible, Incomplete,
                     InvalidValue, NotAvailable, NotWritable, Timeout, Truncated)

__all__ = [
    "decode", "decode_mbus", "decode_modbus", "decode_iec", "Frame", "MbusFrame", "MbusHeader",
    "MbusRecord", "ModbusRequest", "ModbusResponse", "IecMessage", "IecDataset",
    "ErrorCode", "Group", "IecMessageType", "MbusCoding", "MbusFunction", "MbusRecordKind",
    "Model", "ModbusFunction", "Protocol", "Quantity",
    "Error", "Timeout", "Checksum", "Truncated", "FrameError", "DeviceRefused", "InvalidValue",
    "NotWritable", "NotAvailable", "Implausible", "Incomplete",
]

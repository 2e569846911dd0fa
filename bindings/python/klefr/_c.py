# SPDX-License-Identifier: MIT
"""The one module that names C symbols of libklefr (through SWIG's
klefr.capi). Everything else in the package goes through these names, so
that a rename in the C API costs one line here."""

from . import capi as _capi

strerror = _capi.klefr_strerror
protocol_guess = _capi.klefr_frame_protocol_guess

# M-Bus
MbusFrame = _capi.klefr_mbus_frame
mbus_frame_decode = _capi.klefr_mbus_frame_decode
MbusHeader = _capi.klefr_mbus_header
mbus_header_decode = _capi.klefr_mbus_header_decode
MbusRecordIter = _capi.klefr_mbus_record_iter
mbus_record_iter_init = _capi.klefr_mbus_record_iter_init
MbusRecord = _capi.klefr_mbus_record
mbus_record_next = _capi.klefr_mbus_record_next
mbus_value_to_double = _capi.klefr_mbus_value_to_double
mbus_medium_name = _capi.klefr_mbus_medium_name

# Modbus
ModbusRequest = _capi.klefr_modbus_request
ModbusResponse = _capi.klefr_modbus_response
modbus_request_decode = _capi.klefr_modbus_request_decode
modbus_response_decode = _capi.klefr_modbus_response_decode
modbus_register_get = _capi.klefr_modbus_response_register_get
modbus_frame_detect = _capi.klefr_modbus_frame_detect
FrameScan = _capi.klefr_frame_scan

# IEC 62056-21
IecMessage = _capi.klefr_iec_message
iec_message_decode = _capi.klefr_iec_message_decode
iec_message_data = _capi.klefr_py_iec_message_data
IecParser = _capi.klefr_iec_parser
iec_parser_init = _capi.klefr_iec_parser_init
IecDataset = _capi.klefr_iec_dataset
iec_dataset_next = _capi.klefr_iec_dataset_next
iec_value_parse = _capi.klefr_iec_value_parse

# Helpers of klefr.i
bytes_at = _capi.klefr_py_bytes_at

# Enumerations: the C prefix of each (klefr.enums builds IntEnums from them).
ENUM_PREFIXES = {
    "ErrorCode": ("KLEFR_OK", "KLEFR_EXC_", "KLEFR_ERR_"),
    "Protocol": ("KLEFR_PROTOCOL_",),
    "Model": ("KLEFR_MODEL_69",),
    "Group": ("KLEFR_GROUP_",),
    "Quantity": ("KLEFR_Q_",),
    "MbusFunction": ("KLEFR_MBUS_FUNC_",),
    "MbusCoding": ("KLEFR_MBUS_DATA_",),
    "MbusValueType": ("KLEFR_MBUS_VALUE_",),
    "MbusRecordKind": ("KLEFR_MBUS_RECORD_",),
    "MbusFrameType": ("KLEFR_MBUS_FRAME_",),
    "IecMessageType": ("KLEFR_IEC_MSG_",),
}
ENUM_EXCLUDE = {"KLEFR_Q_COUNT"}
# Enumerations whose prefix is shared with constants: the members by name.
MODBUS_FUNCTIONS = (
    "KLEFR_MODBUS_READ_COILS", "KLEFR_MODBUS_READ_DISCRETE_INPUTS",
    "KLEFR_MODBUS_READ_HOLDING_REGISTERS", "KLEFR_MODBUS_READ_INPUT_REGISTERS",
    "KLEFR_MODBUS_WRITE_SINGLE_COIL", "KLEFR_MODBUS_WRITE_SINGLE_REGISTER",
    "KLEFR_MODBUS_WRITE_MULTIPLE_COILS", "KLEFR_MODBUS_WRITE_MULTIPLE_REGISTERS",
)
MODBUS_REQUESTS = _capi.KLEFR_MODBUS_REQUESTS
MODBUS_RESPONSES = _capi.KLEFR_MODBUS_RESPONSES
FRAME_COMPLETE = _capi.KLEFR_FRAME_COMPLETE


def constants():
    """Every KLEFR_* integer constant of the C module, by name."""
    return {k: v for k, v in vars(_capi).items() if k.startswith("KLEFR_") and isinstance(v, int)}

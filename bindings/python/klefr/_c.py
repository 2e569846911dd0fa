# SPDX-License-Identifier: MIT
"""The one module that names C symbols of libklefr (through SWIG's
klefr.capi). Everything else in the package goes through these names, so
that a rename in the C API costs one line here."""

from typing import Any, Dict

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
mbus_manufacturer_decode = _capi.klefr_py_mbus_manufacturer_decode
mbus_manufacturer_encode = _capi.klefr_py_mbus_manufacturer_encode
MbusControl = _capi.klefr_mbus_control
mbus_control_decode = _capi.klefr_mbus_control_decode
MBUS_SND_NKE = _capi.KLEFR_MBUS_SND_NKE
MBUS_SND_UD = _capi.KLEFR_MBUS_SND_UD
MBUS_REQ_UD1 = _capi.KLEFR_MBUS_REQ_UD1
MBUS_REQ_UD2 = _capi.KLEFR_MBUS_REQ_UD2
MBUS_RSP_UD = _capi.KLEFR_MBUS_RSP_UD

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
iec_parity_strip = _capi.klefr_py_iec_parity_strip
IecParser = _capi.klefr_iec_parser
iec_parser_init = _capi.klefr_iec_parser_init
IecDataset = _capi.klefr_iec_dataset
iec_dataset_next = _capi.klefr_iec_dataset_next
iec_value_parse = _capi.klefr_iec_value_parse

# Encoders (codecs.i): each returns (err, bytes or None)
modbus_read_request_encode = _capi.klefr_modbus_read_request_encode
modbus_write_single_encode = _capi.klefr_modbus_write_single_request_encode
modbus_write_registers_encode = _capi.klefr_modbus_write_registers_request_encode
modbus_write_coils_encode = _capi.klefr_py_modbus_write_coils_encode
modbus_request_encode = _capi.klefr_py_modbus_request_encode
modbus_response_encode = _capi.klefr_py_modbus_response_encode
modbus_read_registers_response_encode = _capi.klefr_modbus_read_registers_response_encode
modbus_exception_response_encode = _capi.klefr_modbus_exception_response_encode
modbus_mbap_encode = _capi.klefr_py_modbus_mbap_encode
modbus_tcp_from_rtu = _capi.klefr_modbus_tcp_from_rtu
model_modbus_values_encode = _capi.klefr_model_modbus_values_encode
model_modbus_values_decode = _capi.klefr_model_modbus_values_decode
mbus_snd_nke_encode = _capi.klefr_mbus_snd_nke_encode
mbus_req_ud2_encode = _capi.klefr_mbus_req_ud2_encode
mbus_app_reset_encode = _capi.klefr_mbus_app_reset_encode
mbus_baud_change_encode = _capi.klefr_mbus_baud_change_encode
mbus_selection_encode = _capi.klefr_py_mbus_selection_encode
mbus_control_encode = _capi.klefr_py_mbus_control_encode
mbus_frame_encode = _capi.klefr_py_mbus_frame_encode
mbus_record_encode = _capi.klefr_py_mbus_record_encode
mbus_rsp_ud_encode = _capi.klefr_py_mbus_rsp_ud_encode
mbus_snd_ud_encode = _capi.klefr_py_mbus_snd_ud_encode
MbusModelHeader = _capi.klefr_mbus_model_header
model_mbus_rsp_ud_encode = _capi.klefr_model_mbus_rsp_ud_encode
model_mbus_write_encode = _capi.klefr_model_mbus_write_encode
model_mbus_write_decode = _capi.klefr_py_model_mbus_write_decode
iec_message_encode = _capi.klefr_py_iec_message_encode
iec_command_encode = _capi.klefr_py_iec_command_encode
iec_baud_char_encode = _capi.klefr_py_iec_baud_char_encode
iec_baud_char_decode = _capi.klefr_py_iec_baud_char_decode
model_iec_ident_encode = _capi.klefr_model_iec_ident_encode
model_iec_readout_encode = _capi.klefr_py_model_iec_readout_encode
model_iec_password_encode = _capi.klefr_model_iec_password_encode
model_iec_read_encode = _capi.klefr_model_iec_read_encode
model_iec_write_encode = _capi.klefr_model_iec_write_encode
values_clear = _capi.klefr_values_clear
values_set = _capi.klefr_values_set
MBUS_LINK_FUNCTIONS = {"SND_NKE": _capi.KLEFR_MBUS_SND_NKE, "SND_UD": _capi.KLEFR_MBUS_SND_UD,
                       "REQ_UD1": _capi.KLEFR_MBUS_REQ_UD1, "REQ_UD2": _capi.KLEFR_MBUS_REQ_UD2,
                       "RSP_UD": _capi.KLEFR_MBUS_RSP_UD}
IEC_MODES = {"A": _capi.KLEFR_IEC_MODE_A, "B": _capi.KLEFR_IEC_MODE_B,
             "C": _capi.KLEFR_IEC_MODE_C, "D": _capi.KLEFR_IEC_MODE_D,
             "E": _capi.KLEFR_IEC_MODE_E}
MODBUS_MAX_READ_REGISTERS = _capi.KLEFR_MODBUS_MAX_READ_REGISTERS
MODBUS_MAX_WRITE_REGISTERS = _capi.KLEFR_MODBUS_MAX_WRITE_REGISTERS
MODBUS_MAX_READ_BITS = _capi.KLEFR_MODBUS_MAX_READ_BITS
MODBUS_MAX_WRITE_BITS = _capi.KLEFR_MODBUS_MAX_WRITE_BITS
MBUS_ADDR_SECONDARY = _capi.KLEFR_MBUS_ADDR_SECONDARY
MBUS_ADDR_BROADCAST_REPLY = _capi.KLEFR_MBUS_ADDR_BROADCAST_REPLY
MBUS_ADDR_BROADCAST = _capi.KLEFR_MBUS_ADDR_BROADCAST

# Helpers of klefr.i
bytes_at = _capi.klefr_py_bytes_at
number_at = _capi.klefr_py_number_at
byte_at = _capi.klefr_py_byte_at
quantity_count = _capi.klefr_py_quantity_count

# The register model
quantity_get = _capi.klefr_quantity_get
quantity_validate = _capi.klefr_quantity_validate
quantity_valid_values = _capi.klefr_quantity_valid_values
quantity_parse = _capi.klefr_quantity_parse
QF_WRITABLE = _capi.KLEFR_QF_WRITABLE
QF_RESET_ONLY = _capi.KLEFR_QF_RESET_ONLY
QF_THREE_PHASE = _capi.KLEFR_QF_THREE_PHASE
QF_INTEGER = _capi.KLEFR_QF_INTEGER
check_rule_name = _capi.klefr_check_rule_name
CheckFailure = _capi.klefr_check_failure

# Transports and masters
Line = _capi.klefr_line
io_open = _capi.klefr_io_open
io_close = _capi.klefr_io_close
io_get_flags = _capi.klefr_io_get_flags
IO_NETWORK = _capi.KLEFR_IO_NETWORK
IEC_INITIAL_BAUD = _capi.KLEFR_IEC_INITIAL_BAUD
ModbusMasterOptions = _capi.klefr_modbus_master_options
modbus_master_options_init = _capi.klefr_modbus_master_options_init
modbus_master_open = _capi.klefr_modbus_master_open
modbus_master_close = _capi.klefr_modbus_master_close
MbusMasterOptions = _capi.klefr_mbus_master_options
mbus_master_options_init = _capi.klefr_mbus_master_options_init
mbus_master_open = _capi.klefr_mbus_master_open
mbus_master_close = _capi.klefr_mbus_master_close
IecMasterOptions = _capi.klefr_iec_master_options
iec_master_options_init = _capi.klefr_iec_master_options_init
iec_master_open = _capi.klefr_iec_master_open
iec_master_close = _capi.klefr_iec_master_close
MasterStats = _capi.klefr_master_stats
MASTER_GET_STATS = {0: _capi.klefr_modbus_master_get_stats, 1: _capi.klefr_mbus_master_get_stats,
                    2: _capi.klefr_iec_master_get_stats}  # by klefr_protocol
modbus_probe = _capi.klefr_py_modbus_probe
mbus_probe = _capi.klefr_py_mbus_probe
mbus_search = _capi.klefr_py_mbus_search
MBUS_PROBE_FOUND = _capi.KLEFR_MBUS_PROBE_FOUND
MBUS_PROBE_ERROR = _capi.KLEFR_MBUS_PROBE_ERROR
MODBUS_ADDRESS_MAX = _capi.KLEFR_MODBUS_ADDRESS_MAX
MBUS_ADDR_PRIMARY_MAX = _capi.KLEFR_MBUS_ADDR_PRIMARY_MAX

# The meter API
MeterAddress = _capi.klefr_meter_address
meter_open_modbus = _capi.klefr_meter_open_modbus
meter_open_mbus = _capi.klefr_meter_open_mbus
meter_open_iec = _capi.klefr_meter_open_iec
meter_close = _capi.klefr_meter_close
meter_set_password = _capi.klefr_meter_set_password
meter_set_retries = _capi.klefr_meter_set_retries
meter_set_time_scale = _capi.klefr_meter_set_time_scale
meter_can_read = _capi.klefr_meter_can_read
meter_can_write = _capi.klefr_meter_can_write
meter_read = _capi.klefr_meter_read
meter_read_quantities = _capi.klefr_meter_read_quantities
meter_missing = _capi.klefr_meter_missing
meter_last_failure = _capi.klefr_meter_last_failure
meter_write = _capi.klefr_meter_write
meter_reset = _capi.klefr_meter_reset
meter_forget = _capi.klefr_meter_forget
MeterStats = _capi.klefr_meter_stats
meter_get_stats = _capi.klefr_meter_get_stats
Values = _capi.klefr_values
values_items = _capi.klefr_py_values_items
version_string = _capi.klefr_version_string

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
    "Parity": ("KLEFR_PARITY_",),
    "ModbusType": ("KLEFR_MODBUS_TYPE_",),
    "CheckRule": ("KLEFR_CHECK_",),
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


def counters(struct: Any) -> Dict[str, int]:
    """The counters of a SWIG stats struct by name (its int fields)."""
    return {k: getattr(struct, k) for k in dir(type(struct))
            if not k.startswith("_") and k not in ("this", "thisown")
            and isinstance(getattr(struct, k), int)}


def constants() -> Dict[str, int]:
    """Every KLEFR_* integer constant of the C module, by name."""
    return {k: v for k, v in vars(_capi).items() if k.startswith("KLEFR_") and isinstance(v, int)}

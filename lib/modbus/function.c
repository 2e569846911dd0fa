/* SPDX-License-Identifier: MIT */
#include <klefr/modbus.h>

bool klefr_modbus_function_is_supported(uint8_t function)
{
    switch (function) {
    case KLEFR_MODBUS_READ_COILS:
    case KLEFR_MODBUS_READ_DISCRETE_INPUTS:
    case KLEFR_MODBUS_READ_HOLDING_REGISTERS:
    case KLEFR_MODBUS_READ_INPUT_REGISTERS:
    case KLEFR_MODBUS_WRITE_SINGLE_COIL:
    case KLEFR_MODBUS_WRITE_SINGLE_REGISTER:
    case KLEFR_MODBUS_WRITE_MULTIPLE_COILS:
    case KLEFR_MODBUS_WRITE_MULTIPLE_REGISTERS: return true;
    default: return false;
    }
}

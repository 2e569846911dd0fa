/* SPDX-License-Identifier: MIT */
#include <klefr/error.h>

const char *klefr_strerror(klefr_err err)
{
    switch (err) {
    case KLEFR_OK: return "success";
    case KLEFR_EXC_ILLEGAL_FUNCTION: return "Modbus exception 01: illegal function";
    case KLEFR_EXC_ILLEGAL_DATA_ADDRESS: return "Modbus exception 02: illegal data address";
    case KLEFR_EXC_ILLEGAL_DATA_VALUE: return "Modbus exception 03: illegal data value";
    case KLEFR_EXC_SERVER_DEVICE_FAILURE: return "Modbus exception 04: server device failure";
    case KLEFR_EXC_ACKNOWLEDGE: return "Modbus exception 05: acknowledge";
    case KLEFR_EXC_SERVER_DEVICE_BUSY: return "Modbus exception 06: server device busy";
    case KLEFR_EXC_MEMORY_PARITY_ERROR: return "Modbus exception 08: memory parity error";
    case KLEFR_EXC_GATEWAY_PATH_UNAVAILABLE: return "Modbus exception 0A: gateway path unavailable";
    case KLEFR_EXC_GATEWAY_TARGET_FAILED:
        return "Modbus exception 0B: gateway target device failed to respond";
    case KLEFR_ERR_INVALID_ARG: return "invalid argument";
    case KLEFR_ERR_BUFFER_TOO_SMALL: return "output buffer too small";
    case KLEFR_ERR_TRUNCATED: return "input truncated";
    case KLEFR_ERR_CHECKSUM: return "checksum mismatch";
    case KLEFR_ERR_FRAME: return "malformed frame";
    case KLEFR_ERR_UNSUPPORTED: return "not supported";
    case KLEFR_ERR_RANGE: return "value out of range";
    case KLEFR_ERR_NOT_WRITABLE: return "not writable";
    case KLEFR_ERR_NO_SUCH_QUANTITY: return "no such register or quantity";
    case KLEFR_ERR_TIMEOUT: return "no response (timeout)";
    case KLEFR_ERR_IO: return "I/O error";
    case KLEFR_ERR_NO_MEMORY: return "out of memory";
    case KLEFR_ERR_UNEXPECTED: return "response does not match the request";
    case KLEFR_ERR_ENCODING: return "invalid digit or character";
    case KLEFR_ERR_NAK: return "negative acknowledgement (NAK)";
    case KLEFR_ERR_ACCESS_DENIED: return "access denied (password)";
    case KLEFR_ERR_LOCKED: return "locked after too many wrong passwords";
    case KLEFR_ERR_NOT_AVAILABLE: return "not available over this protocol or model";
    case KLEFR_ERR_STATE: return "not valid in the current state";
    case KLEFR_ERR_PARITY: return "parity error";
    case KLEFR_ERR_IMPLAUSIBLE: return "reading contradicts the register model (implausible)";
    case KLEFR_ERR_INCOMPLETE: return "reading incomplete: quantities missing";
    case KLEFR_ERR_TRAILING_DATA: return "more bytes followed the frame before the line was quiet";
    }
    int code = err; /* klefr_err is a short enum on arm-none-eabi */
    if (code > 0 && code < 256)
        return "Modbus exception (unknown code)";
    return "unknown error";
}

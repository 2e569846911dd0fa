/* SPDX-License-Identifier: MIT */
/* Length rules of the Modbus PDUs, shared by the encoders, decoders and the
 * frame detector (internal). */
#ifndef KLEFR_MODBUS_PDU_H
#define KLEFR_MODBUS_PDU_H

#include <klefr/modbus.h>

/* Bytes of an ADU around the PDU: address before, CRC after. */
#define MODBUS_ADU_OVERHEAD 3u

static inline bool modbus_is_read(uint8_t function)
{
    return function >= KLEFR_MODBUS_READ_COILS && function <= KLEFR_MODBUS_READ_INPUT_REGISTERS;
}

static inline bool modbus_is_bit_function(uint8_t function)
{
    return function == KLEFR_MODBUS_READ_COILS || function == KLEFR_MODBUS_READ_DISCRETE_INPUTS ||
           function == KLEFR_MODBUS_WRITE_MULTIPLE_COILS;
}

/* Highest quantity a request of this function may carry (application
 * protocol 6.1-6.12), 0 for functions without a quantity. */
static inline uint16_t modbus_max_quantity(uint8_t function)
{
    switch (function) {
    case KLEFR_MODBUS_READ_COILS:
    case KLEFR_MODBUS_READ_DISCRETE_INPUTS: return KLEFR_MODBUS_MAX_READ_BITS;
    case KLEFR_MODBUS_READ_HOLDING_REGISTERS:
    case KLEFR_MODBUS_READ_INPUT_REGISTERS: return KLEFR_MODBUS_MAX_READ_REGISTERS;
    case KLEFR_MODBUS_WRITE_MULTIPLE_COILS: return KLEFR_MODBUS_MAX_WRITE_BITS;
    case KLEFR_MODBUS_WRITE_MULTIPLE_REGISTERS: return KLEFR_MODBUS_MAX_WRITE_REGISTERS;
    default: return 0;
    }
}

/* Payload bytes for `quantity` items of a function with a quantity. */
static inline size_t modbus_payload_bytes(uint8_t function, uint16_t quantity)
{
    return modbus_is_bit_function(function) ? ((size_t)quantity + 7u) / 8u : (size_t)quantity * 2u;
}

#endif

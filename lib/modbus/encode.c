/* SPDX-License-Identifier: MIT */
/* ADU encoders, master and slave side. Each checks everything first and
 * writes only when the whole ADU fits. */
#include <klefr/modbus.h>

#include <string.h>

#include "common/bytes.h"
#include "modbus/pdu.h"

/* Size check shared by every encoder: sizing pass with buf == NULL. */
static klefr_err reserve(uint8_t *buf, size_t cap, size_t need, size_t *len)
{
    if (len == NULL)
        return KLEFR_ERR_INVALID_ARG;
    *len = need;
    if (buf != NULL && cap < need)
        return KLEFR_ERR_BUFFER_TOO_SMALL;
    return KLEFR_OK;
}

static void put_crc(uint8_t *buf, size_t body_len)
{
    klefr_put_le16(buf + body_len, klefr_modbus_crc16(buf, body_len));
}

/* Address + function + two 16-bit fields + CRC: the 8-byte shape of every
 * read request and of every write echo. */
static void put_fixed8(uint8_t *buf, uint8_t unit, uint8_t function, uint16_t a, uint16_t b)
{
    buf[0] = unit;
    buf[1] = function;
    klefr_put_be16(buf + 2, a);
    klefr_put_be16(buf + 4, b);
    put_crc(buf, 6);
}

static bool quantity_ok(uint8_t function, uint16_t address, uint16_t quantity)
{
    return quantity >= 1 && quantity <= modbus_max_quantity(function) &&
           (uint32_t)address + quantity <= 0x10000u;
}

klefr_err klefr_modbus_request_encode(const klefr_modbus_request *req, uint8_t *buf, size_t cap,
                                      size_t *len)
{
    if (req == NULL || req->unit > KLEFR_MODBUS_ADDRESS_MAX)
        return KLEFR_ERR_INVALID_ARG;
    uint8_t fn = req->function;
    klefr_err err;
    switch (fn) {
    case KLEFR_MODBUS_READ_COILS:
    case KLEFR_MODBUS_READ_DISCRETE_INPUTS:
    case KLEFR_MODBUS_READ_HOLDING_REGISTERS:
    case KLEFR_MODBUS_READ_INPUT_REGISTERS:
        /* A broadcast can only be a write (serial line 2.1). */
        if (req->unit == KLEFR_MODBUS_BROADCAST || !quantity_ok(fn, req->address, req->quantity))
            return KLEFR_ERR_INVALID_ARG;
        if ((err = reserve(buf, cap, 8, len)) != KLEFR_OK || buf == NULL)
            return err;
        put_fixed8(buf, req->unit, fn, req->address, req->quantity);
        return KLEFR_OK;
    case KLEFR_MODBUS_WRITE_SINGLE_COIL:
    case KLEFR_MODBUS_WRITE_SINGLE_REGISTER:
        if (fn == KLEFR_MODBUS_WRITE_SINGLE_COIL && req->value != 0xFF00 && req->value != 0x0000)
            return KLEFR_ERR_INVALID_ARG;
        if ((err = reserve(buf, cap, 8, len)) != KLEFR_OK || buf == NULL)
            return err;
        put_fixed8(buf, req->unit, fn, req->address, req->value);
        return KLEFR_OK;
    case KLEFR_MODBUS_WRITE_MULTIPLE_COILS:
    case KLEFR_MODBUS_WRITE_MULTIPLE_REGISTERS: {
        if (!quantity_ok(fn, req->address, req->quantity) || req->data == NULL ||
            req->data_len != modbus_payload_bytes(fn, req->quantity))
            return KLEFR_ERR_INVALID_ARG;
        size_t body = 7 + req->data_len;
        if ((err = reserve(buf, cap, body + 2, len)) != KLEFR_OK || buf == NULL)
            return err;
        buf[0] = req->unit;
        buf[1] = fn;
        klefr_put_be16(buf + 2, req->address);
        klefr_put_be16(buf + 4, req->quantity);
        buf[6] = (uint8_t)req->data_len;
        memmove(buf + 7, req->data, req->data_len);
        put_crc(buf, body);
        return KLEFR_OK;
    }
    default: return KLEFR_ERR_INVALID_ARG;
    }
}

klefr_err klefr_modbus_read_request_encode(uint8_t unit, uint8_t function, uint16_t address,
                                           uint16_t quantity, uint8_t *buf, size_t cap, size_t *len)
{
    if (!modbus_is_read(function))
        return KLEFR_ERR_INVALID_ARG;
    klefr_modbus_request req = {
        .unit = unit, .function = function, .address = address, .quantity = quantity};
    return klefr_modbus_request_encode(&req, buf, cap, len);
}

klefr_err klefr_modbus_write_single_request_encode(uint8_t unit, uint8_t function, uint16_t address,
                                                   uint16_t value, uint8_t *buf, size_t cap,
                                                   size_t *len)
{
    if (function != KLEFR_MODBUS_WRITE_SINGLE_COIL &&
        function != KLEFR_MODBUS_WRITE_SINGLE_REGISTER)
        return KLEFR_ERR_INVALID_ARG;
    klefr_modbus_request req = {
        .unit = unit, .function = function, .address = address, .value = value};
    return klefr_modbus_request_encode(&req, buf, cap, len);
}

klefr_err klefr_modbus_write_registers_request_encode(uint8_t unit, uint16_t address,
                                                      const uint16_t *regs, uint16_t quantity,
                                                      uint8_t *buf, size_t cap, size_t *len)
{
    const uint8_t fn = KLEFR_MODBUS_WRITE_MULTIPLE_REGISTERS;
    if (regs == NULL || unit > KLEFR_MODBUS_ADDRESS_MAX || !quantity_ok(fn, address, quantity))
        return KLEFR_ERR_INVALID_ARG;
    size_t body = 7 + 2u * quantity;
    klefr_err err = reserve(buf, cap, body + 2, len);
    if (err != KLEFR_OK || buf == NULL)
        return err;
    buf[0] = unit;
    buf[1] = fn;
    klefr_put_be16(buf + 2, address);
    klefr_put_be16(buf + 4, quantity);
    buf[6] = (uint8_t)(2u * quantity);
    for (size_t i = 0; i < quantity; i++)
        klefr_put_be16(buf + 7 + 2 * i, regs[i]);
    put_crc(buf, body);
    return KLEFR_OK;
}

klefr_err klefr_modbus_write_coils_request_encode(uint8_t unit, uint16_t address,
                                                  const uint8_t *bits, uint16_t quantity,
                                                  uint8_t *buf, size_t cap, size_t *len)
{
    const uint8_t fn = KLEFR_MODBUS_WRITE_MULTIPLE_COILS;
    klefr_modbus_request req = {.unit = unit,
                                .function = fn,
                                .address = address,
                                .quantity = quantity,
                                .data = bits,
                                .data_len = modbus_payload_bytes(fn, quantity)};
    return klefr_modbus_request_encode(&req, buf, cap, len);
}

klefr_err klefr_modbus_exception_response_encode(uint8_t unit, uint8_t function, uint8_t code,
                                                 uint8_t *buf, size_t cap, size_t *len)
{
    if (unit == KLEFR_MODBUS_BROADCAST || unit > KLEFR_MODBUS_ADDRESS_MAX || code == 0 ||
        function == 0 || (function & KLEFR_MODBUS_EXCEPTION_BIT) != 0)
        return KLEFR_ERR_INVALID_ARG;
    klefr_err err = reserve(buf, cap, 5, len);
    if (err != KLEFR_OK || buf == NULL)
        return err;
    buf[0] = unit;
    buf[1] = (uint8_t)(function | KLEFR_MODBUS_EXCEPTION_BIT);
    buf[2] = code;
    put_crc(buf, 3);
    return KLEFR_OK;
}

klefr_err klefr_modbus_response_encode(const klefr_modbus_response *resp, uint8_t *buf, size_t cap,
                                       size_t *len)
{
    if (resp == NULL || resp->unit == KLEFR_MODBUS_BROADCAST ||
        resp->unit > KLEFR_MODBUS_ADDRESS_MAX)
        return KLEFR_ERR_INVALID_ARG;
    if (resp->exception != 0)
        return klefr_modbus_exception_response_encode(resp->unit, resp->function, resp->exception,
                                                      buf, cap, len);
    uint8_t fn = resp->function;
    klefr_err err;
    switch (fn) {
    case KLEFR_MODBUS_READ_COILS:
    case KLEFR_MODBUS_READ_DISCRETE_INPUTS:
    case KLEFR_MODBUS_READ_HOLDING_REGISTERS:
    case KLEFR_MODBUS_READ_INPUT_REGISTERS: {
        bool registers = !modbus_is_bit_function(fn);
        if (resp->data == NULL || resp->data_len == 0 || resp->data_len > 250 ||
            (registers && resp->data_len % 2 != 0))
            return KLEFR_ERR_INVALID_ARG;
        size_t body = 3 + resp->data_len;
        if ((err = reserve(buf, cap, body + 2, len)) != KLEFR_OK || buf == NULL)
            return err;
        buf[0] = resp->unit;
        buf[1] = fn;
        buf[2] = (uint8_t)resp->data_len;
        memmove(buf + 3, resp->data, resp->data_len);
        put_crc(buf, body);
        return KLEFR_OK;
    }
    case KLEFR_MODBUS_WRITE_SINGLE_COIL:
    case KLEFR_MODBUS_WRITE_SINGLE_REGISTER:
    case KLEFR_MODBUS_WRITE_MULTIPLE_COILS:
    case KLEFR_MODBUS_WRITE_MULTIPLE_REGISTERS: {
        bool single =
            fn == KLEFR_MODBUS_WRITE_SINGLE_COIL || fn == KLEFR_MODBUS_WRITE_SINGLE_REGISTER;
        if ((err = reserve(buf, cap, 8, len)) != KLEFR_OK || buf == NULL)
            return err;
        put_fixed8(buf, resp->unit, fn, resp->address, single ? resp->value : resp->quantity);
        return KLEFR_OK;
    }
    default: return KLEFR_ERR_INVALID_ARG;
    }
}

klefr_err klefr_modbus_read_registers_response_encode(uint8_t unit, uint8_t function,
                                                      const uint16_t *regs, uint16_t quantity,
                                                      uint8_t *buf, size_t cap, size_t *len)
{
    if (regs == NULL || unit == KLEFR_MODBUS_BROADCAST || unit > KLEFR_MODBUS_ADDRESS_MAX ||
        (function != KLEFR_MODBUS_READ_HOLDING_REGISTERS &&
         function != KLEFR_MODBUS_READ_INPUT_REGISTERS) ||
        quantity == 0 || quantity > KLEFR_MODBUS_MAX_READ_REGISTERS)
        return KLEFR_ERR_INVALID_ARG;
    size_t body = 3 + 2u * quantity;
    klefr_err err = reserve(buf, cap, body + 2, len);
    if (err != KLEFR_OK || buf == NULL)
        return err;
    buf[0] = unit;
    buf[1] = function;
    buf[2] = (uint8_t)(2u * quantity);
    for (size_t i = 0; i < quantity; i++)
        klefr_put_be16(buf + 3 + 2 * i, regs[i]);
    put_crc(buf, body);
    return KLEFR_OK;
}

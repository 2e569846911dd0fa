/* SPDX-License-Identifier: MIT */
/* ADU decoders: requests (slave side) and responses (master side). */
#include <klefr/modbus.h>

#include "common/bytes.h"
#include "modbus/pdu.h"

/* Length and CRC checks common to both directions. */
static klefr_err check_adu(const uint8_t *adu, size_t len, size_t min_len)
{
    if (adu == NULL)
        return KLEFR_ERR_INVALID_ARG;
    if (len < min_len)
        return KLEFR_ERR_TRUNCATED;
    if (len > KLEFR_MODBUS_ADU_MAX)
        return KLEFR_ERR_FRAME;
    if (klefr_modbus_crc16(adu, len - 2) != klefr_get_le16(adu + len - 2))
        return KLEFR_ERR_CHECKSUM;
    return KLEFR_OK;
}

klefr_err klefr_modbus_request_decode(const uint8_t *adu, size_t len, klefr_modbus_request *req)
{
    if (req == NULL)
        return KLEFR_ERR_INVALID_ARG;
    klefr_err err = check_adu(adu, len, KLEFR_MODBUS_ADU_MIN);
    if (err != KLEFR_OK)
        return err;

    klefr_modbus_request r = {.unit = adu[0], .function = adu[1]};
    size_t pdu_len = len - MODBUS_ADU_OVERHEAD;
    if (!klefr_modbus_function_is_supported(r.function)) {
        *req = r;
        return KLEFR_EXC_ILLEGAL_FUNCTION;
    }
    if (pdu_len < 5)
        return KLEFR_ERR_TRUNCATED;
    r.address = klefr_get_be16(adu + 2);
    uint16_t field = klefr_get_be16(adu + 4);
    klefr_err verdict = KLEFR_OK;

    switch (r.function) {
    case KLEFR_MODBUS_WRITE_SINGLE_COIL:
    case KLEFR_MODBUS_WRITE_SINGLE_REGISTER:
        if (pdu_len != 5)
            return KLEFR_ERR_FRAME;
        r.value = field;
        if (r.function == KLEFR_MODBUS_WRITE_SINGLE_COIL && field != 0xFF00 && field != 0x0000)
            verdict = KLEFR_EXC_ILLEGAL_DATA_VALUE;
        break;
    case KLEFR_MODBUS_WRITE_MULTIPLE_COILS:
    case KLEFR_MODBUS_WRITE_MULTIPLE_REGISTERS: {
        if (pdu_len < 6)
            return KLEFR_ERR_TRUNCATED;
        size_t byte_count = adu[6];
        if (pdu_len != 6 + byte_count)
            return pdu_len < 6 + byte_count ? KLEFR_ERR_TRUNCATED : KLEFR_ERR_FRAME;
        r.quantity = field;
        r.data = adu + 7;
        r.data_len = byte_count;
        if (field == 0 || field > modbus_max_quantity(r.function) ||
            byte_count != modbus_payload_bytes(r.function, field))
            verdict = KLEFR_EXC_ILLEGAL_DATA_VALUE;
        break;
    }
    default: /* reads */
        if (pdu_len != 5)
            return KLEFR_ERR_FRAME;
        r.quantity = field;
        if (field == 0 || field > modbus_max_quantity(r.function))
            verdict = KLEFR_EXC_ILLEGAL_DATA_VALUE;
        break;
    }
    *req = r;
    return verdict;
}

/* Does a well-formed response answer this request? */
static bool answers(const klefr_modbus_request *req, const klefr_modbus_response *r)
{
    if (req->unit != r->unit || req->function != r->function)
        return false;
    if (r->exception != 0)
        return true;
    switch (r->function) {
    case KLEFR_MODBUS_WRITE_SINGLE_COIL:
    case KLEFR_MODBUS_WRITE_SINGLE_REGISTER:
        return r->address == req->address && r->value == req->value;
    case KLEFR_MODBUS_WRITE_MULTIPLE_COILS:
    case KLEFR_MODBUS_WRITE_MULTIPLE_REGISTERS:
        return r->address == req->address && r->quantity == req->quantity;
    default: return r->data_len == modbus_payload_bytes(req->function, req->quantity);
    }
}

klefr_err klefr_modbus_response_decode(const klefr_modbus_request *req, const uint8_t *adu,
                                       size_t len, klefr_modbus_response *resp)
{
    if (resp == NULL)
        return KLEFR_ERR_INVALID_ARG;
    /* The shortest response is an exception: address, function, code, CRC. */
    klefr_err err = check_adu(adu, len, 5);
    if (err != KLEFR_OK)
        return err;

    klefr_modbus_response r = {.unit = adu[0], .function = adu[1]};
    if (r.function & KLEFR_MODBUS_EXCEPTION_BIT) {
        if (len != 5 || adu[2] == 0)
            return KLEFR_ERR_FRAME;
        r.function &= (uint8_t)~KLEFR_MODBUS_EXCEPTION_BIT;
        r.exception = adu[2];
    } else if (modbus_is_read(r.function)) {
        size_t byte_count = adu[2];
        if (len != 5 + byte_count)
            return len < 5 + byte_count ? KLEFR_ERR_TRUNCATED : KLEFR_ERR_FRAME;
        if (byte_count == 0 || (!modbus_is_bit_function(r.function) && byte_count % 2 != 0))
            return KLEFR_ERR_FRAME;
        r.data = adu + 3;
        r.data_len = byte_count;
    } else if (klefr_modbus_function_is_supported(r.function)) {
        if (len != 8)
            return len < 8 ? KLEFR_ERR_TRUNCATED : KLEFR_ERR_FRAME;
        r.address = klefr_get_be16(adu + 2);
        uint16_t field = klefr_get_be16(adu + 4);
        if (r.function == KLEFR_MODBUS_WRITE_SINGLE_COIL ||
            r.function == KLEFR_MODBUS_WRITE_SINGLE_REGISTER)
            r.value = field;
        else
            r.quantity = field;
    } else {
        return KLEFR_ERR_UNSUPPORTED;
    }

    if (req != NULL && !answers(req, &r))
        return KLEFR_ERR_UNEXPECTED;
    *resp = r;
    return r.exception != 0 ? (klefr_err)r.exception : KLEFR_OK;
}

uint16_t klefr_modbus_response_register_get(const klefr_modbus_response *resp, size_t index)
{
    if (resp == NULL || resp->data == NULL || index >= resp->data_len / 2)
        return 0;
    return klefr_get_be16(resp->data + 2 * index);
}

klefr_err klefr_modbus_response_registers_get(const klefr_modbus_response *resp, uint16_t *regs,
                                              size_t cap, size_t *count)
{
    if (resp == NULL || count == NULL || (regs == NULL && cap != 0))
        return KLEFR_ERR_INVALID_ARG;
    size_t n = resp->data == NULL ? 0 : resp->data_len / 2;
    *count = n;
    if (cap < n)
        return KLEFR_ERR_BUFFER_TOO_SMALL;
    for (size_t i = 0; i < n; i++)
        regs[i] = klefr_get_be16(resp->data + 2 * i);
    return KLEFR_OK;
}

/* A function 16's registers are there when its byte count is twice its
 * quantity (the decoder fills a request it refused too). Its quantity is
 * then at most 127: a byte count is one byte. */
static bool registers_present(const klefr_modbus_request *req)
{
    return req->data != NULL && req->data_len == 2u * req->quantity;
}

uint16_t klefr_modbus_request_register_get(const klefr_modbus_request *req, size_t index)
{
    if (req == NULL)
        return 0;
    if (req->function == KLEFR_MODBUS_WRITE_SINGLE_REGISTER)
        return index == 0 ? req->value : 0;
    if (req->function != KLEFR_MODBUS_WRITE_MULTIPLE_REGISTERS || !registers_present(req) ||
        index >= req->quantity)
        return 0;
    return klefr_get_be16(req->data + 2 * index);
}

klefr_err klefr_modbus_request_registers_get(const klefr_modbus_request *req, uint16_t *regs,
                                             size_t cap, size_t *count)
{
    if (req == NULL || count == NULL || (regs == NULL && cap != 0))
        return KLEFR_ERR_INVALID_ARG;
    size_t n = 0;
    if (req->function == KLEFR_MODBUS_WRITE_SINGLE_REGISTER) {
        n = 1;
    } else if (req->function == KLEFR_MODBUS_WRITE_MULTIPLE_REGISTERS) {
        if (!registers_present(req))
            return KLEFR_ERR_FRAME;
        n = req->quantity;
    }
    *count = n;
    if (cap < n)
        return KLEFR_ERR_BUFFER_TOO_SMALL;
    if (req->function == KLEFR_MODBUS_WRITE_SINGLE_REGISTER)
        regs[0] = req->value;
    else
        for (size_t i = 0; i < n; i++)
            regs[i] = klefr_get_be16(req->data + 2 * i);
    return KLEFR_OK;
}

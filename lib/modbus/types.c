/* SPDX-License-Identifier: MIT */
/* The data types of the KLEFR Modbus map (SPEC section 4). */
#include <klefr/bcd.h>
#include <klefr/modbus.h>

#include <string.h>

float klefr_modbus_float_decode(const uint16_t regs[2])
{
    uint32_t bits = (uint32_t)regs[0] << 16 | regs[1];
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

void klefr_modbus_float_encode(float value, uint16_t regs[2])
{
    uint32_t bits;
    memcpy(&bits, &value, sizeof bits);
    regs[0] = (uint16_t)(bits >> 16);
    regs[1] = (uint16_t)bits;
}

int16_t klefr_modbus_signed_decode(uint16_t reg)
{
    /* Two's complement on every target we build for; done without an
     * implementation-defined conversion. */
    return reg < 0x8000u ? (int16_t)reg : (int16_t)(-(int32_t)(0x10000u - reg));
}

klefr_err klefr_modbus_hex_decode(const uint16_t *regs, size_t count, uint32_t *out)
{
    if (regs == NULL || out == NULL || count < 1 || count > 2)
        return KLEFR_ERR_INVALID_ARG;
    uint64_t bcd = count == 2 ? (uint64_t)regs[0] << 16 | regs[1] : regs[0];
    uint64_t value;
    klefr_err err = klefr_bcd_unpack(bcd, (unsigned)(4 * count), &value);
    if (err == KLEFR_OK)
        *out = (uint32_t)value;
    return err;
}

klefr_err klefr_modbus_hex_encode(uint32_t value, uint16_t *regs, size_t count)
{
    if (regs == NULL || count < 1 || count > 2)
        return KLEFR_ERR_INVALID_ARG;
    uint64_t bcd;
    klefr_err err = klefr_bcd_pack(value, (unsigned)(4 * count), &bcd);
    if (err != KLEFR_OK)
        return err;
    if (count == 2) {
        regs[0] = (uint16_t)(bcd >> 16);
        regs[1] = (uint16_t)bcd;
    } else {
        regs[0] = (uint16_t)bcd;
    }
    return KLEFR_OK;
}

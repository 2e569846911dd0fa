/* SPDX-License-Identifier: MIT */
#include <klefr/bcd.h>

#include <stddef.h>

klefr_err klefr_bcd_pack(uint64_t value, unsigned digits, uint64_t *out)
{
    if (out == NULL || digits == 0 || digits > 16)
        return KLEFR_ERR_INVALID_ARG;
    uint64_t bcd = 0;
    for (unsigned i = 0; i < digits; i++) {
        bcd |= (value % 10) << (4 * i);
        value /= 10;
    }
    if (value != 0)
        return KLEFR_ERR_RANGE;
    *out = bcd;
    return KLEFR_OK;
}

klefr_err klefr_bcd_unpack(uint64_t bcd, unsigned digits, uint64_t *out)
{
    if (out == NULL || digits == 0 || digits > 16)
        return KLEFR_ERR_INVALID_ARG;
    uint64_t value = 0;
    for (unsigned i = digits; i-- > 0;) {
        unsigned nibble = (unsigned)(bcd >> (4 * i)) & 0xFu;
        if (nibble > 9)
            return KLEFR_ERR_ENCODING;
        value = value * 10 + nibble;
    }
    *out = value;
    return KLEFR_OK;
}

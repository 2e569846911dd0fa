/* SPDX-License-Identifier: MIT */
/* Block check character and 7E1 parity (IEC 62056-21, 6.3.2 and 6.1). */
#include <klefr/iec62056.h>

uint8_t klefr_iec_bcc(const uint8_t *data, size_t len)
{
    uint8_t bcc = 0;
    for (size_t i = 0; i < len; i++)
        bcc ^= data[i];
    return bcc;
}

klefr_err klefr_iec_bcc_decode(const uint8_t *buf, size_t len, klefr_checksum *out)
{
    if (buf == NULL || out == NULL)
        return KLEFR_ERR_INVALID_ARG;
    /* Start, at least the end character, then the BCC. */
    if (len < 3 || (buf[0] != KLEFR_IEC_SOH && buf[0] != KLEFR_IEC_STX) ||
        (buf[len - 2] != KLEFR_IEC_ETX && buf[len - 2] != KLEFR_IEC_EOT))
        return KLEFR_ERR_FRAME;
    *out = (klefr_checksum){.received = buf[len - 1],
                            .computed = klefr_iec_bcc(buf + 1, len - 2),
                            .offset = len - 1,
                            .size = 1};
    return out->received == out->computed ? KLEFR_OK : KLEFR_ERR_CHECKSUM;
}

/* Even parity over the 7 data bits: the parity bit makes the count of ones
 * in all 8 bits even. */
static uint8_t ones_odd(uint8_t c)
{
    c &= 0x7Fu;
    c ^= (uint8_t)(c >> 4);
    c ^= (uint8_t)(c >> 2);
    c ^= (uint8_t)(c >> 1);
    return c & 1u;
}

uint8_t klefr_iec_parity_add(uint8_t c)
{
    c &= 0x7Fu;
    return (uint8_t)(c | (ones_odd(c) << 7));
}

klefr_err klefr_iec_parity_strip(uint8_t byte, uint8_t *out)
{
    if (out == NULL)
        return KLEFR_ERR_INVALID_ARG;
    if (ones_odd(byte) != (byte >> 7))
        return KLEFR_ERR_PARITY;
    *out = byte & 0x7Fu;
    return KLEFR_OK;
}

void klefr_iec_parity_add_buf(uint8_t *buf, size_t len)
{
    for (size_t i = 0; buf != NULL && i < len; i++)
        buf[i] = klefr_iec_parity_add(buf[i]);
}

klefr_err klefr_iec_parity_strip_buf(uint8_t *buf, size_t len, size_t *bad_index)
{
    if (buf == NULL && len > 0)
        return KLEFR_ERR_INVALID_ARG;
    for (size_t i = 0; i < len; i++) {
        if (klefr_iec_parity_strip(buf[i], &buf[i]) != KLEFR_OK) {
            if (bad_index != NULL)
                *bad_index = i;
            return KLEFR_ERR_PARITY;
        }
    }
    return KLEFR_OK;
}

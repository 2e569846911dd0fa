/* SPDX-License-Identifier: MIT */
/* Baud rate characters of the identification and option select
 * (IEC 62056-21, 6.3.14 items 13-14). */
#include <klefr/iec62056.h>

/* Mode C/E '0'..'6' and mode B 'A'..'F' map onto the same rates, shifted
 * by one: mode B has no 300 (the sign-on rate). */
static const uint32_t rates[] = {300u, 600u, 1200u, 2400u, 4800u, 9600u, 19200u};
#define RATE_COUNT (sizeof rates / sizeof rates[0])

klefr_err klefr_iec_baud_char_decode(klefr_iec_mode mode, char c, uint32_t *baud)
{
    if (baud == NULL)
        return KLEFR_ERR_INVALID_ARG;
    switch (mode) {
    case KLEFR_IEC_MODE_A: *baud = 300u; return KLEFR_OK;
    case KLEFR_IEC_MODE_D: *baud = 2400u; return KLEFR_OK;
    case KLEFR_IEC_MODE_B:
        if (c >= 'A' && c <= 'F') {
            *baud = rates[c - 'A' + 1];
            return KLEFR_OK;
        }
        return (c >= 'G' && c <= 'I') ? KLEFR_ERR_UNSUPPORTED : KLEFR_ERR_ENCODING;
    case KLEFR_IEC_MODE_C:
    case KLEFR_IEC_MODE_E:
        if (c >= '0' && c <= '6') {
            *baud = rates[c - '0'];
            return KLEFR_OK;
        }
        return (c >= '7' && c <= '9') ? KLEFR_ERR_UNSUPPORTED : KLEFR_ERR_ENCODING;
    }
    return KLEFR_ERR_INVALID_ARG;
}

klefr_err klefr_iec_baud_char_encode(klefr_iec_mode mode, uint32_t baud, char *out)
{
    if (out == NULL)
        return KLEFR_ERR_INVALID_ARG;
    if (mode != KLEFR_IEC_MODE_B && mode != KLEFR_IEC_MODE_C && mode != KLEFR_IEC_MODE_E)
        return KLEFR_ERR_INVALID_ARG;
    for (size_t i = 0; i < RATE_COUNT; i++) {
        if (rates[i] != baud)
            continue;
        if (mode == KLEFR_IEC_MODE_B) {
            if (i == 0)
                return KLEFR_ERR_RANGE;
            *out = (char)('A' + (i - 1));
        } else {
            *out = (char)('0' + i);
        }
        return KLEFR_OK;
    }
    return KLEFR_ERR_RANGE;
}

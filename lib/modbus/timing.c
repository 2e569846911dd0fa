/* SPDX-License-Identifier: MIT */
#include <klefr/modbus.h>

/* Serial line spec 2.5.1.1: above 19200 baud the silences are fixed, so
 * fast lines do not need microsecond timers. */
#define FIXED_ABOVE_BAUD 19200u
#define FIXED_T15_US 750u
#define FIXED_T35_US 1750u

klefr_err klefr_modbus_timing_get(const klefr_line *line, klefr_modbus_timing *out)
{
    if (line == NULL || out == NULL || line->baud == 0)
        return KLEFR_ERR_INVALID_ARG;
    uint64_t bits = klefr_line_bits_per_char(line);
    out->char_us = klefr_line_char_time_us(line);
    if (line->baud > FIXED_ABOVE_BAUD) {
        out->t15_us = FIXED_T15_US;
        out->t35_us = FIXED_T35_US;
    } else {
        /* 1.5 and 3.5 characters, rounded up, from the exact bit time. */
        out->t15_us = (uint32_t)((bits * 1500000u + line->baud - 1) / line->baud);
        out->t35_us = (uint32_t)((bits * 3500000u + line->baud - 1) / line->baud);
    }
    return KLEFR_OK;
}

/* SPDX-License-Identifier: MIT */
#include <klefr/line.h>

#include <stddef.h>

unsigned klefr_line_bits_per_char(const klefr_line *line)
{
    if (line == NULL)
        return 0;
    return 1u + line->data_bits + (line->parity != KLEFR_PARITY_NONE ? 1u : 0u) + line->stop_bits;
}

uint32_t klefr_line_char_time_us(const klefr_line *line)
{
    if (line == NULL || line->baud == 0)
        return 0;
    uint64_t bits_us = (uint64_t)klefr_line_bits_per_char(line) * 1000000u;
    return (uint32_t)((bits_us + line->baud - 1) / line->baud);
}

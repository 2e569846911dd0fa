/* SPDX-License-Identifier: MIT */
/* Date and time types of EN 13757-3:2013 annex A: G (16-bit date),
 * J (24-bit time of day), F (32-bit date and time), I (48-bit date and
 * time with seconds, weekday and week). The 7-bit year is split in two:
 * its low 3 bits sit above the day, its high 4 bits above the month. */
#include "mbus/datetime.h"

/* Type F/I hundred-year bits are 0 on meters older than the 2013 edition:
 * then years 81-99 are 1981-1999 and 0-80 are 2000-2080. */
static uint16_t full_year(unsigned y, unsigned hundreds)
{
    if (hundreds == 0)
        return (uint16_t)(y <= 80 ? 2000 + y : 1900 + y);
    return (uint16_t)(1900 + 100 * hundreds + y);
}

static klefr_err split_year(uint16_t year, bool with_hundreds, unsigned *y, unsigned *hundreds)
{
    if (year >= 1981 && year <= 2080) {
        *y = year % 100;
        *hundreds = 0;
        return KLEFR_OK;
    }
    if (!with_hundreds || year < 2081 || year > 2299)
        return KLEFR_ERR_RANGE;
    *y = year % 100;
    *hundreds = (unsigned)(year - 1900) / 100;
    return KLEFR_OK;
}

static unsigned year_bits(uint8_t day_byte, uint8_t month_byte)
{
    return (unsigned)(day_byte >> 5) | (unsigned)(month_byte & 0xF0u) >> 1;
}

klefr_err klefr_mbus_datetime_decode(const uint8_t *p, size_t n, klefr_mbus_datetime *out)
{
    klefr_mbus_datetime dt = {0};
    switch (n) {
    case 2: /* G */
        dt.type = 'G';
        dt.day = p[0] & 0x1Fu;
        dt.month = p[1] & 0x0Fu;
        dt.year = full_year(year_bits(p[0], p[1]), 0);
        break;
    case 3: /* J */
        dt.type = 'J';
        dt.second = p[0] & 0x3Fu;
        dt.minute = p[1] & 0x3Fu;
        dt.hour = p[2] & 0x1Fu;
        break;
    case 4: /* F */
        dt.type = 'F';
        dt.minute = p[0] & 0x3Fu;
        dt.invalid = (p[0] & 0x80u) != 0;
        dt.hour = p[1] & 0x1Fu;
        dt.summer_time = (p[1] & 0x80u) != 0;
        dt.day = p[2] & 0x1Fu;
        dt.month = p[3] & 0x0Fu;
        dt.year = full_year(year_bits(p[2], p[3]), (p[1] >> 5) & 3u);
        break;
    case 6: /* I */
        dt.type = 'I';
        dt.second = p[0] & 0x3Fu;
        dt.minute = p[1] & 0x3Fu;
        dt.summer_time = (p[1] & 0x40u) != 0;
        dt.invalid = (p[1] & 0x80u) != 0;
        dt.hour = p[2] & 0x1Fu;
        dt.weekday = (uint8_t)(p[2] >> 5);
        dt.day = p[3] & 0x1Fu;
        dt.month = p[4] & 0x0Fu;
        dt.year = full_year(year_bits(p[3], p[4]), 0);
        dt.week = p[5] & 0x3Fu;
        break;
    default: return KLEFR_ERR_UNSUPPORTED;
    }
    *out = dt;
    return KLEFR_OK;
}

klefr_err klefr_mbus_datetime_encode(const klefr_mbus_datetime *dt, uint8_t *p, size_t n)
{
    unsigned y = 0, hundreds = 0;
    bool has_date = n != 3;
    if (has_date) {
        if (split_year(dt->year, n == 4, &y, &hundreds) != KLEFR_OK || dt->month < 1 ||
            dt->month > 12 || dt->day < 1 || dt->day > 31)
            return KLEFR_ERR_RANGE;
    }
    if (dt->hour > 23 || dt->minute > 59 || dt->second > 59 || dt->weekday > 7 || dt->week > 53)
        return KLEFR_ERR_RANGE;
    uint8_t day_byte = (uint8_t)(dt->day | (y & 7u) << 5);
    uint8_t month_byte = (uint8_t)(dt->month | (y >> 3) << 4);
    switch (n) {
    case 2:
        p[0] = day_byte;
        p[1] = month_byte;
        break;
    case 3:
        p[0] = dt->second;
        p[1] = dt->minute;
        p[2] = dt->hour;
        break;
    case 4:
        p[0] = (uint8_t)(dt->minute | (dt->invalid ? 0x80u : 0u));
        p[1] = (uint8_t)(dt->hour | hundreds << 5 | (dt->summer_time ? 0x80u : 0u));
        p[2] = day_byte;
        p[3] = month_byte;
        break;
    case 6:
        p[0] = dt->second;
        p[1] = (uint8_t)(dt->minute | (dt->summer_time ? 0x40u : 0u) | (dt->invalid ? 0x80u : 0u));
        p[2] = (uint8_t)(dt->hour | dt->weekday << 5);
        p[3] = day_byte;
        p[4] = month_byte;
        p[5] = dt->week;
        break;
    default: return KLEFR_ERR_UNSUPPORTED;
    }
    return KLEFR_OK;
}

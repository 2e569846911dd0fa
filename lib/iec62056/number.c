/* SPDX-License-Identifier: MIT */
/* Decimal fixed-point text of data set values, without printf or libm:
 * the core must build freestanding for a Cortex-M3. */
#include <klefr/iec62056.h>

#define MAX_DIGITS 18u

#ifndef KLEFR_VALUES_FIXED
static const double pow10_tab[] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,
    1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
};
#endif

klefr_err klefr_iec_value_parse(const char *s, size_t len, klefr_number *out)
{
    if ((s == NULL && len > 0) || out == NULL)
        return KLEFR_ERR_INVALID_ARG;
    size_t i = 0;
    bool negative = false;
    if (i < len && (s[i] == '+' || s[i] == '-'))
        negative = s[i++] == '-';
    uint64_t mantissa = 0;
    unsigned digits = 0, decimals = 0;
    bool point = false, any = false;
    for (; i < len; i++) {
        char c = s[i];
        if (c == '.') {
            if (point)
                return KLEFR_ERR_ENCODING;
            point = true;
            continue;
        }
        if (c < '0' || c > '9')
            return KLEFR_ERR_ENCODING;
        any = true;
        /* Leading zeros ("000123.4") do not count as significant. */
        if (mantissa != 0 || c != '0') {
            if (++digits > MAX_DIGITS)
                return KLEFR_ERR_RANGE;
        }
        mantissa = mantissa * 10u + (uint64_t)(c - '0');
        if (point)
            decimals++;
        if (decimals > MAX_DIGITS)
            return KLEFR_ERR_RANGE;
    }
    if (!any)
        return KLEFR_ERR_ENCODING;
#ifdef KLEFR_VALUES_FIXED
    /* Millionths: exact up to 6 decimals, below rounded half away from
     * zero; a mantissa beyond the number's range is refused. */
    if (decimals <= KLEFR_NUMBER_DECIMALS) {
        uint64_t limit = (uint64_t)INT64_MAX;
        for (unsigned k = decimals; k < KLEFR_NUMBER_DECIMALS; k++)
            limit /= 10u;
        if (mantissa > limit)
            return KLEFR_ERR_RANGE;
    }
    klefr_number v = klefr_number_from_int((int64_t)mantissa, -(int)decimals);
#else
    /* Up to 15 digits both operands are exact and the one division gives
     * the correctly rounded double; longer mantissas round once more. */
    double v = (double)mantissa / pow10_tab[decimals];
#endif
    *out = negative ? -v : v;
    return KLEFR_OK;
}

klefr_err klefr_iec_value_format(klefr_number value, unsigned decimals, unsigned min_int_digits,
                                 char *buf, size_t cap, size_t *len)
{
    if (len == NULL || decimals > 9u || min_int_digits > MAX_DIGITS)
        return KLEFR_ERR_INVALID_ARG;
    if (min_int_digits == 0)
        min_int_digits = 1;
#ifdef KLEFR_VALUES_FIXED
    bool negative = value < 0;
    int64_t whole;
    if (klefr_number_to_int(negative ? -value : value, -(int)decimals, &whole) != KLEFR_OK)
        return KLEFR_ERR_RANGE;
    uint64_t scaled = (uint64_t)whole;
#else
    if (value != value)
        return KLEFR_ERR_RANGE;
    bool negative = value < 0;
    double mag = (negative ? -value : value) * pow10_tab[decimals] + 0.5;
    if (!(mag < 1e18))
        return KLEFR_ERR_RANGE;
    uint64_t scaled = (uint64_t)mag;
#endif
    if (scaled == 0)
        negative = false; /* no "-0.00" */

    char digits[MAX_DIGITS + 9u + 1u]; /* integer padding + decimals */
    unsigned n = 0;
    do {
        digits[n++] = (char)('0' + scaled % 10u);
        scaled /= 10u;
    } while (scaled != 0);
    while (n < decimals + min_int_digits)
        digits[n++] = '0';

    size_t need = (negative ? 1u : 0u) + n + (decimals > 0 ? 1u : 0u);
    *len = need;
    if (buf == NULL)
        return KLEFR_OK;
    if (cap < need)
        return KLEFR_ERR_BUFFER_TOO_SMALL;
    size_t o = 0;
    if (negative)
        buf[o++] = '-';
    while (n > 0) {
        if (n == decimals && decimals > 0)
            buf[o++] = '.';
        buf[o++] = digits[--n];
    }
    return KLEFR_OK;
}

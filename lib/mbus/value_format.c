/* SPDX-License-Identifier: MIT */
/* Exact decimal text of a record's value: the integer and the power of ten
 * the meter sent, written out digit by digit with no floating point, so a
 * 12-digit BCD counter keeps all its digits and 1604810 x 10^-3 reads
 * 1604.810 (the resolution the meter sent). */
#include <klefr/mbus_records.h>

/* Digits of @p mag, least significant first; returns how many. */
static size_t digits_of(uint64_t mag, char digits[20])
{
    size_t n = 0;
    do {
        digits[n++] = (char)('0' + mag % 10u);
        mag /= 10u;
    } while (mag != 0);
    return n;
}

/* Length of the text, without the NUL. */
static size_t text_length(bool negative, size_t nd, long exp, bool zero)
{
    size_t sign = negative ? 1u : 0u;
    if (exp >= 0)
        return zero ? 1u : sign + nd + (size_t)exp;
    size_t frac = (size_t)-exp;
    if (nd > frac)
        return sign + nd + 1u; /* the point inside the digits */
    return sign + 2u + frac;   /* "0." and the fraction */
}

klefr_err klefr_mbus_value_format(const klefr_mbus_value *value, char *out, size_t cap, size_t *len)
{
    if (value == NULL || (out == NULL && cap > 0))
        return KLEFR_ERR_INVALID_ARG;
    if (cap > 0)
        out[0] = '\0';
    if (value->type != KLEFR_MBUS_VALUE_INTEGER)
        return KLEFR_ERR_UNSUPPORTED;
    bool negative = value->integer < 0;
    uint64_t mag = negative ? (uint64_t)0 - (uint64_t)value->integer : (uint64_t)value->integer;
    char digits[20];
    size_t nd = digits_of(mag, digits);
    long exp = value->exponent;
    size_t total = text_length(negative, nd, exp, mag == 0);
    if (len != NULL)
        *len = total;
    if (cap < total + 1u)
        return KLEFR_ERR_BUFFER_TOO_SMALL;

    size_t at = 0;
    if (negative)
        out[at++] = '-';
    if (exp >= 0) {
        for (size_t i = nd; i-- > 0;)
            out[at++] = digits[i];
        for (long i = 0; mag != 0 && i < exp; i++)
            out[at++] = '0';
    } else {
        size_t frac = (size_t)-exp;
        size_t lead = nd > frac ? 0u : frac - nd; /* zeros after the point */
        if (nd <= frac) {
            out[at++] = '0';
            out[at++] = '.';
            for (size_t i = 0; i < lead; i++)
                out[at++] = '0';
        }
        for (size_t i = nd; i-- > 0;) {
            out[at++] = digits[i];
            if (i == frac && nd > frac)
                out[at++] = '.';
        }
    }
    out[at] = '\0';
    return KLEFR_OK;
}

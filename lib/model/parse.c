/* SPDX-License-Identifier: MIT */
/* Exact parsing of a quantity's value text: the decimal number is taken
 * digit by digit, never through strtod, so that 1e-400 is not silently 0
 * and 0.015 is not silently 0.01 (issue 11). */
#include <klefr/model.h>

#include <stdint.h>

/* Whole resolution units a value may have: 15 significant digits keep
 * every unit count exact in a double (below 2^53). */
#define MAX_UNIT_DIGITS 15
/* An exponent beyond this is out of every range; parsing saturates here. */
#define EXPONENT_CAP 100000L

typedef struct decimal {
    bool negative;
    uint64_t digits;  /* significant digits, at most MAX_UNIT_DIGITS + 1 kept */
    unsigned ndigits; /* significant digits seen (leading zeros dropped) */
    bool lost;        /* a non-zero digit beyond what `digits` keeps */
    long exponent;    /* value = digits x 10^exponent */
} decimal;

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static void add_digit(decimal *d, char c)
{
    unsigned v = (unsigned)(c - '0');
    if (d->ndigits == 0 && v == 0)
        return; /* leading zero */
    d->ndigits++;
    if (d->ndigits <= MAX_UNIT_DIGITS + 1) {
        d->digits = d->digits * 10u + v;
    } else {
        /* Beyond the digits kept: the value is ten times larger, and a
         * non-zero digit here cannot be represented. */
        d->exponent++;
        d->lost = d->lost || v != 0;
    }
}

static bool parse_exponent(const char *s, size_t len, size_t *i, long *out)
{
    bool negative = false;
    if (*i < len && (s[*i] == '+' || s[*i] == '-'))
        negative = s[(*i)++] == '-';
    if (*i >= len || !is_digit(s[*i]))
        return false;
    long e = 0;
    for (; *i < len && is_digit(s[*i]); (*i)++)
        if (e < EXPONENT_CAP)
            e = e * 10 + (s[*i] - '0');
    *out = negative ? -e : e;
    return true;
}

/* [+-] digits [. digits] [e [+-] digits], at least one mantissa digit. */
static klefr_err parse_decimal(const char *s, size_t len, decimal *d)
{
    size_t i = 0;
    bool any = false;
    *d = (decimal){0};
    if (i < len && (s[i] == '+' || s[i] == '-'))
        d->negative = s[i++] == '-';
    for (; i < len && is_digit(s[i]); i++, any = true)
        add_digit(d, s[i]);
    if (i < len && s[i] == '.') {
        for (i++; i < len && is_digit(s[i]); i++, any = true) {
            add_digit(d, s[i]);
            d->exponent--;
        }
    }
    if (!any)
        return KLEFR_ERR_ENCODING;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        long e;
        if (!parse_exponent(s, len, &i, &e))
            return KLEFR_ERR_ENCODING;
        d->exponent += e;
    }
    return i == len ? KLEFR_OK : KLEFR_ERR_ENCODING;
}

/* Digits after the point the quantity's value can hold: none for whole
 * numbers, else the decimals its IEC data set carries (the finest any
 * protocol keeps exactly: M-Bus and the firmware use the same). */
static unsigned decimals_of(const klefr_quantity_info *row)
{
    if (row->flags & KLEFR_QF_INTEGER)
        return 0;
    return row->iec.address != NULL ? row->iec.decimals : 0;
}

klefr_err klefr_quantity_parse(klefr_quantity q, const char *text, size_t len, double *out)
{
    const klefr_quantity_info *row = klefr_quantity_get(q);
    if (row == NULL || out == NULL || (text == NULL && len > 0))
        return KLEFR_ERR_INVALID_ARG;
    decimal d;
    klefr_err err = parse_decimal(text, len, &d);
    if (err != KLEFR_OK)
        return err;
    if (d.lost)
        return KLEFR_ERR_RANGE;
    if (d.digits == 0) {
        *out = 0.0;
        return KLEFR_OK;
    }
    /* Trailing zeros only move the exponent: 25.000 is 25. */
    while (d.digits % 10u == 0) {
        d.digits /= 10u;
        d.exponent++;
    }
    long decimals = (long)decimals_of(row);
    long shift = d.exponent + decimals; /* value in resolution units = digits x 10^shift */
    if (shift < 0)
        return KLEFR_ERR_RANGE; /* finer than the quantity can hold */
    unsigned significant = 0;
    for (uint64_t v = d.digits; v != 0; v /= 10u)
        significant++;
    if ((long)significant + shift > MAX_UNIT_DIGITS)
        return KLEFR_ERR_RANGE;
    uint64_t units = d.digits;
    for (long i = 0; i < shift; i++)
        units *= 10u;
    double scale = 1.0;
    for (long i = 0; i < decimals; i++)
        scale *= 10.0;
    /* Both operands are exact doubles: the quotient is correctly rounded,
     * the same double as the literal "0.01" gives. */
    double v = (double)units / scale;
    *out = d.negative ? -v : v;
    return KLEFR_OK;
}

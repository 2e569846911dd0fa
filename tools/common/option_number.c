/* SPDX-License-Identifier: MIT */
/* Plain decimal numbers in command-line options (option_number.h). */
#include "option_number.h"

#include <stdlib.h>
#include <string.h>

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

bool option_whole(const char *text, long lo, long hi, long *out)
{
    if (text == NULL || *text == '\0' || strlen(text) > 12)
        return false;
    for (const char *p = text; *p != '\0'; p++)
        if (!is_digit(*p))
            return false;
    long v = strtol(text, NULL, 10);
    if (v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

bool option_decimal(const char *text, double lo, double hi, double *out)
{
    if (text == NULL || strlen(text) > 24)
        return false;
    size_t digits = 0, points = 0;
    for (const char *p = text; *p != '\0'; p++) {
        if (is_digit(*p))
            digits++;
        else if (*p == '.' && points == 0)
            points++;
        else
            return false;
    }
    if (digits == 0)
        return false;
    /* Only digits and one point remain: strtod reads them as decimal. */
    double v = strtod(text, NULL);
    if (!(v >= lo && v <= hi))
        return false;
    *out = v;
    return true;
}

bool option_digits(const char *text, guint64 max, guint64 *out)
{
    if (text == NULL || *text == '\0')
        return false;
    for (const char *p = text; *p != '\0'; p++)
        if (!is_digit(*p))
            return false;
    return g_ascii_string_to_unsigned(text, 10, 0, max, out, NULL);
}

/* SPDX-License-Identifier: MIT */
/* Names of enumerated values (value_names.h). */
#include "value_names.h"

#include <glib.h>

typedef struct value_name_row {
    klefr_quantity q;
    double value;
    const char *text;
} value_name_row;

/* Manual 7.11 (calculation codes), A3.2 (parity), SPEC 7 (backlight). */
static const value_name_row rows[] = {
    {KLEFR_Q_PARITY, 1, "even"},
    {KLEFR_Q_PARITY, 2, "none"},
    {KLEFR_Q_PARITY, 3, "odd"},
    {KLEFR_Q_BACKLIGHT, 0, "off"},
    {KLEFR_Q_BACKLIGHT, 1, "on"},
    {KLEFR_Q_BACKLIGHT, 2, "button"},
    {KLEFR_Q_CURRENT_DIRECTION, 70, "forward"},
    {KLEFR_Q_CURRENT_DIRECTION, 82, "reverse"},
    {KLEFR_Q_CALCULATION_CODE, 1, "01 F"},
    {KLEFR_Q_CALCULATION_CODE, 4, "04 R"},
    {KLEFR_Q_CALCULATION_CODE, 5, "05 F+R"},
    {KLEFR_Q_CALCULATION_CODE, 6, "06 R-F"},
    {KLEFR_Q_CALCULATION_CODE, 9, "09 F-R"},
    {KLEFR_Q_CALCULATION_CODE, 10, "10 F-R"},
};

const char *value_name(klefr_quantity q, double v)
{
    for (size_t i = 0; i < G_N_ELEMENTS(rows); i++)
        if (rows[i].q == q && rows[i].value == v)
            return rows[i].text;
    return NULL;
}

size_t value_names(klefr_quantity q, const char **names, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < G_N_ELEMENTS(rows); i++)
        if (rows[i].q == q) {
            if (n < cap)
                names[n] = rows[i].text;
            n++;
        }
    return n;
}

bool value_by_name(klefr_quantity q, const char *name, double *out)
{
    for (size_t i = 0; i < G_N_ELEMENTS(rows); i++)
        if (rows[i].q == q && g_ascii_strcasecmp(rows[i].text, name) == 0) {
            *out = rows[i].value;
            return true;
        }
    return false;
}

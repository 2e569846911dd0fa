/* SPDX-License-Identifier: MIT */
/* The register model as the gateway presents it: numbers at the meter's
 * resolution, the names of enumerated values, which settings are offered
 * for writing from MQTT, and how a write's outcome is reported. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gateway.h"

void gw_number(klefr_quantity q, double v, char *buf, size_t cap)
{
    const klefr_quantity_info *row = klefr_quantity_get(q);
    if (row == NULL || !isfinite(v)) {
        g_strlcpy(buf, "null", cap);
        return;
    }
    /* One digit more than the meter's own resolution, trailing zeros
     * dropped: a float register's 230.100006 is 230.1 (as `klefr read`). */
    int decimals = (row->flags & KLEFR_QF_INTEGER) ? 0
                   : row->iec.address != NULL      ? row->iec.decimals
                                                   : 3;
    char fmt[16];
    g_snprintf(fmt, sizeof fmt, "%%.%df", decimals > 0 ? decimals + 1 : 0);
    g_ascii_formatd(buf, (int)cap, fmt, v);
    if (strchr(buf, '.') != NULL) {
        size_t n = strlen(buf);
        while (n > 0 && buf[n - 1] == '0')
            buf[--n] = '\0';
        if (n > 0 && buf[n - 1] == '.')
            buf[--n] = '\0';
    }
    if (strcmp(buf, "-0") == 0)
        g_strlcpy(buf, "0", cap);
}

typedef struct enum_name {
    klefr_quantity q;
    double value;
    const char *text;
} enum_name;

/* Manual 7.11 (calculation codes), A3.2 (parity), SPEC 7 (backlight). */
static const enum_name enum_names[] = {
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

const char *gw_enum_text(klefr_quantity q, double v)
{
    for (size_t i = 0; i < G_N_ELEMENTS(enum_names); i++)
        if (enum_names[i].q == q && enum_names[i].value == v)
            return enum_names[i].text;
    return NULL;
}

size_t gw_enum_names(klefr_quantity q, const char **names, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < G_N_ELEMENTS(enum_names); i++)
        if (enum_names[i].q == q) {
            if (n < cap)
                names[n] = enum_names[i].text;
            n++;
        }
    return n;
}

bool gw_parse_value(klefr_quantity q, const char *text, double *out)
{
    char *t = g_strstrip(g_strdup(text));
    bool ok = false;
    for (size_t i = 0; i < G_N_ELEMENTS(enum_names) && !ok; i++) {
        if (enum_names[i].q == q && g_ascii_strcasecmp(enum_names[i].text, t) == 0) {
            *out = enum_names[i].value;
            ok = true;
        }
    }
    /* Exactly, by the register model: 1e-400 is refused, not written as 0. */
    if (!ok && *t != '\0')
        ok = klefr_quantity_parse(q, t, strlen(t), out) == KLEFR_OK;
    g_free(t);
    return ok;
}

bool gw_offer_write(klefr_protocol p, klefr_model model, klefr_quantity q, bool have_password)
{
    /* The address and the line settings are the gateway's own
     * configuration: changing them from MQTT would lose the meter. The
     * LCD password is not published at all. */
    switch (q) {
    case KLEFR_Q_BUS_ADDRESS:
    case KLEFR_Q_BAUD_RATE:
    case KLEFR_Q_PARITY:
    case KLEFR_Q_SECONDARY_ADDRESS:
    case KLEFR_Q_PASSWORD: return false;
    default: break;
    }
    if (p == KLEFR_PROTOCOL_IEC && !have_password)
        return false;
    return gw_can_write(p, model, q);
}

const char *gw_write_outcome(klefr_err err)
{
    if (err == KLEFR_OK)
        return "done";
    if (err > 0 || err == KLEFR_ERR_NAK || err == KLEFR_ERR_ACCESS_DENIED ||
        err == KLEFR_ERR_LOCKED)
        return "refused";
    if (err == KLEFR_ERR_RANGE || err == KLEFR_ERR_NOT_WRITABLE || err == KLEFR_ERR_NOT_AVAILABLE)
        return "invalid";
    return "failed";
}

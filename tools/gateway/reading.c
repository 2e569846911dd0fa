/* SPDX-License-Identifier: MIT */
/* A reading of one meter and its state payload: the time of the reading,
 * who the meter is, and each configured quantity with value and unit. */
#include <string.h>

#include "gateway.h"

void gw_reading_free(gw_reading *r)
{
    if (r == NULL)
        return;
    g_free(r->meter_key);
    g_free(r->bus);
    g_free(r->address);
    g_free(r->id_override);
    g_free(r);
}

char *gw_reading_identity(const gw_reading *r, const char *override)
{
    if (override == NULL)
        override = r->id_override;
    if (override != NULL)
        return g_strdup(override);
    double v;
    if (klefr_values_get(&r->values, KLEFR_Q_SERIAL_NUMBER, &v) == KLEFR_OK)
        return g_strdup_printf("%08.0f", v);
    /* M-Bus carries no serial number: the identification number (preset
     * to the last 8 digits of the serial, SPEC 5) is the meter's name. */
    if (klefr_values_get(&r->values, KLEFR_Q_SECONDARY_ADDRESS, &v) == KLEFR_OK)
        return g_strdup_printf("%08.0f", v);
    return NULL;
}

klefr_model gw_reading_model(const gw_reading *r)
{
    double v;
    if (klefr_values_get(&r->values, KLEFR_Q_METER_CODE, &v) == KLEFR_OK && v >= 6911 && v <= 6914)
        return (klefr_model)(int)v;
    return protocol_model(r->protocol);
}

char *gw_state_json(const gw_reading *r, const char *identity)
{
    GString *s = g_string_new("{\"timestamp\":");
    char buf[64];
    gw_iso8601(r->time_real, buf, sizeof buf);
    json_text_append(s, buf);
    g_string_append(s, ",\"id\":");
    json_text_append(s, identity);
    klefr_model model = gw_reading_model(r);
    if (model != 0)
        g_string_append_printf(s, ",\"model\":%d", (int)model);
    g_string_append(s, ",\"protocol\":");
    json_text_append(s, protocol_name(r->protocol));
    g_string_append(s, ",\"bus\":");
    json_text_append(s, r->bus);
    g_string_append(s, ",\"address\":");
    json_text_append(s, r->address);
    g_string_append(s, ",\"quantities\":{");
    bool first = true;
    for (unsigned q = 0; q < KLEFR_Q_COUNT; q++) {
        double v;
        if (!r->want.want[q] || klefr_values_get(&r->values, (klefr_quantity)q, &v) != KLEFR_OK)
            continue;
        const klefr_quantity_info *row = klefr_quantity_get((klefr_quantity)q);
        if (!first)
            g_string_append_c(s, ',');
        first = false;
        json_text_append(s, row->name);
        gw_number((klefr_quantity)q, v, buf, sizeof buf);
        g_string_append_printf(s, ":{\"value\":%s,\"unit\":", buf);
        json_text_append(s, row->unit);
        const char *text = value_name((klefr_quantity)q, v);
        if (text != NULL) {
            g_string_append(s, ",\"text\":");
            json_text_append(s, text);
        }
        g_string_append_c(s, '}');
    }
    g_string_append(s, "}}");
    return g_string_free(s, FALSE);
}

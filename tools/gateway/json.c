/* SPDX-License-Identifier: MIT */
/* The two JSON pieces every payload needs: escaped strings and ISO 8601
 * UTC timestamps. */
#include "gateway.h"

void gw_json_string(GString *s, const char *text)
{
    g_string_append_c(s, '"');
    for (const unsigned char *p = (const unsigned char *)(text != NULL ? text : ""); *p != '\0';
         p++) {
        switch (*p) {
        case '"': g_string_append(s, "\\\""); break;
        case '\\': g_string_append(s, "\\\\"); break;
        case '\n': g_string_append(s, "\\n"); break;
        case '\r': g_string_append(s, "\\r"); break;
        case '\t': g_string_append(s, "\\t"); break;
        default:
            /* Control characters and anything not ASCII (a meter's text
             * may be any bytes) are escaped one by one. */
            if (*p < 0x20 || *p >= 0x7F)
                g_string_append_printf(s, "\\u%04x", *p);
            else
                g_string_append_c(s, (char)*p);
        }
    }
    g_string_append_c(s, '"');
}

void gw_iso8601(gint64 real_us, char *buf, size_t cap)
{
    GDateTime *t = g_date_time_new_from_unix_utc(real_us / G_USEC_PER_SEC);
    char *base = g_date_time_format(t, "%Y-%m-%dT%H:%M:%S");
    g_snprintf(buf, cap, "%s.%03dZ", base, (int)((real_us % G_USEC_PER_SEC) / 1000));
    g_free(base);
    g_date_time_unref(t);
}

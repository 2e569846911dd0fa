/* SPDX-License-Identifier: MIT */
/* ISO 8601 UTC timestamps for the JSON payloads (strings are escaped by
 * tools/common/json_text.c). */
#include "gateway.h"

void gw_iso8601(gint64 real_us, char *buf, size_t cap)
{
    GDateTime *t = g_date_time_new_from_unix_utc(real_us / G_USEC_PER_SEC);
    char *base = g_date_time_format(t, "%Y-%m-%dT%H:%M:%S");
    g_snprintf(buf, cap, "%s.%03dZ", base, (int)((real_us % G_USEC_PER_SEC) / 1000));
    g_free(base);
    g_date_time_unref(t);
}

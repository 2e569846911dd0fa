/* SPDX-License-Identifier: MIT */
/* One checked read for the commands that read (read, watch, scan), and
 * the words for a reading the library refused. */
#include "klefr_cli.h"

klefr_err cli_read_meter(klefr_meter *m, const bool *selected, klefr_values *v)
{
    if (selected == NULL)
        return klefr_meter_read(m, v, NULL);
    klefr_quantity list[KLEFR_Q_COUNT];
    size_t n = 0;
    for (unsigned q = 0; q < KLEFR_Q_COUNT; q++)
        if (selected[q])
            list[n++] = (klefr_quantity)q;
    return n > 0 ? klefr_meter_read_quantities(m, list, n, v) : klefr_meter_read(m, v, NULL);
}

char *cli_read_failure(klefr_meter *m, klefr_err err)
{
    if (err != KLEFR_ERR_INCOMPLETE)
        return g_strdup(klefr_strerror(err));
    klefr_quantity missing[KLEFR_Q_COUNT];
    size_t n = klefr_meter_missing(m, missing, KLEFR_Q_COUNT);
    GString *s = g_string_new("incomplete answer");
    if (n == 0)
        g_string_append(s, ": it held records the register model does not know");
    for (size_t i = 0; i < n && i < KLEFR_Q_COUNT; i++)
        g_string_append_printf(s, "%s%s", i == 0 ? ", missing " : ", ",
                               klefr_quantity_get(missing[i])->name);
    g_string_append(s, " (the other values were read)");
    return g_string_free(s, FALSE);
}

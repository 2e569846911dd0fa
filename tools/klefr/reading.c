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

/* "implausible reading: tariff_sum broken: total_active_energy is
 * 40019.07, expected 19.07 (t1_total_active_energy)". */
static char *implausible_text(klefr_meter *m)
{
    klefr_check_failure f;
    if (!klefr_meter_last_failure(m, &f))
        return g_strdup(klefr_strerror(KLEFR_ERR_IMPLAUSIBLE));
    const klefr_quantity_info *q = klefr_quantity_get(f.quantity);
    const klefr_quantity_info *o = klefr_quantity_get(f.other);
    GString *s = g_string_new(NULL);
    g_string_printf(s, "implausible reading, rule %s broken", klefr_check_rule_name(f.rule));
    if (q != NULL) {
        char value[64], expected[64];
        cli_double_text(f.value, value, sizeof value);
        cli_double_text(f.expected, expected, sizeof expected);
        g_string_append_printf(s, ": %s is %s, expected %s", q->name, value, expected);
        if (o != NULL && o != q)
            g_string_append_printf(s, " (with %s)", o->name);
    }
    g_string_append(s, " (in every answer read)");
    return g_string_free(s, FALSE);
}

char *cli_read_failure(klefr_meter *m, klefr_err err)
{
    if (err == KLEFR_ERR_IMPLAUSIBLE)
        return implausible_text(m);
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

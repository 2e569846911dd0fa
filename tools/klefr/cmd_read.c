/* SPDX-License-Identifier: MIT */
/* klefr read: everything a meter's protocol carries, as a table grouped by
 * energy / instantaneous / identification / settings / status, or as JSON
 * or CSV. */
#include <string.h>

#include "klefr_cli.h"

static void list_quantities(void)
{
    printf("%-34s %-6s %-15s %s\n", "NAME", "UNIT", "GROUP", "LABEL");
    for (unsigned q = 0; q < KLEFR_Q_COUNT; q++) {
        const klefr_quantity_info *info = klefr_quantity_get((klefr_quantity)q);
        GString *extra = g_string_new(NULL);
        if (info->flags & KLEFR_QF_RESET_ONLY)
            g_string_append(extra, " [reset: klefr write --reset]");
        else if (info->flags & KLEFR_QF_WRITABLE) {
            g_string_append(extra, " [writable: ");
            cli_allowed_values((klefr_model)0, (klefr_quantity)q, extra);
            g_string_append_c(extra, ']');
        }
        if (info->flags & KLEFR_QF_THREE_PHASE)
            g_string_append(extra, " [three-phase, shown with --all]");
        printf("%-34s %-6s %-15s %s%s\n", info->name, info->unit[0] ? info->unit : "-",
               cli_group_name(info->group), info->label, extra->str);
        g_string_free(extra, TRUE);
    }
}

int cmd_read(int argc, char **argv)
{
    static cli_conn_opts co; /* GOption strings in it are freed by main() */
    cli_conn_defaults(&co);
    gboolean json = FALSE, csv = FALSE, all = FALSE, list = FALSE;
    static char **only;
    const GOptionEntry entries[] = {
        {"json", 'j', 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL},
        {"csv", 0, 0, G_OPTION_ARG_NONE, &csv, "Print CSV: group,name,label,value,unit", NULL},
        {"only", 'o', 0, G_OPTION_ARG_STRING_ARRAY, &only,
         "Only these quantities (comma list, repeatable; names from --list)", "NAME[,NAME]"},
        {"all", 'A', 0, G_OPTION_ARG_NONE, &all,
         "Also the three-phase registers of the Modbus map (always 0 on these meters)", NULL},
        {"list", 'l', 0, G_OPTION_ARG_NONE, &list,
         "List the quantity names, units and allowed values, and exit", NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    if (!cli_parse("- read every value of a meter",
                   "Reads a meter and prints its values grouped as energy, instantaneous,\n"
                   "identification, settings and status, with units.\n"
                   "Example: klefr read --port /dev/ttyUSB0 --id 1",
                   entries, &co, &argc, &argv))
        return CLI_EXIT_USAGE;
    if (list) {
        list_quantities();
        return CLI_EXIT_OK;
    }
    if (!cli_no_arguments(argc, argv))
        return CLI_EXIT_USAGE;
    if (json && csv) {
        cli_error("--json and --csv do not mix");
        return CLI_EXIT_USAGE;
    }
    int rc = cli_conn_check(&co);
    if (rc != CLI_EXIT_OK)
        return rc;
    bool selected[KLEFR_Q_COUNT];
    if (only != NULL && !cli_parse_only(only, selected))
        return CLI_EXIT_USAGE;
    cli_target *targets;
    size_t count;
    if ((rc = cli_targets(&co, &targets, &count)) != CLI_EXIT_OK)
        return rc;
    cli_conn c;
    if ((rc = cli_conn_open(&co, &c)) != CLI_EXIT_OK) {
        g_free(targets);
        return rc;
    }
    cli_format fmt = json ? CLI_FMT_JSON : csv ? CLI_FMT_CSV : CLI_FMT_TABLE;
    int result = CLI_EXIT_OK;
    bool printed = false;
    if (fmt == CLI_FMT_JSON && count > 1)
        fputs("[", stdout);
    for (size_t i = 0; i < count; i++) {
        klefr_meter *m;
        char *who = cli_describe(&c, &targets[i]);
        rc = cli_meter_open(&c, &targets[i], &m);
        if (rc == CLI_EXIT_OK) {
            klefr_values v;
            klefr_err err = cli_read_meter(m, only != NULL ? selected : NULL, &v);
            cli_iolog_flush(c.log);
            /* An incomplete answer: what was read is shown, what is
             * missing named, and the status says it was not all. */
            if (err == KLEFR_OK || err == KLEFR_ERR_INCOMPLETE) {
                if (fmt == CLI_FMT_JSON && printed)
                    fputs(",", stdout);
                else if (fmt == CLI_FMT_TABLE && printed)
                    fputs("\n", stdout);
                cli_print_values(stdout, fmt, &v, only != NULL ? selected : NULL, all, who,
                                 co.protocol);
                printed = true;
                /* Absent but not missing: neither the protocol nor the
                 * model carries it (the missing ones are named below). */
                bool missing[KLEFR_Q_COUNT] = {false};
                klefr_quantity lost[KLEFR_Q_COUNT];
                size_t nlost = klefr_meter_missing(m, lost, KLEFR_Q_COUNT);
                for (size_t k = 0; k < nlost && k < KLEFR_Q_COUNT; k++)
                    missing[lost[k]] = true;
                for (unsigned q = 0; only != NULL && q < KLEFR_Q_COUNT; q++)
                    if (selected[q] && !klefr_values_has(&v, (klefr_quantity)q) && !missing[q])
                        cli_error("%s is not carried over %s", klefr_quantity_get(q)->name,
                                  protocol_name(co.protocol));
            }
            if (err == KLEFR_ERR_NOT_AVAILABLE && only != NULL) {
                /* Nothing asked is carried: nothing was sent. */
                for (unsigned q = 0; q < KLEFR_Q_COUNT; q++)
                    if (selected[q])
                        cli_error("%s is not carried over %s", klefr_quantity_get(q)->name,
                                  protocol_name(co.protocol));
                rc = CLI_EXIT_USAGE;
            } else if (err != KLEFR_OK) {
                char *why = cli_read_failure(m, err);
                cli_error("reading %s: %s", who, why);
                g_free(why);
                rc = cli_exit_for(err);
            }
            klefr_meter_close(m);
        }
        if (rc != CLI_EXIT_OK && result == CLI_EXIT_OK)
            result = rc;
        g_free(who);
    }
    if (fmt == CLI_FMT_JSON && count > 1)
        fputs("]\n", stdout);
    cli_conn_close(&c);
    g_free(targets);
    return result;
}

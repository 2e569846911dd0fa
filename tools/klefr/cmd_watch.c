/* SPDX-License-Identifier: MIT */
/* klefr watch: poll one or more meters at an interval until SIGINT (or
 * --count polls): a live table on a terminal, newline-delimited JSON
 * otherwise. A failed poll is reported and the next one comes anyway. */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <glib-unix.h>

#include "klefr_cli.h"
#include "option_number.h"

/* The live table's default rows: what people watch on a meter. */
static const klefr_quantity live_default[] = {
    KLEFR_Q_VOLTAGE,
    KLEFR_Q_CURRENT,
    KLEFR_Q_FREQUENCY,
    KLEFR_Q_ACTIVE_POWER,
    KLEFR_Q_REACTIVE_POWER,
    KLEFR_Q_POWER_FACTOR,
    KLEFR_Q_TARIFF,
    KLEFR_Q_TOTAL_ACTIVE_ENERGY,
    KLEFR_Q_T1_TOTAL_ACTIVE_ENERGY,
    KLEFR_Q_T2_TOTAL_ACTIVE_ENERGY,
    KLEFR_Q_FORWARD_ACTIVE_ENERGY,
    KLEFR_Q_REVERSE_ACTIVE_ENERGY,
};

typedef struct watch_meter {
    cli_target target;
    char *name;
    klefr_meter *meter;
    klefr_values values;
    bool ok;
    char error[512];
    unsigned failures;
} watch_meter;

typedef struct watch {
    GMainLoop *loop;
    cli_conn conn;
    watch_meter *meters;
    size_t count;
    bool live;
    bool all;
    bool *selected; /* NULL: every quantity (JSON) or live_default (table) */
    unsigned polls;
    unsigned max_polls;
    unsigned ok_polls;
    int last_status;
} watch;

static void timestamp(char *buf, size_t cap)
{
    GDateTime *now = g_date_time_new_now_utc();
    char *text = g_date_time_format(now, "%Y-%m-%dT%H:%M:%S");
    g_snprintf(buf, cap, "%s.%03dZ", text, g_date_time_get_microsecond(now) / 1000);
    g_free(text);
    g_date_time_unref(now);
}

static void print_json(watch *w, const watch_meter *m, const char *time)
{
    GString *s = g_string_new("{\"time\":");
    json_text_append(s, time);
    g_string_append_printf(s, ",\"poll\":%u,\"meter\":", w->polls);
    json_text_append(s, m->name);
    if (m->ok) {
        g_string_append(s, ",\"values\":");
        cli_values_json(s, &m->values, w->selected, w->all);
    } else {
        g_string_append(s, ",\"error\":");
        json_text_append(s, m->error);
    }
    g_string_append(s, "}\n");
    fputs(s->str, stdout);
    fflush(stdout);
    g_string_free(s, TRUE);
}

static bool live_row(const watch *w, klefr_quantity q)
{
    if (w->selected != NULL)
        return w->selected[q];
    for (size_t i = 0; i < G_N_ELEMENTS(live_default); i++)
        if (live_default[i] == q)
            return true;
    return false;
}

static void print_live(watch *w, const char *time)
{
    GString *s = g_string_new("\033[H\033[2J");
    g_string_append_printf(s, "klefr watch: %s, poll %u (Ctrl-C stops)\n\n%-30s", time, w->polls,
                           "");
    for (size_t i = 0; i < w->count; i++)
        g_string_append_printf(s, " %18s",
                               w->meters[i].target.text[0] ? w->meters[i].target.text : "meter");
    g_string_append_c(s, '\n');
    for (unsigned q = 0; q < KLEFR_Q_COUNT; q++) {
        if (!live_row(w, (klefr_quantity)q))
            continue;
        const klefr_quantity_info *info = klefr_quantity_get((klefr_quantity)q);
        bool any = false;
        GString *row = g_string_new(NULL);
        g_string_append_printf(row, "%-24s %-5s", info->label, info->unit);
        for (size_t i = 0; i < w->count; i++) {
            double v;
            char text[64] = "-";
            if (w->meters[i].ok &&
                klefr_values_get(&w->meters[i].values, (klefr_quantity)q, &v) == KLEFR_OK) {
                cli_value_text(info, v, text, sizeof text);
                any = true;
            }
            g_string_append_printf(row, " %18s", text);
        }
        if (any)
            g_string_append_printf(s, "%s\n", row->str);
        g_string_free(row, TRUE);
    }
    for (size_t i = 0; i < w->count; i++)
        if (!w->meters[i].ok)
            g_string_append_printf(s, "\n%s: %s (%u failed polls)", w->meters[i].name,
                                   w->meters[i].error, w->meters[i].failures);
    g_string_append_c(s, '\n');
    fputs(s->str, stdout);
    fflush(stdout);
    g_string_free(s, TRUE);
}

static gboolean poll_once(gpointer user)
{
    watch *w = user;
    w->polls++;
    char time[64];
    timestamp(time, sizeof time);
    for (size_t i = 0; i < w->count; i++) {
        watch_meter *m = &w->meters[i];
        klefr_err err = cli_read_meter(m->meter, w->selected, &m->values);
        cli_iolog_flush(w->conn.log);
        m->ok = err == KLEFR_OK;
        if (m->ok) {
            w->ok_polls++;
        } else {
            m->failures++;
            char *why = cli_read_failure(m->meter, err);
            g_strlcpy(m->error, why, sizeof m->error);
            g_free(why);
            w->last_status = cli_exit_for(err);
            if (!w->live)
                cli_error("poll %u of %s: %s", w->polls, m->name, m->error);
        }
        if (!w->live)
            print_json(w, m, time);
    }
    if (w->live)
        print_live(w, time);
    if (w->max_polls > 0 && w->polls >= w->max_polls) {
        g_main_loop_quit(w->loop);
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}

static gboolean first_poll(gpointer user)
{
    poll_once(user);
    return G_SOURCE_REMOVE;
}

static gboolean on_signal(gpointer user)
{
    watch *w = user;
    g_main_loop_quit(w->loop);
    return G_SOURCE_CONTINUE;
}

int cmd_watch(int argc, char **argv)
{
    static cli_conn_opts co; /* GOption strings in it are freed by main() */
    cli_conn_defaults(&co);
    double interval = 1.0;
    static char *interval_text, *count_text;
    long count = 0;
    gboolean json = FALSE, all = FALSE;
    static char **only;
    const GOptionEntry entries[] = {
        {"interval", 'n', 0, G_OPTION_ARG_STRING, &interval_text,
         "Seconds between polls (default 1)", "SECONDS"},
        {"count", 'c', 0, G_OPTION_ARG_STRING, &count_text,
         "Stop after N polls (default: until Ctrl-C)", "N"},
        {"json", 'j', 0, G_OPTION_ARG_NONE, &json,
         "Newline-delimited JSON even on a terminal (the default elsewhere)", NULL},
        {"only", 'o', 0, G_OPTION_ARG_STRING_ARRAY, &only,
         "Only these quantities (comma list, repeatable)", "NAME[,NAME]"},
        {"all", 'A', 0, G_OPTION_ARG_NONE, &all, "Also the three-phase registers", NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    int rc = cli_parse_connection(
        "- poll meters until interrupted",
        "Reads the meters given with --id (several: --id 1,2,3) every --interval\n"
        "seconds. On a terminal a live table; otherwise one JSON object per meter\n"
        "and poll (time, poll, meter, values or error). A failed poll is reported\n"
        "and polling goes on. Example: klefr watch --port /dev/ttyUSB0 --id 1,2",
        entries, &co, &argc, &argv);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (interval_text != NULL && !option_decimal(interval_text, 0.05, 86400, &interval)) {
        cli_error("--interval takes 0.05 to 86400 seconds, not '%s'", interval_text);
        return CLI_EXIT_USAGE;
    }
    if (count_text != NULL &&
        !cli_option_number("--count", count_text, 1, 1000000000, "1 to 1000000000 polls", &count))
        return CLI_EXIT_USAGE;
    bool selected[KLEFR_Q_COUNT];
    if (only != NULL && !cli_parse_only(only, selected))
        return CLI_EXIT_USAGE;
    watch w = {.live = isatty(STDOUT_FILENO) && !json,
               .all = all,
               .selected = only != NULL ? selected : NULL,
               .max_polls = (unsigned)count};
    cli_target *targets;
    size_t n;
    if ((rc = cli_targets(&co, &targets, &n)) != CLI_EXIT_OK)
        return rc;
    if ((rc = cli_conn_open(&co, &w.conn)) != CLI_EXIT_OK) {
        g_free(targets);
        return rc;
    }
    w.meters = g_new0(watch_meter, n);
    for (size_t i = 0; i < n && rc == CLI_EXIT_OK; i++) {
        w.meters[i].target = targets[i];
        w.meters[i].name = cli_describe(&w.conn, &targets[i]);
        rc = cli_meter_open(&w.conn, &targets[i], &w.meters[i].meter);
        w.count++;
    }
    if (rc == CLI_EXIT_OK) {
        w.loop = g_main_loop_new(NULL, FALSE);
        guint sig_int = g_unix_signal_add(SIGINT, on_signal, &w);
        guint sig_term = g_unix_signal_add(SIGTERM, on_signal, &w);
        g_idle_add(first_poll, &w);
        guint timer = 0;
        if (count != 1)
            timer = g_timeout_add((guint)(interval * 1000.0), poll_once, &w);
        g_main_loop_run(w.loop);
        if (timer != 0 && (w.max_polls == 0 || w.polls < w.max_polls))
            g_source_remove(timer);
        g_source_remove(sig_int);
        g_source_remove(sig_term);
        g_main_loop_unref(w.loop);
        /* Every poll failed: say so in the status as well. */
        if (w.ok_polls == 0 && w.polls > 0)
            rc = w.last_status;
    }
    for (size_t i = 0; i < w.count; i++) {
        klefr_meter_close(w.meters[i].meter);
        g_free(w.meters[i].name);
    }
    g_free(w.meters);
    cli_conn_close(&w.conn);
    g_free(targets);
    return rc;
}

/* SPDX-License-Identifier: MIT */
/* klefr-gateway: options, signals and the main loop (man klefr-gateway,
 * doc/gateway.md). SIGHUP reloads the configuration, SIGTERM and SIGINT
 * publish the gateway offline and exit. */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib-unix.h>

#include "gateway.h"

#define DEFAULT_CONFIG "/etc/klefr-gateway/klefr-gateway.conf"

typedef struct main_ctx {
    GMainLoop *loop;
    gw_app *app;
    char *config;
} main_ctx;

void gw_log(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    fprintf(stderr, "klefr-gateway: %s\n", msg);
    g_free(msg);
}

static gboolean on_hup(gpointer data)
{
    main_ctx *c = data;
    GError *e = NULL;
    gw_conf *conf = gw_conf_load(c->config, &e);
    if (conf == NULL) {
        gw_log("reload refused, the running configuration stays: %s", e->message);
        g_error_free(e);
        return G_SOURCE_CONTINUE;
    }
    gw_app_reload(c->app, conf);
    return G_SOURCE_CONTINUE;
}

static gboolean on_term(gpointer data)
{
    main_ctx *c = data;
    gw_log("stopping");
    g_main_loop_quit(c->loop);
    return G_SOURCE_CONTINUE;
}

int main(int argc, char **argv)
{
    char *config = NULL;
    gboolean check = FALSE, version = FALSE;
    const GOptionEntry entries[] = {
        {"config", 'c', 0, G_OPTION_ARG_FILENAME, &config,
         "Configuration file (default " DEFAULT_CONFIG ")", "FILE"},
        {"check", 0, 0, G_OPTION_ARG_NONE, &check,
         "Check the configuration and exit (status 0 if it is good)", NULL},
        {"version", 'V', 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    GOptionContext *oc = g_option_context_new("- KLEFR meters on many buses, published to MQTT");
    g_option_context_add_main_entries(oc, entries, NULL);
    g_option_context_set_description(
        oc, "Reads the meters of every [bus] of the configuration, one worker per bus, and\n"
            "publishes their readings to the [mqtt] broker with Home Assistant discovery,\n"
            "or as NDJSON on standard output without an [mqtt] section.\n"
            "SIGHUP reloads the configuration; SIGTERM publishes offline and exits.\n"
            "See man klefr-gateway.");
    GError *e = NULL;
    if (!g_option_context_parse(oc, &argc, &argv, &e) || argc > 1) {
        fprintf(stderr, "klefr-gateway: %s\n", e != NULL ? e->message : "unexpected argument");
        g_clear_error(&e);
        g_option_context_free(oc);
        return 1;
    }
    g_option_context_free(oc);
    if (version) {
        printf("klefr-gateway %s\n", KLEFR_VERSION);
        return 0;
    }
    main_ctx c = {.config = config != NULL ? config : g_strdup(DEFAULT_CONFIG)};
    gw_conf *conf = gw_conf_load(c.config, &e);
    if (conf == NULL) {
        fprintf(stderr, "klefr-gateway: %s\n", e->message);
        g_error_free(e);
        g_free(c.config);
        return 1;
    }
    if (check) {
        printf("%s: %u bus(es), %s\n", c.config, conf->buses->len,
               conf->mqtt_enabled ? "MQTT" : "NDJSON on stdout");
        gw_conf_free(conf);
        g_free(c.config);
        return 0;
    }
    signal(SIGPIPE, SIG_IGN);
    c.loop = g_main_loop_new(NULL, FALSE);
    c.app = gw_app_new(conf, &e);
    if (c.app == NULL) {
        fprintf(stderr, "klefr-gateway: %s\n", e->message);
        g_error_free(e);
        g_main_loop_unref(c.loop);
        g_free(c.config);
        return 1;
    }
    guint hup = g_unix_signal_add(SIGHUP, on_hup, &c);
    guint term = g_unix_signal_add(SIGTERM, on_term, &c);
    guint intr = g_unix_signal_add(SIGINT, on_term, &c);
    g_main_loop_run(c.loop);
    g_source_remove(hup);
    g_source_remove(term);
    g_source_remove(intr);
    gw_app_free(c.app);
    g_main_loop_unref(c.loop);
    g_free(c.config);
    return 0;
}

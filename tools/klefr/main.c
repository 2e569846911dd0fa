/* SPDX-License-Identifier: MIT */
/* klefr: find, read, configure, watch KLEFR meters and decode their frames.
 * This file dispatches to one file per command and holds what they share:
 * option parsing, error lines and exit codes (doc/klefr.1). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "klefr_cli.h"
#include "option_number.h"

const char *cli_command = NULL;

/* Strings GOption allocated for the options: freed when the command ends. */
typedef struct owned_arg {
    GOptionArg type;
    gpointer data;
} owned_arg;
static GArray *owned_args;

static void free_owned_args(void)
{
    for (guint i = 0; owned_args != NULL && i < owned_args->len; i++) {
        owned_arg *a = &g_array_index(owned_args, owned_arg, i);
        if (a->type == G_OPTION_ARG_STRING_ARRAY || a->type == G_OPTION_ARG_FILENAME_ARRAY) {
            g_strfreev(*(char ***)a->data);
            *(char ***)a->data = NULL;
        } else {
            g_free(*(char **)a->data);
            *(char **)a->data = NULL;
        }
    }
    if (owned_args != NULL)
        g_array_free(owned_args, TRUE);
    owned_args = NULL;
}

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *what;
} command;

static const command commands[] = {
    {"ports", cmd_ports, "list serial ports"},
    {"scan", cmd_scan, "find meters on a bus (Modbus IDs, M-Bus primary and secondary)"},
    {"read", cmd_read, "read every value of a meter (table, --json, --csv)"},
    {"write", cmd_write, "change a setting or reset a counter, then read it back"},
    {"watch", cmd_watch, "poll meters at an interval until interrupted"},
    {"decode", cmd_decode, "decode Modbus RTU, M-Bus or IEC 62056-21 frames given in hex"},
    {"emulate", cmd_emulate, "start the klefr-meterd emulator"},
};

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (cli_command != NULL)
        fprintf(stderr, "klefr %s: ", cli_command);
    else
        fputs("klefr: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int cli_exit_for(klefr_err err)
{
    if (err > 0)
        return CLI_EXIT_REFUSED;
    switch (err) {
    case KLEFR_OK: return CLI_EXIT_OK;
    case KLEFR_ERR_TIMEOUT: return CLI_EXIT_NO_RESPONSE;
    case KLEFR_ERR_IO: return CLI_EXIT_PORT;
    case KLEFR_ERR_NAK:
    case KLEFR_ERR_ACCESS_DENIED:
    case KLEFR_ERR_LOCKED: return CLI_EXIT_REFUSED;
    case KLEFR_ERR_RANGE:
    case KLEFR_ERR_NOT_WRITABLE:
    case KLEFR_ERR_NOT_AVAILABLE: return CLI_EXIT_VALUE;
    case KLEFR_ERR_INVALID_ARG: return CLI_EXIT_USAGE;
    default: return CLI_EXIT_PROTOCOL;
    }
}

bool cli_no_arguments(int argc, char **argv)
{
    if (argc <= 1)
        return true;
    cli_error("unexpected argument '%s'", argv[1]);
    return false;
}

int cli_parse_connection(const char *params, const char *summary, const GOptionEntry *entries,
                         cli_conn_opts *conn, int *argc, char ***argv)
{
    if (!cli_parse(params, summary, entries, conn, argc, argv))
        return CLI_EXIT_USAGE;
    int rc = cli_conn_check(conn);
    if (rc != CLI_EXIT_OK)
        return rc;
    return cli_no_arguments(*argc, *argv) ? CLI_EXIT_OK : CLI_EXIT_USAGE;
}

bool cli_option_number(const char *option, const char *text, long lo, long hi, const char *what,
                       long *out)
{
    if (option_whole(text, lo, hi, out))
        return true;
    cli_error("%s takes %s, not '%s'", option, what, text != NULL ? text : "");
    return false;
}

/* A port is a path (/dev/ttyUSB0, ./pty), a URL (tcp://, modbus-tcp://)
 * or fd:N, or anything that exists in the file system; a quantity name
 * (`klefr write lcd_cycle_time 25`) is none of these. */
static bool looks_like_port(const char *arg)
{
    return strchr(arg, '/') != NULL || strchr(arg, ':') != NULL ||
           g_file_test(arg, G_FILE_TEST_EXISTS);
}

/* With connection options, the port may come first as an argument, as
 * mbpoll and libmbus users type it (`klefr read /dev/ttyUSB0`). */
static bool take_port_argument(cli_conn_opts *conn, int *argc, char ***argv)
{
    char **a = *argv;
    if (*argc < 2 || !looks_like_port(a[1]) || klefr_quantity_by_name(a[1]) != NULL)
        return true;
    if (conn->port != NULL) {
        cli_error("two ports given: --port %s and '%s'", conn->port, a[1]);
        return false;
    }
    conn->port = g_strdup(a[1]);
    memmove(a + 1, a + 2, (size_t)(*argc - 2 + 1) * sizeof *a); /* with the NULL */
    (*argc)--;
    return true;
}

bool cli_parse(const char *params, const char *summary, const GOptionEntry *entries,
               cli_conn_opts *conn, int *argc, char ***argv)
{
    /* The command's own options first, then the connection options. */
    GArray *all = g_array_new(TRUE, TRUE, sizeof(GOptionEntry));
    for (const GOptionEntry *e = entries; e != NULL && e->long_name != NULL; e++)
        g_array_append_val(all, *e);
    if (conn != NULL) {
        GArray *c = cli_conn_entries(conn);
        g_array_append_vals(all, c->data, c->len);
        g_array_free(c, TRUE);
    }
    char *prgname = g_strdup_printf("klefr %s", cli_command);
    g_set_prgname(prgname);
    GOptionContext *ctx = g_option_context_new(params);
    g_option_context_set_summary(ctx, summary);
    g_option_context_set_description(
        ctx, "Exit status: 0 ok, 1 usage, 2 port, 3 no response, 4 protocol or CRC error,\n"
             "5 refused by the device, 6 invalid value. See klefr(1).");
    g_option_context_add_main_entries(ctx, (GOptionEntry *)(void *)all->data, NULL);
    if (owned_args == NULL)
        owned_args = g_array_new(FALSE, FALSE, sizeof(owned_arg));
    for (guint i = 0; i < all->len; i++) {
        GOptionEntry *e = &g_array_index(all, GOptionEntry, i);
        if (e->arg == G_OPTION_ARG_STRING || e->arg == G_OPTION_ARG_FILENAME ||
            e->arg == G_OPTION_ARG_STRING_ARRAY || e->arg == G_OPTION_ARG_FILENAME_ARRAY) {
            owned_arg a = {e->arg, e->arg_data};
            g_array_append_val(owned_args, a);
        }
    }
    GError *error = NULL;
    bool ok = g_option_context_parse(ctx, argc, argv, &error);
    if (!ok) {
        cli_error("%s", error->message);
        fprintf(stderr, "Try 'klefr %s --help'.\n", cli_command);
        g_error_free(error);
    }
    if (ok && conn != NULL)
        ok = take_port_argument(conn, argc, argv);
    g_option_context_free(ctx);
    g_array_free(all, TRUE);
    g_free(prgname);
    return ok;
}

static void usage(FILE *f)
{
    fputs("Usage: klefr COMMAND [OPTIONS]\n\n"
          "KLEFR 6911-6914 energy meters over Modbus RTU, M-Bus and IEC 62056-21.\n\n"
          "Commands:\n",
          f);
    for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
        fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].what);
    fputs("\n'klefr COMMAND --help' describes a command and its options; klefr(1) has it all.\n"
          "Exit status: 0 ok, 1 usage, 2 port, 3 no response, 4 protocol or CRC error,\n"
          "5 refused by the device, 6 invalid value.\n",
          f);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        if (strcmp(name, "help") == 0 && argc > 2) {
            char *help_argv[] = {argv[0], argv[2], (char *)"--help", NULL};
            return main(3, help_argv);
        }
        usage(stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(name, "--version") == 0) {
        printf("klefr %s\n", KLEFR_VERSION);
        return CLI_EXIT_OK;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(commands); i++) {
        if (strcmp(commands[i].name, name) == 0) {
            cli_command = commands[i].name;
            int rc = commands[i].run(argc - 1, argv + 1);
            free_owned_args();
            return rc;
        }
    }
    cli_error("unknown command '%s'", name);
    usage(stderr);
    return CLI_EXIT_USAGE;
}

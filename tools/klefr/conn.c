/* SPDX-License-Identifier: MIT */
/* The connection options every talking command shares, and opening the
 * port and the meters they name. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <klefr/model_iec.h>

#include "klefr_cli.h"
#include "option_number.h"

void cli_conn_defaults(cli_conn_opts *o)
{
    memset(o, 0, sizeof *o);
    o->retries = -1;
    o->speed = 1;
}

/* Baud rates each protocol's lines run at: Modbus RTU devices (the KLEFR
 * 6914: 1200-9600), EN 13757-2 (300-38400), the IEC 62056-21 mode C rates
 * a session may switch to. */
static const long modbus_bauds[] = {300, 600, 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200};
static const long mbus_bauds[] = {300, 600, 1200, 2400, 4800, 9600, 19200, 38400};
static const long iec_bauds[] = {300, 600, 1200, 2400, 4800, 9600, 19200};

static bool baud_allowed(klefr_protocol p, long baud, GString *list)
{
    const long *b = p == KLEFR_PROTOCOL_MODBUS ? modbus_bauds
                    : p == KLEFR_PROTOCOL_MBUS ? mbus_bauds
                                               : iec_bauds;
    size_t n = p == KLEFR_PROTOCOL_MODBUS ? G_N_ELEMENTS(modbus_bauds)
               : p == KLEFR_PROTOCOL_MBUS ? G_N_ELEMENTS(mbus_bauds)
                                          : G_N_ELEMENTS(iec_bauds);
    bool ok = false;
    for (size_t i = 0; i < n; i++) {
        ok |= b[i] == baud;
        g_string_append_printf(list, i ? ", %ld" : "%ld", b[i]);
    }
    return ok;
}

GArray *cli_conn_entries(cli_conn_opts *o)
{
    const GOptionEntry entries[] = {
        {"port", 'p', 0, G_OPTION_ARG_STRING, &o->port,
         "Serial port (/dev/ttyUSB0, /dev/pts/3), tcp://HOST:PORT (serial server) or "
         "modbus-tcp://HOST:PORT (Modbus TCP gateway); may also be the first argument",
         "PORT"},
        {"protocol", 'P', 0, G_OPTION_ARG_STRING, &o->protocol_name,
         "modbus (6914, default), mbus (6913) or iec (IR port, every model)", "PROTO"},
        {"id", 'i', 0, G_OPTION_ARG_STRING_ARRAY, &o->ids,
         "Meter address: Modbus ID (default 1), M-Bus primary address (default 0) or "
         "8-digit secondary address, IEC device address (default: any); repeatable, or "
         "a comma list",
         "ADDR"},
        {"address", 'a', G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING_ARRAY, &o->ids, "Same as --id",
         "ADDR"},
        {"baud", 'b', 0, G_OPTION_ARG_STRING, &o->baud_text,
         "Baud rate (default 9600, Modbus and M-Bus; IEC: the highest to switch to after the "
         "300 baud sign-on, default what the meter offers)",
         "BAUD"},
        {"parity", 0, 0, G_OPTION_ARG_STRING, &o->parity, "even (default), none or odd", "PARITY"},
        {"timeout", 't', 0, G_OPTION_ARG_STRING, &o->timeout_text,
         "Response timeout in milliseconds, 1-60000 (default: derived from the line)", "MS"},
        {"retries", 'r', 0, G_OPTION_ARG_STRING, &o->retries_text,
         "Extra attempts after a timeout or a corrupt answer, 0-20 (default 2)", "N"},
        {"verbose", 'v', 0, G_OPTION_ARG_NONE, &o->verbose,
         "Print every frame sent and received, in hex and decoded, on stderr", NULL},
        {"password", 0, 0, G_OPTION_ARG_STRING, &o->password,
         "IEC: 4-digit password for programming mode (default 0000)", "PIN"},
        {"meter-speed", 0, 0, G_OPTION_ARG_STRING, &o->speed_text,
         "The meter's clock runs N times real time (klefr-meterd --speed N), 1-1000000: "
         "energies may grow that much faster between readings",
         "N"},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    GArray *a = g_array_new(TRUE, TRUE, sizeof(GOptionEntry));
    g_array_append_vals(a, entries, G_N_ELEMENTS(entries) - 1);
    return a;
}

int cli_conn_check(cli_conn_opts *o)
{
    const char *p = o->protocol_name != NULL ? o->protocol_name : "modbus";
    if (strcmp(p, "modbus") == 0 || strcmp(p, "modbus-rtu") == 0) {
        o->protocol = KLEFR_PROTOCOL_MODBUS;
    } else if (strcmp(p, "mbus") == 0 || strcmp(p, "m-bus") == 0) {
        o->protocol = KLEFR_PROTOCOL_MBUS;
    } else if (strcmp(p, "iec") == 0 || strcmp(p, "ir") == 0 || strcmp(p, "iec62056") == 0) {
        o->protocol = KLEFR_PROTOCOL_IEC;
    } else {
        cli_error("unknown protocol '%s' (modbus, mbus or iec)", p);
        return CLI_EXIT_USAGE;
    }
    if (o->parity != NULL && strcmp(o->parity, "even") != 0 && strcmp(o->parity, "none") != 0 &&
        strcmp(o->parity, "odd") != 0) {
        cli_error("unknown parity '%s' (even, none or odd)", o->parity);
        return CLI_EXIT_USAGE;
    }
    if (o->baud_text != NULL) {
        GString *list = g_string_new(NULL);
        long b = 0;
        bool number = cli_option_number("--baud", o->baud_text, 1, 10000000, "a baud rate", &b);
        bool ok = number && baud_allowed(o->protocol, b, list);
        if (number && !ok)
            cli_error("--baud %s is not a baud rate for %s (%s)", o->baud_text,
                      protocol_name(o->protocol), list->str);
        g_string_free(list, TRUE);
        if (!ok)
            return CLI_EXIT_USAGE;
        o->baud = b;
    }
    if (o->timeout_text != NULL && !cli_option_number("--timeout", o->timeout_text, 1, 60000,
                                                      "1 to 60000 milliseconds", &o->timeout_ms))
        return CLI_EXIT_USAGE;
    if (o->retries_text != NULL &&
        !cli_option_number("--retries", o->retries_text, 0, 20, "0 to 20", &o->retries))
        return CLI_EXIT_USAGE;
    if (o->speed_text != NULL &&
        !cli_option_number("--meter-speed", o->speed_text, 1, 1000000, "1 to 1000000", &o->speed))
        return CLI_EXIT_USAGE;
    uint8_t p1[32];
    size_t p1_len;
    if (o->password != NULL &&
        klefr_model_iec_password_encode(o->password, p1, sizeof p1, &p1_len) != KLEFR_OK) {
        cli_error("--password takes 4 digits, not '%s'", o->password);
        return CLI_EXIT_USAGE;
    }
    return CLI_EXIT_OK;
}

static int parse_target(const cli_conn_opts *o, const char *text, cli_target *t)
{
    memset(t, 0, sizeof *t);
    g_strlcpy(t->text, text, sizeof t->text);
    guint64 n;
    switch (o->protocol) {
    case KLEFR_PROTOCOL_MODBUS:
        if (!option_digits(text, 255, &n) || n < 1 || n > KLEFR_MODBUS_ADDRESS_MAX) {
            cli_error("Modbus ID '%s' is not 1 to 247", text);
            return CLI_EXIT_USAGE;
        }
        t->address.primary = (uint8_t)n;
        return CLI_EXIT_OK;
    case KLEFR_PROTOCOL_MBUS:
        /* Eight digits name the identification number (secondary address). */
        if (strlen(text) == 8 && option_digits(text, 99999999, &n)) {
            t->address.use_secondary = true;
            t->address.secondary = (uint32_t)n;
            return CLI_EXIT_OK;
        }
        if (!option_digits(text, 255, &n) || n > KLEFR_MBUS_ADDR_PRIMARY_MAX) {
            cli_error("M-Bus address '%s' is neither a primary address 0 to 250 nor an "
                      "8-digit secondary address",
                      text);
            return CLI_EXIT_USAGE;
        }
        t->address.primary = (uint8_t)n;
        return CLI_EXIT_OK;
    case KLEFR_PROTOCOL_IEC:
        if (strlen(text) >= sizeof t->address.iec) {
            cli_error("IEC device address '%s' is longer than 32 characters", text);
            return CLI_EXIT_USAGE;
        }
        g_strlcpy(t->address.iec, text, sizeof t->address.iec);
        return CLI_EXIT_OK;
    }
    return CLI_EXIT_USAGE;
}

int cli_targets(const cli_conn_opts *o, cli_target **out, size_t *count)
{
    GArray *a = g_array_new(FALSE, TRUE, sizeof(cli_target));
    for (size_t i = 0; o->ids != NULL && o->ids[i] != NULL; i++) {
        char **parts = g_strsplit(o->ids[i], ",", -1);
        for (size_t k = 0; parts[k] != NULL; k++) {
            char *text = g_strstrip(parts[k]);
            if (*text == '\0' && o->protocol != KLEFR_PROTOCOL_IEC)
                continue;
            cli_target t;
            int rc = parse_target(o, text, &t);
            if (rc != CLI_EXIT_OK) {
                g_strfreev(parts);
                g_array_free(a, TRUE);
                return rc;
            }
            g_array_append_val(a, t);
        }
        g_strfreev(parts);
    }
    if (a->len == 0) {
        cli_target t;
        parse_target(o,
                     o->protocol == KLEFR_PROTOCOL_MODBUS ? "1"
                     : o->protocol == KLEFR_PROTOCOL_MBUS ? "0"
                                                          : "",
                     &t);
        g_array_append_val(a, t);
    }
    *count = a->len;
    *out = (cli_target *)(void *)g_array_free(a, FALSE);
    return CLI_EXIT_OK;
}

static klefr_line line_of(const cli_conn_opts *o)
{
    /* 9600 8E1: the KLEFR default over Modbus (SPEC 4) and M-Bus (manual
     * A2.1, SPEC 5), and the masters' own. */
    klefr_line line = {.baud = 9600, .data_bits = 8, .parity = KLEFR_PARITY_EVEN, .stop_bits = 1};
    if (o->baud > 0)
        line.baud = (uint32_t)o->baud;
    if (o->protocol == KLEFR_PROTOCOL_IEC) {
        /* Every session starts at 300 baud; --baud caps the switch. */
        line.baud = KLEFR_IEC_INITIAL_BAUD;
        line.data_bits = 7;
    }
    if (o->parity != NULL)
        line.parity = strcmp(o->parity, "none") == 0  ? KLEFR_PARITY_NONE
                      : strcmp(o->parity, "odd") == 0 ? KLEFR_PARITY_ODD
                                                      : KLEFR_PARITY_EVEN;
    return line;
}

/* What the command line sets in a bus master's options (Modbus and M-Bus
 * alike): the line, unless the port is a network one whose far end has
 * its own, and --timeout and --retries where given. */
static void bus_options(const cli_conn_opts *o, const klefr_io *port, const klefr_line *line,
                        klefr_line *mo_line, uint32_t *response_timeout_ms, unsigned *retries)
{
    if ((klefr_io_get_flags(port) & KLEFR_IO_NETWORK) == 0)
        *mo_line = *line;
    if (o->timeout_ms > 0)
        *response_timeout_ms = (uint32_t)o->timeout_ms;
    if (o->retries >= 0)
        *retries = (unsigned)o->retries;
}

int cli_conn_open(cli_conn_opts *o, cli_conn *c)
{
    memset(c, 0, sizeof *c);
    c->opts = o;
    if (o->port == NULL) {
        cli_error("no port given: give it first or with --port (klefr ports lists the serial "
                  "ports)");
        return CLI_EXIT_USAGE;
    }
    klefr_line line = line_of(o);
    errno = 0;
    klefr_err err = klefr_io_open(o->port, &line, &c->port_io);
    if (err != KLEFR_OK) {
        if (err == KLEFR_ERR_IO && errno != 0)
            cli_error("cannot open port %s: %s", o->port, g_strerror(errno));
        else if (err == KLEFR_ERR_INVALID_ARG)
            cli_error("cannot open port %s: not a port name or tcp://HOST:PORT", o->port);
        else
            cli_error("cannot open port %s: %s", o->port, klefr_strerror(err));
        return CLI_EXIT_PORT;
    }
    c->io = c->port_io;
    if (o->verbose) {
        c->log = cli_iolog_wrap(c->port_io, o->protocol, stderr);
        if (c->log != NULL)
            c->io = cli_iolog_io(c->log);
    }
    if (o->protocol == KLEFR_PROTOCOL_MODBUS) {
        klefr_modbus_master_options mo;
        klefr_modbus_master_options_init(&mo);
        bus_options(o, c->port_io, &line, &mo.line, &mo.response_timeout_ms, &mo.retries);
        err = klefr_modbus_master_open(c->io, &mo, &c->modbus);
    } else if (o->protocol == KLEFR_PROTOCOL_MBUS) {
        klefr_mbus_master_options mo;
        klefr_mbus_master_options_init(&mo);
        bus_options(o, c->port_io, &line, &mo.line, &mo.response_timeout_ms, &mo.retries);
        err = klefr_mbus_master_open(c->io, &mo, &c->mbus);
    } else {
        klefr_iec_master_options io;
        klefr_iec_master_options_init(&io);
        if (o->baud > 0)
            io.max_baud = (uint32_t)o->baud;
        if (o->timeout_ms > 0)
            io.response_timeout_ms = (uint32_t)o->timeout_ms;
        if (o->retries >= 0)
            io.retries = (unsigned)o->retries;
        err = klefr_iec_master_open(c->io, &io, &c->iec);
    }
    if (err != KLEFR_OK) {
        cli_error("cannot start the %s master: %s", protocol_name(o->protocol),
                  klefr_strerror(err));
        cli_conn_close(c);
        return CLI_EXIT_PORT;
    }
    return CLI_EXIT_OK;
}

int cli_meter_open(cli_conn *c, const cli_target *t, klefr_meter **out)
{
    klefr_err err;
    if (c->modbus != NULL)
        err = klefr_meter_open_modbus(c->modbus, &t->address, out);
    else if (c->mbus != NULL)
        err = klefr_meter_open_mbus(c->mbus, &t->address, out);
    else
        err = klefr_meter_open_iec(c->iec, &t->address, out);
    if (err == KLEFR_OK && c->opts->password != NULL) {
        err = klefr_meter_set_password(*out, c->opts->password);
        if (err != KLEFR_OK) {
            klefr_meter_close(*out);
            *out = NULL;
            cli_error("--password takes 4 digits");
            return CLI_EXIT_USAGE;
        }
    }
    /* --retries also bounds how often a reading the register model
     * refused is read again (doc/klefr.1). */
    if (err == KLEFR_OK && c->opts->retries >= 0)
        klefr_meter_set_retries(*out, (unsigned)c->opts->retries);
    if (err == KLEFR_OK && c->opts->speed > 1)
        (void)klefr_meter_set_time_scale(*out, (double)c->opts->speed);
    if (err == KLEFR_OK)
        return CLI_EXIT_OK;
    char *who = cli_describe(c, t);
    if (err == KLEFR_ERR_NOT_AVAILABLE)
        cli_error("%s: this libklefr cannot talk %s yet", who, protocol_name(c->opts->protocol));
    else
        cli_error("%s: %s", who, klefr_strerror(err));
    g_free(who);
    return err == KLEFR_ERR_NOT_AVAILABLE ? CLI_EXIT_USAGE : cli_exit_for(err);
}

void cli_conn_close(cli_conn *c)
{
    klefr_modbus_master_close(c->modbus);
    c->modbus = NULL;
    klefr_mbus_master_close(c->mbus);
    c->mbus = NULL;
    klefr_iec_master_close(c->iec);
    c->iec = NULL;
    if (c->log != NULL) {
        cli_iolog_flush(c->log);
        klefr_io_close(cli_iolog_io(c->log));
    }
    c->log = NULL;
    klefr_io_close(c->port_io);
    c->port_io = c->io = NULL;
}

char *cli_describe(const cli_conn *c, const cli_target *t)
{
    const char *port = c->opts->port != NULL ? c->opts->port : "?";
    switch (c->opts->protocol) {
    case KLEFR_PROTOCOL_MODBUS:
        return g_strdup_printf("Modbus ID %u on %s", t->address.primary, port);
    case KLEFR_PROTOCOL_MBUS:
        if (t->address.use_secondary)
            return g_strdup_printf("M-Bus secondary address %08u on %s",
                                   (unsigned)t->address.secondary, port);
        return g_strdup_printf("M-Bus primary address %u on %s", t->address.primary, port);
    case KLEFR_PROTOCOL_IEC:
        if (t->address.iec[0] != '\0')
            return g_strdup_printf("IEC 62056-21 meter '%s' on %s", t->address.iec, port);
        return g_strdup_printf("IEC 62056-21 meter on %s", port);
    }
    return g_strdup(port);
}

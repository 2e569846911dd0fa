/* SPDX-License-Identifier: MIT */
/* klefr scan: find the meters on a bus (Modbus IDs, M-Bus primary
 * addresses, or an M-Bus secondary address search), then show who each one
 * is. A progress bar goes to stderr when it is a terminal. */
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "klefr_cli.h"

typedef struct scan_progress {
    bool tty;
    unsigned done;
    unsigned total;
    unsigned found;
} scan_progress;

static void draw(scan_progress *p, const char *what)
{
    if (!p->tty)
        return;
    enum { WIDTH = 30 };
    unsigned fill = p->total ? p->done * WIDTH / p->total : 0;
    char bar[WIDTH + 1];
    for (unsigned i = 0; i < WIDTH; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[WIDTH] = '\0';
    fprintf(stderr, "\r[%s] %s, %u found ", bar, what, p->found);
    fflush(stderr);
}

static void end_bar(scan_progress *p)
{
    if (p->tty)
        fputs("\r\033[K", stderr);
}

/* One address tried (a Modbus ID or an M-Bus primary address). */
static bool address_tried(scan_progress *p, bool found, const char *label, unsigned address)
{
    p->done++;
    p->found += found;
    char what[32];
    g_snprintf(what, sizeof what, "%s %u", label, address);
    draw(p, what);
    return true;
}

static bool on_modbus(void *user, uint8_t unit, bool found, klefr_err result)
{
    (void)result;
    return address_tried(user, found, "ID", unit);
}

static bool on_mbus_primary(void *user, uint8_t address, bool found, klefr_err result)
{
    (void)result;
    return address_tried(user, found, "address", address);
}

static bool on_mbus_secondary(void *user, uint32_t pattern, klefr_mbus_probe outcome,
                              const klefr_mbus_identity *identity)
{
    (void)identity;
    scan_progress *p = user;
    p->found += outcome == KLEFR_MBUS_PROBE_FOUND;
    if (outcome == KLEFR_MBUS_PROBE_ERROR && !p->tty)
        cli_error("two meters answer to %08X: same identification number?", (unsigned)pattern);
    /* The search narrows digit by digit: show the pattern as the bar. */
    char what[48];
    g_snprintf(what, sizeof what, "selecting %08X", (unsigned)pattern);
    p->done = p->total / 2;
    draw(p, what);
    return true;
}

/* One meter found: a few fields, printed as a line or a JSON object. */
typedef struct identity {
    size_t n;
    struct {
        const char *key;
        char text[64];
        bool number; /* the text is a JSON number */
    } f[8];
} identity;

static void field(identity *id, const char *key, bool number, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);

static void field(identity *id, const char *key, bool number, const char *fmt, ...)
{
    if (id->n >= G_N_ELEMENTS(id->f))
        return;
    va_list ap;
    va_start(ap, fmt);
    g_vsnprintf(id->f[id->n].text, sizeof id->f[id->n].text, fmt, ap);
    va_end(ap);
    id->f[id->n].key = key;
    id->f[id->n].number = number;
    id->n++;
}

static void emit(GString *s, bool json, const identity *id)
{
    if (json) {
        g_string_append(s, s->len > 1 ? ",{" : "{");
        for (size_t i = 0; i < id->n; i++) {
            if (i > 0)
                g_string_append_c(s, ',');
            json_text_append(s, id->f[i].key);
            g_string_append_c(s, ':');
            if (id->f[i].number)
                g_string_append(s, id->f[i].text);
            else
                json_text_append(s, id->f[i].text);
        }
        g_string_append_c(s, '}');
        return;
    }
    for (size_t i = 0; i < id->n; i++)
        g_string_append_printf(s, "%s%s %s",
                               i == 0   ? ""
                               : i == 1 ? ": "
                                        : ", ",
                               id->f[i].key, id->f[i].text);
    g_string_append_c(s, '\n');
}

static void modbus_identity(cli_conn *c, uint8_t unit, identity *id)
{
    field(id, "id", true, "%u", unit);
    klefr_meter *m;
    klefr_values v;
    klefr_meter_address a = {.primary = unit};
    if (klefr_meter_open_modbus(c->modbus, &a, &m) != KLEFR_OK)
        return;
    /* Only these: one read of the identification registers, not the map. */
    static const klefr_quantity show[] = {KLEFR_Q_METER_CODE, KLEFR_Q_SERIAL_NUMBER,
                                          KLEFR_Q_SOFTWARE_VERSION, KLEFR_Q_HARDWARE_VERSION,
                                          KLEFR_Q_BAUD_RATE};
    klefr_err err = klefr_meter_read_quantities(m, show, G_N_ELEMENTS(show), &v);
    if (err != KLEFR_OK) {
        char *why = cli_read_failure(m, err);
        field(id, "error", false, "%s", why);
        g_free(why);
        klefr_meter_close(m);
        return;
    }
    klefr_meter_close(m);
    for (size_t i = 0; i < G_N_ELEMENTS(show); i++) {
        double value;
        const klefr_quantity_info *info = klefr_quantity_get(show[i]);
        if (klefr_values_get(&v, show[i], &value) != KLEFR_OK)
            continue;
        char text[64];
        quantity_number_text(info, value, text, sizeof text);
        field(id, info->name, true, "%s", text);
    }
}

static void mbus_identity(int primary, const klefr_mbus_identity *mid, identity *id)
{
    char man[4];
    klefr_mbus_manufacturer_decode(mid->manufacturer, man);
    if (primary >= 0)
        field(id, "address", true, "%d", primary);
    field(id, "secondary_address", false, "%08u", (unsigned)mid->id);
    field(id, "manufacturer", false, "%s", man);
    field(id, "version", true, "%u", mid->version);
    field(id, "medium", false, "%s", klefr_mbus_medium_name(mid->medium));
}

/* Who is at a primary address: the fixed header of its RSP_UD. */
static void mbus_primary_identity(cli_conn *c, uint8_t a, identity *id)
{
    uint8_t rsp[KLEFR_MBUS_FRAME_MAX];
    size_t len;
    klefr_mbus_frame f;
    klefr_mbus_header h;
    klefr_err err = klefr_mbus_master_req_ud2(c->mbus, a, rsp, sizeof rsp, &len);
    if (err == KLEFR_OK)
        err = klefr_mbus_frame_decode(rsp, len, &f);
    if (err == KLEFR_OK)
        err = klefr_mbus_header_decode(f.ci, f.data, f.data_len, &h, NULL);
    if (err == KLEFR_OK && h.ci != KLEFR_MBUS_CI_RSP_LONG)
        err = KLEFR_ERR_UNSUPPORTED;
    if (err != KLEFR_OK) {
        field(id, "address", true, "%u", a);
        field(id, "error", false, "%s", klefr_strerror(err));
        return;
    }
    klefr_mbus_identity mid = {
        .id = h.id, .manufacturer = h.manufacturer, .version = h.version, .medium = h.medium};
    mbus_identity(a, &mid, id);
}

int cmd_scan(int argc, char **argv)
{
    static cli_conn_opts co; /* GOption strings in it are freed by main() */
    cli_conn_defaults(&co);
    static char *from_text, *to_text;
    gboolean secondary = FALSE, json = FALSE;
    const GOptionEntry entries[] = {
        {"from", 0, 0, G_OPTION_ARG_STRING, &from_text, "First address (default 1 Modbus, 0 M-Bus)",
         "ADDR"},
        {"to", 0, 0, G_OPTION_ARG_STRING, &to_text, "Last address (default 247 Modbus, 250 M-Bus)",
         "ADDR"},
        {"secondary", 's', 0, G_OPTION_ARG_NONE, &secondary,
         "M-Bus: search by secondary address (wildcard selection) instead of primary", NULL},
        {"json", 'j', 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    int rc = cli_parse_connection(
        "- find meters on a bus",
        "Tries every Modbus ID (1-247) or M-Bus primary address (0-250), or searches\n"
        "M-Bus secondary addresses with wildcards, then reads each meter found for\n"
        "its identity. The response timeout is the protocol's for the line (M-Bus:\n"
        "330 bit times + 50 ms; Modbus: 500 ms + 10 characters) unless --timeout\n"
        "says else; a silent address is tried once, a corrupt answer --retries\n"
        "times more. Exits 3 when no meter answers.",
        entries, &co, &argc, &argv);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (co.protocol == KLEFR_PROTOCOL_IEC) {
        cli_error("the IR port talks to the one meter facing the head: use klefr read "
                  "--protocol iec");
        return CLI_EXIT_USAGE;
    }
    if (co.ids != NULL) {
        cli_error("scan tries every address: give the range with --from and --to, not --id");
        return CLI_EXIT_USAGE;
    }
    bool mbus = co.protocol == KLEFR_PROTOCOL_MBUS;
    if (secondary && !mbus) {
        cli_error("--secondary searches M-Bus secondary addresses: add --protocol mbus");
        return CLI_EXIT_USAGE;
    }
    if (secondary && (from_text != NULL || to_text != NULL)) {
        cli_error("--from and --to are primary addresses: a secondary search has no range");
        return CLI_EXIT_USAGE;
    }
    long lo = mbus ? 0 : 1, hi = mbus ? KLEFR_MBUS_ADDR_PRIMARY_MAX : KLEFR_MODBUS_ADDRESS_MAX;
    long first = lo, last = hi;
    char what[48];
    g_snprintf(what, sizeof what, "%s address %ld to %ld", mbus ? "an M-Bus" : "a Modbus", lo, hi);
    if ((from_text != NULL && !cli_option_number("--from", from_text, lo, hi, what, &first)) ||
        (to_text != NULL && !cli_option_number("--to", to_text, lo, hi, what, &last)))
        return CLI_EXIT_USAGE;
    if (first > last) {
        cli_error("scan range %ld-%ld is empty: --from is above --to", first, last);
        return CLI_EXIT_USAGE;
    }
    /* The timeouts stay the protocol's for the line (the masters derive
     * them): a shorter one credits a late answer to nobody but misses the
     * meter. A silent address is tried once by the scans themselves. */
    cli_conn c;
    if ((rc = cli_conn_open(&co, &c)) != CLI_EXIT_OK)
        return rc;
    scan_progress p = {.tty = isatty(STDERR_FILENO) && !co.verbose};
    GString *s = g_string_new(json ? "[" : NULL);
    klefr_err err;
    size_t count = 0;
    identity id;
    if (!secondary) {
        /* Modbus IDs or M-Bus primary addresses: one byte each. */
        uint8_t found[KLEFR_MBUS_ADDR_PRIMARY_MAX + 1];
        p.total = (unsigned)(last - first + 1);
        err = mbus
                  ? klefr_mbus_master_scan_primary(c.mbus, (uint8_t)first, (uint8_t)last,
                                                   on_mbus_primary, &p, found, sizeof found, &count)
                  : klefr_modbus_master_scan(c.modbus, (uint8_t)first, (uint8_t)last, 0x4000,
                                             on_modbus, &p, found, sizeof found, &count);
        end_bar(&p);
        for (size_t i = 0; i < count && i < sizeof found; i++) {
            id.n = 0;
            if (mbus)
                mbus_primary_identity(&c, found[i], &id);
            else
                modbus_identity(&c, found[i], &id);
            emit(s, json, &id);
        }
    } else {
        klefr_mbus_identity found[64];
        klefr_mbus_selection any = {.id_pattern = 0xFFFFFFFFu,
                                    .manufacturer = 0xFFFFu,
                                    .version = KLEFR_MBUS_WILDCARD_BYTE,
                                    .medium = KLEFR_MBUS_WILDCARD_BYTE};
        p.total = 2;
        err = klefr_mbus_master_scan_secondary(c.mbus, &any, on_mbus_secondary, &p, found,
                                               G_N_ELEMENTS(found), &count);
        end_bar(&p);
        for (size_t i = 0; i < count && i < G_N_ELEMENTS(found); i++) {
            id.n = 0;
            mbus_identity(-1, &found[i], &id);
            emit(s, json, &id);
        }
    }
    cli_iolog_flush(c.log);
    if (json)
        g_string_append(s, "]\n");
    if (err != KLEFR_OK && err != KLEFR_ERR_BUFFER_TOO_SMALL) {
        cli_error("scan of %s stopped: %s", co.port, klefr_strerror(err));
        rc = cli_exit_for(err);
    }
    fputs(s->str, stdout);
    g_string_free(s, TRUE);
    if (rc == CLI_EXIT_OK && count == 0) {
        cli_error("no meter answered on %s", co.port);
        rc = CLI_EXIT_NO_RESPONSE;
    }
    cli_conn_close(&c);
    return rc;
}

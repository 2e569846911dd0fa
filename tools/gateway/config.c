/* SPDX-License-Identifier: MIT */
/* The configuration: a GLib key file with [gateway], [mqtt], one
 * [bus NAME] per bus and optional [meter BUS ADDRESS] sections. Every
 * error names the file, the line and the key, and nothing is opened before
 * the whole file has been checked. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gateway.h"
#include "option_number.h"

/* Where each group and key stands in the file: GKeyFile does not say. */
typedef struct conf_ctx {
    const char *path;
    GKeyFile *kf;
    GHashTable *lines; /* "group\nkey" (or "group\n") -> line number */
    GError **error;
    bool failed;
} conf_ctx;

static int line_of(conf_ctx *c, const char *group, const char *key)
{
    char *k = g_strdup_printf("%s\n%s", group, key != NULL ? key : "");
    gpointer v = g_hash_table_lookup(c->lines, k);
    g_free(k);
    if (v == NULL && key != NULL)
        return line_of(c, group, NULL);
    return GPOINTER_TO_INT(v);
}

static void fail(conf_ctx *c, const char *group, const char *key, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);
static void fail(conf_ctx *c, const char *group, const char *key, const char *fmt, ...)
{
    if (c->failed)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    int line = group != NULL ? line_of(c, group, key) : 0;
    GString *s = g_string_new(c->path);
    if (line > 0)
        g_string_append_printf(s, ":%d", line);
    g_string_append(s, ": ");
    if (group != NULL)
        g_string_append_printf(s, "[%s] ", group);
    if (key != NULL)
        g_string_append_printf(s, "%s: ", key);
    g_string_append(s, msg);
    g_set_error_literal(c->error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE, s->str);
    g_string_free(s, TRUE);
    g_free(msg);
    c->failed = true;
}

/* Check the syntax line by line (GKeyFile's own errors carry no line
 * number) and remember where every group and key is. */
static bool index_lines(conf_ctx *c, const char *text)
{
    char **lines = g_strsplit(text, "\n", -1);
    char *group = NULL;
    for (int i = 0; lines[i] != NULL && !c->failed; i++) {
        char *l = g_strstrip(lines[i]);
        int n = i + 1;
        if (*l == '\0' || *l == '#' || *l == ';')
            continue;
        if (*l == '[') {
            char *end = strchr(l, ']');
            if (end == NULL || end[1] != '\0' || end == l + 1) {
                g_set_error(c->error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE,
                            "%s:%d: '%s' is not a [section] header", c->path, n, l);
                c->failed = true;
                break;
            }
            g_free(group);
            group = g_strndup(l + 1, (gsize)(end - l - 1));
            g_hash_table_insert(c->lines, g_strdup_printf("%s\n", group), GINT_TO_POINTER(n));
            continue;
        }
        char *eq = strchr(l, '=');
        if (eq == NULL || group == NULL) {
            g_set_error(c->error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE,
                        "%s:%d: '%s' is not 'key = value'%s", c->path, n, l,
                        group == NULL ? " inside a [section]" : "");
            c->failed = true;
            break;
        }
        char *key = g_strstrip(g_strndup(l, (gsize)(eq - l)));
        g_hash_table_insert(c->lines, g_strdup_printf("%s\n%s", group, key), GINT_TO_POINTER(n));
        g_free(key);
    }
    g_free(group);
    g_strfreev(lines);
    return !c->failed;
}

static bool check_keys(conf_ctx *c, const char *group, const char *const *allowed)
{
    char **keys = g_key_file_get_keys(c->kf, group, NULL, NULL);
    for (size_t i = 0; keys != NULL && keys[i] != NULL && !c->failed; i++) {
        bool ok = false;
        for (size_t k = 0; allowed[k] != NULL; k++)
            ok = ok || strcmp(keys[i], allowed[k]) == 0;
        if (!ok)
            fail(c, group, keys[i], "unknown key");
    }
    g_strfreev(keys);
    return !c->failed;
}

static char *get_str(conf_ctx *c, const char *group, const char *key, const char *def)
{
    if (!g_key_file_has_key(c->kf, group, key, NULL))
        return def != NULL ? g_strdup(def) : NULL;
    char *v = g_key_file_get_string(c->kf, group, key, NULL);
    if (v == NULL)
        return NULL;
    /* A comment may follow a value: "interval = 10   # seconds". */
    for (char *p = v; *p != '\0'; p++) {
        if (*p == '#' && p > v && g_ascii_isspace(p[-1])) {
            *p = '\0';
            break;
        }
    }
    return g_strstrip(v);
}

static gint64 get_int(conf_ctx *c, const char *group, const char *key, gint64 def, gint64 min,
                      gint64 max)
{
    char *v = get_str(c, group, key, NULL);
    if (v == NULL)
        return def;
    gint64 n;
    GError *e = NULL;
    if (!g_ascii_string_to_signed(v, 10, min, max, &n, &e)) {
        fail(c, group, key,
             "'%s' is not a whole number from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT, v, min,
             max);
        n = def;
    }
    g_clear_error(&e);
    g_free(v);
    return n;
}

/* Seconds, fractions allowed, into milliseconds. */
static guint get_seconds_ms(conf_ctx *c, const char *group, const char *key, guint def_ms,
                            double max_s)
{
    char *v = get_str(c, group, key, NULL);
    if (v == NULL)
        return def_ms;
    char *end = NULL;
    double s = g_ascii_strtod(v, &end);
    guint ms = def_ms;
    if (end == v || *end != '\0' || !(s >= 0 && s <= max_s))
        fail(c, group, key, "'%s' is not a number of seconds from 0 to %g", v, max_s);
    else
        ms = (guint)(s * 1000.0 + 0.5);
    g_free(v);
    return ms;
}

static bool get_bool(conf_ctx *c, const char *group, const char *key, bool def)
{
    char *v = get_str(c, group, key, NULL);
    if (v == NULL)
        return def;
    bool r = def;
    if (g_ascii_strcasecmp(v, "true") == 0 || g_ascii_strcasecmp(v, "yes") == 0 ||
        strcmp(v, "1") == 0)
        r = true;
    else if (g_ascii_strcasecmp(v, "false") == 0 || g_ascii_strcasecmp(v, "no") == 0 ||
             strcmp(v, "0") == 0)
        r = false;
    else
        fail(c, group, key, "'%s' is not true or false", v);
    g_free(v);
    return r;
}

static const char *group_names[] = {"energy", "instantaneous", "identification", "settings",
                                    "status"};

/* "all", group names and quantity names, comma separated. The default is
 * everything the protocol carries except the three-phase registers. */
static void get_quantities(conf_ctx *c, const char *group, klefr_protocol p,
                           const gw_quantities *def, gw_quantities *out)
{
    char *v = get_str(c, group, "quantities", NULL);
    if (v == NULL) {
        *out = *def;
        return;
    }
    memset(out, 0, sizeof *out);
    char **names = g_strsplit(v, ",", -1);
    for (size_t i = 0; names[i] != NULL && !c->failed; i++) {
        const char *n = g_strstrip(names[i]);
        if (*n == '\0')
            continue;
        bool matched = false;
        for (unsigned q = 0; q < KLEFR_Q_COUNT; q++) {
            const klefr_quantity_info *row = klefr_quantity_get((klefr_quantity)q);
            bool in_group = strcmp(n, group_names[row->group]) == 0;
            bool all = strcmp(n, "all") == 0 && (row->flags & KLEFR_QF_THREE_PHASE) == 0;
            if (strcmp(n, row->name) == 0 || in_group || all) {
                matched = true;
                if (gw_can_read(p, (klefr_quantity)q))
                    out->want[q] = true;
                else if (strcmp(n, row->name) == 0)
                    fail(c, group, "quantities", "%s is not carried over %s", n, protocol_name(p));
            }
        }
        if (!matched)
            fail(c, group, "quantities",
                 "unknown quantity '%s' (klefr read --list names them; or all, energy, "
                 "instantaneous, identification, settings, status)",
                 n);
    }
    g_strfreev(names);
    g_free(v);
}

/* An address as the klefr CLI takes it for the protocol. */
static bool parse_address(klefr_protocol p, const char *text, klefr_meter_address *a,
                          const char **why)
{
    memset(a, 0, sizeof *a);
    guint64 n;
    switch (p) {
    case KLEFR_PROTOCOL_MODBUS:
        *why = "a Modbus ID is 1 to 247";
        if (!option_digits(text, 255, &n) || n < 1 || n > KLEFR_MODBUS_ADDRESS_MAX)
            return false;
        a->primary = (uint8_t)n;
        return true;
    case KLEFR_PROTOCOL_MBUS:
        *why = "an M-Bus address is a primary address 0 to 250 or an 8-digit secondary address";
        if (strlen(text) == 8 && option_digits(text, 99999999, &n)) {
            a->use_secondary = true;
            a->secondary = (uint32_t)n;
            return true;
        }
        if (!option_digits(text, 255, &n) || n > KLEFR_MBUS_ADDR_PRIMARY_MAX)
            return false;
        a->primary = (uint8_t)n;
        return true;
    case KLEFR_PROTOCOL_IEC:
        *why = "an IEC device address has at most 32 characters";
        if (strlen(text) >= sizeof a->iec)
            return false;
        g_strlcpy(a->iec, text, sizeof a->iec);
        return true;
    }
    return false;
}

static bool parse_model(const char *s, klefr_model *out)
{
    guint64 n;
    if (!option_digits(s, 9999, &n) || n < 6911 || n > 6914)
        return false;
    *out = (klefr_model)n;
    return true;
}

/* A model the protocol cannot reach is a configuration error. */
static bool model_fits(klefr_protocol p, klefr_model m)
{
    return m == 0 || p == KLEFR_PROTOCOL_IEC || m == protocol_model(p);
}

static gw_meter_conf *new_meter(conf_ctx *c, const char *group, const char *key, gw_bus_conf *bus,
                                const char *spec)
{
    const char *colon = strchr(spec, ':');
    klefr_model model = 0;
    char *addr = g_strdup(colon != NULL ? colon + 1 : spec);
    if (colon != NULL) {
        char *m = g_strndup(spec, (gsize)(colon - spec));
        if (!parse_model(m, &model) || !model_fits(bus->protocol, model))
            fail(c, group, key, "'%s' is not a model the %s bus reaches (6911-6914)", m,
                 protocol_name(bus->protocol));
        g_free(m);
    }
    gw_meter_conf *mc = gw_meter_conf_copy(&bus->defaults);
    const char *why = "";
    if (!parse_address(bus->protocol, addr, &mc->address, &why))
        fail(c, group, key, "'%s': %s", addr, why);
    mc->model = model;
    mc->address_text = addr;
    mc->key = g_strdup_printf("%s/%s", bus->name, addr);
    return mc;
}

static void parse_line(conf_ctx *c, const char *g, gw_bus_conf *b)
{
    b->line =
        (klefr_line){.baud = 9600, .data_bits = 8, .parity = KLEFR_PARITY_EVEN, .stop_bits = 1};
    if (b->protocol == KLEFR_PROTOCOL_IEC) /* the sign-on is at 300 7E1; baud caps the switch */
        b->line =
            (klefr_line){.baud = 300, .data_bits = 7, .parity = KLEFR_PARITY_EVEN, .stop_bits = 1};
    gint64 baud = get_int(c, g, "baud", 0, 300, 115200);
    if (baud > 0 && b->protocol != KLEFR_PROTOCOL_IEC)
        b->line.baud = (uint32_t)baud;
    b->line.stop_bits = (uint8_t)get_int(c, g, "stop_bits", b->line.stop_bits, 1, 2);
    char *parity = get_str(c, g, "parity", NULL);
    if (parity != NULL) {
        if (strcmp(parity, "even") == 0)
            b->line.parity = KLEFR_PARITY_EVEN;
        else if (strcmp(parity, "none") == 0)
            b->line.parity = KLEFR_PARITY_NONE;
        else if (strcmp(parity, "odd") == 0)
            b->line.parity = KLEFR_PARITY_ODD;
        else
            fail(c, g, "parity", "'%s' is not even, none or odd", parity);
        g_free(parity);
    }
    /* For IEC the baud key is the highest baud to switch to. */
    if (b->protocol == KLEFR_PROTOCOL_IEC)
        b->iec_max_baud = (guint)baud;
}

static void parse_scan_range(conf_ctx *c, const char *g, gw_bus_conf *b)
{
    guint max = b->protocol == KLEFR_PROTOCOL_MODBUS ? KLEFR_MODBUS_ADDRESS_MAX
                                                     : KLEFR_MBUS_ADDR_PRIMARY_MAX;
    b->scan_first = b->protocol == KLEFR_PROTOCOL_MODBUS ? 1 : 0;
    b->scan_last = max;
    char *r = get_str(c, g, "scan_range", NULL);
    if (r == NULL)
        return;
    guint64 lo, hi;
    char **p = g_strsplit(r, "-", 2);
    if (p[0] == NULL || p[1] == NULL || !option_digits(g_strstrip(p[0]), max, &lo) ||
        !option_digits(g_strstrip(p[1]), max, &hi) || lo > hi || lo < b->scan_first)
        fail(c, g, "scan_range", "'%s' is not FIRST-LAST within %u-%u", r, b->scan_first, max);
    else {
        b->scan_first = (guint)lo;
        b->scan_last = (guint)hi;
    }
    g_strfreev(p);
    g_free(r);
}

static gw_bus_conf *parse_bus(conf_ctx *c, const char *g, const char *name)
{
    static const char *const keys[] = {"port",      "protocol",   "baud",          "parity",
                                       "stop_bits", "timeout",    "retries",       "password",
                                       "discover",  "scan_range", "scan_timeout",  "meters",
                                       "interval",  "quantities", "offline_after", "meter_speed",
                                       NULL};
    gw_bus_conf *b = g_new0(gw_bus_conf, 1);
    b->name = g_strdup(name);
    b->meters = g_ptr_array_new_with_free_func((GDestroyNotify)gw_meter_conf_free);
    if (!check_keys(c, g, keys))
        return b;
    b->port = get_str(c, g, "port", NULL);
    if (b->port == NULL || *b->port == '\0')
        fail(c, g, NULL, "no port (a device such as /dev/ttyUSB0, or tcp://HOST:PORT)");
    char *proto = get_str(c, g, "protocol", "modbus");
    if (strcmp(proto, "modbus") == 0)
        b->protocol = KLEFR_PROTOCOL_MODBUS;
    else if (strcmp(proto, "mbus") == 0 || strcmp(proto, "m-bus") == 0)
        b->protocol = KLEFR_PROTOCOL_MBUS;
    else if (strcmp(proto, "iec") == 0 || strcmp(proto, "ir") == 0)
        b->protocol = KLEFR_PROTOCOL_IEC;
    else
        fail(c, g, "protocol", "'%s' is not modbus, mbus or iec", proto);
    g_free(proto);
    parse_line(c, g, b);
    b->timeout_ms = (guint)get_int(c, g, "timeout", 0, 1, 60000);
    b->retries = (int)get_int(c, g, "retries", -1, 0, 10);
    b->meter_speed = (guint)get_int(c, g, "meter_speed", 1, 1, 1000000);
    b->password = get_str(c, g, "password", NULL);
    if (b->password != NULL && (strlen(b->password) != 4 || strspn(b->password, "0123456789") != 4))
        fail(c, g, "password", "the IR programming password has 4 digits");
    b->discover = get_bool(c, g, "discover", false);
    parse_scan_range(c, g, b);
    b->scan_timeout_ms = (guint)get_int(c, g, "scan_timeout", 100, 10, 10000);
    b->defaults.interval_ms = get_seconds_ms(c, g, "interval", 10000, 86400);
    b->defaults.offline_after = (guint)get_int(c, g, "offline_after", 3, 1, 1000);
    gw_quantities all;
    memset(&all, 0, sizeof all);
    for (unsigned q = 0; q < KLEFR_Q_COUNT; q++)
        all.want[q] = gw_can_read(b->protocol, (klefr_quantity)q) &&
                      (klefr_quantity_get((klefr_quantity)q)->flags & KLEFR_QF_THREE_PHASE) == 0;
    get_quantities(c, g, b->protocol, &all, &b->defaults.q);

    char *list = get_str(c, g, "meters", NULL);
    if (list == NULL && b->protocol == KLEFR_PROTOCOL_IEC && !b->discover)
        list = g_strdup(""); /* the meter facing the head */
    if (list != NULL) {
        char **specs = g_strsplit(list, ",", -1);
        for (size_t i = 0; specs[i] != NULL && !c->failed; i++) {
            const char *s = g_strstrip(specs[i]);
            if (*s == '\0' && b->protocol != KLEFR_PROTOCOL_IEC)
                continue;
            g_ptr_array_add(b->meters, new_meter(c, g, "meters", b, s));
        }
        g_strfreev(specs);
        /* g_strsplit("") is empty: an IR head's one meter, any address. */
        if (b->protocol == KLEFR_PROTOCOL_IEC && b->meters->len == 0 && !c->failed)
            g_ptr_array_add(b->meters, new_meter(c, g, "meters", b, ""));
        g_free(list);
    }
    if (b->meters->len == 0 && !b->discover && !c->failed)
        fail(c, g, NULL, "no meters and discover = false: nothing to read");
    return b;
}

static gw_bus_conf *find_bus(gw_conf *conf, const char *name)
{
    for (guint i = 0; i < conf->buses->len; i++) {
        gw_bus_conf *b = g_ptr_array_index(conf->buses, i);
        if (strcmp(b->name, name) == 0)
            return b;
    }
    return NULL;
}

/* [meter BUS ADDRESS]: overrides for one meter of a bus (added to it when
 * the bus's meters list does not name it). */
static void parse_meter(conf_ctx *c, gw_conf *conf, const char *g, const char *spec)
{
    static const char *const keys[] = {"model",         "interval", "quantities",
                                       "offline_after", "id",       NULL};
    if (!check_keys(c, g, keys))
        return;
    char **parts = g_strsplit(spec, " ", 2);
    gw_bus_conf *bus = parts[0] != NULL ? find_bus(conf, parts[0]) : NULL;
    const char *addr = parts[0] != NULL && parts[1] != NULL ? g_strstrip(parts[1]) : "";
    if (bus == NULL) {
        fail(c, g, NULL, "no [bus %s] section for this meter", parts[0] != NULL ? parts[0] : "");
        g_strfreev(parts);
        return;
    }
    gw_meter_conf *m = NULL;
    for (guint i = 0; i < bus->meters->len; i++) {
        gw_meter_conf *x = g_ptr_array_index(bus->meters, i);
        if (strcmp(x->address_text, addr) == 0)
            m = x;
    }
    if (m == NULL) {
        m = new_meter(c, g, NULL, bus, addr);
        g_ptr_array_add(bus->meters, m);
    }
    char *model = get_str(c, g, "model", NULL);
    if (model != NULL && (!parse_model(model, &m->model) || !model_fits(bus->protocol, m->model)))
        fail(c, g, "model", "'%s' is not a model the %s bus reaches (6911-6914)", model,
             protocol_name(bus->protocol));
    g_free(model);
    m->interval_ms = get_seconds_ms(c, g, "interval", m->interval_ms, 86400);
    m->offline_after = (guint)get_int(c, g, "offline_after", m->offline_after, 1, 1000);
    get_quantities(c, g, bus->protocol, &bus->defaults.q, &m->q);
    g_free(m->id);
    m->id = get_str(c, g, "id", NULL);
    g_strfreev(parts);
}

static char *default_id(void)
{
    char *id = g_strdup(g_get_host_name());
    for (char *p = id; *p != '\0'; p++)
        if (!g_ascii_isalnum(*p) && *p != '-' && *p != '_')
            *p = '_';
    return id;
}

/* A topic level of ours must not hold MQTT wildcards or separators. */
static bool topic_safe(const char *s)
{
    return s != NULL && *s != '\0' && strpbrk(s, "+#/ ") == NULL;
}

static void parse_gateway(conf_ctx *c, gw_conf *conf)
{
    static const char *const keys[] = {"id", "queue", "queue_max", "queue_fsync", NULL};
    const char *g = "gateway";
    if (g_key_file_has_group(c->kf, g))
        check_keys(c, g, keys);
    conf->id = get_str(c, g, "id", NULL);
    if (conf->id == NULL)
        conf->id = default_id();
    if (!topic_safe(conf->id))
        fail(c, g, "id", "'%s' must not be empty or hold '/', '+', '#' or spaces", conf->id);
    conf->queue_dir = get_str(c, g, "queue", NULL);
    if (conf->queue_dir == NULL) {
        const char *state = g_getenv("STATE_DIRECTORY"); /* systemd's StateDirectory= */
        conf->queue_dir = state != NULL ? g_build_filename(state, "queue", NULL)
                                        : g_build_filename(g_get_user_state_dir(), "klefr-gateway",
                                                           conf->id, NULL);
    }
    conf->queue_max = (guint)get_int(c, g, "queue_max", 10000, 1, 10000000);
    conf->queue_fsync = get_bool(c, g, "queue_fsync", true);
}

/* The first line of @p file; "credential:NAME" is NAME in systemd's
 * $CREDENTIALS_DIRECTORY (LoadCredential= in the unit). */
static char *read_secret(conf_ctx *c, const char *file)
{
    char *text = NULL;
    GError *e = NULL;
    char *path = NULL;
    if (g_str_has_prefix(file, "credential:")) {
        const char *dir = g_getenv("CREDENTIALS_DIRECTORY");
        if (dir == NULL) {
            fail(c, "mqtt", "password_file", "%s: no $CREDENTIALS_DIRECTORY (LoadCredential=)",
                 file);
            return NULL;
        }
        path = g_build_filename(dir, file + strlen("credential:"), NULL);
        file = path;
    }
    bool ok = g_file_get_contents(file, &text, NULL, &e);
    g_free(path);
    if (!ok) {
        fail(c, "mqtt", "password_file", "%s", e->message);
        g_error_free(e);
        return NULL;
    }
    char *nl = strpbrk(text, "\r\n");
    if (nl != NULL)
        *nl = '\0';
    return text;
}

static void parse_mqtt(conf_ctx *c, gw_conf *conf)
{
    static const char *const keys[] = {"host",
                                       "port",
                                       "client_id",
                                       "base_topic",
                                       "discovery_prefix",
                                       "discovery",
                                       "username",
                                       "password_file",
                                       "ca_file",
                                       "cert_file",
                                       "key_file",
                                       "tls_insecure",
                                       "keepalive",
                                       "reconnect_min",
                                       "reconnect_max",
                                       "allow_writes",
                                       NULL};
    const char *g = "mqtt";
    gw_mqtt_conf *m = &conf->mqtt;
    conf->mqtt_enabled = g_key_file_has_group(c->kf, g);
    if (!conf->mqtt_enabled)
        return;
    check_keys(c, g, keys);
    m->host = get_str(c, g, "host", "localhost");
    m->ca_file = get_str(c, g, "ca_file", NULL);
    m->cert_file = get_str(c, g, "cert_file", NULL);
    m->key_file = get_str(c, g, "key_file", NULL);
    m->tls = m->ca_file != NULL;
    m->port = (int)get_int(c, g, "port", m->tls ? 8883 : 1883, 1, 65535);
    char *def_client = g_strdup_printf("klefr-gateway-%s", conf->id);
    m->client_id = get_str(c, g, "client_id", def_client);
    g_free(def_client);
    m->base = get_str(c, g, "base_topic", "klefr");
    m->discovery_prefix = get_str(c, g, "discovery_prefix", "homeassistant");
    m->discovery = get_bool(c, g, "discovery", true);
    m->username = get_str(c, g, "username", NULL);
    char *pwfile = get_str(c, g, "password_file", NULL);
    if (pwfile != NULL) {
        m->password = read_secret(c, pwfile);
        if (m->username == NULL)
            fail(c, g, "password_file", "a password needs a username");
    }
    g_free(pwfile);
    if ((m->cert_file == NULL) != (m->key_file == NULL))
        fail(c, g, m->cert_file == NULL ? "key_file" : "cert_file",
             "a client certificate needs both cert_file and key_file");
    if (m->cert_file != NULL && m->ca_file == NULL)
        fail(c, g, "cert_file", "TLS needs ca_file");
    const char *files[] = {m->ca_file, m->cert_file, m->key_file};
    const char *names[] = {"ca_file", "cert_file", "key_file"};
    for (size_t i = 0; i < 3; i++)
        if (files[i] != NULL && !g_file_test(files[i], G_FILE_TEST_IS_REGULAR))
            fail(c, g, names[i], "%s: no such file", files[i]);
    m->tls_insecure = get_bool(c, g, "tls_insecure", false);
    m->keepalive_s = (int)get_int(c, g, "keepalive", 30, 5, 3600);
    m->reconnect_min_ms = get_seconds_ms(c, g, "reconnect_min", 1000, 3600);
    m->reconnect_max_ms = get_seconds_ms(c, g, "reconnect_max", 30000, 3600);
    if (m->reconnect_min_ms == 0)
        m->reconnect_min_ms = 100;
    if (m->reconnect_max_ms < m->reconnect_min_ms)
        m->reconnect_max_ms = m->reconnect_min_ms;
    m->allow_writes = get_bool(c, g, "allow_writes", false);
    if (!topic_safe(m->base) && strchr(m->base, '/') == NULL)
        fail(c, g, "base_topic", "'%s' must not be empty or hold '+', '#' or spaces", m->base);
}

static void parse_groups(conf_ctx *c, gw_conf *conf)
{
    gsize n;
    char **groups = g_key_file_get_groups(c->kf, &n);
    /* Buses first: meter sections refer to them. */
    for (int pass = 0; pass < 2 && !c->failed; pass++) {
        for (gsize i = 0; i < n && !c->failed; i++) {
            const char *g = groups[i];
            if (pass == 0 && g_str_has_prefix(g, "bus ")) {
                const char *name = g + 4;
                if (!topic_safe(name))
                    fail(c, g, NULL, "a bus name must not hold '/', '+', '#' or spaces");
                else if (find_bus(conf, name) != NULL)
                    fail(c, g, NULL, "a second bus named %s", name);
                else
                    g_ptr_array_add(conf->buses, parse_bus(c, g, name));
            } else if (pass == 1 && g_str_has_prefix(g, "meter ")) {
                parse_meter(c, conf, g, g + 6);
            } else if (pass == 0 && strcmp(g, "gateway") != 0 && strcmp(g, "mqtt") != 0 &&
                       !g_str_has_prefix(g, "meter ") && !g_str_has_prefix(g, "bus ")) {
                fail(c, g, NULL, "unknown section (gateway, mqtt, bus NAME or meter BUS ADDRESS)");
            }
        }
    }
    g_strfreev(groups);
    if (!c->failed && conf->buses->len == 0)
        fail(c, NULL, NULL, "no [bus NAME] section");
}

gw_conf *gw_conf_load(const char *path, GError **error)
{
    char *text = NULL;
    if (!g_file_get_contents(path, &text, NULL, error))
        return NULL;
    conf_ctx c = {.path = path, .kf = g_key_file_new(), .error = error};
    c.lines = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    gw_conf *conf = g_new0(gw_conf, 1);
    conf->path = g_strdup(path);
    conf->buses = g_ptr_array_new();
    GError *e = NULL;
    if (index_lines(&c, text)) {
        if (!g_key_file_load_from_data(c.kf, text, (gsize)-1, G_KEY_FILE_NONE, &e)) {
            g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE, "%s: %s", path,
                        e->message);
            c.failed = true;
            g_error_free(e);
        }
    }
    if (!c.failed) {
        parse_gateway(&c, conf);
        parse_mqtt(&c, conf);
        parse_groups(&c, conf);
    }
    g_hash_table_destroy(c.lines);
    g_key_file_free(c.kf);
    g_free(text);
    if (c.failed) {
        gw_conf_free(conf);
        return NULL;
    }
    return conf;
}

gw_meter_conf *gw_meter_conf_copy(const gw_meter_conf *m)
{
    gw_meter_conf *c = g_new(gw_meter_conf, 1);
    *c = *m;
    c->key = g_strdup(m->key);
    c->address_text = g_strdup(m->address_text);
    c->id = g_strdup(m->id);
    return c;
}

void gw_meter_conf_free(gw_meter_conf *m)
{
    if (m == NULL)
        return;
    g_free(m->key);
    g_free(m->address_text);
    g_free(m->id);
    g_free(m);
}

static void bus_conf_free(gw_bus_conf *b)
{
    g_free(b->name);
    g_free(b->port);
    g_free(b->password);
    g_ptr_array_free(b->meters, TRUE);
    g_free(b);
}

void gw_conf_free(gw_conf *c)
{
    if (c == NULL)
        return;
    g_free(c->path);
    g_free(c->id);
    g_free(c->queue_dir);
    gw_mqtt_conf *m = &c->mqtt;
    g_free(m->host);
    g_free(m->client_id);
    g_free(m->base);
    g_free(m->discovery_prefix);
    g_free(m->username);
    if (m->password != NULL)
        memset(m->password, 0, strlen(m->password));
    g_free(m->password);
    g_free(m->ca_file);
    g_free(m->cert_file);
    g_free(m->key_file);
    for (guint i = 0; i < c->buses->len; i++)
        bus_conf_free(g_ptr_array_index(c->buses, i));
    g_ptr_array_free(c->buses, TRUE);
    g_free(c);
}

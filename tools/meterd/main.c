/* SPDX-License-Identifier: MIT */
/* klefr-meterd: KLEFR 6911-6914 meters emulated by the firmware core on a
 * pseudo-terminal, a serial port or a TCP listener. Options and the main
 * loop; see doc/klefr-meterd.md. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "meterd.h"
#include "option_number.h"

#define MD_DEFAULT_SERIAL 17060518u

typedef struct md_opts {
    gchar *model;
    gchar **meters;
    gchar *serial;
    gchar *port;
    gchar *listen;
    gchar *ir;
    gboolean baud_timing;
    gchar *ir_parity;
    gchar *load;
    gchar *profile;
    gchar *speed;
    gchar *control;
    gboolean use_stdin;
    gchar *store;
    gboolean fsync;
    gchar *tick;
} md_opts;

/* The command line, checked. */
typedef struct md_config {
    GArray *specs; /* md_meter_spec per meter */
    klefr_iec_parity_mode ir_parity;
    double speed;
    long tick_ms;
    long serial;
} md_config;

typedef struct md_meter_spec {
    klefr_model model;
    int address;       /* -1: factory default */
    int64_t secondary; /* -1: from the serial number */
} md_meter_spec;

static bool parse_model(const char *s, klefr_model *out)
{
    static const klefr_model models[] = {KLEFR_MODEL_6911, KLEFR_MODEL_6912, KLEFR_MODEL_6913,
                                         KLEFR_MODEL_6914};
    for (size_t i = 0; i < G_N_ELEMENTS(models); i++) {
        char name[8];
        g_snprintf(name, sizeof name, "%d", (int)models[i]);
        if (strcmp(s, name) == 0) {
            *out = models[i];
            return true;
        }
    }
    return false;
}

/* MODEL[:ADDRESS[:SECONDARY]] */
static bool parse_meter(const char *s, md_meter_spec *out, GError **error)
{
    gchar **f = g_strsplit(s, ":", 4);
    guint n = g_strv_length(f);
    bool ok = n >= 1 && n <= 3 && parse_model(f[0], &out->model);
    out->address = -1;
    out->secondary = -1;
    long v;
    if (ok && n >= 2) {
        ok = option_whole(f[1], 0, 250, &v);
        out->address = (int)v;
    }
    if (ok && n == 3) {
        ok = out->model == KLEFR_MODEL_6913 && option_whole(f[2], 0, 99999999, &v);
        out->secondary = v;
    }
    g_strfreev(f);
    if (!ok)
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "--meter %s: expected MODEL[:ADDRESS] or 6913:PRIMARY:SECONDARY "
                    "(model 6911-6914, address 0-250, secondary 8 digits)",
                    s);
    return ok;
}

static gchar *store_path(const char *store, size_t index, size_t n)
{
    if (store == NULL)
        return NULL;
    if (g_file_test(store, G_FILE_TEST_IS_DIR))
        return g_strdup_printf("%s/meter-%zu.store", store, index);
    if (n == 1)
        return g_strdup(store);
    return g_strdup_printf("%s.%zu", store, index);
}

/* A new meter gets the address the command line gives it; a meter with a
 * store keeps what it has (it may have been changed over the bus). */
static void apply_address(md_meter *m, const md_meter_spec *spec)
{
    klefr_setting s[2];
    size_t n = 0;
    if (spec->address >= 0 && spec->address != m->fw.set.bus_address)
        s[n++] = (klefr_setting){KLEFR_Q_BUS_ADDRESS, spec->address};
    if (spec->secondary >= 0 && (uint32_t)spec->secondary != m->fw.set.secondary_address)
        s[n++] = (klefr_setting){KLEFR_Q_SECONDARY_ADDRESS, (double)spec->secondary};
    if (n == 0)
        return;
    if (!m->fresh) {
        fprintf(stderr, "klefr-meterd: meter %u keeps the address in its store (%u)\n", m->index,
                m->fw.set.bus_address);
        return;
    }
    klefr_err err = klefr_fw_settings_apply(&m->fw, s, n);
    if (err != KLEFR_OK)
        fprintf(stderr, "klefr-meterd: meter %u: address not set: %s\n", m->index,
                klefr_strerror(err));
}

static void bus_rx(void *arg, const uint8_t *data, size_t len)
{
    md_app *app = arg;
    for (size_t i = 0; i < app->n_meters; i++)
        klefr_fw_bus_feed(&app->meters[i].fw, data, len);
}

static void ir_rx(void *arg, const uint8_t *data, size_t len)
{
    md_meter *m = arg;
#ifdef HAVE_KLEFR_FW_IR_FEED
    uint8_t buf[4096];
    size_t n = len < sizeof buf ? len : sizeof buf;
    memcpy(buf, data, n);
    n = md_ir_rx_filter(m->ir, buf, n);
    klefr_fw_ir_feed(&m->fw, buf, n);
#else
    /* TODO: the core has no klefr_fw_ir_feed() yet (the IEC 62056-21 slave
     * is being added); the port is open and its bytes are dropped here.
     * Meson defines HAVE_KLEFR_FW_IR_FEED as soon as klefr_fw.h declares it. */
    (void)data;
    (void)len;
#endif
}

static int min_timeout(int a, int b)
{
    if (a < 0)
        return b;
    if (b < 0)
        return a;
    return a < b ? a : b;
}

static int run(md_app *app, md_control *ctl, int sig_fd, int tick_ms)
{
    size_t max_fds = 1 + MD_EP_MAX_FDS * (1 + app->n_meters) + MD_CONTROL_MAX_FDS;
    struct pollfd *pfd = g_new0(struct pollfd, max_fds);
    size_t *ir_n = g_new0(size_t, app->n_meters);
    uint64_t next_tick = 0, next_profile = 0;
    while (!app->quit) {
        uint64_t now = md_real_us();
        app->last_us = now;
        if (now >= next_tick) {
            for (size_t i = 0; i < app->n_meters; i++)
                klefr_fw_tick(&app->meters[i].fw);
            next_tick = now + (uint64_t)tick_ms * 1000u;
        }
        if (app->profile.n > 1 && now >= next_profile) {
            for (size_t i = 0; i < app->n_meters; i++)
                md_meter_apply_load(&app->meters[i]);
            next_profile = now + 100000u;
        }
        md_wire_run(&app->bus_wire, now);
        for (size_t i = 0; i < app->n_meters; i++)
            if (app->meters[i].ir != NULL)
                md_wire_run(&app->meters[i].ir->wire, now);

        size_t n = 0;
        pfd[n++] = (struct pollfd){sig_fd, POLLIN, 0};
        size_t bus_at = n;
        n += md_ep_pollfds(&app->bus, pfd + n, now);
        size_t bus_n = n - bus_at;
        int timeout = min_timeout(tick_ms, md_wire_timeout_ms(&app->bus_wire, now));
        timeout = min_timeout(timeout, md_ep_timeout_ms(&app->bus, now));
        size_t ir_at = n;
        for (size_t i = 0; i < app->n_meters; i++) {
            md_ir *ir = app->meters[i].ir;
            if (ir == NULL)
                continue;
            ir_n[i] = md_ep_pollfds(&ir->ep, pfd + n, now);
            n += ir_n[i];
            timeout = min_timeout(timeout, md_wire_timeout_ms(&ir->wire, now));
            timeout = min_timeout(timeout, md_ep_timeout_ms(&ir->ep, now));
        }
        size_t ctl_at = n;
        n += md_control_pollfds(ctl, pfd + n, max_fds - n);
        int rc = poll(pfd, n, timeout);
        if (rc < 0 && errno != EINTR) {
            perror("klefr-meterd: poll");
            break;
        }
        if (rc <= 0)
            continue;
        app->last_us = md_real_us();
        if (pfd[0].revents & POLLIN) {
            struct signalfd_siginfo si;
            if (read(sig_fd, &si, sizeof si) > 0)
                app->quit = true;
        }
        md_ep_handle(&app->bus, pfd + bus_at, bus_n, bus_rx, app);
        size_t at = ir_at;
        for (size_t i = 0; i < app->n_meters; i++) {
            md_ir *ir = app->meters[i].ir;
            if (ir == NULL)
                continue;
            md_ep_handle(&ir->ep, pfd + at, ir_n[i], ir_rx, &app->meters[i]);
            at += ir_n[i];
        }
        md_control_handle(ctl, pfd + ctl_at, n - ctl_at);
    }
    g_free(ir_n);
    g_free(pfd);
    return 0;
}

static const char summary_head[] =
    "Emulates KLEFR 6911-6914 energy meters with the bundled firmware: one meter,\n"
    "or several sharing one bus, on a pseudo-terminal (default), a serial port or a\n"
    "TCP listener. The first lines on stdout name the ports:\n"
    "  bus: /dev/pts/5\n"
    "  ir: /dev/pts/6          (with --ir; \"ir N: ...\" for meter N of several)\n"
    "Control commands (stdin when it is not a terminal, or --stdin; and --control),\n"
    "each answered by one line \"ok ...\" or \"error ...\" (doc/klefr-meterd.md):\n";

static void opts_free(md_opts *o)
{
    g_free(o->model);
    g_strfreev(o->meters);
    g_free(o->serial);
    g_free(o->port);
    g_free(o->listen);
    g_free(o->ir);
    g_free(o->ir_parity);
    g_free(o->load);
    g_free(o->profile);
    g_free(o->speed);
    g_free(o->control);
    g_free(o->store);
    g_free(o->tick);
}

static int usage_error(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("klefr-meterd: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 2;
}

/* Parse and check the command line into @p o and @p c: 0, or 2 after a
 * message (everything allocated is left in o and c for the caller). */
static int parse_options(int argc, char **argv, md_opts *o, md_config *c)
{
    GOptionEntry entries[] = {
        {"model", 'm', 0, G_OPTION_ARG_STRING, &o->model,
         "One meter of this model: 6911, 6912, 6913 or 6914 (default 6914)", "MODEL"},
        {"meter", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->meters,
         "A meter on the shared bus, repeatable: MODEL:ADDRESS (Modbus ID 1-247, M-Bus "
         "primary 0-250) or 6913:PRIMARY:SECONDARY",
         "MODEL[:ADDR[:SEC]]"},
        {"serial", 0, 0, G_OPTION_ARG_STRING, &o->serial,
         "Serial number of the first meter; the next ones count up (default 17060518)", "N"},
        {"port", 'p', 0, G_OPTION_ARG_FILENAME, &o->port,
         "Use an existing serial port for the bus instead of a new pseudo-terminal", "DEVICE"},
        {"listen", 'l', 0, G_OPTION_ARG_STRING, &o->listen,
         "Serve the bus as raw bytes on a TCP listener (like a serial server); port 0 picks "
         "one",
         "tcp:HOST:PORT"},
        {"ir", 0, 0, G_OPTION_ARG_STRING, &o->ir,
         "Open an IR (IEC 62056-21) port per meter: a pseudo-terminal, or TCP listeners on "
         "PORT, PORT+1, ...",
         "pty|tcp:HOST:PORT"},
        {"ir-parity", 0, 0, G_OPTION_ARG_STRING, &o->ir_parity,
         "7E1 parity bit on the IR link: auto (follow the peer, default on ptys and TCP), "
         "soft (always add and check it), off (default on serial ports: the UART does it)",
         "auto|soft|off"},
        {"baud-timing", 'b', 0, G_OPTION_ARG_NONE, &o->baud_timing,
         "Send answers at the meter's baud rate and character format; overlapping answers "
         "of several meters collide",
         NULL},
        {"load", 0, 0, G_OPTION_ARG_STRING, &o->load,
         "Constant load: volts, amps, phase angle in degrees (+ lagging), hertz "
         "(default 230,5,0,50)",
         "V,I,ANGLE,F"},
        {"profile", 0, 0, G_OPTION_ARG_FILENAME, &o->profile,
         "Load over time: 'daily' (built-in household day, repeats) or a CSV file of "
         "t_seconds,V,I,angle,f rows",
         "daily|FILE"},
        {"speed", 's', 0, G_OPTION_ARG_STRING, &o->speed,
         "Metrology time runs N (1 to 1000000) times faster than real time; protocol "
         "timing stays real (default 1)",
         "N"},
        {"control", 'c', 0, G_OPTION_ARG_FILENAME, &o->control,
         "Accept control commands on this Unix socket", "PATH"},
        {"stdin", 0, 0, G_OPTION_ARG_NONE, &o->use_stdin,
         "Read control commands from stdin even when it is a terminal", NULL},
        {"store", 0, 0, G_OPTION_ARG_FILENAME, &o->store,
         "Persistent store: FILE for one meter, FILE.N for meter N of several, or "
         "DIR/meter-N.store when it is a directory (default: none, the meter forgets)",
         "FILE|DIR"},
        {"fsync", 0, 0, G_OPTION_ARG_NONE, &o->fsync,
         "fdatasync() after every store write (survives a host crash, not only a kill)", NULL},
        {"tick", 0, 0, G_OPTION_ARG_STRING, &o->tick,
         "Run the firmware every MS (1 to 1000) milliseconds (default 5)", "MS"},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    GError *error = NULL;
    GOptionContext *ctx = g_option_context_new("- KLEFR 6911-6914 meter emulator");
    gchar *summary = g_strdup_printf("%s  %s", summary_head, md_control_help());
    g_option_context_set_summary(ctx, summary);
    g_free(summary);
    g_option_context_add_main_entries(ctx, entries, NULL);
    bool parsed = g_option_context_parse(ctx, &argc, &argv, &error);
    g_option_context_free(ctx);
    if (!parsed) {
        int rc = usage_error("%s", error->message);
        g_error_free(error);
        return rc;
    }
    if (argc > 1)
        return usage_error("unexpected argument '%s' (see --help)", argv[1]);

    /* Numbers: plain decimal, as in the klefr CLI (no 0x, octal, sign or exponent). */
    c->speed = 1.0;
    c->tick_ms = 5;
    c->serial = MD_DEFAULT_SERIAL;
    if (o->speed != NULL && !option_decimal(o->speed, 1.0, 1e6, &c->speed))
        return usage_error("--speed takes 1 to 1000000, not '%s'", o->speed);
    if (o->tick != NULL && !option_whole(o->tick, 1, 1000, &c->tick_ms))
        return usage_error("--tick takes 1 to 1000 milliseconds, not '%s'", o->tick);
    if (o->serial != NULL && !option_whole(o->serial, 0, 99999999, &c->serial))
        return usage_error("--serial takes a serial number of up to 8 digits, not '%s'", o->serial);

    /* Which meters. */
    c->specs = g_array_new(FALSE, FALSE, sizeof(md_meter_spec));
    if (o->meters != NULL) {
        if (o->model != NULL)
            return usage_error("--model and --meter do not mix");
        for (size_t i = 0; o->meters[i] != NULL; i++) {
            md_meter_spec s;
            if (!parse_meter(o->meters[i], &s, &error)) {
                int rc = usage_error("%s", error->message);
                g_error_free(error);
                return rc;
            }
            g_array_append_val(c->specs, s);
        }
    } else {
        md_meter_spec s = {KLEFR_MODEL_6914, -1, -1};
        if (o->model != NULL && !parse_model(o->model, &s.model))
            return usage_error("--model %s: expected 6911, 6912, 6913 or 6914", o->model);
        g_array_append_val(c->specs, s);
    }
    if (c->serial + (long)c->specs->len - 1 > 99999999)
        return usage_error("--serial %ld: the serial numbers of %u meters pass 8 digits", c->serial,
                           c->specs->len);
    if (o->port != NULL && o->listen != NULL)
        return usage_error("--port and --listen do not mix");

    c->ir_parity = KLEFR_IEC_PARITY_MODE_AUTO;
    if (o->ir_parity != NULL) {
        if (strcmp(o->ir_parity, "soft") == 0)
            c->ir_parity = KLEFR_IEC_PARITY_MODE_CHECK;
        else if (strcmp(o->ir_parity, "off") == 0)
            c->ir_parity = KLEFR_IEC_PARITY_MODE_IGNORE;
        else if (strcmp(o->ir_parity, "auto") != 0)
            return usage_error("--ir-parity %s: expected auto, soft or off", o->ir_parity);
    }
    if (o->ir != NULL && strncmp(o->ir, "tcp:", 4) == 0) {
        const char *colon = strrchr(o->ir, ':');
        long port;
        if (colon == o->ir + 3 || !option_whole(colon + 1, 0, 65535, &port) ||
            (port != 0 && port + (long)c->specs->len - 1 > 65535))
            return usage_error("--ir %s: expected tcp:HOST:PORT with a port 0-65535 for "
                               "each meter",
                               o->ir);
    }
    return 0;
}

/* The IR endpoint spec of meter @p i: tcp:HOST:PORT+i for TCP. */
static gchar *ir_spec_of(const char *ir, size_t i)
{
    if (strncmp(ir, "tcp:", 4) != 0 || i == 0)
        return g_strdup(ir);
    const char *colon = strrchr(ir, ':');
    long port = 0;
    (void)option_whole(colon + 1, 0, 65535, &port); /* checked by parse_options() */
    return g_strdup_printf("%.*s:%ld", (int)(colon - ir), ir, port == 0 ? 0 : port + (long)i);
}

/* Everything the emulator opened and allocated; safe on a partial set-up. */
static void app_free(md_app *app)
{
    for (size_t i = 0; app->meters != NULL && i < app->n_meters; i++) {
        md_meter *m = &app->meters[i];
        md_store_close(m);
        g_free(m->load);
        if (m->ir != NULL) {
            md_wire_free(&m->ir->wire);
            md_ep_close(&m->ir->ep);
            g_free(m->ir);
        }
    }
    md_wire_free(&app->bus_wire);
    md_ep_close(&app->bus);
    g_free(app->meters);
    g_free(app->profile.pt);
}

/* One meter: its store, IR port and firmware. 0, or 1 after a message. */
static int meter_start(md_app *app, size_t i, const md_opts *o, const md_config *c)
{
    md_meter *m = &app->meters[i];
    const md_meter_spec *spec = &g_array_index(c->specs, md_meter_spec, i);
    GError *error = NULL;
    int rc = 0;
    gchar *path = store_path(o->store, i + 1, app->n_meters);
    md_store_found found = {.state = MD_STORE_NONE};
    if (path != NULL && !md_store_open(m, path, &found, &error))
        goto fail;
    m->fresh = found.state != MD_STORE_PRESENT;
    if (o->ir != NULL) {
        m->ir = g_new0(md_ir, 1);
        m->ir->ep.fd = -1;
        gchar *ir_spec = ir_spec_of(o->ir, i);
        bool opened = md_ep_open(&m->ir->ep, ir_spec, &error);
        g_free(ir_spec);
        md_wire_init(&m->ir->wire, &m->ir->ep, o->baud_timing);
        if (!opened) {
            g_prefix_error(&error, "ir: ");
            goto fail;
        }
        m->ir->line = (klefr_line){300, 7, KLEFR_PARITY_EVEN, 1};
        bool uart_7e1 = o->ir_parity == NULL && m->ir->ep.kind == MD_EP_SERIAL;
        klefr_iec_parity_rx_init(&m->ir->parity,
                                 uart_7e1 ? KLEFR_IEC_PARITY_MODE_IGNORE : c->ir_parity);
    }
    klefr_fw_hal hal;
    md_meter_hal(m, &hal);
    uint32_t crc = klefr_fw_crc32((const uint8_t *)"klefr-meterd", 12);
    klefr_fw_config cfg = {spec->model, (uint32_t)c->serial + (uint32_t)i, crc, crc};
    if (spec->secondary >= 0 && m->fresh)
        cfg.serial = (uint32_t)spec->secondary;
    if (klefr_fw_init(&m->fw, &hal, &cfg) != KLEFR_OK) {
        fprintf(stderr, "klefr-meterd: meter %zu: init failed\n", i + 1);
        rc = 1;
        goto out;
    }
    md_meter_apply_load(m);
    bool lost = klefr_fw_boot(&m->fw) != KLEFR_OK;
    if (path != NULL)
        md_store_report(m, path, &found, lost);
    if (lost)
        m->fresh = true; /* Err 01: on factory settings, nothing to keep */
    apply_address(m, spec);
    goto out;
fail:
    fprintf(stderr, "klefr-meterd: %s\n", error->message);
    g_error_free(error);
    rc = 1;
out:
    g_free(path);
    return rc;
}

/* Open the ports, boot the meters, serve until stopped. */
static int serve(const md_opts *o, const md_config *c)
{
    md_app app;
    memset(&app, 0, sizeof app);
    app.speed = c->speed;
    app.fsync = o->fsync;
    app.start_us = app.last_us = md_real_us();
    GError *error = NULL;
    md_control *ctl = NULL;
    int sig_fd = -1, rc = 0;
    if (o->profile != NULL) {
        if (!md_profile_load(&app.profile, o->profile, &error)) {
            fprintf(stderr, "klefr-meterd: --profile: %s\n", error->message);
            g_error_free(error);
            rc = 2;
            goto out;
        }
    } else {
        app.profile.n = 1;
        app.profile.pt = g_new0(md_load_point, 1);
        app.profile.pt[0] = (md_load_point){0, 230, 5, 0, 50};
        if (o->load != NULL && !md_profile_parse_constant(&app.profile.pt[0], o->load)) {
            fprintf(stderr, "klefr-meterd: --load %s: expected V,I,ANGLE,F\n", o->load);
            rc = 2;
            goto out;
        }
    }

    signal(SIGPIPE, SIG_IGN);
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    sig_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);

    const char *bus_spec = o->listen != NULL ? o->listen : o->port != NULL ? o->port : "pty";
    bool bus_open = md_ep_open(&app.bus, bus_spec, &error);
    md_wire_init(&app.bus_wire, &app.bus, o->baud_timing);
    if (!bus_open) {
        fprintf(stderr, "klefr-meterd: bus: %s\n", error->message);
        g_error_free(error);
        rc = 1;
        goto out;
    }

    app.n_meters = c->specs->len;
    app.meters = g_new0(md_meter, app.n_meters);
    for (size_t i = 0; i < app.n_meters; i++) {
        app.meters[i].app = &app;
        app.meters[i].index = (uint16_t)(i + 1);
        app.meters[i].store_fd = -1;
    }
    for (size_t i = 0; i < app.n_meters && rc == 0; i++)
        rc = meter_start(&app, i, o, c);
    if (rc != 0)
        goto out;

    bool use_stdin = o->use_stdin || !isatty(STDIN_FILENO);
    ctl = md_control_new(&app, o->control, use_stdin, &error);
    if (ctl == NULL) {
        fprintf(stderr, "klefr-meterd: %s\n", error->message);
        g_error_free(error);
        rc = 1;
        goto out;
    }

    /* Everything is ready once the ports are printed. */
    printf("bus: %s\n", app.bus.name);
    for (size_t i = 0; i < app.n_meters; i++)
        if (app.meters[i].ir != NULL) {
            if (app.n_meters == 1)
                printf("ir: %s\n", app.meters[i].ir->ep.name);
            else
                printf("ir %zu: %s\n", i + 1, app.meters[i].ir->ep.name);
        }
    fflush(stdout);

    run(&app, ctl, sig_fd, (int)c->tick_ms);

    /* Stopping the emulator is the meter losing its supply: an orderly
     * power down, counted and saved like one. */
    for (size_t i = 0; i < app.n_meters; i++) {
        md_meter *m = &app.meters[i];
        m->power_off = true;
        md_meter_apply_load(m);
        if (klefr_fw_store_save(&m->fw) != KLEFR_OK && m->store_fd >= 0) {
            fprintf(stderr, "klefr-meterd: meter %u: store not saved\n", m->index);
            rc = 1;
        }
    }
out:
    md_control_free(ctl);
    app_free(&app);
    if (sig_fd >= 0)
        close(sig_fd);
    return rc;
}

int main(int argc, char **argv)
{
    md_opts o;
    md_config c;
    memset(&o, 0, sizeof o);
    memset(&c, 0, sizeof c);
    int rc = parse_options(argc, argv, &o, &c);
    if (rc == 0)
        rc = serve(&o, &c);
    if (c.specs != NULL)
        g_array_free(c.specs, TRUE);
    opts_free(&o);
    return rc;
}

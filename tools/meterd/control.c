/* SPDX-License-Identifier: MIT */
/* The control interface: a line protocol on a Unix socket and on stdin.
 * One command per line, one reply line per command ("ok ..." or
 * "error ..."). Each connection has its own selected meter. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "meterd.h"

#define MD_CONTROL_MAX_CLIENTS 16
#define MD_CONTROL_MAX_LINE 1024

typedef struct md_source {
    int in_fd, out_fd; /* -1: unused */
    GString *buf;
    size_t selected;
} md_source;

struct md_control {
    md_app *app;
    int listen_fd;
    char *path;
    md_source stdin_src;
    md_source client[MD_CONTROL_MAX_CLIENTS];
};

static const char help_text[] =
    "ok commands: load V I ANGLE F | load profile | button MS | tariff 0|1 | power off|on | "
    "lcd | pulses | values | save | info | select N|all | meter N COMMAND | help | quit";

md_control *md_control_new(md_app *app, const char *socket_path, bool use_stdin, GError **error)
{
    md_control *c = g_new0(md_control, 1);
    c->app = app;
    c->listen_fd = -1;
    c->stdin_src.in_fd = use_stdin ? STDIN_FILENO : -1;
    c->stdin_src.out_fd = STDOUT_FILENO;
    c->stdin_src.buf = g_string_new(NULL);
    c->stdin_src.selected = 1;
    for (size_t i = 0; i < MD_CONTROL_MAX_CLIENTS; i++)
        c->client[i].in_fd = c->client[i].out_fd = -1;
    if (socket_path == NULL)
        return c;
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(socket_path) >= sizeof sa.sun_path) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--control: path too long");
        md_control_free(c);
        return NULL;
    }
    strcpy(sa.sun_path, socket_path);
    unlink(socket_path); /* a stale socket of an earlier run */
    c->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (c->listen_fd < 0 || bind(c->listen_fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
        listen(c->listen_fd, 8) != 0) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "--control %s: %s",
                    socket_path, g_strerror(errno));
        md_control_free(c);
        return NULL;
    }
    c->path = g_strdup(socket_path);
    return c;
}

static void source_close(md_source *s)
{
    if (s->in_fd > STDERR_FILENO)
        close(s->in_fd);
    s->in_fd = s->out_fd = -1;
    if (s->buf != NULL)
        g_string_free(s->buf, TRUE);
    s->buf = NULL;
}

void md_control_free(md_control *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < MD_CONTROL_MAX_CLIENTS; i++)
        if (c->client[i].in_fd >= 0)
            source_close(&c->client[i]);
    if (c->stdin_src.buf != NULL)
        g_string_free(c->stdin_src.buf, TRUE);
    if (c->listen_fd >= 0)
        close(c->listen_fd);
    if (c->path != NULL)
        unlink(c->path);
    g_free(c->path);
    g_free(c);
}

size_t md_control_pollfds(md_control *c, struct pollfd *pfd, size_t cap)
{
    size_t n = 0;
    if (cap < 2 + MD_CONTROL_MAX_CLIENTS)
        return 0;
    pfd[n++] = (struct pollfd){c->listen_fd, POLLIN, 0};
    pfd[n++] = (struct pollfd){c->stdin_src.in_fd, POLLIN, 0};
    for (size_t i = 0; i < MD_CONTROL_MAX_CLIENTS; i++)
        pfd[n++] = (struct pollfd){c->client[i].in_fd, POLLIN, 0};
    return n;
}

/* ---- commands ---- */

static bool parse_uint(const char *s, unsigned long max, unsigned long *out)
{
    char *end;
    if (s == NULL || *s == '\0')
        return false;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno != 0 || *end != '\0' || v > max)
        return false;
    *out = v;
    return true;
}

static void put_value(GString *r, const klefr_values *v, klefr_quantity q)
{
    double d;
    const klefr_quantity_info *info = klefr_quantity_get(q);
    if (info != NULL && klefr_values_get(v, q, &d) == KLEFR_OK)
        g_string_append_printf(r, " %s=%.10g%s", info->name, d, info->unit);
}

static void cmd_values(md_meter *m, GString *r)
{
    static const klefr_quantity shown[] = {
        KLEFR_Q_VOLTAGE,
        KLEFR_Q_CURRENT,
        KLEFR_Q_FREQUENCY,
        KLEFR_Q_ACTIVE_POWER,
        KLEFR_Q_REACTIVE_POWER,
        KLEFR_Q_POWER_FACTOR,
        KLEFR_Q_TOTAL_ACTIVE_ENERGY,
        KLEFR_Q_FORWARD_ACTIVE_ENERGY,
        KLEFR_Q_REVERSE_ACTIVE_ENERGY,
        KLEFR_Q_TOTAL_REACTIVE_ENERGY,
        KLEFR_Q_DAY_COUNTER,
        KLEFR_Q_TARIFF,
        KLEFR_Q_BUS_ADDRESS,
        KLEFR_Q_POWER_DOWN_COUNTER,
        KLEFR_Q_ERROR_CODE,
    };
    klefr_values v;
    klefr_fw_values(&m->fw, &v); /* integrates and saves first */
    g_string_assign(r, "ok");
    for (size_t i = 0; i < G_N_ELEMENTS(shown); i++)
        put_value(r, &v, shown[i]);
    /* Exact counters: forward and reverse active energy in 10 Wh. */
    g_string_append_printf(r, " forward_q10wh=%u reverse_q10wh=%u",
                           klefr_fw_energy_q(&m->fw, KLEFR_FW_ACTIVE, KLEFR_FW_FORWARD),
                           klefr_fw_energy_q(&m->fw, KLEFR_FW_ACTIVE, KLEFR_FW_REVERSE));
}

static void cmd_info(md_control *c, GString *r)
{
    md_app *app = c->app;
    size_t host = sizeof(md_meter) - sizeof(klefr_fw_meter);
    size_t ir = app->n_meters > 0 && app->meters[0].ir != NULL ? sizeof(md_ir) : 0;
    g_string_printf(r,
                    "ok meters=%zu bytes_per_meter=%zu firmware=%zu host=%zu ir=%zu speed=%g "
                    "metrology_s=%.3f bus=%s collisions=%u",
                    app->n_meters, sizeof(md_meter) + ir, sizeof(klefr_fw_meter), host, ir,
                    app->speed, md_metrology_s(app), app->bus.name, app->bus_wire.collisions);
}

/* A command for one meter. */
static void run_one(md_control *c, md_meter *m, char **t, size_t nt, GString *r)
{
    (void)c;
    const char *cmd = t[0];
    unsigned long u;
    g_string_assign(r, "ok");
    if (strcmp(cmd, "load") == 0) {
        if (nt == 2 && strcmp(t[1], "profile") == 0) {
            g_clear_pointer(&m->load, g_free);
        } else {
            md_load_point p;
            gchar *joined = nt == 5 ? g_strjoin(",", t[1], t[2], t[3], t[4], NULL) : NULL;
            bool ok = joined != NULL && md_profile_parse_constant(&p, joined);
            g_free(joined);
            if (!ok) {
                g_string_assign(r, "error usage: load V I ANGLE F (volts, amps, degrees, hertz)");
                return;
            }
            if (m->load == NULL)
                m->load = g_new(md_load_point, 1);
            *m->load = p;
        }
        md_meter_apply_load(m);
    } else if (strcmp(cmd, "button") == 0) {
        if (nt != 2 || !parse_uint(t[1], 600000, &u)) {
            g_string_assign(r, "error usage: button MS");
            return;
        }
        klefr_fw_button(&m->fw, (uint32_t)u);
    } else if (strcmp(cmd, "tariff") == 0) {
        if (nt != 2 || !parse_uint(t[1], 1, &u)) {
            g_string_assign(r, "error usage: tariff 0|1");
            return;
        }
        m->tariff_pin = u == 1;
        klefr_fw_tick(&m->fw);
    } else if (strcmp(cmd, "power") == 0) {
        if (nt != 2 || (strcmp(t[1], "off") != 0 && strcmp(t[1], "on") != 0)) {
            g_string_assign(r, "error usage: power off|on");
            return;
        }
        m->power_off = strcmp(t[1], "off") == 0;
        md_meter_apply_load(m);
    } else if (strcmp(cmd, "lcd") == 0) {
        char text[64];
        klefr_fw_lcd_text(&m->fw, text, sizeof text);
        g_string_append_printf(r, " %s", text);
    } else if (strcmp(cmd, "pulses") == 0) {
        klefr_fw_tick(&m->fw);
        g_string_append_printf(r, " s0=%u s0_width_us=%u led=%u", m->s0_pulses, m->s0_width_us,
                               m->fw.led_count);
    } else if (strcmp(cmd, "values") == 0) {
        cmd_values(m, r);
    } else if (strcmp(cmd, "save") == 0) {
        if (klefr_fw_store_save(&m->fw) != KLEFR_OK)
            g_string_assign(r, "error the store write failed");
    } else {
        g_string_printf(r, "error unknown command '%s' (try help)", cmd);
    }
}

static bool is_query(const char *cmd)
{
    return strcmp(cmd, "lcd") == 0 || strcmp(cmd, "pulses") == 0 || strcmp(cmd, "values") == 0;
}

void md_control_exec(md_control *c, size_t *selected, const char *line, GString *reply)
{
    md_app *app = c->app;
    gchar **all = g_strsplit_set(line, " \t\r\n", -1);
    GPtrArray *tok = g_ptr_array_new();
    for (size_t i = 0; all[i] != NULL; i++)
        if (all[i][0] != '\0')
            g_ptr_array_add(tok, all[i]);
    char **t = (char **)tok->pdata;
    size_t nt = tok->len;
    size_t sel = *selected;
    unsigned long u;

    if (nt >= 3 && strcmp(t[0], "meter") == 0) {
        if (!parse_uint(t[1], app->n_meters, &u) || u == 0) {
            g_string_printf(reply, "error no meter %s (1-%zu)", t[1], app->n_meters);
            goto out;
        }
        sel = u;
        t += 2;
        nt -= 2;
    }
    if (nt == 0) {
        g_string_assign(reply, "error empty command (try help)");
    } else if (strcmp(t[0], "help") == 0) {
        g_string_assign(reply, help_text);
    } else if (strcmp(t[0], "quit") == 0) {
        app->quit = true;
        g_string_assign(reply, "ok bye");
    } else if (strcmp(t[0], "info") == 0) {
        cmd_info(c, reply);
    } else if (strcmp(t[0], "select") == 0) {
        if (nt == 2 && strcmp(t[1], "all") == 0) {
            *selected = 0;
            g_string_assign(reply, "ok all");
        } else if (nt == 2 && parse_uint(t[1], app->n_meters, &u) && u > 0) {
            *selected = u;
            g_string_printf(reply, "ok %lu", u);
        } else {
            g_string_printf(reply, "error usage: select N|all (N 1-%zu)", app->n_meters);
        }
    } else if (sel == 0 && app->n_meters > 1 && is_query(t[0])) {
        g_string_assign(reply, "error select one meter first (select N or meter N ...)");
    } else if (sel == 0) {
        for (size_t i = 0; i < app->n_meters; i++) {
            run_one(c, &app->meters[i], t, nt, reply);
            if (strncmp(reply->str, "error", 5) == 0)
                break;
        }
    } else {
        run_one(c, &app->meters[sel - 1], t, nt, reply);
    }
out:
    g_ptr_array_free(tok, TRUE);
    g_strfreev(all);
}

/* ---- connections ---- */

static void reply_to(md_source *s, GString *reply)
{
    g_string_append_c(reply, '\n');
    const char *p = reply->str;
    size_t left = reply->len;
    while (left > 0) {
        ssize_t w = write(s->out_fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && errno == EAGAIN) {
            struct pollfd pfd = {s->out_fd, POLLOUT, 0};
            poll(&pfd, 1, 100);
            continue;
        }
        if (w <= 0)
            return;
        p += w;
        left -= (size_t)w;
    }
}

/* Read what is there; run every complete line. false: the source is done. */
static bool serve(md_control *c, md_source *s)
{
    char buf[1024];
    ssize_t r = read(s->in_fd, buf, sizeof buf);
    if (r < 0 && (errno == EAGAIN || errno == EINTR))
        return true;
    if (r <= 0)
        return false;
    g_string_append_len(s->buf, buf, r);
    GString *reply = g_string_new(NULL);
    char *nl;
    while ((nl = memchr(s->buf->str, '\n', s->buf->len)) != NULL) {
        *nl = '\0';
        md_control_exec(c, &s->selected, s->buf->str, reply);
        g_string_erase(s->buf, 0, nl - s->buf->str + 1);
        reply_to(s, reply);
        if (s->out_fd < 0)
            break;
    }
    g_string_free(reply, TRUE);
    if (s->buf->len > MD_CONTROL_MAX_LINE)
        return false; /* not a line protocol client */
    return true;
}

void md_control_handle(md_control *c, const struct pollfd *pfd, size_t n)
{
    if (n < 2 + MD_CONTROL_MAX_CLIENTS)
        return;
    if (pfd[0].revents & POLLIN) {
        int fd = accept4(c->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        size_t i = 0;
        while (fd >= 0 && i < MD_CONTROL_MAX_CLIENTS && c->client[i].in_fd >= 0)
            i++;
        if (fd >= 0 && i == MD_CONTROL_MAX_CLIENTS) {
            close(fd);
        } else if (fd >= 0) {
            c->client[i].in_fd = c->client[i].out_fd = fd;
            c->client[i].buf = g_string_new(NULL);
            c->client[i].selected = 1;
        }
    }
    if (pfd[1].revents != 0 && !serve(c, &c->stdin_src))
        c->stdin_src.in_fd = -1; /* end of stdin: keep running */
    for (size_t i = 0; i < MD_CONTROL_MAX_CLIENTS; i++)
        if (c->client[i].in_fd >= 0 && pfd[2 + i].revents != 0 && !serve(c, &c->client[i]))
            source_close(&c->client[i]);
}

/* SPDX-License-Identifier: MIT */
/* The control interface: a line protocol on a Unix socket and on stdin.
 * One command per line, one reply line per command ("ok ..." or
 * "error ..."). Each connection has its own selected meter. The commands
 * for one meter are the firmware core's (klefr_fw_control.h); the ones
 * about the emulator are here. Syntax: doc/klefr-meterd.md. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "klefr_fw_control.h"
#include "meterd.h"

/* The most a client can leave unread before it is dropped: replies are a
 * line each (a `values` reply is about 600 bytes), so this is about a
 * hundred unread replies on top of what the kernel buffers. */
#define MD_CONTROL_MAX_OUT (64u * 1024u)
/* A longer line is not a line protocol client. */
#define MD_CONTROL_MAX_LINE 1024u

typedef struct md_source {
    md_out out; /* replies not yet taken by the peer */
    int in_fd;  /* -1: unused */
    bool eof;   /* the peer sent all it will: close once the replies are out */
    GString *buf;
    size_t selected;
    char name[48];
} md_source;

struct md_control {
    md_app *app;
    int listen_fd;
    char *path;
    unsigned accepted; /* clients so far, to name them in messages */
    md_source stdin_src;
    md_source client[MD_CONTROL_MAX_CLIENTS];
};

md_control *md_control_new(md_app *app, const char *socket_path, bool use_stdin, GError **error)
{
    md_control *c = g_new0(md_control, 1);
    c->app = app;
    c->listen_fd = -1;
    c->stdin_src.in_fd = use_stdin ? STDIN_FILENO : -1;
    c->stdin_src.buf = g_string_new(NULL);
    c->stdin_src.selected = 1;
    md_out_init(&c->stdin_src.out, -1, MD_CONTROL_MAX_OUT);
    if (use_stdin)
        md_out_open_stdout(&c->stdin_src.out);
    g_strlcpy(c->stdin_src.name, "stdout", sizeof c->stdin_src.name);
    for (size_t i = 0; i < MD_CONTROL_MAX_CLIENTS; i++)
        c->client[i].in_fd = -1;
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
    s->in_fd = -1;
    md_out_free(&s->out);
    if (s->buf != NULL)
        g_string_free(s->buf, TRUE);
    s->buf = NULL;
}

/* Stopping: what is still queued gets a short while to leave. */
#define MD_CONTROL_EXIT_FLUSH_MS 1000

void md_control_free(md_control *c)
{
    if (c == NULL)
        return;
    md_out_drain(&c->stdin_src.out, MD_CONTROL_EXIT_FLUSH_MS);
    for (size_t i = 0; i < MD_CONTROL_MAX_CLIENTS; i++)
        if (c->client[i].in_fd >= 0) {
            md_out_drain(&c->client[i].out, MD_CONTROL_EXIT_FLUSH_MS);
            source_close(&c->client[i]);
        }
    md_out_free(&c->stdin_src.out);
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
    if (cap < MD_CONTROL_MAX_FDS)
        return 0;
    pfd[n++] = (struct pollfd){c->listen_fd, POLLIN, 0};
    pfd[n++] = (struct pollfd){c->stdin_src.in_fd, POLLIN, 0};
    pfd[n++] =
        (struct pollfd){md_out_pending(&c->stdin_src.out) ? c->stdin_src.out.fd : -1, POLLOUT, 0};
    for (size_t i = 0; i < MD_CONTROL_MAX_CLIENTS; i++) {
        md_source *s = &c->client[i];
        short ev = (short)((s->eof ? 0 : POLLIN) | (md_out_pending(&s->out) ? POLLOUT : 0));
        pfd[n++] = (struct pollfd){s->in_fd, ev, 0};
    }
    return n;
}

/* ---- the meter's side: the platform inputs the core's commands change ---- */

static void host_set_load(void *ctx, const klefr_fw_load *load)
{
    md_meter *m = ctx;
    if (load == NULL) {
        g_clear_pointer(&m->load, g_free);
    } else {
        if (m->load == NULL)
            m->load = g_new(klefr_fw_load, 1);
        *m->load = *load;
    }
    md_meter_apply_load(m);
}

static void host_set_tariff(void *ctx, bool present)
{
    ((md_meter *)ctx)->tariff_pin = present;
}

static void host_set_supply(void *ctx, bool on)
{
    md_meter *m = ctx;
    m->power_off = !on;
    md_meter_apply_load(m);
}

static uint32_t host_s0_width(void *ctx)
{
    return ((md_meter *)ctx)->s0_width_us;
}

static klefr_err run_one(md_meter *m, const char *line, size_t len, GString *reply)
{
    klefr_fw_control_hal hal = {m, host_set_load, host_set_tariff, host_set_supply, host_s0_width};
    char buf[KLEFR_FW_CONTROL_REPLY_MAX];
    size_t n = 0;
    klefr_err err = klefr_fw_control_exec(&m->fw, &hal, line, len, buf, sizeof buf, &n);
    g_string_truncate(reply, 0);
    g_string_append_len(reply, buf, (gssize)n);
    return err;
}

/* ---- the emulator's own commands ---- */

typedef struct md_word {
    const char *p;
    size_t n;
} md_word;

/* The next word of [*p, end); n == 0 at the end. */
static md_word next_word(const char **p, const char *end)
{
    const char *s = *p;
    while (s < end && g_ascii_isspace(*s))
        s++;
    const char *e = s;
    while (e < end && !g_ascii_isspace(*e))
        e++;
    *p = e;
    return (md_word){s, (size_t)(e - s)};
}

static bool word_is(md_word w, const char *s)
{
    return w.n == strlen(s) && memcmp(w.p, s, w.n) == 0;
}

/* Up to 6 digits. */
static bool is_number(md_word w)
{
    if (w.n == 0 || w.n > 6)
        return false;
    for (size_t i = 0; i < w.n; i++)
        if (!g_ascii_isdigit(w.p[i]))
            return false;
    return true;
}

/* A meter number 1..n. */
static bool word_meter(md_word w, size_t n, size_t *out)
{
    if (!is_number(w))
        return false;
    size_t v = 0;
    for (size_t i = 0; i < w.n; i++)
        v = v * 10u + (size_t)(w.p[i] - '0');
    if (v < 1 || v > n)
        return false;
    *out = v;
    return true;
}

static void cmd_info(md_control *c, GString *r)
{
    md_app *app = c->app;
    size_t host = sizeof(md_meter) - sizeof(klefr_fw_meter);
    size_t ir = app->n_meters > 0 && app->meters[0].ir != NULL ? sizeof(md_ir) : 0;
    uint32_t ir_collisions = 0;
    for (size_t i = 0; i < app->n_meters; i++)
        if (app->meters[i].ir != NULL)
            ir_collisions += app->meters[i].ir->wire.collisions;
    g_string_printf(r,
                    "ok meters=%zu bytes_per_meter=%zu firmware=%zu host=%zu ir=%zu speed=%g "
                    "metrology_s=%.3f bus=%s collisions=%u ir_collisions=%u",
                    app->n_meters, sizeof(md_meter) + ir, sizeof(klefr_fw_meter), host, ir,
                    app->speed, md_metrology_s(app), app->bus.name, app->bus_wire.collisions,
                    ir_collisions);
}

const char *md_control_help(void)
{
    static char text[512];
    if (text[0] == '\0')
        g_snprintf(text, sizeof text, "%s | info | select N|all | meter N COMMAND | help | quit",
                   klefr_fw_control_help());
    return text;
}

/* The emulator's own commands; false: not one of them. */
static bool run_own(md_control *c, size_t *selected, md_word cmd, const char *rest, const char *end,
                    GString *reply)
{
    md_app *app = c->app;
    size_t u;
    if (word_is(cmd, "help")) {
        g_string_printf(reply, "ok commands: %s", md_control_help());
    } else if (word_is(cmd, "quit")) {
        app->quit = true;
        g_string_assign(reply, "ok bye");
    } else if (word_is(cmd, "info")) {
        cmd_info(c, reply);
    } else if (word_is(cmd, "select")) {
        md_word arg = next_word(&rest, end);
        md_word more = next_word(&rest, end);
        if (more.n == 0 && word_is(arg, "all")) {
            *selected = 0;
            g_string_assign(reply, "ok all");
        } else if (more.n == 0 && word_meter(arg, app->n_meters, &u)) {
            *selected = u;
            g_string_printf(reply, "ok %zu", u);
        } else {
            g_string_printf(reply, "error usage: select N|all (N 1-%zu)", app->n_meters);
        }
    } else {
        return false;
    }
    return true;
}

void md_control_exec(md_control *c, size_t *selected, const char *line, size_t len, GString *reply)
{
    md_app *app = c->app;
    const char *p = line, *end = line + len;
    size_t sel = *selected;
    md_word cmd = next_word(&p, end);
    if (word_is(cmd, "meter")) {
        md_word n = next_word(&p, end);
        if (!word_meter(n, app->n_meters, &sel)) {
            if (is_number(n))
                g_string_printf(reply, "error no meter %.*s (1-%zu)", (int)n.n, n.p, app->n_meters);
            else
                g_string_printf(reply, "error usage: meter N COMMAND (N 1-%zu)", app->n_meters);
            return;
        }
        cmd = next_word(&p, end);
    }
    /* From here on, the command line starts at cmd. */
    if (run_own(c, selected, cmd, p, end, reply))
        return;
    size_t rest = (size_t)(end - cmd.p);
    if (sel == 0 && app->n_meters > 1 && klefr_fw_control_is_query(cmd.p, rest)) {
        g_string_assign(reply, "error select one meter first (select N or meter N ...)");
        return;
    }
    if (sel != 0) {
        run_one(&app->meters[sel - 1], cmd.p, rest, reply);
        return;
    }
    for (size_t i = 0; i < app->n_meters; i++)
        if (run_one(&app->meters[i], cmd.p, rest, reply) != KLEFR_OK)
            break;
}

/* ---- connections ---- */

/* Queue one reply line; false: the peer has stopped taking them. */
static bool reply_to(md_source *s, GString *reply)
{
    g_string_append_c(reply, '\n');
    if (md_out_write(&s->out, (const uint8_t *)reply->str, reply->len))
        return true;
    bool on_stdin = s->in_fd == STDIN_FILENO;
    if (s->out.overflow)
        fprintf(stderr,
                "klefr-meterd: control: %s does not read its replies (%u bytes unread): %s\n",
                s->name, MD_CONTROL_MAX_OUT,
                on_stdin ? "commands on stdin ignored from now on" : "dropped");
    else if (on_stdin)
        fprintf(stderr, "klefr-meterd: control: stdout is closed: commands on stdin ignored from "
                        "now on\n");
    return false;
}

/* Read what is there; run every complete line. false: the source is done. */
static bool serve(md_control *c, md_source *s)
{
    char buf[1024];
    ssize_t r = read(s->in_fd, buf, sizeof buf);
    if (r < 0 && (errno == EAGAIN || errno == EINTR))
        return true;
    if (r == 0 && s->in_fd != STDIN_FILENO) {
        s->eof = true; /* half closed: its replies may still be queued */
        return true;
    }
    if (r <= 0)
        return false;
    g_string_append_len(s->buf, buf, r);
    GString *reply = g_string_new(NULL);
    bool ok = true;
    char *nl;
    while (ok && (nl = memchr(s->buf->str, '\n', s->buf->len)) != NULL) {
        size_t len = (size_t)(nl - s->buf->str);
        md_control_exec(c, &s->selected, s->buf->str, len, reply);
        g_string_erase(s->buf, 0, (gssize)len + 1);
        ok = reply_to(s, reply);
    }
    g_string_free(reply, TRUE);
    if (ok && s->buf->len > MD_CONTROL_MAX_LINE) {
        fprintf(stderr, "klefr-meterd: control: %s sent a line over %u bytes: dropped\n", s->name,
                MD_CONTROL_MAX_LINE);
        return false;
    }
    return ok;
}

static void accept_client(md_control *c)
{
    int fd = accept4(c->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0)
        return;
    size_t i = 0;
    while (i < MD_CONTROL_MAX_CLIENTS && c->client[i].in_fd >= 0)
        i++;
    if (i == MD_CONTROL_MAX_CLIENTS) {
        fprintf(stderr, "klefr-meterd: control: %u clients already, one more refused\n",
                MD_CONTROL_MAX_CLIENTS);
        close(fd);
        return;
    }
    md_source *s = &c->client[i];
    s->in_fd = fd;
    s->eof = false;
    md_out_init(&s->out, fd, MD_CONTROL_MAX_OUT);
    s->out.socket = true;
    s->buf = g_string_new(NULL);
    s->selected = 1;
    g_snprintf(s->name, sizeof s->name, "client %u", ++c->accepted);
}

static void stop_stdin(md_control *c)
{
    c->stdin_src.in_fd = -1; /* end of stdin: keep running */
}

void md_control_handle(md_control *c, const struct pollfd *pfd, size_t n)
{
    if (n < MD_CONTROL_MAX_FDS)
        return;
    if (pfd[0].revents & POLLIN)
        accept_client(c);
    md_source *in = &c->stdin_src;
    if (pfd[2].revents != 0 && !md_out_flush(&in->out))
        stop_stdin(c); /* stdout is gone: nobody sees the replies */
    if (in->in_fd >= 0 && pfd[1].revents != 0 && !serve(c, in))
        stop_stdin(c);
    for (size_t i = 0; i < MD_CONTROL_MAX_CLIENTS; i++) {
        md_source *s = &c->client[i];
        short ev = pfd[3 + i].revents;
        if (s->in_fd < 0 || ev == 0)
            continue;
        bool ok = true;
        if (ev & (POLLOUT | POLLERR | POLLHUP))
            ok = md_out_flush(&s->out);
        if (ok && !s->eof && (ev & (POLLIN | POLLHUP | POLLERR)))
            ok = serve(c, s);
        if (!ok || (s->eof && !md_out_pending(&s->out)))
            source_close(s);
    }
}

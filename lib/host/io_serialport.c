/* SPDX-License-Identifier: MIT */
/* libserialport backend (real adapters) and port listing. Strict: a line
 * setting the adapter refuses fails the open, because on real hardware a
 * silently wrong parity means every frame is lost. */
#include <libserialport.h>
#include <stdlib.h>
#include <string.h>

#include <klefr/io.h>

#include "host/io_internal.h"

typedef struct sp_io {
    klefr_io io;
    struct sp_port *port;
    int fd; /* for RS-485 ioctls; -1 if unknown */
    bool has_line;
    klefr_line line;
    klefr_rs485_state rs485;
    unsigned rs485_na;
} sp_io;

static klefr_err sp_err(enum sp_return r)
{
    switch (r) {
    case SP_OK: return KLEFR_OK;
    case SP_ERR_ARG: return KLEFR_ERR_INVALID_ARG;
    case SP_ERR_MEM: return KLEFR_ERR_NO_MEMORY;
    case SP_ERR_SUPP: return KLEFR_ERR_UNSUPPORTED;
    default: return KLEFR_ERR_IO;
    }
}

static klefr_err sp_io_set_line(void *ctx, const klefr_line *line)
{
    sp_io *s = ctx;
    if (line == NULL || line->baud == 0 || line->baud > INT32_MAX ||
        (line->data_bits != 7 && line->data_bits != 8) ||
        (line->stop_bits != 1 && line->stop_bits != 2) || line->parity > KLEFR_PARITY_EVEN)
        return KLEFR_ERR_INVALID_ARG;
    enum sp_parity par = line->parity == KLEFR_PARITY_NONE  ? SP_PARITY_NONE
                         : line->parity == KLEFR_PARITY_ODD ? SP_PARITY_ODD
                                                            : SP_PARITY_EVEN;
    enum sp_return r = sp_set_baudrate(s->port, (int)line->baud);
    if (r == SP_OK)
        r = sp_set_bits(s->port, line->data_bits);
    if (r == SP_OK)
        r = sp_set_parity(s->port, par);
    if (r == SP_OK)
        r = sp_set_stopbits(s->port, line->stop_bits);
    if (r == SP_OK)
        r = sp_set_flowcontrol(s->port, SP_FLOWCONTROL_NONE);
    if (r != SP_OK)
        return r == SP_ERR_ARG || r == SP_ERR_SUPP ? KLEFR_ERR_UNSUPPORTED : sp_err(r);
    s->line = *line;
    s->has_line = true;
    return KLEFR_OK;
}

static klefr_err sp_io_get_line(void *ctx, klefr_line *line, unsigned *not_applied)
{
    sp_io *s = ctx;
    return klefr_host_saved_line(s->has_line, &s->line, s->rs485_na, line, not_applied);
}

static ptrdiff_t sp_io_read(void *ctx, uint8_t *buf, size_t cap, uint32_t timeout_ms)
{
    sp_io *s = ctx;
    /* A timeout of 0 means "forever" to libserialport. */
    enum sp_return r = timeout_ms == 0 ? sp_nonblocking_read(s->port, buf, cap)
                                       : sp_blocking_read_next(s->port, buf, cap, timeout_ms);
    return r >= 0 ? (ptrdiff_t)r : (ptrdiff_t)KLEFR_ERR_IO;
}

static ptrdiff_t sp_io_write(void *ctx, const uint8_t *buf, size_t len, uint32_t timeout_ms)
{
    sp_io *s = ctx;
    if (s->rs485.mode == KLEFR_RS485_RTS && s->fd >= 0) {
        klefr_rs485_before_write(s->fd, &s->rs485);
        enum sp_return r = sp_blocking_write(s->port, buf, len, timeout_ms ? timeout_ms : 1);
        klefr_rs485_after_write(s->fd, &s->rs485);
        return r >= 0 ? (ptrdiff_t)r : (ptrdiff_t)KLEFR_ERR_IO;
    }
    enum sp_return r = timeout_ms == 0 ? sp_nonblocking_write(s->port, buf, len)
                                       : sp_blocking_write(s->port, buf, len, timeout_ms);
    return r >= 0 ? (ptrdiff_t)r : (ptrdiff_t)KLEFR_ERR_IO;
}

static klefr_err sp_io_drain(void *ctx, uint32_t timeout_ms)
{
    (void)timeout_ms; /* sp_drain() has no timeout: documented in io.h */
    sp_io *s = ctx;
    return sp_err(sp_drain(s->port));
}

static klefr_err sp_io_flush(void *ctx)
{
    sp_io *s = ctx;
    return sp_err(sp_flush(s->port, SP_BUF_INPUT));
}

static void sp_io_close(void *ctx)
{
    sp_io *s = ctx;
    sp_close(s->port);
    sp_free_port(s->port);
    free(s);
}

static const klefr_io_ops sp_ops = {
    .name = "libserialport",
    .flags = 0,
    .read = sp_io_read,
    .write = sp_io_write,
    .drain = sp_io_drain,
    .flush = sp_io_flush,
    .set_line = sp_io_set_line,
    .get_line = sp_io_get_line,
    .close = sp_io_close,
};

klefr_err klefr_io_open_serialport(const char *name, const klefr_line *line,
                                   const klefr_io_options *opts, klefr_io **out)
{
    klefr_io_options o;
    if (name == NULL || out == NULL || klefr_io_options_take(opts, &o) != KLEFR_OK)
        return KLEFR_ERR_INVALID_ARG;
    opts = &o;
    sp_io *s = calloc(1, sizeof *s);
    if (s == NULL)
        return KLEFR_ERR_NO_MEMORY;
    s->fd = -1;
    enum sp_return r = sp_get_port_by_name(name, &s->port);
    if (r == SP_OK) {
        r = sp_open(s->port, SP_MODE_READ_WRITE);
        if (r != SP_OK) {
            sp_free_port(s->port);
            s->port = NULL;
        }
    }
    if (r != SP_OK) {
        free(s);
        /* SP_ERR_ARG: a device libserialport does not handle (0.1.1 gives
         * it for ptys); the opener then tries termios. */
        return r == SP_ERR_ARG ? KLEFR_ERR_UNSUPPORTED : sp_err(r);
    }
    s->io.ops = &sp_ops;
    s->io.ctx = s;
    if (line != NULL) {
        klefr_err err = sp_io_set_line(s, line);
        if (err != KLEFR_OK) {
            sp_io_close(s);
            /* A refused setting on a real port is an error, not a reason to
             * try another backend. */
            return err == KLEFR_ERR_UNSUPPORTED ? KLEFR_ERR_IO : err;
        }
    }
    int fd = -1;
    if (sp_get_port_handle(s->port, &fd) == SP_OK)
        s->fd = fd;
    if (s->fd >= 0)
        klefr_rs485_setup(s->fd, opts, &s->rs485, &s->rs485_na);
    else if (opts->rs485 != KLEFR_RS485_OFF)
        s->rs485_na = KLEFR_IO_NOT_APPLIED_RS485;
    *out = &s->io;
    return KLEFR_OK;
}

static void copy_str(char *dst, size_t cap, const char *src)
{
    if (src == NULL)
        src = "";
    size_t n = strlen(src);
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

klefr_err klefr_io_list_ports(klefr_port_info *out, size_t cap, size_t *count)
{
    if (count == NULL || (out == NULL && cap != 0))
        return KLEFR_ERR_INVALID_ARG;
    struct sp_port **ports;
    enum sp_return r = sp_list_ports(&ports);
    if (r != SP_OK)
        return sp_err(r);
    size_t n = 0;
    for (; ports[n] != NULL; n++) {
        if (n < cap) {
            copy_str(out[n].name, sizeof out[n].name, sp_get_port_name(ports[n]));
            copy_str(out[n].description, sizeof out[n].description,
                     sp_get_port_description(ports[n]));
        }
    }
    sp_free_port_list(ports);
    *count = n;
    return n <= cap ? KLEFR_OK : KLEFR_ERR_BUFFER_TOO_SMALL;
}

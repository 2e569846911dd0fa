/* SPDX-License-Identifier: MIT */
/* --verbose: a klefr_io whose callbacks forward to the real transport and
 * print every frame that passes, in hex and decoded with the codecs.
 * Received bytes are collected until the protocol's detector (through
 * frame_len_*) sees a whole frame, so a frame read in pieces prints once. */
#include <stdlib.h>
#include <string.h>

#include "klefr_cli.h"

typedef struct iolog {
    klefr_io io;
    klefr_io_ops ops;
    klefr_io *inner;
    klefr_meter_protocol protocol;
    FILE *out;
    gint64 start_us;
    uint8_t rx[1024];
    size_t rx_len;
} iolog;

static void print_frame(iolog *l, const char *arrow, const uint8_t *buf, size_t len, bool sent,
                        const char *note)
{
    GString *s = g_string_new(NULL);
    double t = (double)(g_get_monotonic_time() - l->start_us) / 1e6;
    g_string_append_printf(s, "[%8.3f] %s ", t, arrow);
    const uint8_t *view = buf;
    uint8_t stripped[1024];
    if (l->protocol == KLEFR_METER_IEC) {
        /* On 8-bit links the parity bit of 7E1 is still in bit 7. */
        size_t n = MIN(len, sizeof stripped);
        for (size_t i = 0; i < n; i++)
            stripped[i] = buf[i] & 0x7Fu;
        view = stripped;
        len = n;
    }
    hex_append(s, buf, len);
    g_string_append(s, "\n           ");
    if (note != NULL) {
        g_string_append(s, note);
    } else {
        switch (l->protocol) {
        case KLEFR_METER_MODBUS:
            if (klefr_io_flags(l->inner) & KLEFR_IO_MBAP) {
                uint8_t rtu[KLEFR_MODBUS_ADU_MAX];
                size_t rtu_len;
                klefr_modbus_mbap hdr;
                if (klefr_modbus_tcp_to_rtu(view, len, &hdr, rtu, sizeof rtu, &rtu_len) ==
                    KLEFR_OK) {
                    g_string_append_printf(s, "MBAP transaction %u, ", hdr.transaction);
                    brief_modbus(s, rtu, rtu_len, sent ? DIR_REQUEST : DIR_RESPONSE);
                } else {
                    g_string_append(s, "not a Modbus TCP frame");
                }
            } else {
                brief_modbus(s, view, len, sent ? DIR_REQUEST : DIR_RESPONSE);
            }
            break;
        case KLEFR_METER_MBUS: brief_mbus(s, view, len); break;
        case KLEFR_METER_IEC: brief_iec(s, view, len); break;
        }
    }
    g_string_append_c(s, '\n');
    fputs(s->str, l->out);
    fflush(l->out);
    g_string_free(s, TRUE);
}

/* Length of a whole frame at the start of the received bytes, or 0. */
static size_t complete_frame(iolog *l)
{
    switch (l->protocol) {
    case KLEFR_METER_MODBUS:
        if (klefr_io_flags(l->inner) & KLEFR_IO_MBAP) {
            klefr_frame_scan scan;
            if (klefr_modbus_tcp_frame_detect(l->rx, l->rx_len, &scan) == KLEFR_OK &&
                scan.state == KLEFR_FRAME_COMPLETE)
                return scan.length;
            return 0;
        }
        return frame_len_modbus(l->rx, l->rx_len, DIR_ANY);
    case KLEFR_METER_MBUS: return frame_len_mbus(l->rx, l->rx_len);
    case KLEFR_METER_IEC: {
        uint8_t tmp[sizeof l->rx];
        for (size_t i = 0; i < l->rx_len; i++)
            tmp[i] = l->rx[i] & 0x7Fu;
        return frame_len_iec(tmp, l->rx_len);
    }
    }
    return 0;
}

static void drain_frames(iolog *l)
{
    size_t n;
    while (l->rx_len > 0 && (n = complete_frame(l)) > 0 && n <= l->rx_len) {
        print_frame(l, "<-", l->rx, n, false, NULL);
        memmove(l->rx, l->rx + n, l->rx_len - n);
        l->rx_len -= n;
    }
}

static void flush_rx(iolog *l, const char *why)
{
    drain_frames(l);
    if (l->rx_len > 0) {
        print_frame(l, "<-", l->rx, l->rx_len, false, why);
        l->rx_len = 0;
    }
}

static ptrdiff_t log_read(void *ctx, uint8_t *buf, size_t cap, uint32_t timeout_ms)
{
    iolog *l = ctx;
    ptrdiff_t n = klefr_io_read(l->inner, buf, cap, timeout_ms);
    if (n > 0) {
        size_t room = sizeof l->rx - l->rx_len;
        if ((size_t)n > room)
            flush_rx(l, "(not a complete frame)");
        size_t take = MIN((size_t)n, sizeof l->rx - l->rx_len);
        memcpy(l->rx + l->rx_len, buf, take);
        l->rx_len += take;
        drain_frames(l);
    } else if (n == 0 && l->rx_len > 0) {
        flush_rx(l, "(incomplete: the line went quiet)");
    } else if (n < 0) {
        fprintf(l->out, "           read failed: %s\n", klefr_strerror((klefr_err)n));
    }
    return n;
}

static ptrdiff_t log_write(void *ctx, const uint8_t *buf, size_t len, uint32_t timeout_ms)
{
    iolog *l = ctx;
    flush_rx(l, "(not a complete frame)");
    ptrdiff_t n = l->inner->ops->write(l->inner->ctx, buf, len, timeout_ms);
    if (n > 0)
        print_frame(l, "->", buf, (size_t)n, true, NULL);
    return n;
}

static klefr_err log_drain(void *ctx, uint32_t timeout_ms)
{
    iolog *l = ctx;
    return klefr_io_drain(l->inner, timeout_ms);
}

static klefr_err log_flush(void *ctx)
{
    iolog *l = ctx;
    flush_rx(l, "(discarded: not a complete frame)");
    return klefr_io_flush(l->inner);
}

static klefr_err log_set_line(void *ctx, const klefr_line *line)
{
    iolog *l = ctx;
    fprintf(l->out, "           line: %u baud, %u data bits\n", (unsigned)line->baud,
            line->data_bits);
    return klefr_io_set_line(l->inner, line);
}

static klefr_err log_get_line(void *ctx, klefr_line *line, unsigned *not_applied)
{
    iolog *l = ctx;
    return klefr_io_get_line(l->inner, line, not_applied);
}

static void log_close(void *ctx)
{
    iolog *l = ctx;
    flush_rx(l, "(not a complete frame)");
    g_free(l);
}

klefr_io *cli_iolog_wrap(klefr_io *inner, klefr_meter_protocol protocol, FILE *out)
{
    iolog *l = g_new0(iolog, 1);
    l->inner = inner;
    l->protocol = protocol;
    l->out = out;
    l->start_us = g_get_monotonic_time();
    l->ops = (klefr_io_ops){
        .name = "verbose",
        .flags = klefr_io_flags(inner),
        .read = log_read,
        .write = log_write,
        .drain = log_drain,
        .flush = log_flush,
        .set_line = log_set_line,
        .get_line = log_get_line,
        .close = log_close,
    };
    l->io.ops = &l->ops;
    l->io.ctx = l;
    return &l->io;
}

void cli_iolog_flush(klefr_io *log)
{
    if (log != NULL)
        flush_rx(log->ctx, "(not a complete frame)");
}

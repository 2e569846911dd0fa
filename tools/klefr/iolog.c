/* SPDX-License-Identifier: MIT */
/* --verbose: the library's trace transport (klefr_io_trace_wrap) in front
 * of the real one, and a callback that prints every frame that passes, in
 * hex and decoded with the codecs. Received bytes are collected until the
 * protocol's detector (through frame_len_*) sees a whole frame, so a frame
 * read in pieces prints once. */
#include <stdlib.h>
#include <string.h>

#include "klefr_cli.h"

struct cli_iolog {
    klefr_io *io; /* the trace transport */
    bool mbap;    /* the traced transport carries Modbus TCP */
    klefr_protocol protocol;
    FILE *out;
    uint64_t start_us;
    uint8_t rx[1024];
    size_t rx_len;
};
typedef struct cli_iolog iolog;

/* The 7-bit characters of @p len bytes as they came, parity unchecked:
 * the log shows what was on the line. */
static size_t seven_bit(const uint8_t *buf, size_t len, uint8_t *chars)
{
    klefr_iec_parity_rx rx;
    klefr_iec_parity_rx_init(&rx, KLEFR_IEC_PARITY_MODE_IGNORE);
    size_t n = 0;
    (void)klefr_iec_parity_rx_decode(&rx, buf, len, chars, &n);
    return n;
}

static void print_frame(iolog *l, uint64_t now_us, const char *arrow, const uint8_t *buf,
                        size_t len, bool sent, const char *note)
{
    GString *s = g_string_new(NULL);
    double t = (double)(now_us - l->start_us) / 1e6;
    g_string_append_printf(s, "[%8.3f] %s ", t, arrow);
    const uint8_t *view = buf;
    uint8_t stripped[1024];
    if (l->protocol == KLEFR_PROTOCOL_IEC) {
        /* On 8-bit links the parity bit of 7E1 is still in bit 7. */
        len = seven_bit(buf, MIN(len, sizeof stripped), stripped);
        view = stripped;
    }
    hex_append(s, buf, len);
    g_string_append(s, "\n           ");
    if (note != NULL) {
        g_string_append(s, note);
    } else {
        switch (l->protocol) {
        case KLEFR_PROTOCOL_MODBUS:
            if (l->mbap) {
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
        case KLEFR_PROTOCOL_MBUS: brief_mbus(s, view, len); break;
        case KLEFR_PROTOCOL_IEC: brief_iec(s, view, len); break;
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
    case KLEFR_PROTOCOL_MODBUS:
        if (l->mbap) {
            klefr_frame_scan scan;
            if (klefr_modbus_tcp_frame_detect(l->rx, l->rx_len, &scan) == KLEFR_OK &&
                scan.state == KLEFR_FRAME_COMPLETE)
                return scan.length;
            return 0;
        }
        return frame_len_modbus(l->rx, l->rx_len, DIR_ANY);
    case KLEFR_PROTOCOL_MBUS: return frame_len_mbus(l->rx, l->rx_len);
    case KLEFR_PROTOCOL_IEC: {
        uint8_t tmp[sizeof l->rx];
        return frame_len_iec(tmp, seven_bit(l->rx, l->rx_len, tmp));
    }
    }
    return 0;
}

static void drain_frames(iolog *l, uint64_t now_us)
{
    size_t n;
    while (l->rx_len > 0 && (n = complete_frame(l)) > 0 && n <= l->rx_len) {
        print_frame(l, now_us, "<-", l->rx, n, false, NULL);
        memmove(l->rx, l->rx + n, l->rx_len - n);
        l->rx_len -= n;
    }
}

static void flush_rx(iolog *l, uint64_t now_us, const char *why)
{
    drain_frames(l, now_us);
    if (l->rx_len > 0) {
        print_frame(l, now_us, "<-", l->rx, l->rx_len, false, why);
        l->rx_len = 0;
    }
}

static void on_rx(iolog *l, const klefr_io_trace_record *r)
{
    if (r->len > sizeof l->rx - l->rx_len)
        flush_rx(l, r->time_us, "(not a complete frame)");
    size_t take = MIN(r->len, sizeof l->rx - l->rx_len);
    memcpy(l->rx + l->rx_len, r->data, take);
    l->rx_len += take;
    drain_frames(l, r->time_us);
}

static void on_trace(void *user, const klefr_io_trace_record *r)
{
    iolog *l = user;
    switch (r->event) {
    case KLEFR_IO_TRACE_RX: on_rx(l, r); break;
    case KLEFR_IO_TRACE_QUIET:
        if (l->rx_len > 0)
            flush_rx(l, r->time_us, "(incomplete: the line went quiet)");
        break;
    case KLEFR_IO_TRACE_TX:
        flush_rx(l, r->time_us, "(not a complete frame)");
        print_frame(l, r->time_us, "->", r->data, r->len, true, NULL);
        break;
    case KLEFR_IO_TRACE_FLUSH: flush_rx(l, r->time_us, "(discarded: not a complete frame)"); break;
    case KLEFR_IO_TRACE_LINE:
        fprintf(l->out, "           line: %u baud, %u data bits\n", (unsigned)r->line->baud,
                r->line->data_bits);
        break;
    case KLEFR_IO_TRACE_ERROR:
        fprintf(l->out, "           read or write failed: %s\n", klefr_strerror(r->err));
        break;
    case KLEFR_IO_TRACE_CLOSE:
        flush_rx(l, r->time_us, "(not a complete frame)");
        g_free(l);
        break;
    }
}

cli_iolog *cli_iolog_wrap(klefr_io *inner, klefr_protocol protocol, FILE *out)
{
    iolog *l = g_new0(iolog, 1);
    l->mbap = (klefr_io_get_flags(inner) & KLEFR_IO_MBAP) != 0;
    l->protocol = protocol;
    l->out = out;
    const klefr_clock *clock = klefr_clock_monotonic();
    l->start_us = clock->now_us(clock->ctx);
    if (klefr_io_trace_wrap(inner, false, on_trace, l, clock, &l->io) != KLEFR_OK) {
        g_free(l);
        return NULL;
    }
    return l;
}

klefr_io *cli_iolog_io(cli_iolog *log)
{
    return log->io;
}

void cli_iolog_flush(cli_iolog *log)
{
    if (log != NULL) {
        const klefr_clock *clock = klefr_clock_monotonic();
        flush_rx(log, clock->now_us(clock->ctx), "(not a complete frame)");
    }
}

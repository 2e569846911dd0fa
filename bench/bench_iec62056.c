/* SPDX-License-Identifier: MIT */
/* IEC 62056-21 throughput: a full KLEFR 6914 readout rendered from the
 * register model, parsed by the streaming data set parser (whole and byte
 * by byte), parsed into klefr_values, and the message detector/decoder. */
#include <klefr/model_iec.h>

#include <stdio.h>
#include <string.h>

#include "bench_clock.h"

static uint8_t readout[2048];
static size_t readout_len;

static void fill_values(klefr_values *v)
{
    klefr_values_clear(v);
    for (unsigned i = 0; i < KLEFR_Q_COUNT; i++)
        klefr_values_set(v, (klefr_quantity)i, 1234.56 + i);
    klefr_values_set(v, KLEFR_Q_SERIAL_NUMBER, 17060518);
    klefr_values_set(v, KLEFR_Q_CURRENT_DIRECTION, 'F');
    klefr_values_set(v, KLEFR_Q_CHECKSUM, 0x005FD96E);
}

static void bench_encode(void *arg)
{
    size_t len = 0;
    klefr_model_iec_readout_encode(KLEFR_MODEL_6914, arg, readout, sizeof readout, &len);
    bench_consume(len);
}

static void bench_parse_whole(void *arg)
{
    (void)arg;
    klefr_iec_parser p;
    klefr_iec_parser_init(&p);
    size_t pos = 0, n = 0;
    while (pos < readout_len) {
        size_t used;
        klefr_iec_parse_event ev;
        klefr_iec_dataset ds;
        if (klefr_iec_parser_feed(&p, readout + pos, readout_len - pos, &used, &ev, &ds) !=
            KLEFR_OK)
            break;
        pos += used;
        n += ev == KLEFR_IEC_PARSE_DATASET;
        if (ev == KLEFR_IEC_PARSE_END)
            break;
    }
    bench_consume(n);
}

static void bench_parse_bytewise(void *arg)
{
    (void)arg;
    klefr_iec_parser p;
    klefr_iec_parser_init(&p);
    size_t n = 0;
    for (size_t i = 0; i < readout_len; i++) {
        size_t used;
        klefr_iec_parse_event ev;
        klefr_iec_dataset ds;
        if (klefr_iec_parser_feed(&p, readout + i, 1, &used, &ev, &ds) != KLEFR_OK)
            break;
        n += ev == KLEFR_IEC_PARSE_DATASET;
    }
    bench_consume(n);
}

static void bench_to_values(void *arg)
{
    klefr_values *v = arg;
    size_t matched = 0;
    klefr_model_iec_readout_decode((const char *)readout, readout_len, v, &matched);
    bench_consume(matched);
}

static void bench_scan_decode(void *arg)
{
    (void)arg;
    klefr_frame_scan s;
    (void)klefr_iec_frame_detect(false, readout, readout_len, &s);
    klefr_iec_message m;
    klefr_iec_message_decode(readout, s.length, &m, NULL);
    bench_consume(m.data_len);
}

int main(void)
{
    static klefr_values values, out;
    fill_values(&values);
    if (klefr_model_iec_readout_encode(KLEFR_MODEL_6914, &values, readout, sizeof readout,
                                       &readout_len) != KLEFR_OK) {
        fprintf(stderr, "readout does not fit\n");
        return 1;
    }
    printf("KLEFR 6914 readout: %zu bytes\n", readout_len);
    struct {
        const char *name;
        void (*fn)(void *);
        void *arg;
    } runs[] = {
        {"readout encode (model -> bytes)", bench_encode, &values},
        {"data set parser, whole buffer", bench_parse_whole, NULL},
        {"data set parser, byte by byte", bench_parse_bytewise, NULL},
        {"readout -> klefr_values", bench_to_values, &out},
        {"detector + message decode", bench_scan_decode, NULL},
    };
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        double rate = bench_rate(runs[i].fn, runs[i].arg, 1.0);
        printf("%-34s %12.0f readouts/s %9.1f MB/s\n", runs[i].name, rate,
               rate * (double)readout_len / 1e6);
    }
    return 0;
}

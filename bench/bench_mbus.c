/* SPDX-License-Identifier: MIT */
/* M-Bus codec throughput on the manual's RSP_UD (A2.2): decode (frame,
 * header, nine records, values), encode with the writer and through the
 * KLEFR model map. Prints numbers; never fails on speed.
 * Run: ./build/bench/bench_mbus [seconds per measurement] */
#include <klefr/mbus.h>
#include <klefr/mbus_records.h>
#include <klefr/model.h>
#include <klefr/model_mbus.h>

#include <stdio.h>
#include <stdlib.h>

#include "bench_clock.h"

static const uint8_t manual_rsp_ud[81] = {
    0x68, 0x4B, 0x4B, 0x68, 0x08, 0x00, 0x72, 0x00, 0x00, 0x00, 0x00, 0xCD, 0x25, 0x01,
    0x02, 0x02, 0x00, 0x00, 0x00, 0x0C, 0x04, 0x14, 0x48, 0x60, 0x01, 0x8C, 0x10, 0x04,
    0x23, 0x80, 0x35, 0x00, 0x8C, 0x20, 0x04, 0x91, 0x67, 0x24, 0x01, 0x1C, 0x04, 0x46,
    0x13, 0x69, 0x00, 0x9C, 0x10, 0x04, 0x56, 0x34, 0x12, 0x00, 0x9C, 0x20, 0x04, 0x90,
    0x78, 0x56, 0x00, 0x2C, 0x04, 0x68, 0x34, 0x91, 0x00, 0xAC, 0x10, 0x04, 0x67, 0x45,
    0x23, 0x00, 0xAC, 0x20, 0x04, 0x01, 0x89, 0x67, 0x00, 0x7C, 0x16,
};

static const int64_t mantissa[9] = {1604814, 358023, 1246791, 691346, 123456,
                                    567890,  913468, 234567,  678901};

static void decode_generic(void *arg)
{
    (void)arg;
    klefr_mbus_frame f;
    klefr_mbus_header h;
    size_t hl, n = 0;
    if (klefr_mbus_frame_decode(manual_rsp_ud, sizeof manual_rsp_ud, &f) != KLEFR_OK ||
        klefr_mbus_header_decode(f.ci, f.data, f.data_len, &h, &hl) != KLEFR_OK)
        abort();
    klefr_mbus_record_iter it;
    klefr_mbus_record r;
    double sum = 0, v;
    klefr_mbus_record_iter_init(&it, f.data + hl, f.data_len - hl);
    while (klefr_mbus_record_next(&it, &r)) {
        if (klefr_mbus_value_to_double(&r.value, &v) == KLEFR_OK)
            sum += v;
        n++;
    }
    if (n != 9)
        abort();
    bench_consume((uint64_t)sum);
}

static void decode_model(void *arg)
{
    klefr_values *v = arg;
    if (klefr_model_mbus_rsp_ud_decode(manual_rsp_ud, sizeof manual_rsp_ud, v, NULL) != KLEFR_OK)
        abort();
    bench_consume((uint64_t)v->value[KLEFR_Q_TOTAL_ACTIVE_ENERGY]);
}

static void encode_writer(void *arg)
{
    (void)arg;
    static const uint8_t vif = 0x04;
    static const uint8_t func[9] = {0, 0, 0, 1, 1, 1, 2, 2, 2};
    klefr_mbus_header h = {
        .ci = 0x72, .manufacturer = 0x25CD, .version = 1, .medium = 2, .access = 2};
    uint8_t buf[128];
    klefr_mbus_writer w;
    klefr_mbus_writer_begin_rsp_ud(&w, buf, sizeof buf, 0, false, false, &h);
    for (int i = 0; i < 9; i++) {
        klefr_mbus_record_spec s = {
            .coding = KLEFR_MBUS_DATA_BCD8,
            .function = (klefr_mbus_function)func[i],
            .tariff = (uint32_t)(i % 3),
            .vib = &vif,
            .vib_len = 1,
            .value = {.type = KLEFR_MBUS_VALUE_INTEGER, .integer = mantissa[i]}};
        klefr_mbus_writer_record(&w, &s);
    }
    size_t len;
    if (klefr_mbus_writer_finish(&w, &len) != KLEFR_OK || len != 81)
        abort();
    bench_consume(buf[79]);
}

static void encode_model(void *arg)
{
    const klefr_values *v = arg;
    klefr_mbus_model_header h = {.address = 0, .id = 0, .access = 2};
    uint8_t buf[128];
    size_t len;
    if (klefr_model_mbus_rsp_ud_encode(v, &h, buf, sizeof buf, &len) != KLEFR_OK || len != 81)
        abort();
    bench_consume(buf[79]);
}

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 1.0;
    if (seconds <= 0)
        seconds = 1.0;
    klefr_values values;
    klefr_values_clear(&values);
    if (klefr_model_mbus_rsp_ud_decode(manual_rsp_ud, sizeof manual_rsp_ud, &values, NULL) !=
        KLEFR_OK)
        return 1;

    double r;
    printf("M-Bus codec on the manual's RSP_UD (81 bytes, 9 records), %.1f s each\n", seconds);
    r = bench_rate(decode_generic, NULL, seconds);
    printf("decode (frame + header + records + values): %12.0f frames/s %12.0f records/s\n", r,
           9 * r);
    r = bench_rate(decode_model, &values, seconds);
    printf("decode into klefr_values (model map):       %12.0f frames/s %12.0f records/s\n", r,
           9 * r);
    r = bench_rate(encode_writer, NULL, seconds);
    printf("encode with the record writer:              %12.0f frames/s %12.0f records/s\n", r,
           9 * r);
    r = bench_rate(encode_model, &values, seconds);
    printf("encode from klefr_values (model map):       %12.0f frames/s %12.0f records/s\n", r,
           9 * r);
    return 0;
}

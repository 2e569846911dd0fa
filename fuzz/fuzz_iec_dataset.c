/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the streaming data set parser (whole, and in chunks
 * whose sizes come from the first byte), the zero-copy iterator, the
 * KLEFR readout parser and the decimal value parser. */
#include <klefr/model_iec.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Feed @p buf in chunks of @p chunk; count the values and the result. */
static klefr_err run(const uint8_t *buf, size_t size, size_t chunk, size_t *values)
{
    klefr_iec_parser p;
    klefr_iec_parser_init(&p);
    *values = 0;
    size_t pos = 0;
    while (pos < size) {
        size_t n = size - pos < chunk ? size - pos : chunk;
        size_t off = 0;
        while (off < n) {
            size_t used = 0;
            klefr_iec_parse_event ev;
            klefr_iec_dataset ds;
            klefr_err err = klefr_iec_parser_feed(&p, buf + pos + off, n - off, &used, &ev, &ds);
            if (used > n - off)
                abort();
            if (err != KLEFR_OK)
                return err;
            off += used;
            if (ev == KLEFR_IEC_PARSE_DATASET) {
                if (ds.address_len > KLEFR_IEC_ADDRESS_MAX || ds.value_len > KLEFR_IEC_VALUE_MAX ||
                    ds.unit_len > KLEFR_IEC_UNIT_MAX)
                    abort();
                double v;
                (void)klefr_iec_value_parse(ds.value, ds.value_len, &v);
                (*values)++;
            } else if (ev == KLEFR_IEC_PARSE_END) {
                return KLEFR_OK;
            } else if (off != n) {
                abort(); /* NEED_MORE must consume everything */
            }
        }
        pos += n;
    }
    return klefr_iec_parser_finish(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    size_t chunk = (size_t)(data[0] % 16u) + 1u;
    data++;
    size--;
    uint8_t *buf = malloc(size ? size : 1);
    if (buf == NULL)
        return 0;
    memcpy(buf, data, size);

    size_t whole_count, chunk_count;
    klefr_err whole = run(buf, size, size ? size : 1, &whole_count);
    klefr_err chunked = run(buf, size, chunk, &chunk_count);
    /* Chunking must not change the outcome. */
    if (whole != chunked || whole_count != chunk_count)
        abort();

    /* The zero-copy iterator sees the same values. */
    klefr_iec_parser p;
    klefr_iec_parser_init(&p);
    size_t iter_count = 0;
    for (;;) {
        klefr_iec_dataset ds;
        bool found = false;
        klefr_err err = klefr_iec_dataset_next(&p, (const char *)buf, size, &ds, &found);
        if (err != KLEFR_OK || !found)
            break;
        if (ds.value < (const char *)buf || ds.value + ds.value_len > (const char *)buf + size)
            abort();
        iter_count++;
    }
    if (iter_count != whole_count)
        abort();

    klefr_values values;
    klefr_values_clear(&values);
    (void)klefr_model_iec_readout_decode((const char *)buf, size, &values, NULL);
    /* The strict decoder stores exactly what it counts as stored, and
     * nothing at all when the block does not parse. */
    klefr_values strict;
    klefr_decode_report rep;
    klefr_values_clear(&strict);
    klefr_err err = klefr_model_iec_readout_decode_report((const char *)buf, size, &strict, &rep);
    size_t stored = 0;
    for (unsigned q = 0; q < KLEFR_Q_COUNT; q++)
        stored += klefr_values_has(&strict, (klefr_quantity)q);
    if (stored != rep.stored || (err != KLEFR_OK && stored != 0))
        abort();
    double v;
    (void)klefr_iec_value_parse((const char *)buf, size, &v);
    free(buf);
    return 0;
}

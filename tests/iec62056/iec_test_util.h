/* SPDX-License-Identifier: MIT */
/* Collects the data sets of a block for the parser tests. */
#ifndef IEC_TEST_UTIL_H
#define IEC_TEST_UTIL_H

#include <klefr/iec62056.h>

#include "klefr_test.h"

typedef struct collected_ds {
    char address[KLEFR_IEC_ADDRESS_MAX + 1];
    char value[KLEFR_IEC_VALUE_MAX + 1];
    char unit[KLEFR_IEC_UNIT_MAX + 1];
    unsigned index;
} collected_ds;

typedef struct collected {
    collected_ds ds[64];
    size_t count;
    bool ended;
    klefr_iec_parser parser;
} collected;

static inline void collect_one(collected *c, const klefr_iec_dataset *ds)
{
    ck_assert_uint_lt(c->count, 64);
    collected_ds *o = &c->ds[c->count++];
    memcpy(o->address, ds->address, ds->address_len);
    o->address[ds->address_len] = '\0';
    memcpy(o->value, ds->value, ds->value_len);
    o->value[ds->value_len] = '\0';
    memcpy(o->unit, ds->unit, ds->unit_len);
    o->unit[ds->unit_len] = '\0';
    o->index = ds->index;
}

/* Feed @p len bytes in chunks of @p chunk; returns the first error. */
static inline klefr_err collect_chunked(collected *c, const uint8_t *bytes, size_t len,
                                        size_t chunk)
{
    memset(c, 0, sizeof *c);
    klefr_iec_parser_init(&c->parser);
    size_t pos = 0;
    while (pos < len) {
        size_t n = len - pos < chunk ? len - pos : chunk;
        size_t off = 0;
        while (off < n) {
            size_t used = 0;
            klefr_iec_parse_event ev;
            klefr_iec_dataset ds;
            klefr_err err =
                klefr_iec_parser_feed(&c->parser, bytes + pos + off, n - off, &used, &ev, &ds);
            if (err != KLEFR_OK)
                return err;
            off += used;
            if (ev == KLEFR_IEC_PARSE_DATASET)
                collect_one(c, &ds);
            else if (ev == KLEFR_IEC_PARSE_END) {
                c->ended = true;
                return KLEFR_OK;
            }
        }
        pos += n;
    }
    return klefr_iec_parser_finish(&c->parser);
}

static inline klefr_err collect_text(collected *c, const char *text)
{
    return collect_chunked(c, (const uint8_t *)text, strlen(text), strlen(text) + 1);
}

#define assert_ds(c, i, addr, val, un, idx)         \
    do {                                            \
        ck_assert_str_eq((c)->ds[i].address, addr); \
        ck_assert_str_eq((c)->ds[i].value, val);    \
        ck_assert_str_eq((c)->ds[i].unit, un);      \
        ck_assert_uint_eq((c)->ds[i].index, idx);   \
    } while (0)

#endif

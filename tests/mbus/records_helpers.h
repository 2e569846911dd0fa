/* SPDX-License-Identifier: MIT */
/* Helpers for the record tests: bytes in an exactly sized heap block, so
 * the sanitizer build catches any read past the end. */
#ifndef KLEFR_TEST_MBUS_RECORDS_HELPERS_H
#define KLEFR_TEST_MBUS_RECORDS_HELPERS_H

#include <klefr/mbus_records.h>

#include "klefr_test.h"

/* The bytes of hex in a malloc block of exactly *n bytes (free it). */
static inline uint8_t *hexdup(const char *hex, size_t *n)
{
    uint8_t tmp[512];
    *n = klefr_test_hex(hex, tmp, sizeof tmp);
    uint8_t *p = malloc(*n > 0 ? *n : 1);
    ck_assert_ptr_nonnull(p);
    memcpy(p, tmp, *n);
    return p;
}

/* Decode the single record of hex, which must use every byte. The record
 * points into *owner (free it when done). */
static inline klefr_mbus_record decode_one(const char *hex, uint8_t **owner)
{
    size_t n, used = 0;
    *owner = hexdup(hex, &n);
    klefr_mbus_record r;
    klefr_err err = klefr_mbus_record_decode(*owner, n, &r, &used);
    ck_assert_msg(err == KLEFR_OK, "record %s: error %d", hex, (int)err);
    ck_assert_uint_eq(used, n);
    ck_assert_uint_eq(r.raw_len, n);
    return r;
}

/* Error of decoding hex as one record. */
static inline klefr_err decode_error(const char *hex)
{
    size_t n, used = 0;
    uint8_t *p = hexdup(hex, &n);
    klefr_mbus_record r;
    klefr_err err = klefr_mbus_record_decode(p, n, &r, &used);
    free(p);
    return err;
}

/* Value of r as a double, exponent applied. */
static inline double value_of(const klefr_mbus_record *r)
{
    double v = 0;
    ck_assert_int_eq(klefr_mbus_value_to_double(&r->value, &v), KLEFR_OK);
    return v;
}

#define CHECK_INT(hex, want_integer, want_exponent)                \
    do {                                                           \
        uint8_t *own_;                                             \
        klefr_mbus_record r_ = decode_one((hex), &own_);           \
        ck_assert_int_eq(r_.value.type, KLEFR_MBUS_VALUE_INTEGER); \
        ck_assert_int_eq(r_.value.integer, (want_integer));        \
        ck_assert_int_eq(r_.value.exponent, (want_exponent));      \
        free(own_);                                                \
    } while (0)

/* Quantity, unit and exponent of a record. */
#define CHECK_VIF(hex, want_quantity, want_unit, want_exponent) \
    do {                                                        \
        uint8_t *own_;                                          \
        klefr_mbus_record r_ = decode_one((hex), &own_);        \
        ck_assert_str_eq(r_.quantity, (want_quantity));         \
        ck_assert_str_eq(r_.unit, (want_unit));                 \
        ck_assert_int_eq(r_.value.exponent, (want_exponent));   \
        free(own_);                                             \
    } while (0)

#endif

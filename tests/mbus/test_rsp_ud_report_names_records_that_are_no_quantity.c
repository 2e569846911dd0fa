/* SPDX-License-Identifier: MIT */
/* klefr_model_mbus_rsp_ud_decode_report: a KLEFR RSP_UD whose checksum
 * passes but that lost a record (a corrupted VIF, DIFE or DIF) says so,
 * instead of decoding as a complete reading with one energy less; a
 * quantity sent twice keeps neither value. Frames are the manual's RSP_UD
 * (A2.2) with one byte changed by hand and the checksum adjusted by the
 * same amount (the sum of C .. data, modulo 256). */
#include <klefr/mbus.h>
#include <klefr/model.h>
#include <klefr/model_mbus.h>

#include "klefr_test.h"
#include "manual_frames.h"

/* The manual's frame with byte @p at set to @p value, checksum fixed. */
static size_t manual_with(size_t at, uint8_t value, uint8_t *out, size_t cap)
{
    size_t n = klefr_test_hex(MANUAL_RSP_UD, out, cap);
    ck_assert_uint_lt(at, n - 2);
    out[n - 2] = (uint8_t)(out[n - 2] - out[at] + value);
    out[at] = value;
    return n;
}

static klefr_decode_report decode(const uint8_t *f, size_t n, klefr_values *v)
{
    klefr_decode_report r;
    memset(&r, 0xAA, sizeof r);
    klefr_values_clear(v);
    ck_assert_int_eq(klefr_model_mbus_rsp_ud_decode_report(f, n, v, NULL, &r), KLEFR_OK);
    return r;
}

START_TEST(test_the_manual_frame_is_complete)
{
    uint8_t f[128];
    size_t n = klefr_test_hex(MANUAL_RSP_UD, f, sizeof f);
    klefr_values v;
    klefr_decode_report r = decode(f, n, &v);
    ck_assert_uint_eq(r.stored, 9);
    ck_assert_uint_eq(r.unknown + r.dropped + r.duplicates + r.noncanonical, 0);
}
END_TEST

/* Offsets in the frame: 68 L L 68 C A CI (0-6), header 7-18, then the
 * records: 0C 04 at 19, 8C 10 04 at 25 (VIF at 27), 8C 20 04 at 32. */
START_TEST(test_a_corrupted_vif_is_an_unknown_record_not_a_silent_gap)
{
    uint8_t f[128];
    /* T1 total's VIF 04 (10 Wh) becomes 05 (100 Wh): no row has that. */
    size_t n = manual_with(27, 0x05, f, sizeof f);
    klefr_values v;
    klefr_decode_report r = decode(f, n, &v);
    ck_assert_uint_eq(r.unknown, 1);
    ck_assert_uint_eq(r.stored, 8);
    ck_assert(!klefr_values_has(&v, KLEFR_Q_T1_TOTAL_ACTIVE_ENERGY));
    ck_assert(klefr_values_has(&v, KLEFR_Q_T2_TOTAL_ACTIVE_ENERGY));
    /* The plain decoder keeps its behaviour: the record is ignored. */
    klefr_values_clear(&v);
    ck_assert_int_eq(klefr_model_mbus_rsp_ud_decode(f, n, &v, NULL), KLEFR_OK);
    ck_assert(!klefr_values_has(&v, KLEFR_Q_T1_TOTAL_ACTIVE_ENERGY));
}
END_TEST

START_TEST(test_a_quantity_sent_twice_keeps_neither_value)
{
    uint8_t f[128];
    /* T2 total's DIFE 20 becomes 10: two records claim T1 total. */
    size_t n = manual_with(33, 0x10, f, sizeof f);
    klefr_values v;
    klefr_decode_report r = decode(f, n, &v);
    ck_assert_uint_eq(r.duplicates, 2);
    ck_assert_uint_eq(r.stored, 7);
    ck_assert(!klefr_values_has(&v, KLEFR_Q_T1_TOTAL_ACTIVE_ENERGY));
    ck_assert(!klefr_values_has(&v, KLEFR_Q_T2_TOTAL_ACTIVE_ENERGY));
}
END_TEST

START_TEST(test_manufacturer_data_is_counted)
{
    uint8_t f[128];
    /* The T2 reverse record's DIF AC becomes 0F: the rest of the frame is
     * manufacturer data, and the ninth energy is gone. */
    size_t n = klefr_test_hex(MANUAL_RSP_UD, f, sizeof f);
    size_t at = n - 2 - 7; /* AC 20 04 01 89 67 00 before CS 16 */
    ck_assert_uint_eq(f[at], 0xAC);
    n = manual_with(at, 0x0F, f, sizeof f);
    klefr_values v;
    klefr_decode_report r = decode(f, n, &v);
    ck_assert_uint_eq(r.unknown, 1);
    ck_assert_uint_eq(r.stored, 8);
    ck_assert(!klefr_values_has(&v, KLEFR_Q_T2_REVERSE_ACTIVE_ENERGY));
}
END_TEST

START_TEST(test_errors_store_nothing_and_count_nothing)
{
    uint8_t f[128];
    /* A bad BCD digit in the total (14 -> 1A): all or nothing. */
    size_t n = manual_with(21, 0x1A, f, sizeof f);
    klefr_values v;
    klefr_values_clear(&v);
    klefr_decode_report r;
    memset(&r, 0xAA, sizeof r);
    ck_assert_int_eq(klefr_model_mbus_rsp_ud_decode_report(f, n, &v, NULL, &r), KLEFR_ERR_ENCODING);
    ck_assert_uint_eq(r.stored + r.unknown + r.dropped + r.duplicates + r.noncanonical, 0);
    ck_assert(!klefr_values_has(&v, KLEFR_Q_T1_TOTAL_ACTIVE_ENERGY));
    ck_assert_int_eq(klefr_model_mbus_rsp_ud_decode_report(f, n, &v, NULL, NULL),
                     KLEFR_ERR_INVALID_ARG);
}
END_TEST

static Suite *report_suite(void)
{
    Suite *s = suite_create("rsp_ud_report");
    TCase *tc = tcase_create("report");
    tcase_add_test(tc, test_the_manual_frame_is_complete);
    tcase_add_test(tc, test_a_corrupted_vif_is_an_unknown_record_not_a_silent_gap);
    tcase_add_test(tc, test_a_quantity_sent_twice_keeps_neither_value);
    tcase_add_test(tc, test_manufacturer_data_is_counted);
    tcase_add_test(tc, test_errors_store_nothing_and_count_nothing);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(report_suite)

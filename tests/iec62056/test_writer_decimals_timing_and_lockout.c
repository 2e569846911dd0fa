/* SPDX-License-Identifier: MIT */
/* The data block writer, decimal values, timing helpers and the password
 * lockout counter. */
#include <klefr/iec62056.h>

#include "klefr_test.h"

START_TEST(test_writer_builds_a_readout_block)
{
    uint8_t buf[64];
    klefr_iec_writer w;
    klefr_iec_writer_init(&w, buf, sizeof buf);
    klefr_iec_writer_begin(&w, 0, 0);
    klefr_iec_writer_dataset(&w, "0.0.0", "1", NULL);
    klefr_iec_writer_line_end(&w);
    klefr_iec_writer_end(&w, true, false);
    size_t len = 0;
    ck_assert_int_eq(klefr_iec_writer_finish(&w, &len), KLEFR_OK);
    /* BCC 22: see test_bcc_of_known_messages. */
    klefr_assert_bytes(buf, len, "02 30 2E 30 2E 30 28 31 29 0D 0A 21 0D 0A 03 22");
}
END_TEST

START_TEST(test_writer_builds_a_command_with_units_and_values)
{
    uint8_t buf[64];
    klefr_iec_writer w;
    klefr_iec_writer_init(&w, buf, sizeof buf);
    klefr_iec_writer_begin(&w, 'W', '1');
    klefr_iec_writer_dataset(&w, "128.1.4", "25", "");
    klefr_iec_writer_end(&w, false, false);
    size_t len = 0;
    ck_assert_int_eq(klefr_iec_writer_finish(&w, &len), KLEFR_OK);
    /* BCC 5F: computed in test_bcc_of_known_messages' style:
     * 57^31=66 ^02=64 ^31=55 ^32=67 ^38=5F ^2E=71 ^31=40 ^2E=6E ^34=5A
     * ^28=72 ^32=40 ^35=75 ^29=5C ^03=5F. */
    klefr_assert_bytes(buf, len, "01 57 31 02 31 32 38 2E 31 2E 34 28 32 35 29 03 5F");

    klefr_iec_writer_init(&w, buf, sizeof buf);
    klefr_iec_writer_begin(&w, 0, 0);
    klefr_iec_writer_dataset(&w, "1.6.0", "2.5", "kW");
    klefr_iec_writer_value(&w, "2611251030", NULL);
    klefr_iec_writer_end(&w, false, true);
    ck_assert_int_eq(klefr_iec_writer_finish(&w, &len), KLEFR_OK);
    ck_assert_uint_eq(len, 1 + 25 + 2); /* STX, text, EOT, BCC */
    ck_assert_mem_eq(buf + 1, "1.6.0(2.5*kW)(2611251030)", 25);
    ck_assert_uint_eq(buf[26], 0x04);
}
END_TEST

START_TEST(test_writer_counts_and_reports_short_buffers)
{
    klefr_iec_writer w;
    klefr_iec_writer_init(&w, NULL, 0);
    klefr_iec_writer_begin(&w, 0, 0);
    klefr_iec_writer_dataset(&w, "0.0.0", "1", NULL);
    klefr_iec_writer_line_end(&w);
    klefr_iec_writer_end(&w, true, false);
    size_t len = 0;
    ck_assert_int_eq(klefr_iec_writer_finish(&w, &len), KLEFR_OK);
    ck_assert_uint_eq(len, 16);

    uint8_t small[8];
    memset(small, 0xEE, sizeof small);
    klefr_iec_writer_init(&w, small, 5);
    klefr_iec_writer_begin(&w, 0, 0);
    klefr_iec_writer_dataset(&w, "0.0.0", "1", NULL);
    klefr_iec_writer_end(&w, true, false);
    ck_assert_int_eq(klefr_iec_writer_finish(&w, &len), KLEFR_ERR_BUFFER_TOO_SMALL);
    ck_assert_uint_eq(len, 14);
    ck_assert_uint_eq(small[5], 0xEE);
}
END_TEST

START_TEST(test_writer_refuses_bad_fields)
{
    klefr_iec_writer w;
    size_t len;
    klefr_iec_writer_init(&w, NULL, 0);
    klefr_iec_writer_begin(&w, 0, 0);
    klefr_iec_writer_dataset(&w, "12345678901234567", "1", NULL);
    klefr_iec_writer_end(&w, false, false);
    ck_assert_int_eq(klefr_iec_writer_finish(&w, &len), KLEFR_ERR_RANGE);

    klefr_iec_writer_init(&w, NULL, 0);
    klefr_iec_writer_begin(&w, 0, 0);
    klefr_iec_writer_dataset(&w, "1.8.0", "1(2", NULL);
    klefr_iec_writer_end(&w, false, false);
    ck_assert_int_eq(klefr_iec_writer_finish(&w, &len), KLEFR_ERR_RANGE);

    klefr_iec_writer_init(&w, NULL, 0);
    klefr_iec_writer_begin(&w, 0, 0);
    ck_assert_int_eq(klefr_iec_writer_finish(&w, &len), KLEFR_ERR_STATE);
}
END_TEST

/* Data sets, values, line ends and the block's end belong inside a block:
 * before begin (or after end) each is refused with KLEFR_ERR_STATE and
 * writes nothing; the block that follows is still written whole. */
START_TEST(test_writer_refuses_content_outside_a_block)
{
    uint8_t buf[32];
    klefr_iec_writer w;
    size_t len;
    for (int call = 0; call < 4; call++) {
        memset(buf, 0xEE, sizeof buf);
        klefr_iec_writer_init(&w, buf, sizeof buf);
        switch (call) {
        case 0: klefr_iec_writer_dataset(&w, "1.8.0", "1", NULL); break;
        case 1: klefr_iec_writer_value(&w, "1", "kWh"); break;
        case 2: klefr_iec_writer_line_end(&w); break;
        default: klefr_iec_writer_end(&w, true, false); break;
        }
        ck_assert_int_eq(klefr_iec_writer_finish(&w, &len), KLEFR_ERR_STATE);
        ck_assert_uint_eq(len, 0);
        ck_assert_uint_eq(buf[0], 0xEE);
    }

    /* After a block is ended, a data set is outside again. */
    klefr_iec_writer_init(&w, buf, sizeof buf);
    klefr_iec_writer_begin(&w, 0, 0);
    klefr_iec_writer_end(&w, false, false);
    ck_assert_int_eq(klefr_iec_writer_finish(&w, &len), KLEFR_OK);
    ck_assert_uint_eq(len, 3); /* STX ETX BCC */
    klefr_iec_writer_dataset(&w, "1.8.0", "1", NULL);
    ck_assert_int_eq(klefr_iec_writer_finish(&w, &len), KLEFR_ERR_STATE);
    ck_assert_uint_eq(len, 3);
}
END_TEST

START_TEST(test_decimal_values_parse)
{
    double v = 0;
    ck_assert_int_eq(klefr_iec_value_parse("0001234.567", 11, &v), KLEFR_OK);
    ck_assert(v == 1234.567);
    ck_assert_int_eq(klefr_iec_value_parse("-0.5", 4, &v), KLEFR_OK);
    ck_assert(v == -0.5);
    ck_assert_int_eq(klefr_iec_value_parse("+12", 3, &v), KLEFR_OK);
    ck_assert(v == 12.0);
    ck_assert_int_eq(klefr_iec_value_parse("230.1", 5, &v), KLEFR_OK);
    ck_assert(v == 230.1);
    ck_assert_int_eq(klefr_iec_value_parse("", 0, &v), KLEFR_ERR_ENCODING);
    ck_assert_int_eq(klefr_iec_value_parse("1.2.3", 5, &v), KLEFR_ERR_ENCODING);
    ck_assert_int_eq(klefr_iec_value_parse("12a", 3, &v), KLEFR_ERR_ENCODING);
    ck_assert_int_eq(klefr_iec_value_parse("-", 1, &v), KLEFR_ERR_ENCODING);
    ck_assert_int_eq(klefr_iec_value_parse("1234567890123456789", 19, &v), KLEFR_ERR_RANGE);
}
END_TEST

static void format_is(double v, unsigned dec, unsigned minint, const char *expected)
{
    char buf[40];
    size_t len = 0;
    ck_assert_int_eq(klefr_iec_value_format(v, dec, minint, buf, sizeof buf, &len), KLEFR_OK);
    ck_assert_uint_eq(len, strlen(expected));
    ck_assert_mem_eq(buf, expected, len);
}

START_TEST(test_decimal_values_format)
{
    format_is(1234.567, 2, 1, "1234.57");
    format_is(6913.46, 2, 6, "006913.46");
    /* Halves that doubles hold exactly round away from zero. */
    format_is(0.125, 2, 1, "0.13");
    format_is(2.5, 0, 1, "3");
    format_is(-2.5, 0, 1, "-3");
    format_is(-0.5, 3, 1, "-0.500");
    format_is(-0.0004, 3, 1, "0.000");
    format_is(0.0, 0, 1, "0");
    format_is(17060518.0, 0, 8, "17060518");
    format_is(0.01, 2, 1, "0.01");
    format_is(9.999, 2, 1, "10.00");
    size_t len;
    char buf[4];
    ck_assert_int_eq(klefr_iec_value_format(1e18, 0, 1, buf, sizeof buf, &len), KLEFR_ERR_RANGE);
    ck_assert_int_eq(klefr_iec_value_format(0.0 / 0.0, 0, 1, buf, sizeof buf, &len),
                     KLEFR_ERR_RANGE);
    ck_assert_int_eq(klefr_iec_value_format(12345.0, 0, 1, buf, sizeof buf, &len),
                     KLEFR_ERR_BUFFER_TOO_SMALL);
    ck_assert_uint_eq(len, 5);
}
END_TEST

START_TEST(test_timing_windows)
{
    klefr_iec_timing t;
    klefr_iec_timing_init(&t);
    ck_assert_uint_eq(t.reaction_min_ms, 200);
    ck_assert_uint_eq(t.reaction_max_ms, 1500);
    ck_assert_uint_eq(t.interchar_ms, 1500);
    ck_assert_uint_eq(t.baud_switch_ms, 300);
    ck_assert_uint_eq(klefr_iec_reply_earliest_ms(&t, 1000), 1200);
    ck_assert_uint_eq(klefr_iec_reply_deadline_ms(&t, 1000), 2500);
    ck_assert(!klefr_iec_interchar_is_expired(&t, 1000, 2500));
    ck_assert(klefr_iec_interchar_is_expired(&t, 1000, 2501));
    ck_assert_uint_eq(klefr_iec_baud_switch_ready_ms(&t, 1000), 1300);
    t.baud_switch_ms = 100; /* never earlier than the reaction time */
    ck_assert_uint_eq(klefr_iec_baud_switch_ready_ms(&t, 1000), 1200);
    /* Across the 32-bit wrap. */
    ck_assert(klefr_iec_time_is_reached(5, 0xFFFFFFF0u));
    ck_assert(!klefr_iec_time_is_reached(0xFFFFFFF0u, 5));
    ck_assert(klefr_iec_interchar_is_expired(NULL, 0xFFFFFF00u, 1500));
    ck_assert_uint_eq(klefr_iec_reply_earliest_ms(NULL, 0xFFFFFFFFu), 199);
}
END_TEST

START_TEST(test_three_wrong_passwords_lock_until_the_time_passes)
{
    klefr_iec_lockout l;
    klefr_iec_lockout_init(&l, 3, 60000);
    ck_assert_int_eq(klefr_iec_lockout_attempt(&l, false, 0), KLEFR_ERR_ACCESS_DENIED);
    ck_assert_int_eq(klefr_iec_lockout_attempt(&l, false, 10), KLEFR_ERR_ACCESS_DENIED);
    ck_assert(!klefr_iec_lockout_is_locked(&l, 20));
    ck_assert_int_eq(klefr_iec_lockout_attempt(&l, false, 20), KLEFR_ERR_ACCESS_DENIED);
    ck_assert(klefr_iec_lockout_is_locked(&l, 21));
    /* Even the right password is refused while locked. */
    ck_assert_int_eq(klefr_iec_lockout_attempt(&l, true, 30000), KLEFR_ERR_LOCKED);
    ck_assert(klefr_iec_lockout_is_locked(&l, 60019));
    ck_assert_int_eq(klefr_iec_lockout_attempt(&l, true, 60020), KLEFR_OK);
    ck_assert_uint_eq(l.failures, 0);
}
END_TEST

START_TEST(test_a_right_password_resets_the_count)
{
    klefr_iec_lockout l;
    klefr_iec_lockout_init(&l, 0, 1000);
    ck_assert_uint_eq(l.max_failures, 3);
    ck_assert_int_eq(klefr_iec_lockout_attempt(&l, false, 0), KLEFR_ERR_ACCESS_DENIED);
    ck_assert_int_eq(klefr_iec_lockout_attempt(&l, false, 0), KLEFR_ERR_ACCESS_DENIED);
    ck_assert_int_eq(klefr_iec_lockout_attempt(&l, true, 0), KLEFR_OK);
    ck_assert_int_eq(klefr_iec_lockout_attempt(&l, false, 0), KLEFR_ERR_ACCESS_DENIED);
    ck_assert_int_eq(klefr_iec_lockout_attempt(&l, false, 0), KLEFR_ERR_ACCESS_DENIED);
    ck_assert(!klefr_iec_lockout_is_locked(&l, 0));
}
END_TEST

static void assert_same_lockout(const klefr_iec_lockout *a, const klefr_iec_lockout *b)
{
    ck_assert_uint_eq(a->failures, b->failures);
    ck_assert_uint_eq(a->max_failures, b->max_failures);
    ck_assert_int_eq(a->locked, b->locked);
    ck_assert_uint_eq(a->lock_ms, b->lock_ms);
    ck_assert_uint_eq(a->locked_until_ms, b->locked_until_ms);
}

/* The predicate and the time left change nothing, also once the lock has
 * run out; only the update (or the next attempt) clears it. */
START_TEST(test_is_locked_is_a_pure_predicate)
{
    klefr_iec_lockout l;
    klefr_iec_lockout_init(&l, 3, 60000);
    for (int i = 0; i < 3; i++)
        (void)klefr_iec_lockout_attempt(&l, false, 100);
    const klefr_iec_lockout before = l;
    ck_assert(klefr_iec_lockout_is_locked(&l, 60099));
    ck_assert_uint_eq(klefr_iec_lockout_remaining_ms(&l, 60099), 1);
    ck_assert(!klefr_iec_lockout_is_locked(&l, 60100));
    ck_assert_uint_eq(klefr_iec_lockout_remaining_ms(&l, 60100), 0);
    assert_same_lockout(&l, &before);
    ck_assert(l.locked);
    ck_assert_uint_eq(l.failures, 3);

    ck_assert_uint_eq(klefr_iec_lockout_update(&l, 60099), 1);
    assert_same_lockout(&l, &before);
    ck_assert_uint_eq(klefr_iec_lockout_update(&l, 60100), 0);
    ck_assert(!l.locked);
    ck_assert_uint_eq(l.failures, 0);
    ck_assert_uint_eq(klefr_iec_lockout_update(NULL, 0), 0);
    ck_assert(!klefr_iec_lockout_is_locked(NULL, 0));
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("iec62056 helpers");
    TCase *tc = tcase_create("helpers");
    tcase_add_test(tc, test_writer_builds_a_readout_block);
    tcase_add_test(tc, test_writer_builds_a_command_with_units_and_values);
    tcase_add_test(tc, test_writer_counts_and_reports_short_buffers);
    tcase_add_test(tc, test_writer_refuses_bad_fields);
    tcase_add_test(tc, test_writer_refuses_content_outside_a_block);
    tcase_add_test(tc, test_decimal_values_parse);
    tcase_add_test(tc, test_decimal_values_format);
    tcase_add_test(tc, test_timing_windows);
    tcase_add_test(tc, test_three_wrong_passwords_lock_until_the_time_passes);
    tcase_add_test(tc, test_a_right_password_resets_the_count);
    tcase_add_test(tc, test_is_locked_is_a_pure_predicate);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(make_suite)

/* SPDX-License-Identifier: MIT */
/* Three wrong passwords in a row lock programming mode for the configured
 * time; the lock survives a new sign-on (SPEC 6). */
#include "session_util.h"

START_TEST(test_three_wrong_passwords_lock_programming_mode)
{
    bench_meter b;
    bench_meter_init(&b, KLEFR_MODEL_6914);
    bench_sign_on_programming(&b);
    ck_assert_int_eq(bench_password(&b, "0000"), KLEFR_ERR_ACCESS_DENIED);
    /* STX "(ER01)" ETX 14. */
    klefr_assert_bytes(b.tx, b.tx_len, "02 28 45 52 30 31 29 03 14");
    ck_assert_int_eq(bench_password(&b, "1111"), KLEFR_ERR_ACCESS_DENIED);
    /* The third wrong one starts the lock: STX "(ER02)" ETX 17. */
    ck_assert_int_eq(bench_password(&b, "9999"), KLEFR_ERR_LOCKED);
    klefr_assert_bytes(b.tx, b.tx_len, "02 28 45 52 30 32 29 03 17");
    /* Now even the right password is refused. */
    ck_assert_int_eq(bench_password(&b, "1234"), KLEFR_ERR_LOCKED);
    /* And R1 is still not allowed. */
    uint8_t rx[32];
    size_t n;
    ck_assert_int_eq(klefr_model_iec_read_encode(KLEFR_Q_VOLTAGE, rx, sizeof rx, &n), KLEFR_OK);
    ck_assert_int_eq(bench_send(&b, rx, n), KLEFR_OK);
    ck_assert_int_eq(klefr_model_iec_ack_decode(b.tx, b.tx_len), KLEFR_ERR_ACCESS_DENIED);
}
END_TEST

START_TEST(test_the_lock_survives_a_new_sign_on_and_expires)
{
    bench_meter b;
    bench_meter_init(&b, KLEFR_MODEL_6914); /* lock time 60 s */
    bench_sign_on_programming(&b);
    ck_assert_int_eq(bench_password(&b, "0001"), KLEFR_ERR_ACCESS_DENIED);
    ck_assert_int_eq(bench_password(&b, "0002"), KLEFR_ERR_ACCESS_DENIED);
    ck_assert_int_eq(bench_password(&b, "0003"), KLEFR_ERR_LOCKED);
    uint32_t locked_at = b.now;
    /* B0, then a new sign-on: still locked. */
    uint8_t rx[16];
    ck_assert_int_eq(bench_send(&b, rx, klefr_test_hex("01 42 30 03 71", rx, sizeof rx)), KLEFR_OK);
    bench_sign_on_programming(&b);
    ck_assert_int_eq(bench_password(&b, "1234"), KLEFR_ERR_LOCKED);
    /* After the lock time the right password works. */
    b.now = locked_at + 60000;
    bench_sign_on_programming(&b);
    ck_assert_int_eq(bench_password(&b, "1234"), KLEFR_OK);
}
END_TEST

START_TEST(test_a_right_password_in_between_resets_the_count)
{
    bench_meter b;
    bench_meter_init(&b, KLEFR_MODEL_6913);
    bench_sign_on_programming(&b);
    ck_assert_int_eq(bench_password(&b, "0000"), KLEFR_ERR_ACCESS_DENIED);
    ck_assert_int_eq(bench_password(&b, "0000"), KLEFR_ERR_ACCESS_DENIED);
    ck_assert_int_eq(bench_password(&b, "1234"), KLEFR_OK);
    ck_assert_int_eq(bench_password(&b, "0000"), KLEFR_ERR_ACCESS_DENIED);
    ck_assert_int_eq(bench_password(&b, "0000"), KLEFR_ERR_ACCESS_DENIED);
    ck_assert_int_eq(bench_password(&b, "1234"), KLEFR_OK);
}
END_TEST

START_TEST(test_default_password_is_0000)
{
    bench_meter b;
    bench_meter_init(&b, KLEFR_MODEL_6912);
    klefr_values_clear(&b.values); /* no password stored */
    bench_sign_on_programming(&b);
    ck_assert_int_eq(bench_password(&b, "0000"), KLEFR_OK);
}
END_TEST

/* Issue 11: what a meter saves (count, time left) and puts back after a
 * restart, whose clock starts anywhere (here near the 2^32 wrap). */
START_TEST(test_a_restored_lock_runs_for_the_time_it_had_left)
{
    klefr_iec_lockout l;
    klefr_iec_lockout_init(&l, 3, 900000);
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(klefr_iec_lockout_attempt(&l, false, 1000), KLEFR_ERR_ACCESS_DENIED);
    ck_assert_uint_eq(klefr_iec_lockout_remaining_ms(&l, 301000), 600000);
    uint8_t failures = l.failures;

    klefr_iec_lockout r;
    klefr_iec_lockout_init(&r, 3, 900000);
    uint32_t boot = 0xFFFFF000u;
    klefr_iec_lockout_restore(&r, failures, 600000, boot);
    ck_assert(klefr_iec_lockout_is_locked(&r, boot + 599999u));
    ck_assert_int_eq(klefr_iec_lockout_attempt(&r, true, boot + 599999u), KLEFR_ERR_LOCKED);
    ck_assert_int_eq(klefr_iec_lockout_attempt(&r, true, boot + 600000u), KLEFR_OK);

    /* A saved time above the lock time is cut to it; two failures stay two. */
    klefr_iec_lockout_init(&r, 3, 900000);
    klefr_iec_lockout_restore(&r, 3, 0xFFFFFFFFu, 0);
    ck_assert_uint_eq(klefr_iec_lockout_remaining_ms(&r, 0), 900000);
    klefr_iec_lockout_init(&r, 3, 900000);
    klefr_iec_lockout_restore(&r, 2, 0, 0);
    ck_assert_int_eq(klefr_iec_lockout_attempt(&r, false, 0), KLEFR_ERR_ACCESS_DENIED);
    ck_assert(klefr_iec_lockout_is_locked(&r, 1));
    /* Three failures without time left: that lock ran out. */
    klefr_iec_lockout_init(&r, 3, 900000);
    klefr_iec_lockout_restore(&r, 3, 0, 0);
    ck_assert_uint_eq(r.failures, 0);
    ck_assert(!klefr_iec_lockout_is_locked(&r, 0));
}
END_TEST

START_TEST(test_programming_mode_ends_after_two_idle_minutes)
{
    bench_meter b;
    bench_meter_init(&b, KLEFR_MODEL_6914);
    bench_sign_on_programming(&b);
    uint32_t baud = 0;
    uint32_t last = b.now + 50; /* P0 left the line then (bench_send) */
    ck_assert(!klefr_iec_slave_poll(&b.meter, last + 120000, &baud));
    ck_assert(klefr_iec_slave_poll(&b.meter, last + 120001, &baud));
    ck_assert_uint_eq(baud, 300);
    ck_assert(!klefr_iec_slave_is_programming(&b.meter));
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("klefr IR password");
    TCase *tc = tcase_create("lockout");
    tcase_add_test(tc, test_three_wrong_passwords_lock_programming_mode);
    tcase_add_test(tc, test_the_lock_survives_a_new_sign_on_and_expires);
    tcase_add_test(tc, test_a_right_password_in_between_resets_the_count);
    tcase_add_test(tc, test_default_password_is_0000);
    tcase_add_test(tc, test_programming_mode_ends_after_two_idle_minutes);
    tcase_add_test(tc, test_a_restored_lock_runs_for_the_time_it_had_left);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(make_suite)

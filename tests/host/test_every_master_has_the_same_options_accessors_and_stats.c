/* SPDX-License-Identifier: MIT */
/* The three masters have one set of calls (issue 12): options that start
 * with their size and the same common fields, _get_options/_set_options
 * in place of per-master timeout calls, _get_io, _lock/_unlock and one
 * klefr_master_stats. The size field lets an option struct grow: the
 * library reads only what fits in the caller's size. */
#define _DEFAULT_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include <klefr/iec_master.h>
#include <klefr/mbus_master.h>
#include <klefr/modbus_master.h>

#include "io_script.h"
#include "klefr_test.h"
#include "master_options_util.h"

#define CHAR_9600_US 1146u
#define CHAR_2400_US 4584u
#define CHAR_300_US 33334u
static const klefr_line line_9600_8e1 = {9600, 8, KLEFR_PARITY_EVEN, 1};
static const klefr_line line_2400_8e1 = {2400, 8, KLEFR_PARITY_EVEN, 1};
static const klefr_line line_300_7e1 = {300, 7, KLEFR_PARITY_EVEN, 1};

static klefr_modbus_master *modbus_on(script *s)
{
    klefr_modbus_master_options o;
    klefr_modbus_master_options_init(&o);
    o.line = line_9600_8e1;
    o.echo = KLEFR_MODBUS_ECHO_OFF;
    o.clock = script_clock(s);
    klefr_modbus_master *m;
    ck_assert_int_eq(klefr_modbus_master_open(script_io(s), &o, &m), KLEFR_OK);
    return m;
}

static klefr_mbus_master *mbus_on(script *s)
{
    script_enable_line(s, &line_2400_8e1);
    klefr_mbus_master_options o;
    klefr_mbus_master_options_init(&o);
    o.retries = 0;
    o.clock = script_clock(s);
    klefr_mbus_master *m;
    ck_assert_int_eq(klefr_mbus_master_open(script_io(s), &o, &m), KLEFR_OK);
    return m;
}

static klefr_iec_master *iec_on(script *s)
{
    script_enable_line(s, &line_300_7e1);
    klefr_iec_master_options o;
    klefr_iec_master_options_init(&o);
    o.clock = script_clock(s);
    klefr_iec_master *m;
    ck_assert_int_eq(klefr_iec_master_open(script_io(s), &o, &m), KLEFR_OK);
    return m;
}

static klefr_iec_master_options iec_options(klefr_iec_master *m)
{
    klefr_iec_master_options o;
    klefr_iec_master_options_init(&o);
    ck_assert_int_eq(klefr_iec_master_get_options(m, &o), KLEFR_OK);
    return o;
}

START_TEST(test_options_init_sets_the_size_and_the_common_defaults)
{
    klefr_modbus_master_options mo;
    klefr_modbus_master_options_init(&mo);
    klefr_mbus_master_options bo;
    klefr_mbus_master_options_init(&bo);
    klefr_iec_master_options io;
    klefr_iec_master_options_init(&io);
    ck_assert_uint_eq(mo.size, sizeof mo);
    ck_assert_uint_eq(bo.size, sizeof bo);
    ck_assert_uint_eq(io.size, sizeof io);
    ck_assert_uint_eq(mo.retries, 2);
    ck_assert_uint_eq(bo.retries, 2);
    ck_assert_uint_eq(io.retries, 2);
    ck_assert_ptr_null(mo.clock);
    ck_assert_ptr_null(bo.clock);
    ck_assert_ptr_null(io.clock);
    /* Modbus and M-Bus derive their timing from the line; IEC 62056-21
     * fixes it (6.3.14). */
    ck_assert_uint_eq(mo.response_timeout_ms + mo.interchar_timeout_ms + mo.turnaround_ms, 0);
    ck_assert_uint_eq(bo.response_timeout_ms + bo.interchar_timeout_ms + bo.turnaround_ms, 0);
    ck_assert_uint_eq(io.response_timeout_ms, 1500);
    ck_assert_uint_eq(io.interchar_timeout_ms, 1500);
    ck_assert_uint_eq(io.turnaround_ms, 200);
}
END_TEST

/* A struct filled by hand, never through _options_init(): its size is 0,
 * and the library cannot tell which fields it holds. */
START_TEST(test_open_refuses_options_that_did_not_come_from_init)
{
    script *s = script_new(CHAR_9600_US, 0);
    klefr_modbus_master_options mo = {.retries = 1};
    klefr_mbus_master_options bo = {.retries = 1};
    klefr_iec_master_options io = {.retries = 1};
    klefr_modbus_master *m1 = NULL;
    klefr_mbus_master *m2 = NULL;
    klefr_iec_master *m3 = NULL;
    ck_assert_int_eq(klefr_modbus_master_open(script_io(s), &mo, &m1), KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_mbus_master_open(script_io(s), &bo, &m2), KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_iec_master_open(script_io(s), &io, &m3), KLEFR_ERR_INVALID_ARG);
    ck_assert_ptr_null(m1);
    ck_assert_ptr_null(m2);
    ck_assert_ptr_null(m3);
    script_free(s);
}
END_TEST

/* A program built against a later header passes a longer struct: the
 * library takes what it knows and writes back no more than that. */
START_TEST(test_a_longer_struct_from_a_newer_header_is_read_up_to_what_the_library_knows)
{
    script *s = script_new(CHAR_9600_US, 0);
    struct {
        klefr_modbus_master_options o;
        uint8_t later[32];
    } newer;
    klefr_modbus_master_options_init(&newer.o);
    newer.o.size = sizeof newer;
    newer.o.line = line_9600_8e1;
    newer.o.retries = 1;
    newer.o.clock = script_clock(s);
    memset(newer.later, 0xA5, sizeof newer.later);
    klefr_modbus_master *m;
    ck_assert_int_eq(klefr_modbus_master_open(script_io(s), &newer.o, &m), KLEFR_OK);
    ck_assert_uint_eq(modbus_options(m).retries, 1);
    newer.o.retries = 7;
    ck_assert_int_eq(klefr_modbus_master_get_options(m, &newer.o), KLEFR_OK);
    ck_assert_uint_eq(newer.o.size, sizeof newer);
    ck_assert_uint_eq(newer.o.retries, 1);
    for (size_t i = 0; i < sizeof newer.later; i++)
        ck_assert_uint_eq(newer.later[i], 0xA5);
    klefr_modbus_master_close(m);
    script_free(s);
}
END_TEST

START_TEST(test_get_options_refuses_a_struct_without_its_size_and_leaves_it_alone)
{
    script *s = script_new(CHAR_9600_US, 0);
    klefr_modbus_master *m = modbus_on(s);
    klefr_modbus_master_options o;
    memset(&o, 0, sizeof o);
    o.retries = 9;
    ck_assert_int_eq(klefr_modbus_master_get_options(m, &o), KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_modbus_master_set_options(m, &o), KLEFR_ERR_INVALID_ARG);
    ck_assert_uint_eq(o.retries, 9);
    ck_assert_uint_eq(modbus_options(m).retries, 2);
    klefr_modbus_master_close(m);
    script_free(s);
}
END_TEST

START_TEST(test_get_options_gives_the_timing_in_force)
{
    script *s1 = script_new(CHAR_9600_US, 0);
    klefr_modbus_master *m1 = modbus_on(s1);
    klefr_modbus_master_options mo = modbus_options(m1);
    /* 9600 8E1: 500 ms + 10 characters; 50 ms + t3.5 (4011 us, up to 5). */
    ck_assert_uint_eq(mo.response_timeout_ms, 512);
    ck_assert_uint_eq(mo.interchar_timeout_ms, 55);
    ck_assert_uint_eq(mo.turnaround_ms, 100);
    ck_assert_uint_eq(mo.line.baud, 9600);
    ck_assert_ptr_eq(mo.clock, script_clock(s1));
    klefr_modbus_master_close(m1);
    script_free(s1);

    script *s2 = script_new(CHAR_2400_US, 0);
    klefr_mbus_master *m2 = mbus_on(s2);
    klefr_mbus_master_options bo = mbus_options(m2);
    /* 2400 baud: 330 bit times (137.5 ms) + 50; 33 bit times (13.75) + 50;
     * the broadcast pause follows the response timeout. */
    ck_assert_uint_eq(bo.response_timeout_ms, 188);
    ck_assert_uint_eq(bo.interchar_timeout_ms, 64);
    ck_assert_uint_eq(bo.turnaround_ms, 188);
    ck_assert_uint_eq(bo.line.baud, 2400);
    klefr_mbus_master_close(m2);
    script_free(s2);

    script *s3 = script_new(CHAR_300_US, 0);
    klefr_iec_master *m3 = iec_on(s3);
    klefr_iec_master_options io = iec_options(m3);
    ck_assert_uint_eq(io.response_timeout_ms, 1500);
    ck_assert_uint_eq(io.interchar_timeout_ms, 1500);
    ck_assert_uint_eq(io.turnaround_ms, 200);
    /* Read only: the sign-on line. */
    ck_assert_uint_eq(io.line.baud, 300);
    ck_assert_uint_eq(io.line.data_bits, 7);
    ck_assert_uint_eq(io.line.parity, KLEFR_PARITY_EVEN);
    klefr_iec_master_close(m3);
    script_free(s3);
}
END_TEST

/* Derived M-Bus timeouts follow a baud change, also after a get / set
 * round trip (which hands the derived values back); a value of the
 * caller's own stays. */
START_TEST(test_mbus_timeouts_stay_derived_across_a_round_trip_and_a_baud_change)
{
    script *s = script_new(CHAR_2400_US, 0);
    klefr_mbus_master *m = mbus_on(s);
    klefr_mbus_master_options o = mbus_options(m);
    ck_assert_int_eq(klefr_mbus_master_set_options(m, &o), KLEFR_OK);
    /* Control frame CI BD (9600): 53+01+BD = 111 -> 11; SND_NKE to 1. */
    script_expect_hex(s, "68 03 03 68 53 01 BD 11 16");
    script_reply_hex(s, 20000, 0, 0, "E5");
    script_expect_hex(s, "10 40 01 41 16");
    script_reply_hex(s, 10000, 0, 0, "E5");
    ck_assert_int_eq(klefr_mbus_master_set_baud(m, 1, 9600), KLEFR_OK);
    /* 9600: 34.4 + 50; 3.4 + 50. */
    o = mbus_options(m);
    ck_assert_uint_eq(o.response_timeout_ms, 85);
    ck_assert_uint_eq(o.interchar_timeout_ms, 54);
    ck_assert_uint_eq(o.turnaround_ms, 85);
    ck_assert_uint_eq(o.line.baud, 9600);
    /* The caller's own 500 ms is kept at the next baud. */
    o.response_timeout_ms = 500;
    ck_assert_int_eq(klefr_mbus_master_set_options(m, &o), KLEFR_OK);
    script_expect_hex(s, "68 03 03 68 53 01 BB 0F 16");
    script_reply_hex(s, 20000, 0, 0, "E5");
    script_expect_hex(s, "10 40 01 41 16");
    script_reply_hex(s, 10000, 0, 0, "E5");
    ck_assert_int_eq(klefr_mbus_master_set_baud(m, 1, 2400), KLEFR_OK);
    o = mbus_options(m);
    ck_assert_uint_eq(o.response_timeout_ms, 500);
    ck_assert_uint_eq(o.interchar_timeout_ms, 64);
    ck_assert_msg(script_error(s) == NULL, "%s", script_error(s));
    klefr_mbus_master_close(m);
    script_free(s);
}
END_TEST

START_TEST(test_a_get_set_round_trip_changes_nothing)
{
    script *s1 = script_new(CHAR_9600_US, 0);
    klefr_modbus_master *m1 = modbus_on(s1);
    klefr_modbus_master_options a = modbus_options(m1);
    ck_assert_int_eq(klefr_modbus_master_set_options(m1, &a), KLEFR_OK);
    klefr_modbus_master_options b = modbus_options(m1);
    ck_assert_mem_eq(&a, &b, sizeof a);
    klefr_modbus_master_close(m1);
    script_free(s1);

    script *s3 = script_new(CHAR_300_US, 0);
    klefr_iec_master *m3 = iec_on(s3);
    klefr_iec_master_options c = iec_options(m3);
    c.retries = 4;
    ck_assert_int_eq(klefr_iec_master_set_options(m3, &c), KLEFR_OK);
    klefr_iec_master_options d = iec_options(m3);
    ck_assert_mem_eq(&c, &d, sizeof c);
    klefr_iec_master_close(m3);
    script_free(s3);
}
END_TEST

/* The 7E1 filter is wrapped around the transport at open: another choice
 * later would need another transport. */
START_TEST(test_iec_set_options_keeps_the_parity_chosen_at_open)
{
    script *s = script_new(CHAR_300_US, 0);
    klefr_iec_master *m = iec_on(s);
    klefr_iec_master_options o = iec_options(m);
    o.parity = KLEFR_IEC_7E1_SOFTWARE;
    o.retries = 0;
    ck_assert_int_eq(klefr_iec_master_set_options(m, &o), KLEFR_ERR_INVALID_ARG);
    ck_assert_uint_eq(iec_options(m).retries, 2);
    ck_assert_uint_eq(iec_options(m).parity, KLEFR_IEC_7E1_AUTO);
    klefr_iec_master_close(m);
    script_free(s);
}
END_TEST

START_TEST(test_get_io_is_the_transport_given_to_open)
{
    script *s1 = script_new(CHAR_9600_US, 0);
    klefr_modbus_master *m1 = modbus_on(s1);
    ck_assert_ptr_eq(klefr_modbus_master_get_io(m1), script_io(s1));
    klefr_modbus_master_close(m1);
    script_free(s1);
    script *s2 = script_new(CHAR_2400_US, 0);
    klefr_mbus_master *m2 = mbus_on(s2);
    ck_assert_ptr_eq(klefr_mbus_master_get_io(m2), script_io(s2));
    klefr_mbus_master_close(m2);
    script_free(s2);
    /* An 8-bit link: the master puts its own 7E1 filter over it, and still
     * gives back the caller's transport. */
    script *s3 = script_new(1000, KLEFR_IO_NETWORK);
    klefr_iec_master_options o;
    klefr_iec_master_options_init(&o);
    o.clock = script_clock(s3);
    klefr_iec_master *m3;
    ck_assert_int_eq(klefr_iec_master_open(script_io(s3), &o, &m3), KLEFR_OK);
    ck_assert(klefr_iec_master_is_software_7e1(m3));
    ck_assert_ptr_eq(klefr_iec_master_get_io(m3), script_io(s3));
    klefr_iec_master_close(m3);
    script_free(s3);
}
END_TEST

/* Predicates take a const master (they would not compile here otherwise,
 * with -Werror) and change nothing the master counts or says. */
START_TEST(test_iec_predicates_take_a_const_master_and_change_nothing)
{
    script *s = script_new(CHAR_300_US, 0);
    klefr_iec_master *m = iec_on(s);
    const klefr_iec_master *cm = m;
    klefr_master_stats before, after;
    klefr_iec_master_get_stats(m, &before);
    for (int i = 0; i < 3; i++) {
        ck_assert(!klefr_iec_master_is_in_session(cm));
        ck_assert(!klefr_iec_master_is_software_7e1(cm));
    }
    klefr_iec_master_get_stats(m, &after);
    ck_assert_mem_eq(&before, &after, sizeof before);
    ck_assert_uint_eq(script_write_count(s), 0);
    klefr_iec_master_close(m);
    script_free(s);
}
END_TEST

/* ---- lock / unlock ---------------------------------------------------------- */

typedef struct lockable {
    void (*lock)(void *m);
    void (*unlock)(void *m);
    void (*call)(void *m); /* any call: it takes the lock too */
    void *m;
    atomic_bool released;
    atomic_bool waited;
} lockable;

static void *other_thread(void *arg)
{
    lockable *l = arg;
    l->call(l->m);
    atomic_store(&l->waited, atomic_load(&l->released));
    return NULL;
}

/* The holder may lock again and make calls; another thread's call waits
 * until the holder has unlocked as often as it locked. */
static void check_lock(lockable *l)
{
    l->lock(l->m);
    l->lock(l->m);
    l->call(l->m);
    atomic_store(&l->released, false);
    atomic_store(&l->waited, false);
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, other_thread, l), 0);
    usleep(50000);
    l->unlock(l->m);
    usleep(20000);
    atomic_store(&l->released, true);
    l->unlock(l->m);
    pthread_join(t, NULL);
    ck_assert_msg(atomic_load(&l->waited), "the other thread did not wait for unlock");
}

static void modbus_lock(void *m)
{
    klefr_modbus_master_lock(m);
}
static void modbus_unlock(void *m)
{
    klefr_modbus_master_unlock(m);
}
static void modbus_call(void *m)
{
    klefr_master_stats st;
    klefr_modbus_master_get_stats(m, &st);
}
static void mbus_lock(void *m)
{
    klefr_mbus_master_lock(m);
}
static void mbus_unlock(void *m)
{
    klefr_mbus_master_unlock(m);
}
static void mbus_call(void *m)
{
    klefr_master_stats st;
    klefr_mbus_master_get_stats(m, &st);
}
static void iec_lock(void *m)
{
    klefr_iec_master_lock(m);
}
static void iec_unlock(void *m)
{
    klefr_iec_master_unlock(m);
}
static void iec_call(void *m)
{
    (void)klefr_iec_master_is_in_session(m);
}

START_TEST(test_lock_lets_the_holder_call_and_keeps_other_threads_out)
{
    script *s1 = script_new(CHAR_9600_US, 0);
    lockable l1 = {modbus_lock, modbus_unlock, modbus_call, modbus_on(s1)};
    check_lock(&l1);
    klefr_modbus_master_close(l1.m);
    script_free(s1);
    script *s2 = script_new(CHAR_2400_US, 0);
    lockable l2 = {mbus_lock, mbus_unlock, mbus_call, mbus_on(s2)};
    check_lock(&l2);
    klefr_mbus_master_close(l2.m);
    script_free(s2);
    script *s3 = script_new(CHAR_300_US, 0);
    lockable l3 = {iec_lock, iec_unlock, iec_call, iec_on(s3)};
    check_lock(&l3);
    klefr_iec_master_close(l3.m);
    script_free(s3);
}
END_TEST

/* A transaction made while holding the lock does not deadlock. */
START_TEST(test_a_transaction_inside_the_lock_goes_through)
{
    script *s = script_new(CHAR_9600_US, 0);
    klefr_modbus_master *m = modbus_on(s);
    script_expect_hex(s, "01 03 40 00 00 01 91 CA");
    script_reply_hex(s, 20000, 0, 0, "01 03 02 17 06 37 B6");
    klefr_modbus_master_lock(m);
    uint16_t reg = 0;
    ck_assert_int_eq(klefr_modbus_master_read_holding_registers(m, 1, 0x4000, 1, &reg), KLEFR_OK);
    klefr_modbus_master_unlock(m);
    ck_assert_uint_eq(reg, 0x1706);
    klefr_modbus_master_close(m);
    script_free(s);
}
END_TEST

/* ---- statistics ------------------------------------------------------------- */

START_TEST(test_the_stats_have_a_fixed_size)
{
    ck_assert_uint_eq(sizeof(klefr_master_stats), KLEFR_MASTER_STATS_COUNTERS * sizeof(uint32_t));
}
END_TEST

static void assert_one_clean_exchange(const klefr_master_stats *st, uint32_t requests)
{
    ck_assert_uint_eq(st->requests, requests);
    ck_assert_uint_eq(st->answers, requests);
    ck_assert_uint_eq(st->retries + st->timeouts + st->bad_frames + st->checksum_errors +
                          st->trailing + st->foreign + st->echoes + st->exceptions + st->naks,
                      0);
}

START_TEST(test_every_master_counts_a_clean_exchange_the_same_way)
{
    klefr_master_stats st;
    script *s1 = script_new(CHAR_9600_US, 0);
    klefr_modbus_master *m1 = modbus_on(s1);
    script_expect_hex(s1, "01 03 40 00 00 01 91 CA");
    script_reply_hex(s1, 20000, 0, 0, "01 03 02 17 06 37 B6");
    uint16_t reg;
    ck_assert_int_eq(klefr_modbus_master_read_holding_registers(m1, 1, 0x4000, 1, &reg), KLEFR_OK);
    klefr_modbus_master_get_stats(m1, &st);
    assert_one_clean_exchange(&st, 1);
    klefr_modbus_master_close(m1);
    script_free(s1);

    script *s2 = script_new(CHAR_2400_US, 0);
    klefr_mbus_master *m2 = mbus_on(s2);
    script_expect_hex(s2, "10 40 01 41 16");
    script_reply_hex(s2, 20000, 0, 0, "E5");
    ck_assert_int_eq(klefr_mbus_master_snd_nke(m2, 1), KLEFR_OK);
    klefr_mbus_master_get_stats(m2, &st);
    assert_one_clean_exchange(&st, 1);
    klefr_mbus_master_close(m2);
    script_free(s2);

    /* A readout: the sign-on gets the identification, the option select
     * the block ("!" CR LF ETX: BCC 21 ^ 0D ^ 0A ^ 03 = 25). */
    script *s3 = script_new(CHAR_300_US, 0);
    klefr_iec_master *m3 = iec_on(s3);
    script_expect(s3, (const uint8_t *)"/?!\r\n", 5);
    script_reply(s3, 250000, 1, 0, (const uint8_t *)"/INM5KLEFR6913\r\n", 16);
    script_expect(s3,
                  (const uint8_t *)"\x06"
                                   "050\r\n",
                  6);
    script_reply_hex(s3, 300000, 1, 0, "02 21 0D 0A 03 25");
    char data[64];
    size_t len;
    ck_assert_int_eq(klefr_iec_master_readout(m3, NULL, NULL, data, sizeof data, &len), KLEFR_OK);
    klefr_iec_master_get_stats(m3, &st);
    assert_one_clean_exchange(&st, 2);
    klefr_iec_master_close(m3);
    script_free(s3);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("master_api");
    TCase *tc = tcase_create("options");
    tcase_add_test(tc, test_options_init_sets_the_size_and_the_common_defaults);
    tcase_add_test(tc, test_open_refuses_options_that_did_not_come_from_init);
    tcase_add_test(tc,
                   test_a_longer_struct_from_a_newer_header_is_read_up_to_what_the_library_knows);
    tcase_add_test(tc, test_get_options_refuses_a_struct_without_its_size_and_leaves_it_alone);
    tcase_add_test(tc, test_get_options_gives_the_timing_in_force);
    tcase_add_test(tc, test_mbus_timeouts_stay_derived_across_a_round_trip_and_a_baud_change);
    tcase_add_test(tc, test_a_get_set_round_trip_changes_nothing);
    tcase_add_test(tc, test_iec_set_options_keeps_the_parity_chosen_at_open);
    tcase_add_test(tc, test_get_io_is_the_transport_given_to_open);
    tcase_add_test(tc, test_iec_predicates_take_a_const_master_and_change_nothing);
    suite_add_tcase(s, tc);
    tc = tcase_create("lock");
    tcase_add_test(tc, test_lock_lets_the_holder_call_and_keeps_other_threads_out);
    tcase_add_test(tc, test_a_transaction_inside_the_lock_goes_through);
    suite_add_tcase(s, tc);
    tc = tcase_create("stats");
    tcase_add_test(tc, test_the_stats_have_a_fixed_size);
    tcase_add_test(tc, test_every_master_counts_a_clean_exchange_the_same_way);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(suite)

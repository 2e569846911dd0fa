/* SPDX-License-Identifier: MIT */
/* klefr_io_trace_wrap: a master works through the trace transport exactly
 * as without it, and the callback sees every chunk in both directions,
 * split as it travelled, time-stamped on the given clock, plus the silent
 * timeouts, flushes and line changes, and a last CLOSE record. */
#include <string.h>

#include <klefr/modbus_master.h>

#include "master_test_util.h"

typedef struct trace_log {
    klefr_io_trace_event event[64];
    uint8_t bytes[64][16];
    size_t len[64];
    uint64_t time_us[64];
    size_t n;
    bool closed;
} trace_log;

static void record(void *user, const klefr_io_trace_record *r)
{
    trace_log *t = user;
    ck_assert(!t->closed); /* CLOSE is the last record */
    ck_assert_uint_lt(t->n, 64);
    t->event[t->n] = r->event;
    t->len[t->n] = r->len;
    if (r->len > 0)
        memcpy(t->bytes[t->n], r->data, r->len < 16 ? r->len : 16);
    t->time_us[t->n] = r->time_us;
    t->n++;
    if (r->event == KLEFR_IO_TRACE_CLOSE)
        t->closed = true;
}

/* Index of the n-th record of @p event, or -1. */
static int nth(const trace_log *t, klefr_io_trace_event event, int n)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->event[i] == event && n-- == 0)
            return (int)i;
    return -1;
}

START_TEST(test_a_traced_read_reports_request_and_answer_in_pieces)
{
    script *s = script_new(CHAR_US, 0);
    trace_log t = {0};
    klefr_io *io = NULL;
    ck_assert_int_eq(klefr_io_trace_wrap(script_io(s), false, record, &t, script_clock(s), &io),
                     KLEFR_OK);
    klefr_modbus_master_options o;
    klefr_modbus_master_options_init(&o);
    o.line = line_9600_8e1;
    o.clock = script_clock(s);
    klefr_modbus_master *m = NULL;
    ck_assert_int_eq(klefr_modbus_master_open(io, &o, &m), KLEFR_OK);

    expect_crc(s, "01 03 4000 0001");
    reply_crc(s, 20000, 3, "01 03 02 1706"); /* 7 bytes in pieces of 3 */
    uint16_t reg = 0;
    ck_assert_int_eq(klefr_modbus_master_read_holding_registers(m, 1, 0x4000, 1, &reg), KLEFR_OK);
    ck_assert_uint_eq(reg, 0x1706);

    int tx = nth(&t, KLEFR_IO_TRACE_TX, 0);
    ck_assert_int_ge(tx, 0);
    ck_assert_uint_eq(t.len[tx], 8);
    klefr_assert_bytes(t.bytes[tx], 8, "01 03 40 00 00 01 91 CA");
    /* The answer as it arrived: 3 + 3 + 1 bytes, in order, after the request. */
    int rx[3] = {nth(&t, KLEFR_IO_TRACE_RX, 0), nth(&t, KLEFR_IO_TRACE_RX, 1),
                 nth(&t, KLEFR_IO_TRACE_RX, 2)};
    ck_assert_int_gt(rx[0], tx);
    ck_assert_uint_eq(t.len[rx[0]] + t.len[rx[1]] + t.len[rx[2]], 7);
    ck_assert_int_eq(nth(&t, KLEFR_IO_TRACE_RX, 3), -1);
    klefr_assert_bytes(t.bytes[rx[0]], 3, "01 03 02");
    ck_assert_uint_gt(t.time_us[rx[0]], t.time_us[tx] + 20000);
    ck_assert_uint_ge(t.time_us[rx[2]], t.time_us[rx[0]]);
    /* The master waits t3.5 for trailing bytes: that wait is a QUIET record. */
    ck_assert_int_gt(nth(&t, KLEFR_IO_TRACE_QUIET, 0), rx[2]);

    klefr_modbus_master_close(m);
    klefr_io_close(io);
    ck_assert(t.closed);
    ck_assert_int_eq(t.event[t.n - 1], KLEFR_IO_TRACE_CLOSE);
    script_free(s); /* not owned by the trace: still usable up to here */
}
END_TEST

START_TEST(test_flush_and_line_changes_are_reported_before_they_happen)
{
    script *s = script_new(CHAR_US, 0);
    script_enable_line(s, &line_9600_8e1);
    trace_log t = {0};
    klefr_io *io = NULL;
    ck_assert_int_eq(klefr_io_trace_wrap(script_io(s), true, record, &t, script_clock(s), &io),
                     KLEFR_OK);
    ck_assert_uint_eq(klefr_io_get_flags(io), klefr_io_get_flags(script_io(s)));
    klefr_line l2400 = {2400, 8, KLEFR_PARITY_EVEN, 1};
    ck_assert_int_eq(klefr_io_set_line(io, &l2400), KLEFR_OK);
    ck_assert_int_eq(klefr_io_flush(io), KLEFR_OK);
    klefr_line now;
    ck_assert_int_eq(klefr_io_get_line(io, &now, NULL), KLEFR_OK);
    ck_assert_uint_eq(now.baud, 2400);
    ck_assert_int_eq(t.event[0], KLEFR_IO_TRACE_LINE);
    ck_assert_int_eq(t.event[1], KLEFR_IO_TRACE_FLUSH);
    ck_assert_uint_eq(script_line_changes(s), 1);
    klefr_io_close(io); /* owns the scripted transport's io, not the script */
    ck_assert(t.closed);
    script_free(s);
}
END_TEST

START_TEST(test_bad_arguments_are_refused)
{
    script *s = script_new(CHAR_US, 0);
    trace_log t = {0};
    klefr_io *io = (klefr_io *)&t;
    ck_assert_int_eq(klefr_io_trace_wrap(NULL, false, record, &t, NULL, &io),
                     KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_io_trace_wrap(script_io(s), false, NULL, &t, NULL, &io),
                     KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_io_trace_wrap(script_io(s), false, record, &t, NULL, NULL),
                     KLEFR_ERR_INVALID_ARG);
    ck_assert_ptr_eq(io, (klefr_io *)&t); /* unchanged */
    script_free(s);
}
END_TEST

static Suite *trace_suite(void)
{
    Suite *s = suite_create("trace");
    TCase *tc = tcase_create("trace");
    tcase_add_test(tc, test_a_traced_read_reports_request_and_answer_in_pieces);
    tcase_add_test(tc, test_flush_and_line_changes_are_reported_before_they_happen);
    tcase_add_test(tc, test_bad_arguments_are_refused);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(trace_suite)

/* SPDX-License-Identifier: MIT */
/* "Retries" is the number of extra attempts after a timeout or a corrupt
 * answer, default 2, 0 for none, in every master (issue 11: the IEC master
 * never retried a sign-on, turned 0 into 3 and defaulted to 3). */
#include <klefr/iec_master.h>
#include <klefr/mbus_master.h>

#include "master_test_util.h"

#define CHAR_300_US 33334u
static const klefr_line line_300_7e1 = {300, 7, KLEFR_PARITY_EVEN, 1};

static script *iec_script(void)
{
    script *s = script_new(CHAR_300_US, 0);
    script_enable_line(s, &line_300_7e1);
    return s;
}

static klefr_iec_master *iec_on(script *s, const klefr_iec_master_options *base)
{
    klefr_iec_master_options o = *base;
    o.clock = script_clock(s);
    klefr_iec_master *m;
    ck_assert_int_eq(klefr_iec_master_open(script_io(s), &o, &m), KLEFR_OK);
    return m;
}

static void iec_close(script *s, klefr_iec_master *m)
{
    ck_assert_msg(script_error(s) == NULL, "%s", script_error(s));
    ck_assert_msg(script_done(s), "script not finished");
    klefr_iec_master_close(m);
    script_free(s);
}

static void expect_text(script *s, const char *text)
{
    script_expect(s, (const uint8_t *)text, strlen(text));
}

static void reply_text(script *s, uint32_t delay_us, const char *text)
{
    script_reply(s, delay_us, 1, 0, (const uint8_t *)text, strlen(text));
}

START_TEST(test_every_master_defaults_to_2_retries)
{
    klefr_iec_master_options io;
    klefr_iec_master_options_init(&io);
    ck_assert_uint_eq(io.retries, 2);
    klefr_modbus_master_options mo;
    klefr_modbus_master_options_init(&mo);
    ck_assert_uint_eq(mo.retries, 2);
    klefr_mbus_master_options bo;
    klefr_mbus_master_options_init(&bo);
    ck_assert_uint_eq(bo.retries, 2);
}
END_TEST

START_TEST(test_iec_sign_on_without_identification_is_retried)
{
    klefr_iec_master_options o;
    klefr_iec_master_options_init(&o);
    o.retries = 5;
    script *s = iec_script();
    klefr_iec_master *m = iec_on(s, &o);
    for (int i = 0; i < 6; i++)
        expect_text(s, "/?!\r\n");
    char data[64];
    size_t len;
    ck_assert_int_eq(klefr_iec_master_readout(m, NULL, NULL, data, sizeof data, &len),
                     KLEFR_ERR_TIMEOUT);
    ck_assert_uint_eq(script_write_count(s), 6);
    /* Each new sign-on waits until the meter has given up on the one
     * before (reaction time, 1500 ms after the last byte seen). */
    for (size_t i = 1; i < 6; i++)
        ck_assert_uint_ge(script_write_start(s, i), script_write_end(s, i - 1) + 2u * 1500000u);
    klefr_master_stats st;
    klefr_iec_master_get_stats(m, &st);
    ck_assert_uint_eq(st.requests, 6); /* the sign-ons */
    ck_assert_uint_eq(st.retries, 5);
    ck_assert_uint_eq(st.timeouts, 6);
    iec_close(s, m);
}
END_TEST

START_TEST(test_iec_retried_sign_on_reads_the_meter)
{
    klefr_iec_master_options o;
    klefr_iec_master_options_init(&o);
    script *s = iec_script();
    klefr_iec_master *m = iec_on(s, &o);
    expect_text(s, "/?!\r\n");
    reply_text(s, 250000, "/INM5KLEFR69"); /* cut short: no CR LF */
    expect_text(s, "/?!\r\n");
    reply_text(s, 250000, "/INM5KLEFR6913\r\n");
    expect_text(s, "\x06"
                   "050\r\n");
    /* STX "0.0.0(17060518)" CR LF "!" CR LF ETX: BCC 3A ^ 26 ^ 03 = 1F. */
    reply_text(s, 300000,
               "\x02"
               "0.0.0(17060518)\r\n!\r\n\x03\x1F");
    char data[64];
    size_t len = 0;
    ck_assert_int_eq(klefr_iec_master_readout(m, NULL, NULL, data, sizeof data, &len), KLEFR_OK);
    ck_assert_uint_eq(len, strlen("0.0.0(17060518)\r\n!\r\n"));
    iec_close(s, m);
}
END_TEST

START_TEST(test_iec_zero_retries_sends_no_nak)
{
    klefr_iec_master_options o;
    klefr_iec_master_options_init(&o);
    o.retries = 0;
    script *s = iec_script();
    klefr_iec_master *m = iec_on(s, &o);
    expect_text(s, "/?!\r\n");
    reply_text(s, 250000, "/INM5KLEFR6913\r\n");
    expect_text(s, "\x06"
                   "050\r\n");
    reply_text(s, 300000,
               "\x02"
               "0.0.0(17060518)\r\n!\r\n\x03\x1E"); /* BCC wrong */
    char data[64];
    size_t len = 0;
    ck_assert_int_eq(klefr_iec_master_readout(m, NULL, NULL, data, sizeof data, &len),
                     KLEFR_ERR_CHECKSUM);
    ck_assert_uint_eq(script_write_count(s), 2); /* sign-on and option select: no NAK */
    iec_close(s, m);
}
END_TEST

START_TEST(test_iec_two_retries_send_two_naks)
{
    klefr_iec_master_options o;
    klefr_iec_master_options_init(&o);
    script *s = iec_script();
    klefr_iec_master *m = iec_on(s, &o);
    expect_text(s, "/?!\r\n");
    reply_text(s, 250000, "/INM5KLEFR6913\r\n");
    expect_text(s, "\x06"
                   "050\r\n");
    for (int i = 0; i < 3; i++) {
        if (i > 0)
            script_expect_hex(s, "15");
        reply_text(s, 300000,
                   "\x02"
                   "0.0.0(17060518)\r\n!\r\n\x03\x1E");
    }
    char data[64];
    size_t len = 0;
    ck_assert_int_eq(klefr_iec_master_readout(m, NULL, NULL, data, sizeof data, &len),
                     KLEFR_ERR_CHECKSUM);
    klefr_master_stats st;
    klefr_iec_master_get_stats(m, &st);
    ck_assert_uint_eq(st.naks, 2);
    iec_close(s, m);
}
END_TEST

START_TEST(test_modbus_and_mbus_make_retries_plus_one_attempts)
{
    bench b = bench_open_with(KLEFR_MODBUS_ECHO_OFF, 3, 0);
    for (int i = 0; i < 4; i++)
        expect_read(b.s, 1, 0x4000, 1);
    uint16_t reg;
    ck_assert_int_eq(klefr_modbus_master_read_holding_registers(b.m, 1, 0x4000, 1, &reg),
                     KLEFR_ERR_TIMEOUT);
    ck_assert_uint_eq(script_write_count(b.s), 4);
    bench_close(&b);

    script *s = script_new(1146, 0);
    klefr_mbus_master_options o;
    klefr_mbus_master_options_init(&o);
    o.retries = 3;
    o.clock = script_clock(s);
    klefr_mbus_master *m;
    ck_assert_int_eq(klefr_mbus_master_open(script_io(s), &o, &m), KLEFR_OK);
    for (int i = 0; i < 4; i++)
        script_expect_hex(s, "10 40 05 45 16");
    ck_assert_int_eq(klefr_mbus_master_snd_nke(m, 5), KLEFR_ERR_TIMEOUT);
    ck_assert_uint_eq(script_write_count(s), 4);
    ck_assert_msg(script_error(s) == NULL, "%s", script_error(s));
    klefr_mbus_master_close(m);
    script_free(s);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("retries");
    TCase *tc = tcase_create("retries");
    tcase_add_test(tc, test_every_master_defaults_to_2_retries);
    tcase_add_test(tc, test_iec_sign_on_without_identification_is_retried);
    tcase_add_test(tc, test_iec_retried_sign_on_reads_the_meter);
    tcase_add_test(tc, test_iec_zero_retries_sends_no_nak);
    tcase_add_test(tc, test_iec_two_retries_send_two_naks);
    tcase_add_test(tc, test_modbus_and_mbus_make_retries_plus_one_attempts);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(suite)

/* SPDX-License-Identifier: MIT */
/* The IEC 62056-21 master against a scripted meter on simulated time:
 * the mode C readout byte for byte (sign-on, identification, option
 * select, baud switch, block with BCC), NAK and resend on a bad BCC,
 * partial blocks, staying at 300 baud, the programming session (P0, P1,
 * R1, W1, B0) through the master and through klefr_meter, a wrong
 * password, and the software 7E1 filter on an 8-bit link.
 * Each BCC is derived in a comment: the XOR of the bytes after SOH/STX up
 * to and including ETX/EOT, given line by line. */
#include <math.h>

#include <klefr/iec_master.h>
#include <klefr/meter.h>
#include <klefr/model_iec.h>

#include "io_script.h"
#include "klefr_test.h"
#include "plausible_reading.h"

/* 300 baud 7E1: 10 bits a character. */
#define CHAR_300_US 33334u
/* 9600 baud 7E1, the readout's speed. */
#define CHAR_9600_US 1042u

static const klefr_line line_300_7e1 = {300, 7, KLEFR_PARITY_EVEN, 1};

typedef struct bench {
    script *s;
    klefr_iec_master *m;
} bench;

static bench bench_open_with(const klefr_iec_master_options *base)
{
    bench b;
    b.s = script_new(CHAR_300_US, 0);
    script_enable_line(b.s, &line_300_7e1);
    klefr_iec_master_options o;
    if (base != NULL)
        o = *base;
    else
        klefr_iec_master_options_init(&o);
    o.clock = script_clock(b.s);
    ck_assert_int_eq(klefr_iec_master_open(script_io(b.s), &o, &b.m), KLEFR_OK);
    ck_assert(!klefr_iec_master_is_software_7e1(b.m));
    return b;
}

static bench bench_open(void)
{
    return bench_open_with(NULL);
}

static void bench_close(bench *b)
{
    ck_assert_msg(script_error(b->s) == NULL, "%s", script_error(b->s));
    ck_assert_msg(script_done(b->s), "script not finished");
    klefr_iec_master_close(b->m);
    script_free(b->s);
}

static void expect_text(script *s, const char *text)
{
    script_expect(s, (const uint8_t *)text, strlen(text));
}

/* The meter's text arrives one character at a time, after delay_us. */
static void reply_text(script *s, uint32_t delay_us, const char *text)
{
    script_reply(s, delay_us, 1, 0, (const uint8_t *)text, strlen(text));
}

/* first (SOH or STX), text, end (ETX or EOT), then the BCC given. */
static size_t block(uint8_t first, const char *text, uint8_t end, uint8_t bcc, uint8_t *out)
{
    size_t n = strlen(text);
    out[0] = first;
    memcpy(out + 1, text, n);
    out[n + 1] = end;
    out[n + 2] = bcc;
    return n + 3;
}

static void reply_block(script *s, uint32_t delay_us, uint8_t first, const char *text, uint8_t end,
                        uint8_t bcc)
{
    uint8_t b[512];
    size_t n = block(first, text, end, bcc, b);
    script_reply(s, delay_us, 1, 0, b, n);
}

static void expect_block(script *s, uint8_t first, const char *text, uint8_t end, uint8_t bcc)
{
    uint8_t b[512];
    size_t n = block(first, text, end, bcc, b);
    script_expect(s, b, n);
}

#define SOH 0x01
#define STX 0x02
#define ETX 0x03
#define EOT 0x04

/* The readout of the tests, as lines, with the XOR of each line:
 * "0.0.0(17060518)" CR LF -> 3A, "1.8.0(001234.56*kWh)" CR LF -> 68,
 * "32.7.0(230.1*V)" CR LF -> 52, "!" CR LF -> 26. */
#define L1 "0.0.0(17060518)\r\n"
#define L2 "1.8.0(001234.56*kWh)\r\n"
#define L3 "32.7.0(230.1*V)\r\n"
#define LEND "!\r\n"
/* 3A ^ 68 ^ 52 ^ 26 ^ 03 (ETX) = 25. */
#define READOUT_BCC 0x25

/* Sign-on to any meter, KLEFR identification, option select 0 5 Y. */
static void script_sign_on(script *s, const char *address, char option)
{
    char req[64];
    snprintf(req, sizeof req, "/?%s!\r\n", address);
    expect_text(s, req);
    reply_text(s, 250000, "/INM5KLEFR6913\r\n");
    char sel[] = {0x06, '0', '5', option, '\r', '\n', 0};
    expect_text(s, sel);
}

START_TEST(test_readout_session_is_byte_exact)
{
    bench b = bench_open();
    script_sign_on(b.s, "", '0');
    reply_block(b.s, 300000, STX, L1 L2 L3 LEND, ETX, READOUT_BCC);
    char data[512];
    size_t len = 0;
    klefr_iec_ident id;
    ck_assert_int_eq(klefr_iec_master_readout(b.m, NULL, &id, data, sizeof data, &len), KLEFR_OK);
    ck_assert_str_eq(id.manufacturer, "INM");
    ck_assert_str_eq(id.ident, "KLEFR6913");
    ck_assert_int_eq(id.baud_char, '5');
    ck_assert_uint_eq(id.max_baud, 9600);
    ck_assert_uint_eq(id.session_baud, 9600);
    ck_assert_uint_eq(len, strlen(L1 L2 L3 LEND));
    ck_assert_mem_eq(data, L1 L2 L3 LEND, len);
    /* The sign-on went at 300 7E1, the line switched to 9600 7E1 once the
     * option select had left (write 1), and back to 300 after the readout. */
    size_t nl = script_line_changes(b.s);
    ck_assert_uint_ge(nl, 3);
    klefr_line fast = script_line_change(b.s, nl - 2);
    ck_assert_uint_eq(fast.baud, 9600);
    ck_assert_uint_eq(fast.data_bits, 7);
    ck_assert_uint_eq(fast.parity, KLEFR_PARITY_EVEN);
    ck_assert_uint_ge(script_line_change_at(b.s, nl - 2), script_write_end(b.s, 1));
    ck_assert_uint_eq(script_line_change(b.s, nl - 1).baud, 300);
    /* The option select waited the 200 ms turnaround after the
     * identification's last character (16 characters from 250 ms on). */
    uint64_t ident_end = script_write_end(b.s, 0) + 250000u + 16u * CHAR_300_US;
    ck_assert_uint_ge(script_write_start(b.s, 1), ident_end + 200000u);
    bench_close(&b);
}
END_TEST

START_TEST(test_readout_with_device_address)
{
    bench b = bench_open();
    script_sign_on(b.s, "17060518", '0');
    reply_block(b.s, 300000, STX, L1 L2 L3 LEND, ETX, READOUT_BCC);
    char data[512];
    size_t len = 0;
    ck_assert_int_eq(klefr_iec_master_readout(b.m, "17060518", NULL, data, sizeof data, &len),
                     KLEFR_OK);
    bench_close(&b);
}
END_TEST

START_TEST(test_bad_bcc_is_naked_and_the_resend_taken)
{
    bench b = bench_open();
    script_sign_on(b.s, "", '0');
    reply_block(b.s, 300000, STX, L1 L2 L3 LEND, ETX, READOUT_BCC ^ 0x01);
    script_expect_hex(b.s, "15"); /* NAK */
    reply_block(b.s, 250000, STX, L1 L2 L3 LEND, ETX, READOUT_BCC);
    char data[512];
    size_t len = 0;
    ck_assert_int_eq(klefr_iec_master_readout(b.m, NULL, NULL, data, sizeof data, &len), KLEFR_OK);
    ck_assert_mem_eq(data, L1 L2 L3 LEND, len);
    bench_close(&b);
}
END_TEST

START_TEST(test_bad_bcc_every_time_gives_a_checksum_error)
{
    klefr_iec_master_options o;
    klefr_iec_master_options_init(&o);
    o.retries = 2;
    bench b = bench_open_with(&o);
    script_sign_on(b.s, "", '0');
    reply_block(b.s, 300000, STX, L1 L2 L3 LEND, ETX, 0x00);
    script_expect_hex(b.s, "15");
    reply_block(b.s, 250000, STX, L1 L2 L3 LEND, ETX, 0x00);
    script_expect_hex(b.s, "15");
    reply_block(b.s, 250000, STX, L1 L2 L3 LEND, ETX, 0x00);
    char data[512];
    size_t len = 0;
    ck_assert_int_eq(klefr_iec_master_readout(b.m, NULL, NULL, data, sizeof data, &len),
                     KLEFR_ERR_CHECKSUM);
    bench_close(&b);
}
END_TEST

START_TEST(test_partial_blocks_are_acknowledged_and_joined)
{
    bench b = bench_open();
    script_sign_on(b.s, "", '0');
    /* Block 1: lines 1 and 2, EOT: 3A ^ 68 ^ 04 = 56. */
    reply_block(b.s, 300000, STX, L1 L2, EOT, 0x56);
    script_expect_hex(b.s, "06"); /* ACK: next block */
    /* Block 2: line 3 and the end: 52 ^ 26 ^ 03 = 77. */
    reply_block(b.s, 250000, STX, L3 LEND, ETX, 0x77);
    char data[512];
    size_t len = 0;
    ck_assert_int_eq(klefr_iec_master_readout(b.m, NULL, NULL, data, sizeof data, &len), KLEFR_OK);
    ck_assert_uint_eq(len, strlen(L1 L2 L3 LEND));
    ck_assert_mem_eq(data, L1 L2 L3 LEND, len);
    bench_close(&b);
}
END_TEST

START_TEST(test_stay_at_300_asks_for_baud_character_0)
{
    klefr_iec_master_options o;
    klefr_iec_master_options_init(&o);
    o.stay_at_300 = true;
    bench b = bench_open_with(&o);
    expect_text(b.s, "/?!\r\n");
    reply_text(b.s, 250000, "/INM5KLEFR6913\r\n");
    expect_text(b.s, "\x06"
                     "000\r\n");
    reply_block(b.s, 300000, STX, L1 L2 L3 LEND, ETX, READOUT_BCC);
    char data[512];
    size_t len = 0;
    klefr_iec_ident id;
    ck_assert_int_eq(klefr_iec_master_readout(b.m, NULL, &id, data, sizeof data, &len), KLEFR_OK);
    ck_assert_uint_eq(id.session_baud, 300);
    for (size_t i = 0; i < script_line_changes(b.s); i++)
        ck_assert_uint_eq(script_line_change(b.s, i).baud, 300);
    bench_close(&b);
}
END_TEST

START_TEST(test_max_baud_caps_the_option_select)
{
    klefr_iec_master_options o;
    klefr_iec_master_options_init(&o);
    o.max_baud = 4000; /* -> 2400, character 3 */
    o.retries = 0;     /* one session: no new sign-on after the timeout */
    bench b = bench_open_with(&o);
    expect_text(b.s, "/?!\r\n");
    reply_text(b.s, 250000, "/INM5KLEFR6913\r\n");
    expect_text(b.s, "\x06"
                     "030\r\n");
    char data[512];
    size_t len = 0;
    /* And a meter that never sends its block: a timeout. */
    ck_assert_int_eq(klefr_iec_master_readout(b.m, NULL, NULL, data, sizeof data, &len),
                     KLEFR_ERR_TIMEOUT);
    size_t nl = script_line_changes(b.s);
    ck_assert_uint_eq(script_line_change(b.s, nl - 2).baud, 2400);
    bench_close(&b);
}
END_TEST

START_TEST(test_no_identification_is_a_timeout)
{
    klefr_iec_master_options o;
    klefr_iec_master_options_init(&o);
    o.retries = 0;
    bench b = bench_open_with(&o);
    expect_text(b.s, "/?!\r\n");
    char data[64];
    size_t len = 0;
    uint64_t t0 = script_now(b.s);
    ck_assert_int_eq(klefr_iec_master_readout(b.m, NULL, NULL, data, sizeof data, &len),
                     KLEFR_ERR_TIMEOUT);
    /* Five characters at 300 baud, then the 1500 ms reaction time. */
    ck_assert_uint_eq(script_now(b.s) - t0, 5u * CHAR_300_US + 1500000u);
    bench_close(&b);
}
END_TEST

/* P0 from the meter: "P0" STX "(17060518)": XOR 50^30^02^"(17060518)"^03 = 6C. */
static void script_programming(script *s, const char *password, uint8_t p1_bcc)
{
    script_sign_on(s, "17060518", '1');
    reply_block(s, 300000, SOH, "P0\x02(17060518)", ETX, 0x6C);
    char p1[32];
    snprintf(p1, sizeof p1, "P1\x02(%s)", password);
    expect_block(s, SOH, p1, ETX, p1_bcc);
}

START_TEST(test_programming_session_p1_r1_w1_b0)
{
    bench b = bench_open();
    /* P1 "(1234)": 50^31^02^28^31^32^33^34^29^03 = 65. */
    script_programming(b.s, "1234", 0x65);
    script_reply_hex(b.s, 250000, 0, 0, "06");
    /* R1 "128.1.6()": 52^31^02^"128.1.6()"^03 = 5F. */
    expect_block(b.s, SOH,
                 "R1\x02"
                 "128.1.6()",
                 ETX, 0x5F);
    /* Answer "128.1.6(2)": XOR with ETX = 0C. */
    reply_block(b.s, 250000, STX, "128.1.6(2)", ETX, 0x0C);
    /* W1 "128.1.6(1)": 57^31^02^"128.1.6(1)"^03 = 6B. */
    expect_block(b.s, SOH,
                 "W1\x02"
                 "128.1.6(1)",
                 ETX, 0x6B);
    script_reply_hex(b.s, 250000, 0, 0, "06");
    /* B0: 42^30^03 = 71. */
    script_expect_hex(b.s, "01 42 30 03 71");

    char p0[16];
    klefr_iec_ident id;
    ck_assert_int_eq(klefr_iec_master_program_begin(b.m, "17060518", "1234", &id, p0, sizeof p0),
                     KLEFR_OK);
    ck_assert_str_eq(p0, "17060518");
    ck_assert(klefr_iec_master_is_in_session(b.m));
    char value[16];
    ck_assert_int_eq(klefr_iec_master_read_data_set(b.m, "128.1.6", value, sizeof value), KLEFR_OK);
    ck_assert_str_eq(value, "2");
    ck_assert_int_eq(klefr_iec_master_write_data_set(b.m, "128.1.6", "1"), KLEFR_OK);
    ck_assert_int_eq(klefr_iec_master_program_end(b.m), KLEFR_OK);
    ck_assert(!klefr_iec_master_is_in_session(b.m));
    ck_assert_uint_eq(script_line_change(b.s, script_line_changes(b.s) - 1).baud, 300);
    bench_close(&b);
}
END_TEST

START_TEST(test_wrong_password_is_access_denied_and_the_session_closed)
{
    bench b = bench_open();
    /* P1 "(0000)": 50^31^02^28^30^30^30^30^29^03 = 61. */
    script_programming(b.s, "0000", 0x61);
    /* "(ER01)" with ETX: 14. */
    reply_block(b.s, 250000, STX, "(ER01)", ETX, 0x14);
    script_expect_hex(b.s, "01 42 30 03 71");
    ck_assert_int_eq(klefr_iec_master_program_begin(b.m, "17060518", "0000", NULL, NULL, 0),
                     KLEFR_ERR_ACCESS_DENIED);
    ck_assert(!klefr_iec_master_is_in_session(b.m));
    /* A malformed password never leaves the host. */
    ck_assert_int_eq(klefr_iec_master_program_begin(b.m, NULL, "12a4", NULL, NULL, 0),
                     KLEFR_ERR_RANGE);
    /* Commands outside a session are refused. */
    ck_assert_int_eq(klefr_iec_master_write_data_set(b.m, "128.1.6", "1"), KLEFR_ERR_STATE);
    bench_close(&b);
}
END_TEST

/* --- klefr_meter over IR ------------------------------------------------ */

static void assert_value(const klefr_values *v, klefr_quantity q, double want)
{
    double got = -1;
    ck_assert_int_eq(klefr_values_get(v, q, &got), KLEFR_OK);
    ck_assert_msg(fabs(got - want) < 1e-6, "quantity %d: %f, want %f", (int)q, got, want);
}

/* The readout a 6913 sends for a plausible reading, framed with its BCC
 * (the codec that renders it has its own tests). */
static void reply_plausible_readout(script *s, klefr_model model, klefr_values *v)
{
    plausible_reading(model, v);
    uint8_t b[2048];
    size_t n;
    ck_assert_int_eq(klefr_model_iec_readout_encode(model, v, b, sizeof b, &n), KLEFR_OK);
    script_reply_timed(s, 300000, CHAR_9600_US, b, n);
}

START_TEST(test_meter_read_fills_values_from_the_readout)
{
    bench b = bench_open();
    klefr_meter *meter;
    klefr_meter_address any = {0};
    ck_assert_int_eq(klefr_meter_open_iec(b.m, &any, &meter), KLEFR_OK);
    ck_assert_int_eq(klefr_meter_get_protocol(meter), KLEFR_PROTOCOL_IEC);
    script_sign_on(b.s, "", '0');
    klefr_values sent;
    reply_plausible_readout(b.s, KLEFR_MODEL_6913, &sent);
    /* The BCC is weak: a first reading is confirmed by a second readout
     * that agrees with it. */
    script_sign_on(b.s, "", '0');
    reply_plausible_readout(b.s, KLEFR_MODEL_6913, &sent);
    klefr_values v;
    size_t missing = 0;
    ck_assert_int_eq(klefr_meter_read(meter, &v, &missing), KLEFR_OK);
    klefr_meter_stats st;
    klefr_meter_get_stats(meter, &st);
    ck_assert_uint_eq(st.confirmations, 1);
    assert_value(&v, KLEFR_Q_SERIAL_NUMBER, 17060518);
    assert_value(&v, KLEFR_Q_FORWARD_ACTIVE_ENERGY, 1334.56);
    assert_value(&v, KLEFR_Q_VOLTAGE, 230.0);
    /* Every data set of the 6913's readout, nothing else. */
    size_t absent = 0;
    for (unsigned q = 0; q < KLEFR_Q_COUNT; q++) {
        const klefr_quantity_info *row = klefr_quantity_get((klefr_quantity)q);
        bool carried = row->iec.in_readout && (row->models & KLEFR_MODEL_BIT(KLEFR_MODEL_6913));
        ck_assert_int_eq(klefr_values_has(&v, (klefr_quantity)q), carried);
        if (carried)
            assert_value(&v, (klefr_quantity)q, sent.value[q]);
        absent += !carried;
    }
    ck_assert_uint_eq(missing, absent);
    ck_assert_uint_eq(klefr_meter_missing(meter, NULL, 0), 0);
    ck_assert(klefr_meter_can_read(meter, KLEFR_Q_T2_REVERSE_REACTIVE_ENERGY));
    ck_assert(!klefr_meter_can_read(meter, KLEFR_Q_PASSWORD)); /* R1 only */
    ck_assert(klefr_meter_can_write(meter, KLEFR_Q_TARIFF));
    klefr_meter_close(meter);
    bench_close(&b);
}
END_TEST

START_TEST(test_meter_write_runs_a_programming_session_with_the_password)
{
    bench b = bench_open();
    klefr_meter *meter;
    klefr_meter_address serial = {.iec = "17060518"};
    ck_assert_int_eq(klefr_meter_open_iec(b.m, &serial, &meter), KLEFR_OK);
    ck_assert_int_eq(klefr_meter_set_password(meter, "12345"), KLEFR_ERR_RANGE);
    ck_assert_int_eq(klefr_meter_set_password(meter, "1234"), KLEFR_OK);
    /* The tariff is writable on the 6913 and 6914 only: the model facing
     * the head is learned from a readout before the session opens. */
    klefr_values sent;
    script_sign_on(b.s, "17060518", '0');
    reply_plausible_readout(b.s, KLEFR_MODEL_6913, &sent);
    script_programming(b.s, "1234", 0x65);
    script_reply_hex(b.s, 250000, 0, 0, "06");
    expect_block(b.s, SOH,
                 "W1\x02"
                 "128.1.6(1)",
                 ETX, 0x6B);
    /* The meter NAKs once: the W1 goes again. */
    script_reply_hex(b.s, 250000, 0, 0, "15");
    expect_block(b.s, SOH,
                 "W1\x02"
                 "128.1.6(1)",
                 ETX, 0x6B);
    script_reply_hex(b.s, 250000, 0, 0, "06");
    script_expect_hex(b.s, "01 42 30 03 71");
    ck_assert_int_eq(klefr_meter_write(meter, KLEFR_Q_TARIFF, 1), KLEFR_OK);
    /* Refused locally: nothing more is sent. */
    size_t writes = script_write_count(b.s);
    ck_assert_int_eq(klefr_meter_write(meter, KLEFR_Q_TARIFF, 3), KLEFR_ERR_RANGE);
    ck_assert_uint_eq(script_write_count(b.s), writes);
    klefr_meter_close(meter);
    bench_close(&b);
}
END_TEST

START_TEST(test_meter_write_with_the_default_password_refused)
{
    bench b = bench_open();
    klefr_meter *meter;
    klefr_meter_address serial = {.iec = "17060518"};
    ck_assert_int_eq(klefr_meter_open_iec(b.m, &serial, &meter), KLEFR_OK);
    klefr_values sent;
    script_sign_on(b.s, "17060518", '0');
    reply_plausible_readout(b.s, KLEFR_MODEL_6913, &sent);
    script_programming(b.s, "0000", 0x61);
    reply_block(b.s, 250000, STX, "(ER01)", ETX, 0x14);
    script_expect_hex(b.s, "01 42 30 03 71");
    ck_assert_int_eq(klefr_meter_write(meter, KLEFR_Q_TARIFF, 1), KLEFR_ERR_ACCESS_DENIED);
    klefr_meter_close(meter);
    bench_close(&b);
}
END_TEST

/* Issue 11: the tariff of a 6911 (T1 only) cannot be written. The model is
 * read first, and the value refused before programming mode: no sign-on
 * for programming, no password on the line. */
START_TEST(test_meter_write_valid_only_on_another_model_sends_no_password)
{
    bench b = bench_open();
    klefr_meter *meter;
    ck_assert_int_eq(klefr_meter_open_iec(b.m, &(klefr_meter_address){0}, &meter), KLEFR_OK);
    char req[] = "/?!\r\n";
    expect_text(b.s, req);
    reply_text(b.s, 250000, "/INM5KLEFR6911\r\n");
    char sel[] = {0x06, '0', '5', '0', '\r', '\n', 0};
    expect_text(b.s, sel);
    klefr_values sent;
    reply_plausible_readout(b.s, KLEFR_MODEL_6911, &sent);
    ck_assert_int_eq(klefr_meter_write(meter, KLEFR_Q_TARIFF, 2), KLEFR_ERR_NOT_WRITABLE);
    /* Two writes: the sign-on and the option select for a readout (Y 0). */
    ck_assert_uint_eq(script_write_count(b.s), 2);
    /* The model now known, a value it takes goes without another readout;
     * one it refuses costs nothing at all. */
    ck_assert_int_eq(klefr_meter_write(meter, KLEFR_Q_BUS_ADDRESS, 5), KLEFR_ERR_NOT_AVAILABLE);
    ck_assert_uint_eq(script_write_count(b.s), 2);
    klefr_meter_close(meter);
    bench_close(&b);
}
END_TEST

START_TEST(test_8_bit_link_gets_the_software_7e1_filter)
{
    script *s = script_new(1000, KLEFR_IO_NETWORK);
    klefr_iec_master_options o;
    klefr_iec_master_options_init(&o);
    o.clock = script_clock(s);
    o.retries = 0;
    klefr_iec_master *m;
    ck_assert_int_eq(klefr_iec_master_open(script_io(s), &o, &m), KLEFR_OK);
    ck_assert(klefr_iec_master_is_software_7e1(m));
    /* "/?!" CR LF with even parity in bit 7: 2F has five ones -> AF, 3F
     * six -> 3F, 21 two -> 21, 0D three -> 8D, 0A two -> 0A. */
    script_expect_hex(s, "AF 3F 21 8D 0A");
    /* "/INM5KLEFR6913" CR LF the same way. */
    script_reply_hex(s, 250000, 1, 0, "AF C9 4E 4D 35 4B CC C5 C6 D2 36 39 B1 33 8D 0A");
    /* ACK "050" CR LF: 06 30 35 30 have an even number of ones. */
    script_expect_hex(s, "06 30 35 30 8D 0A");
    char data[64];
    size_t len = 0;
    klefr_iec_ident id;
    ck_assert_int_eq(klefr_iec_master_readout(m, NULL, &id, data, sizeof data, &len),
                     KLEFR_ERR_TIMEOUT);
    ck_assert_str_eq(id.ident, "KLEFR6913");
    ck_assert_msg(script_error(s) == NULL, "%s", script_error(s));
    klefr_iec_master_close(m);
    script_free(s);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("iec_master");
    TCase *tc = tcase_create("readout");
    tcase_add_test(tc, test_readout_session_is_byte_exact);
    tcase_add_test(tc, test_readout_with_device_address);
    tcase_add_test(tc, test_bad_bcc_is_naked_and_the_resend_taken);
    tcase_add_test(tc, test_bad_bcc_every_time_gives_a_checksum_error);
    tcase_add_test(tc, test_partial_blocks_are_acknowledged_and_joined);
    tcase_add_test(tc, test_stay_at_300_asks_for_baud_character_0);
    tcase_add_test(tc, test_max_baud_caps_the_option_select);
    tcase_add_test(tc, test_no_identification_is_a_timeout);
    tcase_add_test(tc, test_8_bit_link_gets_the_software_7e1_filter);
    suite_add_tcase(s, tc);
    tc = tcase_create("programming");
    tcase_add_test(tc, test_programming_session_p1_r1_w1_b0);
    tcase_add_test(tc, test_wrong_password_is_access_denied_and_the_session_closed);
    suite_add_tcase(s, tc);
    tc = tcase_create("meter");
    tcase_add_test(tc, test_meter_read_fills_values_from_the_readout);
    tcase_add_test(tc, test_meter_write_runs_a_programming_session_with_the_password);
    tcase_add_test(tc, test_meter_write_with_the_default_password_refused);
    tcase_add_test(tc, test_meter_write_valid_only_on_another_model_sends_no_password);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(suite)

/* SPDX-License-Identifier: MIT */
/* A full readout and a full programming session (sign-on, option select,
 * P0, P1, R1, W1, B0) between a client and klefr_iec_slave, encoded and
 * decoded with the public API alone, checked against known bytes. */
#include "session_util.h"

START_TEST(test_sign_on_gets_the_identification_after_the_reaction_time)
{
    bench_meter b;
    bench_meter_init(&b, KLEFR_MODEL_6914);
    /* "/?17060518!" CR LF */
    uint8_t rx[32];
    size_t n = klefr_test_hex("2F 3F 31 37 30 36 30 35 31 38 21 0D 0A", rx, sizeof rx);
    ck_assert_int_eq(bench_send(&b, rx, n), KLEFR_OK);
    klefr_assert_bytes(b.tx, b.tx_len, "2F 49 4E 4D 35 4B 4C 45 46 52 36 39 31 34 0D 0A");
    ck_assert_uint_eq(b.action.baud, 300);
    ck_assert_uint_eq(b.action.send_at_ms, b.now + 200);

    /* Another meter's address: no answer. */
    n = klefr_test_hex("2F 3F 31 37 30 36 30 35 31 39 21 0D 0A", rx, sizeof rx);
    ck_assert_int_eq(bench_send(&b, rx, n), KLEFR_OK);
    ck_assert_uint_eq(b.tx_len, 0);
}
END_TEST

START_TEST(test_readout_session_switches_baud_and_waits_300_ms)
{
    bench_meter b;
    bench_meter_init(&b, KLEFR_MODEL_6914);
    uint8_t rx[16];
    ck_assert_int_eq(bench_send(&b, rx, klefr_test_hex("2F 3F 21 0D 0A", rx, sizeof rx)), KLEFR_OK);
    /* ACK '0' '5' '0' CR LF: readout at 9600. */
    ck_assert_int_eq(bench_send(&b, rx, klefr_test_hex("06 30 35 30 0D 0A", rx, sizeof rx)),
                     KLEFR_OK);
    ck_assert_uint_eq(b.action.baud, 9600);
    ck_assert_uint_eq(b.action.send_at_ms, b.now + 300);
    /* The rows with values, in table order (the password is never in the
     * readout). BCC 4D computed independently of libklefr. */
    static const char expected[] = "\x02"
                                   "0.0.0(17060518)\r\n"
                                   "128.1.4(10*s)\r\n"
                                   "32.7.0(230.1*V)\r\n"
                                   "1.8.0(6913.46*kWh)\r\n"
                                   "!\r\n\x03\x4D";
    ck_assert_uint_eq(b.tx_len, sizeof expected - 1);
    ck_assert_mem_eq(b.tx, expected, sizeof expected - 1);
    klefr_values got;
    klefr_values_clear(&got);
    size_t matched = 0;
    ck_assert_int_eq(klefr_model_iec_readout_decode((const char *)b.tx, b.tx_len, &got, &matched),
                     KLEFR_OK);
    ck_assert_uint_eq(matched, 4);
    double d;
    ck_assert_int_eq(klefr_values_get(&got, KLEFR_Q_FORWARD_ACTIVE_ENERGY, &d), KLEFR_OK);
    ck_assert(d == 6913.46);
    ck_assert_int_eq(klefr_values_get(&got, KLEFR_Q_LCD_CYCLE_TIME, &d), KLEFR_OK);
    ck_assert(d == 10);
    ck_assert(!klefr_values_has(&got, KLEFR_Q_PASSWORD));

    /* NAK: the same readout again. */
    size_t first = b.tx_len;
    ck_assert_int_eq(bench_send(&b, rx, klefr_test_hex("15", rx, sizeof rx)), KLEFR_OK);
    ck_assert(b.action.resend);
    ck_assert_uint_eq(b.tx_len, first);
    /* No NAK within 1500 ms of the end: back to 300 baud. */
    uint32_t baud = 0;
    ck_assert(!klefr_iec_slave_poll(&b.meter, b.now + 50 + 1500, &baud));
    ck_assert(klefr_iec_slave_poll(&b.meter, b.now + 50 + 1501, &baud));
    ck_assert_uint_eq(baud, 300);
}
END_TEST

START_TEST(test_lower_baud_is_honoured_and_binary_mode_ignored)
{
    bench_meter b;
    bench_meter_init(&b, KLEFR_MODEL_6911);
    uint8_t rx[16];
    ck_assert_int_eq(bench_send(&b, rx, klefr_test_hex("2F 3F 21 0D 0A", rx, sizeof rx)), KLEFR_OK);
    /* '0' = stay at 300 baud. */
    ck_assert_int_eq(bench_send(&b, rx, klefr_test_hex("06 30 30 30 0D 0A", rx, sizeof rx)),
                     KLEFR_OK);
    ck_assert_uint_eq(b.action.baud, 300);
    ck_assert_uint_gt(b.tx_len, 0);

    ck_assert_int_eq(bench_send(&b, rx, klefr_test_hex("2F 3F 21 0D 0A", rx, sizeof rx)), KLEFR_OK);
    /* Y = 2 (binary mode): ignored. */
    ck_assert_int_eq(bench_send(&b, rx, klefr_test_hex("06 30 35 32 0D 0A", rx, sizeof rx)),
                     KLEFR_OK);
    ck_assert_uint_eq(b.tx_len, 0);
    ck_assert_uint_eq(b.action.baud, 300);
    /* 19200 is more than offered: ignored. */
    ck_assert_int_eq(bench_send(&b, rx, klefr_test_hex("2F 3F 21 0D 0A", rx, sizeof rx)), KLEFR_OK);
    ck_assert_int_eq(bench_send(&b, rx, klefr_test_hex("06 30 36 30 0D 0A", rx, sizeof rx)),
                     KLEFR_OK);
    ck_assert_uint_eq(b.tx_len, 0);
}
END_TEST

START_TEST(test_full_programming_session)
{
    bench_meter b;
    bench_meter_init(&b, KLEFR_MODEL_6914);
    uint8_t rx[64];
    size_t n;

    /* Sign-on and option select for programming at 9600. */
    ck_assert_int_eq(bench_send(&b, rx, klefr_test_hex("2F 3F 21 0D 0A", rx, sizeof rx)), KLEFR_OK);
    ck_assert_int_eq(bench_send(&b, rx, klefr_test_hex("06 30 35 31 0D 0A", rx, sizeof rx)),
                     KLEFR_OK);
    ck_assert_uint_eq(b.action.baud, 9600);
    ck_assert_uint_eq(b.action.send_at_ms, b.now + 300);
    /* P0 with the meter address: SOH P 0 STX (17060518) ETX 6C. */
    klefr_assert_bytes(b.tx, b.tx_len, "01 50 30 02 28 31 37 30 36 30 35 31 38 29 03 6C");
    klefr_iec_message m;
    ck_assert_int_eq(klefr_iec_message_decode(b.tx, b.tx_len, &m, NULL), KLEFR_OK);
    ck_assert_int_eq(m.command, 'P');
    ck_assert_int_eq(m.command_type, '0');

    /* R1 before the password: (ER03). */
    ck_assert_int_eq(klefr_model_iec_read_encode(KLEFR_Q_VOLTAGE, rx, sizeof rx, &n), KLEFR_OK);
    /* SOH R 1 STX "32.7.0()" ETX: BCC 65 computed independently. */
    klefr_assert_bytes(rx, n, "01 52 31 02 33 32 2E 37 2E 30 28 29 03 65");
    ck_assert_int_eq(bench_send(&b, rx, n), KLEFR_OK);
    /* STX "(ER03)" ETX: 28^45^52^30^33^29^03 = 16. */
    klefr_assert_bytes(b.tx, b.tx_len, "02 28 45 52 30 33 29 03 16");
    double d;
    ck_assert_int_eq(klefr_model_iec_read_reply_decode(KLEFR_Q_VOLTAGE, b.tx, b.tx_len, &d),
                     KLEFR_ERR_ACCESS_DENIED);

    /* P1 (1234): BCC 65 computed independently. */
    ck_assert_int_eq(klefr_model_iec_password_encode("1234", rx, sizeof rx, &n), KLEFR_OK);
    klefr_assert_bytes(rx, n, "01 50 31 02 28 31 32 33 34 29 03 65");
    ck_assert_int_eq(bench_send(&b, rx, n), KLEFR_OK);
    klefr_assert_bytes(b.tx, b.tx_len, "06");
    ck_assert_int_eq(klefr_model_iec_ack_decode(b.tx, b.tx_len), KLEFR_OK);
    /* An answer with more after it is refused: which part is the meter's? */
    static const uint8_t ack_and_more[] = {0x06, 0x15};
    ck_assert_int_eq(klefr_model_iec_ack_decode(ack_and_more, sizeof ack_and_more),
                     KLEFR_ERR_FRAME);

    /* R1 of the voltage: STX "32.7.0(230.1*V)" ETX 56. */
    ck_assert_int_eq(klefr_model_iec_read_encode(KLEFR_Q_VOLTAGE, rx, sizeof rx, &n), KLEFR_OK);
    ck_assert_int_eq(bench_send(&b, rx, n), KLEFR_OK);
    klefr_assert_bytes(b.tx, b.tx_len, "02 33 32 2E 37 2E 30 28 32 33 30 2E 31 2A 56 29 03 56");
    ck_assert_int_eq(klefr_model_iec_read_reply_decode(KLEFR_Q_VOLTAGE, b.tx, b.tx_len, &d),
                     KLEFR_OK);
    ck_assert(d == 230.1);
    uint8_t reply_and_more[sizeof b.tx + 1];
    memcpy(reply_and_more, b.tx, b.tx_len);
    reply_and_more[b.tx_len] = 0x06;
    d = 0;
    ck_assert_int_eq(
        klefr_model_iec_read_reply_decode(KLEFR_Q_VOLTAGE, reply_and_more, b.tx_len + 1, &d),
        KLEFR_ERR_FRAME);
    ck_assert(d == 0);

    /* W1 LCD cycle time 25: SOH W 1 STX "128.1.4(25)" ETX 5F. */
    ck_assert_int_eq(klefr_model_iec_write_encode(KLEFR_MODEL_6914, KLEFR_Q_LCD_CYCLE_TIME, 25, rx,
                                                  sizeof rx, &n),
                     KLEFR_OK);
    klefr_assert_bytes(rx, n, "01 57 31 02 31 32 38 2E 31 2E 34 28 32 35 29 03 5F");
    ck_assert_int_eq(bench_send(&b, rx, n), KLEFR_OK);
    klefr_assert_bytes(b.tx, b.tx_len, "06");
    ck_assert(b.action.has_setting);
    ck_assert_int_eq(b.action.setting.quantity, KLEFR_Q_LCD_CYCLE_TIME);
    ck_assert(b.action.setting.value == 25);

    /* W1 of 31 s (range 1-30), built by hand: BCC 5A computed
     * independently. Refused with (ER06). */
    n = klefr_test_hex("01 57 31 02 31 32 38 2E 31 2E 34 28 33 31 29 03 5A", rx, sizeof rx);
    ck_assert_int_eq(bench_send(&b, rx, n), KLEFR_OK);
    ck_assert(!b.action.has_setting);
    /* STX "(ER06)" ETX: 28^45^52^30^36^29^03 = 13. */
    klefr_assert_bytes(b.tx, b.tx_len, "02 28 45 52 30 36 29 03 13");
    ck_assert_int_eq(klefr_model_iec_ack_decode(b.tx, b.tx_len), KLEFR_ERR_RANGE);

    /* W1 of a read-only data set (the voltage): (ER05). BCC 51. */
    n = klefr_test_hex("01 57 31 02 33 32 2E 37 2E 30 28 31 29 03 51", rx, sizeof rx);
    ck_assert_int_eq(bench_send(&b, rx, n), KLEFR_OK);
    ck_assert_int_eq(klefr_model_iec_ack_decode(b.tx, b.tx_len), KLEFR_ERR_NOT_WRITABLE);

    /* A block with a bad BCC: NAK. */
    n = klefr_test_hex("01 57 31 02 31 32 38 2E 31 2E 34 28 32 35 29 03 5E", rx, sizeof rx);
    ck_assert_int_eq(bench_send(&b, rx, n), KLEFR_OK);
    klefr_assert_bytes(b.tx, b.tx_len, "15");
    ck_assert_int_eq(klefr_model_iec_ack_decode(b.tx, b.tx_len), KLEFR_ERR_NAK);

    /* A stray ACK is ignored; a NAK then still gets the last answer (the
     * NAK above) again, from the untouched tx buffer. */
    ck_assert_int_eq(bench_send(&b, rx, klefr_test_hex("06", rx, sizeof rx)), KLEFR_OK);
    ck_assert_uint_eq(b.tx_len, 0);
    ck_assert_int_eq(bench_send(&b, rx, klefr_test_hex("15", rx, sizeof rx)), KLEFR_OK);
    ck_assert(b.action.resend);
    klefr_assert_bytes(b.tx, b.tx_len, "15");

    /* B0 ends the session: no answer, back to 300 baud. */
    n = klefr_test_hex("01 42 30 03 71", rx, sizeof rx);
    ck_assert_int_eq(bench_send(&b, rx, n), KLEFR_OK);
    ck_assert_uint_eq(b.tx_len, 0);
    ck_assert_uint_eq(b.action.baud, 300);
    ck_assert(!klefr_iec_slave_is_programming(&b.meter));
}
END_TEST

START_TEST(test_client_checks_writes_before_sending)
{
    uint8_t buf[64];
    size_t n;
    ck_assert_int_eq(klefr_model_iec_write_encode(KLEFR_MODEL_6914, KLEFR_Q_LCD_CYCLE_TIME, 31, buf,
                                                  sizeof buf, &n),
                     KLEFR_ERR_RANGE);
    ck_assert_int_eq(
        klefr_model_iec_write_encode(KLEFR_MODEL_6914, KLEFR_Q_VOLTAGE, 1, buf, sizeof buf, &n),
        KLEFR_ERR_NOT_WRITABLE);
    ck_assert_int_eq(klefr_model_iec_password_encode("123", buf, sizeof buf, &n), KLEFR_ERR_RANGE);
    ck_assert_int_eq(klefr_model_iec_password_encode("12a4", buf, sizeof buf, &n), KLEFR_ERR_RANGE);
}
END_TEST

START_TEST(test_unsupported_commands_and_unknown_addresses_are_refused)
{
    bench_meter b;
    bench_meter_init(&b, KLEFR_MODEL_6911);
    bench_sign_on_programming(&b);
    ck_assert_int_eq(bench_password(&b, "1234"), KLEFR_OK);
    uint8_t rx[64];
    size_t n;
    /* R2 "F.F()": (ER08). BCC 4E, see test_every_message_type_both_ways. */
    n = klefr_test_hex("01 52 32 02 46 2E 46 28 29 03 4E", rx, sizeof rx);
    ck_assert_int_eq(bench_send(&b, rx, n), KLEFR_OK);
    ck_assert_int_eq(klefr_model_iec_ack_decode(b.tx, b.tx_len), KLEFR_ERR_UNSUPPORTED);
    /* R1 of the bus address on a 6911 (it has no bus): (ER04). */
    ck_assert_int_eq(klefr_model_iec_read_encode(KLEFR_Q_BUS_ADDRESS, rx, sizeof rx, &n), KLEFR_OK);
    ck_assert_int_eq(bench_send(&b, rx, n), KLEFR_OK);
    double d;
    ck_assert_int_eq(klefr_model_iec_read_reply_decode(KLEFR_Q_BUS_ADDRESS, b.tx, b.tx_len, &d),
                     KLEFR_ERR_NO_SUCH_QUANTITY);
    /* R1 with the full OBIS form of 1.8.0 is the same data set. */
    const char *cmd = "1-0:1.8.0*255()";
    ck_assert_int_eq(klefr_iec_command_encode('R', '1', cmd, strlen(cmd), rx, sizeof rx, &n),
                     KLEFR_OK);
    ck_assert_int_eq(bench_send(&b, rx, n), KLEFR_OK);
    ck_assert_int_eq(
        klefr_model_iec_read_reply_decode(KLEFR_Q_FORWARD_ACTIVE_ENERGY, b.tx, b.tx_len, &d),
        KLEFR_OK);
    ck_assert(d == 6913.46);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("klefr IR programming");
    TCase *tc = tcase_create("session");
    tcase_add_test(tc, test_sign_on_gets_the_identification_after_the_reaction_time);
    tcase_add_test(tc, test_readout_session_switches_baud_and_waits_300_ms);
    tcase_add_test(tc, test_lower_baud_is_honoured_and_binary_mode_ignored);
    tcase_add_test(tc, test_full_programming_session);
    tcase_add_test(tc, test_client_checks_writes_before_sending);
    tcase_add_test(tc, test_unsupported_commands_and_unknown_addresses_are_refused);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(make_suite)

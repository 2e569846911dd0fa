/* SPDX-License-Identifier: MIT */
/* Each message of IEC 62056-21 mode C encoded to known bytes and decoded
 * from them. BCCs are worked out by hand in the comments. */
#include <klefr/iec62056.h>

#include "klefr_test.h"

static klefr_iec_message blank(klefr_iec_msg_type type)
{
    klefr_iec_message m;
    memset(&m, 0, sizeof m);
    m.type = type;
    return m;
}

static void encode_ok(const klefr_iec_message *m, const char *hex)
{
    uint8_t buf[128];
    size_t len = 0, need = 0;
    ck_assert_int_eq(klefr_iec_message_encode(m, NULL, 0, &need), KLEFR_OK);
    ck_assert_int_eq(klefr_iec_message_encode(m, buf, sizeof buf, &len), KLEFR_OK);
    ck_assert_uint_eq(need, len);
    klefr_assert_bytes(buf, len, hex);
}

static size_t decode_ok(const char *hex, uint8_t *buf, size_t cap, klefr_iec_message *m)
{
    size_t n = klefr_test_hex(hex, buf, cap);
    size_t used = 0;
    ck_assert_int_eq(klefr_iec_message_decode(buf, n, m, &used), KLEFR_OK);
    ck_assert_uint_eq(used, n);
    return n;
}

#define assert_text(ptr, len, text)                    \
    do {                                               \
        ck_assert_uint_eq((len), strlen(text));        \
        ck_assert_mem_eq((ptr), (text), strlen(text)); \
    } while (0)

START_TEST(test_sign_on_without_address)
{
    klefr_iec_message m = blank(KLEFR_IEC_MSG_REQUEST);
    encode_ok(&m, "2F 3F 21 0D 0A");
    uint8_t buf[16];
    decode_ok("2F 3F 21 0D 0A", buf, sizeof buf, &m);
    ck_assert_int_eq(m.type, KLEFR_IEC_MSG_REQUEST);
    ck_assert_uint_eq(m.device_address_len, 0);
}
END_TEST

START_TEST(test_sign_on_with_the_meter_address)
{
    klefr_iec_message m = blank(KLEFR_IEC_MSG_REQUEST);
    m.device_address = "17060518";
    m.device_address_len = 8;
    encode_ok(&m, "2F 3F 31 37 30 36 30 35 31 38 21 0D 0A");
    uint8_t buf[32];
    decode_ok("2F 3F 31 37 30 36 30 35 31 38 21 0D 0A", buf, sizeof buf, &m);
    ck_assert_int_eq(m.type, KLEFR_IEC_MSG_REQUEST);
    assert_text(m.device_address, m.device_address_len, "17060518");
}
END_TEST

START_TEST(test_identification_of_a_mode_c_meter)
{
    klefr_iec_message m = blank(KLEFR_IEC_MSG_IDENTIFICATION);
    m.manufacturer = "INM";
    m.baud_char = '5';
    m.ident = "KLEFR6914";
    m.ident_len = 9;
    /* "/INM5KLEFR6914" CR LF */
    encode_ok(&m, "2F 49 4E 4D 35 4B 4C 45 46 52 36 39 31 34 0D 0A");
    uint8_t buf[32];
    decode_ok("2F 49 4E 4D 35 4B 4C 45 46 52 36 39 31 34 0D 0A", buf, sizeof buf, &m);
    ck_assert_int_eq(m.type, KLEFR_IEC_MSG_IDENTIFICATION);
    ck_assert_mem_eq(m.manufacturer, "INM", 3);
    ck_assert_int_eq(m.baud_char, '5');
    ck_assert(!m.fast_reaction);
    ck_assert_uint_eq(m.escapes, 0);
    assert_text(m.ident, m.ident_len, "KLEFR6914");
}
END_TEST

START_TEST(test_identification_with_enhanced_escapes_is_tolerated)
{
    /* "/ISk5\2\@MT174-0001" CR LF: lower-case third letter = 20 ms
     * reaction; \2 is the mode E escape, \@ an unknown one. */
    const char *text = "/ISk5\\2\\@MT174-0001\r\n";
    klefr_iec_message m;
    size_t used = 0;
    ck_assert_int_eq(klefr_iec_message_decode((const uint8_t *)text, strlen(text), &m, &used),
                     KLEFR_OK);
    ck_assert_uint_eq(used, strlen(text));
    ck_assert_int_eq(m.type, KLEFR_IEC_MSG_IDENTIFICATION);
    ck_assert_mem_eq(m.manufacturer, "ISk", 3);
    ck_assert(m.fast_reaction);
    ck_assert_int_eq(m.baud_char, '5');
    ck_assert_uint_eq(m.escapes, 1u << 2);
    assert_text(m.ident, m.ident_len, "MT174-0001");

    /* The encoder writes digit escapes in order. */
    klefr_iec_message e = blank(KLEFR_IEC_MSG_IDENTIFICATION);
    e.manufacturer = "ABC";
    e.baud_char = '6';
    e.escapes = 1u << 2;
    e.ident = "X";
    e.ident_len = 1;
    encode_ok(&e, "2F 41 42 43 36 5C 32 58 0D 0A");
}
END_TEST

START_TEST(test_option_select_for_readout_and_programming)
{
    klefr_iec_message m = blank(KLEFR_IEC_MSG_OPTION_SELECT);
    m.protocol = 0;
    m.baud_char = '5';
    m.option = KLEFR_IEC_OPTION_READOUT;
    encode_ok(&m, "06 30 35 30 0D 0A");
    m.option = KLEFR_IEC_OPTION_PROGRAMMING;
    encode_ok(&m, "06 30 35 31 0D 0A");

    uint8_t buf[8];
    decode_ok("06 30 34 31 0D 0A", buf, sizeof buf, &m);
    ck_assert_int_eq(m.type, KLEFR_IEC_MSG_OPTION_SELECT);
    ck_assert_uint_eq(m.protocol, 0);
    ck_assert_int_eq(m.baud_char, '4');
    ck_assert_uint_eq(m.option, KLEFR_IEC_OPTION_PROGRAMMING);
}
END_TEST

START_TEST(test_readout_data_message)
{
    klefr_iec_message m = blank(KLEFR_IEC_MSG_DATA);
    m.data = "0.0.0(1)\r\n!\r\n";
    m.data_len = strlen(m.data);
    /* BCC 22: see test_bcc_of_known_messages. */
    const char *hex = "02 30 2E 30 2E 30 28 31 29 0D 0A 21 0D 0A 03 22";
    encode_ok(&m, hex);
    uint8_t buf[32];
    decode_ok(hex, buf, sizeof buf, &m);
    ck_assert_int_eq(m.type, KLEFR_IEC_MSG_DATA);
    ck_assert(!m.partial);
    assert_text(m.data, m.data_len, "0.0.0(1)\r\n!\r\n");
}
END_TEST

START_TEST(test_partial_block_ends_in_eot)
{
    /* "1.8.0(1)" EOT: 31^2E=1F ^38=27 ^2E=09 ^30=39 ^28=11 ^31=20 ^29=09
     * ^04=0D. */
    klefr_iec_message m = blank(KLEFR_IEC_MSG_DATA);
    m.data = "1.8.0(1)";
    m.data_len = 8;
    m.partial = true;
    const char *hex = "02 31 2E 38 2E 30 28 31 29 04 0D";
    encode_ok(&m, hex);
    uint8_t buf[16];
    decode_ok(hex, buf, sizeof buf, &m);
    ck_assert_int_eq(m.type, KLEFR_IEC_MSG_DATA);
    ck_assert(m.partial);
}
END_TEST

static void command_both_ways(char cmd, char type, const char *data, const char *hex)
{
    klefr_iec_message m = blank(KLEFR_IEC_MSG_COMMAND);
    m.command = cmd;
    m.command_type = type;
    m.data = data;
    m.data_len = data != NULL ? strlen(data) : 0;
    encode_ok(&m, hex);
    uint8_t buf[64];
    klefr_iec_message d;
    decode_ok(hex, buf, sizeof buf, &d);
    ck_assert_int_eq(d.type, KLEFR_IEC_MSG_COMMAND);
    ck_assert_int_eq(d.command, cmd);
    ck_assert_int_eq(d.command_type, type);
    if (data == NULL) {
        ck_assert_ptr_null(d.data);
    } else {
        assert_text(d.data, d.data_len, data);
    }
}

START_TEST(test_programming_commands)
{
    /* P0 "(17060518)": 50^30=60 ^02=62 ^28=4A; the digits 31 37 30 36 30
     * 35 31 38 XOR to 0C, 4A^0C=46; ^29=6F ^03=6C. */
    command_both_ways('P', '0', "(17060518)", "01 50 30 02 28 31 37 30 36 30 35 31 38 29 03 6C");
    /* P1 "(0000)": BCC 61 (test_bcc_of_known_messages). */
    command_both_ways('P', '1', "(0000)", "01 50 31 02 28 30 30 30 30 29 03 61");
    /* P2 "(ABCD)": 50^32=62 ^02=60 ^28=48 ^41=09 ^42=4B ^43=08 ^44=4C
     * ^29=65 ^03=66. */
    command_both_ways('P', '2', "(ABCD)", "01 50 32 02 28 41 42 43 44 29 03 66");
    /* R1 "1.8.0()": 52^31=63 ^02=61 ^31=50 ^2E=7E ^38=46 ^2E=68 ^30=58
     * ^28=70 ^29=59 ^03=5A. */
    command_both_ways('R', '1', "1.8.0()", "01 52 31 02 31 2E 38 2E 30 28 29 03 5A");
    /* R2 "F.F()": 52^32=60 ^02=62 ^46=24 ^2E=0A ^46=4C ^28=64 ^29=4D
     * ^03=4E. */
    command_both_ways('R', '2', "F.F()", "01 52 32 02 46 2E 46 28 29 03 4E");
    /* W1 "128.1.4(25)": BCC 5F. */
    command_both_ways('W', '1', "128.1.4(25)",
                      "01 57 31 02 31 32 38 2E 31 2E 34 28 32 35 29 03 5F");
    /* E2 "C.1.0(1)": 45^32=77 ^02=75 ^43=36 ^2E=18 ^31=29 ^2E=07 ^30=37
     * ^28=1F ^31=2E ^29=07 ^03=04. */
    command_both_ways('E', '2', "C.1.0(1)", "01 45 32 02 43 2E 31 2E 30 28 31 29 03 04");
    /* B0: SOH B 0 ETX BCC 71. */
    command_both_ways('B', '0', NULL, "01 42 30 03 71");
}
END_TEST

START_TEST(test_partial_write_command_ends_in_eot)
{
    /* W2 "1.8.0(0)" EOT: 57^32=65 ^02=67 ^31=56 ^2E=78 ^38=40 ^2E=6E ^30=5E
     * ^28=76 ^30=46 ^29=6F ^04=6B. */
    klefr_iec_message m = blank(KLEFR_IEC_MSG_COMMAND);
    m.command = 'W';
    m.command_type = '2';
    m.data = "1.8.0(0)";
    m.data_len = 8;
    m.partial = true;
    encode_ok(&m, "01 57 32 02 31 2E 38 2E 30 28 30 29 04 6B");
}
END_TEST

START_TEST(test_ack_and_nak)
{
    klefr_iec_message m = blank(KLEFR_IEC_MSG_ACK);
    encode_ok(&m, "06");
    m = blank(KLEFR_IEC_MSG_NAK);
    encode_ok(&m, "15");
    uint8_t buf[2];
    decode_ok("06", buf, sizeof buf, &m);
    ck_assert_int_eq(m.type, KLEFR_IEC_MSG_ACK);
    decode_ok("15", buf, sizeof buf, &m);
    ck_assert_int_eq(m.type, KLEFR_IEC_MSG_NAK);
    /* An ACK followed by the next message is one byte long. */
    const uint8_t two[] = {0x06, 0x01};
    size_t used = 0;
    ck_assert_int_eq(klefr_iec_message_decode(two, 2, &m, &used), KLEFR_OK);
    ck_assert_int_eq(m.type, KLEFR_IEC_MSG_ACK);
    ck_assert_uint_eq(used, 1);
}
END_TEST

START_TEST(test_error_message)
{
    klefr_iec_message m = blank(KLEFR_IEC_MSG_ERROR);
    m.error_code = 1;
    /* STX "(ER01)" ETX 14: see test_bcc_of_known_messages. */
    encode_ok(&m, "02 28 45 52 30 31 29 03 14");
    uint8_t buf[16];
    decode_ok("02 28 45 52 30 31 29 03 14", buf, sizeof buf, &m);
    ck_assert_int_eq(m.type, KLEFR_IEC_MSG_ERROR);
    ck_assert_int_eq(m.error_code, 1);
    assert_text(m.data, m.data_len, "ER01");
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("iec62056 messages");
    TCase *tc = tcase_create("both ways");
    tcase_add_test(tc, test_sign_on_without_address);
    tcase_add_test(tc, test_sign_on_with_the_meter_address);
    tcase_add_test(tc, test_identification_of_a_mode_c_meter);
    tcase_add_test(tc, test_identification_with_enhanced_escapes_is_tolerated);
    tcase_add_test(tc, test_option_select_for_readout_and_programming);
    tcase_add_test(tc, test_readout_data_message);
    tcase_add_test(tc, test_partial_block_ends_in_eot);
    tcase_add_test(tc, test_programming_commands);
    tcase_add_test(tc, test_partial_write_command_ends_in_eot);
    tcase_add_test(tc, test_ack_and_nak);
    tcase_add_test(tc, test_error_message);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(make_suite)

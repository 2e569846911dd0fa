/* SPDX-License-Identifier: MIT */
/* BCC = XOR of the bytes after SOH/STX up to and including ETX/EOT. */
#include <klefr/iec62056.h>

#include "klefr_test.h"

START_TEST(test_break_command_has_bcc_71)
{
    /* 'B' 42 ^ '0' 30 = 72; ^ ETX 03 = 71. */
    const uint8_t body[] = {'B', '0', 0x03};
    ck_assert_uint_eq(klefr_iec_bcc(body, sizeof body), 0x71);
}
END_TEST

START_TEST(test_password_command_0000_has_bcc_61)
{
    /* 'P' 50 ^ '1' 31 = 61; ^ STX 02 = 63; ^ '(' 28 = 4B; four '0' cancel
     * out; ^ ')' 29 = 62; ^ ETX 03 = 61. */
    const char *body = "P1\x02(0000)\x03";
    ck_assert_uint_eq(klefr_iec_bcc((const uint8_t *)body, strlen(body)), 0x61);
}
END_TEST

START_TEST(test_one_line_readout_has_bcc_22)
{
    /* "0.0.0(1)" CR LF "!" CR LF ETX:
     * 30^2E=1E ^30=2E ^2E=00 ^30=30 ^28=18 ^31=29 ^29=00 ^0D=0D ^0A=07
     * ^21=26 ^0D=2B ^0A=21 ^03=22. */
    const char *body = "0.0.0(1)\r\n!\r\n\x03";
    ck_assert_uint_eq(klefr_iec_bcc((const uint8_t *)body, strlen(body)), 0x22);
}
END_TEST

START_TEST(test_error_message_er01_has_bcc_14)
{
    /* '(' 28 ^ 'E' 45 = 6D ^ 'R' 52 = 3F ^ '0' 30 = 0F ^ '1' 31 = 3E
     * ^ ')' 29 = 17 ^ ETX 03 = 14. */
    const char *body = "(ER01)\x03";
    ck_assert_uint_eq(klefr_iec_bcc((const uint8_t *)body, strlen(body)), 0x14);
}
END_TEST

START_TEST(test_encoded_break_message_carries_its_bcc)
{
    uint8_t buf[8];
    size_t len = 0;
    ck_assert_int_eq(klefr_iec_command_encode('B', '0', NULL, 0, buf, sizeof buf, &len), KLEFR_OK);
    klefr_assert_bytes(buf, len, "01 42 30 03 71");
}
END_TEST

START_TEST(test_empty_input_has_bcc_zero)
{
    ck_assert_uint_eq(klefr_iec_bcc(NULL, 0), 0);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("iec62056 bcc");
    TCase *tc = tcase_create("known messages");
    tcase_add_test(tc, test_break_command_has_bcc_71);
    tcase_add_test(tc, test_password_command_0000_has_bcc_61);
    tcase_add_test(tc, test_one_line_readout_has_bcc_22);
    tcase_add_test(tc, test_error_message_er01_has_bcc_14);
    tcase_add_test(tc, test_encoded_break_message_carries_its_bcc);
    tcase_add_test(tc, test_empty_input_has_bcc_zero);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(make_suite)

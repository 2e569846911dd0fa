/* SPDX-License-Identifier: MIT */
/* Bad messages and bad data blocks: each gives its own error, and the
 * decoders never read past the length they are given. */
#include "iec_test_util.h"

static klefr_err decode_text(const char *text, size_t len)
{
    /* Copy into an exact-size heap buffer so that ASan catches any read
     * past the end. */
    uint8_t *buf = malloc(len ? len : 1);
    memcpy(buf, text, len);
    klefr_iec_message m;
    klefr_err err = klefr_iec_message_decode(buf, len, &m, NULL);
    free(buf);
    return err;
}

#define DECODE(lit) decode_text(lit, sizeof(lit) - 1)

START_TEST(test_block_without_etx_is_truncated)
{
    ck_assert_int_eq(DECODE("\x02"
                            "1.8.0(1)\r\n!\r\n"),
                     KLEFR_ERR_TRUNCATED);
    /* ETX present but the BCC still missing. */
    ck_assert_int_eq(DECODE("\x02"
                            "1.8.0(1)\x03"),
                     KLEFR_ERR_TRUNCATED);
    ck_assert_int_eq(DECODE("\x01P1\x02(0000)"), KLEFR_ERR_TRUNCATED);
}
END_TEST

START_TEST(test_block_with_wrong_bcc_is_a_checksum_error)
{
    /* The right BCC is 22. */
    ck_assert_int_eq(DECODE("\x02"
                            "0.0.0(1)\r\n!\r\n\x03\x23"),
                     KLEFR_ERR_CHECKSUM);
    /* The right BCC is 61. */
    ck_assert_int_eq(DECODE("\x01P1\x02(0000)\x03\x60"), KLEFR_ERR_CHECKSUM);
    /* The right BCC is 71. */
    ck_assert_int_eq(DECODE("\x01"
                            "B0\x03\x70"),
                     KLEFR_ERR_CHECKSUM);
}
END_TEST

START_TEST(test_lines_without_cr_lf_are_truncated)
{
    ck_assert_int_eq(DECODE("/?17060518!"), KLEFR_ERR_TRUNCATED);
    ck_assert_int_eq(DECODE("/?17060518!\r"), KLEFR_ERR_TRUNCATED);
    ck_assert_int_eq(DECODE("/INM5KLEFR"), KLEFR_ERR_TRUNCATED);
    ck_assert_int_eq(DECODE("\x06"
                            "051\r"),
                     KLEFR_ERR_TRUNCATED);
}
END_TEST

START_TEST(test_malformed_lines_are_frame_errors)
{
    /* Device address longer than 32 characters. */
    ck_assert_int_eq(DECODE("/?123456789012345678901234567890123!\r\n"), KLEFR_ERR_FRAME);
    /* Manufacturer with a digit. */
    ck_assert_int_eq(DECODE("/IN15KLEFR\r\n"), KLEFR_ERR_FRAME);
    /* Identification text longer than 16 characters. */
    ck_assert_int_eq(DECODE("/INM5ABCDEFGHIJKLMNOPQ\r\n"), KLEFR_ERR_FRAME);
    /* CR not followed by LF. */
    ck_assert_int_eq(DECODE("/?!\r\r"), KLEFR_ERR_FRAME);
    /* Option select with a letter as mode. */
    ck_assert_int_eq(DECODE("\x06"
                            "05X\r\n"),
                     KLEFR_ERR_FRAME);
    /* Unknown command letter, and a command type that is not a digit. */
    ck_assert_int_eq(DECODE("\x01X1\x02()\x03\x00"), KLEFR_ERR_FRAME);
    ck_assert_int_eq(DECODE("\x01PA\x02()\x03\x00"), KLEFR_ERR_FRAME);
    /* A new STX inside a block. */
    ck_assert_int_eq(DECODE("\x02"
                            "1.8.0\x02(1)\x03\x00"),
                     KLEFR_ERR_FRAME);
    /* Not a start character. */
    ck_assert_int_eq(DECODE("1.8.0(1)\r\n"), KLEFR_ERR_FRAME);
}
END_TEST

START_TEST(test_overlong_fields_are_range_errors)
{
    collected c;
    /* 17-character address. */
    ck_assert_int_eq(collect_text(&c, "1-0:1.8.0*2550000(1)\r\n!"), KLEFR_ERR_RANGE);
    ck_assert_int_eq(c.parser.error_field, KLEFR_IEC_FIELD_ADDRESS);
    /* 33-character value. */
    ck_assert_int_eq(collect_text(&c, "1.8.0(123456789012345678901234567890123)\r\n!"),
                     KLEFR_ERR_RANGE);
    ck_assert_int_eq(c.parser.error_field, KLEFR_IEC_FIELD_VALUE);
    /* 17-character unit. */
    ck_assert_int_eq(collect_text(&c, "1.8.0(1*kWhkWhkWhkWhkWhkW)\r\n!"), KLEFR_ERR_RANGE);
    ck_assert_int_eq(c.parser.error_field, KLEFR_IEC_FIELD_UNIT);
    /* Exactly at the limits is fine. */
    ck_assert_int_eq(
        collect_text(&c, "1234567890123456(12345678901234567890123456789012*1234567890123456)!"),
        KLEFR_OK);
    ck_assert_uint_eq(c.count, 1);
}
END_TEST

START_TEST(test_unterminated_values_are_frame_errors)
{
    collected c;
    ck_assert_int_eq(collect_text(&c, "1.8.0(0001234.5*kWh\r\n!"), KLEFR_ERR_FRAME);
    ck_assert_uint_eq(c.parser.offset, 19); /* the CR */
    ck_assert_int_eq(collect_text(&c, "1.8.0(0001234.5!"), KLEFR_ERR_FRAME);
    ck_assert_int_eq(collect_text(&c, "\x02"
                                      "1.8.0(12\x03\x00"),
                     KLEFR_ERR_FRAME);
    /* An address without any value, and a ')' without '('. */
    ck_assert_int_eq(collect_text(&c, "1.8.0\r\n!"), KLEFR_ERR_FRAME);
    ck_assert_int_eq(collect_text(&c, "1.8.0(1))\r\n!"), KLEFR_ERR_FRAME);
    /* A value cut by the end of the input. */
    ck_assert_int_eq(collect_text(&c, "1.8.0(12"), KLEFR_ERR_TRUNCATED);
}
END_TEST

START_TEST(test_bad_characters_are_encoding_errors)
{
    collected c;
    ck_assert_int_eq(collect_text(&c, "1.8.0(1(2)\r\n!"), KLEFR_ERR_ENCODING);
    ck_assert_int_eq(collect_text(&c, "1.8.0(1*k*Wh)\r\n!"), KLEFR_ERR_ENCODING);
    ck_assert_int_eq(collect_text(&c, "1.8\x07.0(1)\r\n!"), KLEFR_ERR_ENCODING);
    /* A byte with its parity bit still set. */
    ck_assert_int_eq(collect_text(&c, "1.8.0(\xB1)\r\n!"), KLEFR_ERR_ENCODING);
}
END_TEST

START_TEST(test_framed_block_errors)
{
    collected c;
    /* Right BCC is 22 (test_bcc_of_known_messages). */
    ck_assert_int_eq(collect_text(&c, "\x02"
                                      "0.0.0(1)\r\n!\r\n\x03\x22"),
                     KLEFR_OK);
    ck_assert(c.ended);
    ck_assert_int_eq(collect_text(&c, "\x02"
                                      "0.0.0(1)\r\n!\r\n\x03\x21"),
                     KLEFR_ERR_CHECKSUM);
    /* Missing ETX: text after the end mark. */
    ck_assert_int_eq(collect_text(&c, "\x02"
                                      "0.0.0(1)\r\n!\r\n/"),
                     KLEFR_ERR_FRAME);
    /* Missing ETX: the input just stops. */
    ck_assert_int_eq(collect_text(&c, "\x02"
                                      "0.0.0(1)\r\n!\r\n"),
                     KLEFR_ERR_TRUNCATED);
    /* ETX without BCC. */
    ck_assert_int_eq(collect_text(&c, "\x02"
                                      "0.0.0(1)\r\n!\r\n\x03"),
                     KLEFR_ERR_TRUNCATED);
}
END_TEST

START_TEST(test_parser_refuses_to_continue_after_an_error)
{
    klefr_iec_parser p;
    klefr_iec_parser_init(&p);
    size_t used;
    klefr_iec_parse_event ev;
    klefr_iec_dataset ds;
    ck_assert_int_eq(klefr_iec_parser_feed(&p, (const uint8_t *)")", 1, &used, &ev, &ds),
                     KLEFR_ERR_FRAME);
    ck_assert_uint_eq(used, 0);
    ck_assert_int_eq(klefr_iec_parser_feed(&p, (const uint8_t *)"1", 1, &used, &ev, &ds),
                     KLEFR_ERR_STATE);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("iec62056 malformed");
    TCase *tc = tcase_create("errors");
    tcase_add_test(tc, test_block_without_etx_is_truncated);
    tcase_add_test(tc, test_block_with_wrong_bcc_is_a_checksum_error);
    tcase_add_test(tc, test_lines_without_cr_lf_are_truncated);
    tcase_add_test(tc, test_malformed_lines_are_frame_errors);
    tcase_add_test(tc, test_overlong_fields_are_range_errors);
    tcase_add_test(tc, test_unterminated_values_are_frame_errors);
    tcase_add_test(tc, test_bad_characters_are_encoding_errors);
    tcase_add_test(tc, test_framed_block_errors);
    tcase_add_test(tc, test_parser_refuses_to_continue_after_an_error);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(make_suite)

/* SPDX-License-Identifier: MIT */
/* Data set parsing of readouts written in the style that public readouts
 * of common meters have: several lines, units, tariffs, dates, a maximum
 * demand with its time stamp, empty values, short and full OBIS codes. */
#include "iec_test_util.h"

/* Short OBIS codes, framed. The BCC 38 was computed independently of
 * libklefr (XOR of every byte after STX through ETX). */
static const char readout_short[] = "\x02"
                                    "0.0.0(00339188)\r\n"
                                    "0.9.1(132810)\r\n"
                                    "0.9.2(2611250)\r\n"
                                    "1.8.0(0001234.567*kWh)\r\n"
                                    "1.8.1(0000834.123*kWh)\r\n"
                                    "1.8.2(0000400.444*kWh)\r\n"
                                    "2.8.0(0000000.000*kWh)\r\n"
                                    "1.6.0(02.412*kW)(2611251030)\r\n"
                                    "C.1.0(12345678)\r\n"
                                    "C.8.0()\r\n"
                                    "F.F(00000000)\r\n"
                                    "!\r\n"
                                    "\x03\x38";

static void check_short(const collected *c)
{
    ck_assert(c->ended);
    ck_assert_uint_eq(c->count, 12);
    assert_ds(c, 0, "0.0.0", "00339188", "", 0);
    assert_ds(c, 1, "0.9.1", "132810", "", 0);
    assert_ds(c, 2, "0.9.2", "2611250", "", 0);
    assert_ds(c, 3, "1.8.0", "0001234.567", "kWh", 0);
    assert_ds(c, 4, "1.8.1", "0000834.123", "kWh", 0);
    assert_ds(c, 5, "1.8.2", "0000400.444", "kWh", 0);
    assert_ds(c, 6, "2.8.0", "0000000.000", "kWh", 0);
    assert_ds(c, 7, "1.6.0", "02.412", "kW", 0);
    assert_ds(c, 8, "1.6.0", "2611251030", "", 1);
    assert_ds(c, 9, "C.1.0", "12345678", "", 0);
    assert_ds(c, 10, "C.8.0", "", "", 0);
    assert_ds(c, 11, "F.F", "00000000", "", 0);
    ck_assert(c->parser.saw_end_mark);
    ck_assert(!c->parser.partial);
}

START_TEST(test_short_obis_readout_with_tariffs_and_dates)
{
    collected c;
    ck_assert_int_eq(
        collect_chunked(&c, (const uint8_t *)readout_short, sizeof readout_short - 1, 4096),
        KLEFR_OK);
    check_short(&c);
}
END_TEST

START_TEST(test_the_same_readout_fed_one_byte_at_a_time)
{
    for (size_t chunk = 1; chunk <= 7; chunk++) {
        collected c;
        ck_assert_int_eq(
            collect_chunked(&c, (const uint8_t *)readout_short, sizeof readout_short - 1, chunk),
            KLEFR_OK);
        check_short(&c);
    }
}
END_TEST

START_TEST(test_full_obis_readout_without_framing)
{
    collected c;
    ck_assert_int_eq(collect_text(&c, "1-0:0.0.0*255(1ESY1160123456)\r\n"
                                      "1-0:1.8.0*255(001234.5678*kWh)\r\n"
                                      "1-0:2.8.0*255(000012.0000*kWh)\r\n"
                                      "1-0:32.7.0*255(231.4*V)\r\n"
                                      "1-0:31.7.0*255(001.23*A)\r\n"
                                      "1-0:14.7.0*255(50.01*Hz)\r\n"
                                      "0-0:96.1.255*255(1ESY1160123456)\r\n"
                                      "!\r\n"),
                     KLEFR_OK);
    ck_assert(c.ended);
    ck_assert_uint_eq(c.count, 7);
    assert_ds(&c, 0, "1-0:0.0.0*255", "1ESY1160123456", "", 0);
    assert_ds(&c, 1, "1-0:1.8.0*255", "001234.5678", "kWh", 0);
    assert_ds(&c, 3, "1-0:32.7.0*255", "231.4", "V", 0);
    assert_ds(&c, 5, "1-0:14.7.0*255", "50.01", "Hz", 0);
    /* A 16-character address is the longest allowed. */
    assert_ds(&c, 6, "0-0:96.1.255*255", "1ESY1160123456", "", 0);
}
END_TEST

START_TEST(test_several_data_sets_on_one_line)
{
    collected c;
    ck_assert_int_eq(
        collect_text(&c, "1.8.1(12.5*kWh)1.8.2(3.25*kWh)\r\nP.01(2611250000)(00)(15)()\r\n!"),
        KLEFR_OK);
    ck_assert_uint_eq(c.count, 6);
    assert_ds(&c, 0, "1.8.1", "12.5", "kWh", 0);
    assert_ds(&c, 1, "1.8.2", "3.25", "kWh", 0);
    assert_ds(&c, 2, "P.01", "2611250000", "", 0);
    assert_ds(&c, 3, "P.01", "00", "", 1);
    assert_ds(&c, 4, "P.01", "15", "", 2);
    assert_ds(&c, 5, "P.01", "", "", 3);
}
END_TEST

START_TEST(test_zero_copy_iteration_points_into_the_message)
{
    const char *text = "\x02"
                       "1.8.0(1.5*kWh)(7)\r\n(ABC)\r\n!\r\n\x03";
    char block[64];
    size_t n = strlen(text);
    memcpy(block, text, n);
    block[n] = (char)klefr_iec_bcc((const uint8_t *)block + 1, n - 1);
    n++;
    klefr_iec_message m;
    ck_assert_int_eq(klefr_iec_message_decode((const uint8_t *)block, n, &m, NULL), KLEFR_OK);
    ck_assert_int_eq(m.type, KLEFR_IEC_MSG_DATA);

    klefr_iec_parser p;
    klefr_iec_parser_init(&p);
    klefr_iec_dataset ds;
    bool found = false;
    ck_assert_int_eq(klefr_iec_dataset_next(&p, m.data, m.data_len, &ds, &found), KLEFR_OK);
    ck_assert(found);
    ck_assert_ptr_eq(ds.address, m.data);
    ck_assert_uint_eq(ds.address_len, 5);
    ck_assert_ptr_eq(ds.value, m.data + 6);
    ck_assert_uint_eq(ds.value_len, 3);
    ck_assert_ptr_eq(ds.unit, m.data + 10);
    ck_assert_uint_eq(ds.unit_len, 3);
    ck_assert_int_eq(klefr_iec_dataset_next(&p, m.data, m.data_len, &ds, &found), KLEFR_OK);
    ck_assert(found);
    ck_assert_uint_eq(ds.index, 1);
    ck_assert_ptr_eq(ds.value, m.data + 15);
    ck_assert_uint_eq(ds.value_len, 1);
    ck_assert_int_eq(klefr_iec_dataset_next(&p, m.data, m.data_len, &ds, &found), KLEFR_OK);
    ck_assert(found);
    ck_assert_uint_eq(ds.address_len, 0);
    ck_assert_ptr_eq(ds.value, m.data + 20);
    ck_assert_uint_eq(ds.value_len, 3);
    ck_assert_int_eq(klefr_iec_dataset_next(&p, m.data, m.data_len, &ds, &found), KLEFR_OK);
    ck_assert(!found);
}
END_TEST

START_TEST(test_answer_data_without_end_mark_is_complete)
{
    /* The answer to R1 is one data set with no `!`. */
    klefr_iec_parser p;
    klefr_iec_parser_init(&p);
    klefr_iec_dataset ds;
    bool found = false;
    const char *data = "1.8.0(001234.56*kWh)";
    ck_assert_int_eq(klefr_iec_dataset_next(&p, data, strlen(data), &ds, &found), KLEFR_OK);
    ck_assert(found);
    ck_assert_int_eq(klefr_iec_dataset_next(&p, data, strlen(data), &ds, &found), KLEFR_OK);
    ck_assert(!found);
}
END_TEST

START_TEST(test_address_forms_match)
{
    ck_assert(klefr_iec_address_match("1.8.0", 5, "1-0:1.8.0*255", 13));
    ck_assert(klefr_iec_address_match("1-0:1.8.0*255", 13, "1.8.0", 5));
    ck_assert(klefr_iec_address_match("1-0:1.8.0", 9, "1.8.0*255", 9));
    ck_assert(klefr_iec_address_match("C.1.0", 5, "C.1.0", 5));
    ck_assert(!klefr_iec_address_match("1.8.0", 5, "1.8.1", 5));
    ck_assert(!klefr_iec_address_match("1-0:1.8.0", 9, "1-1:1.8.0", 9));
    ck_assert(!klefr_iec_address_match("1.8.0*255", 9, "1.8.0*101", 9));
    ck_assert(!klefr_iec_address_match("1.8", 3, "1.8.0", 5));
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("iec62056 data sets");
    TCase *tc = tcase_create("readouts");
    tcase_add_test(tc, test_short_obis_readout_with_tariffs_and_dates);
    tcase_add_test(tc, test_the_same_readout_fed_one_byte_at_a_time);
    tcase_add_test(tc, test_full_obis_readout_without_framing);
    tcase_add_test(tc, test_several_data_sets_on_one_line);
    tcase_add_test(tc, test_zero_copy_iteration_points_into_the_message);
    tcase_add_test(tc, test_answer_data_without_end_mark_is_complete);
    tcase_add_test(tc, test_address_forms_match);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(make_suite)

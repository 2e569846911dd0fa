/* SPDX-License-Identifier: MIT */
/* klefr_model_iec_readout_decode_report: in a KLEFR readout a value is
 * taken only in the exact form the meter writes it. Two equal characters
 * slipped into `0.00` pass the BCC and parity (issue 11) and would read as
 * 0.0055 kWh; here that data set is refused and counted, and so are data
 * sets of no quantity, empty values and quantities sent twice. The
 * readouts are written by hand from the meter's rendering rules (the
 * row's decimals, 8-digit addresses, units as in the table). */
#include <klefr/model_iec.h>

#include "klefr_test.h"

static klefr_decode_report decode(const char *text, klefr_values *v)
{
    klefr_decode_report r;
    memset(&r, 0xAA, sizeof r);
    klefr_values_clear(v);
    ck_assert_int_eq(klefr_model_iec_readout_decode_report(text, strlen(text), v, &r), KLEFR_OK);
    return r;
}

static double value_of(const klefr_values *v, klefr_quantity q)
{
    double x = -1;
    ck_assert_int_eq(klefr_values_get(v, q, &x), KLEFR_OK);
    return x;
}

START_TEST(test_the_meters_own_form_is_taken)
{
    klefr_values v;
    klefr_decode_report r = decode("0.0.0(17060518)\r\n"
                                   "128.0.5(005FD96E)\r\n"
                                   "128.1.2(10000.00)\r\n"
                                   "128.2.0(F)\r\n"
                                   "32.7.0(230.1*V)\r\n"
                                   "1.8.0(0.00*kWh)\r\n"
                                   "2.8.0(-0.01*kWh)\r\n"
                                   "!\r\n",
                                   &v);
    ck_assert_uint_eq(r.stored, 7);
    ck_assert_uint_eq(r.unknown + r.dropped + r.duplicates + r.noncanonical, 0);
    ck_assert_double_eq(value_of(&v, KLEFR_Q_SERIAL_NUMBER), 17060518);
    ck_assert_double_eq(value_of(&v, KLEFR_Q_CHECKSUM), 0x005FD96E);
    ck_assert_double_eq(value_of(&v, KLEFR_Q_CURRENT_DIRECTION), 'F');
    ck_assert_double_eq(value_of(&v, KLEFR_Q_FORWARD_ACTIVE_ENERGY), 0);
}
END_TEST

START_TEST(test_slipped_characters_are_noncanonical_not_a_value)
{
    static const char *bad[] = {
        "1.8.0(0.0055*kWh)\r\n",   /* "55" slipped in after the point */
        "1.8.0(00.00*kWh)\r\n",    /* a leading zero */
        "1.8.0(0.0*kWh)\r\n",      /* a decimal lost */
        "1.8.0(0.00*kWhh)\r\n",    /* the unit */
        "1.8.0(0.00)\r\n",         /* no unit where the meter writes one */
        "128.1.2(10000.00*V)\r\n", /* a unit where the meter writes none */
        "0.0.0(7060518)\r\n",      /* fewer than 8 digits */
        "128.0.5(005fd96e)\r\n",   /* lower-case hex */
        "32.7.0(+230.1*V)\r\n",    /* a sign */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        klefr_values v;
        klefr_decode_report r = decode(bad[i], &v);
        ck_assert_msg(r.noncanonical == 1 && r.stored == 0, "%s: stored %zu", bad[i], r.stored);
        for (unsigned q = 0; q < KLEFR_Q_COUNT; q++)
            ck_assert(!klefr_values_has(&v, (klefr_quantity)q));
    }
    /* The lenient decoder still reads any meter's forms. */
    klefr_values v;
    klefr_values_clear(&v);
    size_t matched = 0;
    ck_assert_int_eq(klefr_model_iec_readout_decode("1.8.0(0.0055*kWh)\r\n", 19, &v, &matched),
                     KLEFR_OK);
    ck_assert_uint_eq(matched, 1);
}
END_TEST

START_TEST(test_unknown_empty_and_repeated_data_sets_are_counted)
{
    klefr_values v;
    klefr_decode_report r = decode("1.8.9(1.00*kWh)\r\n"       /* no such address */
                                   "1.8.1(1.00*kWh)(2.00)\r\n" /* a second value */
                                   "2.8.0()\r\n"               /* empty */
                                   "32.7.0(2x0.1*V)\r\n"       /* not a number */
                                   "1.8.2(5.00*kWh)\r\n"
                                   "1.8.2(6.00*kWh)\r\n" /* twice */
                                   "14.7.0(50.00*Hz)\r\n",
                                   &v);
    ck_assert_uint_eq(r.unknown, 2);
    ck_assert_uint_eq(r.dropped, 2);
    ck_assert_uint_eq(r.duplicates, 2);
    ck_assert_uint_eq(r.noncanonical, 0);
    /* 1.8.1's first value is fine; its second bracket is what was counted. */
    ck_assert_uint_eq(r.stored, 2);
    ck_assert(klefr_values_has(&v, KLEFR_Q_T1_FORWARD_ACTIVE_ENERGY));
    ck_assert(klefr_values_has(&v, KLEFR_Q_FREQUENCY));
    ck_assert(!klefr_values_has(&v, KLEFR_Q_T2_FORWARD_ACTIVE_ENERGY));
    ck_assert(!klefr_values_has(&v, KLEFR_Q_REVERSE_ACTIVE_ENERGY));
    ck_assert(!klefr_values_has(&v, KLEFR_Q_VOLTAGE));
}
END_TEST

START_TEST(test_a_parse_error_stores_nothing)
{
    klefr_values v;
    klefr_values_clear(&v);
    klefr_decode_report r;
    const char *text = "1.8.0(1.00*kWh)\r\n1.8.1(1.00";
    ck_assert_int_ne(klefr_model_iec_readout_decode_report(text, strlen(text), &v, &r), KLEFR_OK);
    ck_assert_uint_eq(r.stored + r.unknown + r.dropped + r.duplicates + r.noncanonical, 0);
    ck_assert(!klefr_values_has(&v, KLEFR_Q_FORWARD_ACTIVE_ENERGY));
    ck_assert_int_eq(klefr_model_iec_readout_decode_report(text, 5, &v, NULL),
                     KLEFR_ERR_INVALID_ARG);
}
END_TEST

static Suite *report_suite(void)
{
    Suite *s = suite_create("readout_report");
    TCase *tc = tcase_create("report");
    tcase_add_test(tc, test_the_meters_own_form_is_taken);
    tcase_add_test(tc, test_slipped_characters_are_noncanonical_not_a_value);
    tcase_add_test(tc, test_unknown_empty_and_repeated_data_sets_are_counted);
    tcase_add_test(tc, test_a_parse_error_stores_nothing);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(report_suite)

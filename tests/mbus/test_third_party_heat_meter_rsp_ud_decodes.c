/* SPDX-License-Identifier: MIT */
/* A heat meter telegram of another maker, built by hand from EN 13757-3
 * (KAM, medium 04, storage 1 history, date, firmware text, fillers), read
 * with the public API only as an integrator would. */
#include <klefr/mbus.h>
#include <klefr/mbus_records.h>

#include "klefr_test.h"

#define HEAT_RSP_UD                                               \
    "68 42 42 68 08 05 72 78 56 34 12 2D 2C 1B 04 2A 00 00 00"    \
    " 04 06 10 27 00 00"          /* energy 10000 kWh */          \
    " 04 13 E8 03 00 00"          /* volume 1000 l */             \
    " 02 5A 2C 01"                /* flow 30.0 degC */            \
    " 02 5E F4 00"                /* return 24.4 degC */          \
    " 02 61 38 02"                /* difference 5.68 K */         \
    " 04 6D 2D 8D 3E 16"          /* 2009-06-30 13:45 */          \
    " 4C 06 00 50 00 00"          /* storage 1: 5000 kWh (BCD) */ \
    " 42 6C 3E 16"                /* storage 1: 2009-06-30 */     \
    " 0D FD 0E 05 38 31 2E 32 56" /* firmware "V2.18" */          \
    " 2F 2F AF 16"

START_TEST(test_heat_meter_header_and_every_record_decode)
{
    uint8_t in[128];
    size_t n = klefr_test_hex(HEAT_RSP_UD, in, sizeof in);
    klefr_mbus_frame f;
    ck_assert_int_eq(klefr_mbus_frame_decode(in, n, &f), KLEFR_OK);
    klefr_mbus_header h;
    size_t hl;
    ck_assert_int_eq(klefr_mbus_header_decode(f.ci, f.data, f.data_len, &h, &hl), KLEFR_OK);
    ck_assert_uint_eq(h.id, 12345678);
    char man[4];
    ck_assert_int_eq(klefr_mbus_manufacturer_decode(h.manufacturer, man), KLEFR_OK);
    ck_assert_str_eq(man, "KAM");
    ck_assert_str_eq(klefr_mbus_medium_name(h.medium), "Heat (outlet)");
    ck_assert_uint_eq(h.access, 0x2A);

    klefr_mbus_record_iter it;
    klefr_mbus_record r[10];
    size_t count = 0;
    klefr_mbus_record_iter_init(&it, f.data + hl, f.data_len - hl);
    while (count < 10 && klefr_mbus_record_next(&it, &r[count]))
        count++;
    ck_assert_int_eq(it.error, KLEFR_OK);
    ck_assert_uint_eq(count, 9);

    double v;
    ck_assert_str_eq(r[0].quantity, "Energy");
    ck_assert_str_eq(r[0].unit, "Wh");
    ck_assert_int_eq(klefr_mbus_value_to_double(&r[0].value, &v), KLEFR_OK);
    ck_assert_double_eq(v, 10000000.0);
    ck_assert_str_eq(r[1].unit, "m^3");
    klefr_mbus_value_to_double(&r[1].value, &v);
    ck_assert_double_eq_tol(v, 1.0, 1e-12);
    ck_assert_str_eq(r[2].quantity, "Flow temperature");
    klefr_mbus_value_to_double(&r[2].value, &v);
    ck_assert_double_eq_tol(v, 30.0, 1e-12);
    ck_assert_str_eq(r[3].quantity, "Return temperature");
    klefr_mbus_value_to_double(&r[3].value, &v);
    ck_assert_double_eq_tol(v, 24.4, 1e-12);
    ck_assert_str_eq(r[4].unit, "K");
    klefr_mbus_value_to_double(&r[4].value, &v);
    ck_assert_double_eq_tol(v, 5.68, 1e-12);
    ck_assert_int_eq(r[5].value.type, KLEFR_MBUS_VALUE_DATETIME);
    ck_assert_uint_eq(r[5].value.datetime.hour, 13);
    ck_assert_uint_eq(r[6].storage, 1);
    klefr_mbus_value_to_double(&r[6].value, &v);
    ck_assert_double_eq(v, 5000000.0);
    ck_assert_uint_eq(r[7].storage, 1);
    ck_assert_int_eq(r[7].value.datetime.type, 'G');
    ck_assert_uint_eq(r[7].value.datetime.day, 30);
    char fw[16];
    ck_assert_int_eq(r[8].value.type, KLEFR_MBUS_VALUE_STRING);
    klefr_mbus_string_copy(r[8].value.bytes, r[8].value.bytes_len, fw, sizeof fw);
    ck_assert_str_eq(fw, "V2.18");
    ck_assert_str_eq(r[8].quantity, "Firmware version");
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("mbus_third_party");
    TCase *tc = tcase_create("heat");
    tcase_add_test(tc, test_heat_meter_header_and_every_record_decode);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(make_suite)

/* SPDX-License-Identifier: MIT */
/* The one validation of written settings, and Modbus writes decoded into
 * settings with the SPEC section 4 exception rules. */
#include <klefr/modbus.h>
#include <klefr/model.h>
#include <klefr/model_modbus.h>

#include "klefr_test.h"

#define M14 KLEFR_MODEL_6914
#define M13 KLEFR_MODEL_6913

START_TEST(test_allowed_values_of_every_setting)
{
    ck_assert_int_eq(klefr_quantity_validate(M14, KLEFR_Q_BUS_ADDRESS, 1), KLEFR_OK);
    ck_assert_int_eq(klefr_quantity_validate(M14, KLEFR_Q_BUS_ADDRESS, 247), KLEFR_OK);
    ck_assert_int_eq(klefr_quantity_validate(M14, KLEFR_Q_BUS_ADDRESS, 0), KLEFR_ERR_RANGE);
    ck_assert_int_eq(klefr_quantity_validate(M14, KLEFR_Q_BUS_ADDRESS, 248), KLEFR_ERR_RANGE);
    ck_assert_int_eq(klefr_quantity_validate(M14, KLEFR_Q_BUS_ADDRESS, 10.5), KLEFR_ERR_RANGE);
    ck_assert_int_eq(klefr_quantity_validate(M14, KLEFR_Q_BAUD_RATE, 9600), KLEFR_OK);
    ck_assert_int_eq(klefr_quantity_validate(M14, KLEFR_Q_BAUD_RATE, 300), KLEFR_ERR_RANGE);
    ck_assert_int_eq(klefr_quantity_validate(M14, KLEFR_Q_BAUD_RATE, 19200), KLEFR_ERR_RANGE);
    ck_assert_int_eq(klefr_quantity_validate(M14, KLEFR_Q_S0_RATE, 0.01), KLEFR_OK);
    ck_assert_int_eq(klefr_quantity_validate(M14, KLEFR_Q_S0_RATE, (double)0.1f), KLEFR_OK);
    ck_assert_int_eq(klefr_quantity_validate(M14, KLEFR_Q_S0_RATE, 500), KLEFR_ERR_RANGE);
    for (int c = 0; c <= 12; c++) {
        bool ok = c == 1 || c == 4 || c == 5 || c == 6 || c == 9 || c == 10;
        ck_assert_int_eq(klefr_quantity_validate(M14, KLEFR_Q_CALCULATION_CODE, c),
                         ok ? KLEFR_OK : KLEFR_ERR_RANGE);
    }
    ck_assert_int_eq(klefr_quantity_validate(M14, KLEFR_Q_LCD_CYCLE_TIME, 30), KLEFR_OK);
    ck_assert_int_eq(klefr_quantity_validate(M14, KLEFR_Q_LCD_CYCLE_TIME, 31), KLEFR_ERR_RANGE);
    ck_assert_int_eq(klefr_quantity_validate(M14, KLEFR_Q_PARITY, 3), KLEFR_OK);
    ck_assert_int_eq(klefr_quantity_validate(M14, KLEFR_Q_PARITY, 4), KLEFR_ERR_RANGE);
    ck_assert_int_eq(klefr_quantity_validate(M14, KLEFR_Q_TARIFF, 12), KLEFR_OK);
    ck_assert_int_eq(klefr_quantity_validate(M14, KLEFR_Q_TARIFF, 3), KLEFR_ERR_RANGE);
    ck_assert_int_eq(klefr_quantity_validate(M14, KLEFR_Q_PASSWORD, 9999), KLEFR_OK);
    ck_assert_int_eq(klefr_quantity_validate(M14, KLEFR_Q_PASSWORD, 10000), KLEFR_ERR_RANGE);
    ck_assert_int_eq(klefr_quantity_validate(M14, KLEFR_Q_BACKLIGHT, 2), KLEFR_OK);
    ck_assert_int_eq(klefr_quantity_validate(M14, KLEFR_Q_DAY_COUNTER, 0), KLEFR_OK);
    ck_assert_int_eq(klefr_quantity_validate(M14, KLEFR_Q_DAY_COUNTER, 1), KLEFR_ERR_RANGE);
    ck_assert_int_eq(klefr_quantity_validate(M14, KLEFR_Q_POWER_DOWN_COUNTER, 0), KLEFR_OK);
    ck_assert_int_eq(klefr_quantity_validate(M14, KLEFR_Q_POWER_DOWN_COUNTER, 5), KLEFR_ERR_RANGE);
    ck_assert_int_eq(klefr_quantity_validate(M14, KLEFR_Q_S0_RATE, 0.0 / 0.0), KLEFR_ERR_RANGE);
}
END_TEST

START_TEST(test_mbus_meters_have_their_own_address_and_baud_ranges)
{
    ck_assert_int_eq(klefr_quantity_validate(M13, KLEFR_Q_BUS_ADDRESS, 0), KLEFR_OK);
    ck_assert_int_eq(klefr_quantity_validate(M13, KLEFR_Q_BUS_ADDRESS, 250), KLEFR_OK);
    ck_assert_int_eq(klefr_quantity_validate(M13, KLEFR_Q_BUS_ADDRESS, 251), KLEFR_ERR_RANGE);
    ck_assert_int_eq(klefr_quantity_validate(M13, KLEFR_Q_BAUD_RATE, 300), KLEFR_OK);
    ck_assert_int_eq(klefr_quantity_validate(M13, KLEFR_Q_BAUD_RATE, 600), KLEFR_OK);
    ck_assert_int_eq(klefr_quantity_validate(M13, KLEFR_Q_SECONDARY_ADDRESS, 45230115), KLEFR_OK);
    ck_assert_int_eq(klefr_quantity_validate(M13, KLEFR_Q_SECONDARY_ADDRESS, 1e8), KLEFR_ERR_RANGE);
    /* Parity is fixed (even) on M-Bus; the secondary address is M-Bus only. */
    ck_assert_int_eq(klefr_quantity_validate(M13, KLEFR_Q_PARITY, 1), KLEFR_ERR_NOT_AVAILABLE);
    ck_assert_int_eq(klefr_quantity_validate(M14, KLEFR_Q_SECONDARY_ADDRESS, 1),
                     KLEFR_ERR_NOT_AVAILABLE);
}
END_TEST

START_TEST(test_read_only_and_model_rules)
{
    ck_assert_int_eq(klefr_quantity_validate(M14, KLEFR_Q_VOLTAGE, 230), KLEFR_ERR_NOT_WRITABLE);
    ck_assert_int_eq(klefr_quantity_validate(M14, KLEFR_Q_SERIAL_NUMBER, 1),
                     KLEFR_ERR_NOT_WRITABLE);
    ck_assert_int_eq(klefr_quantity_validate(KLEFR_MODEL_6911, KLEFR_Q_BUS_ADDRESS, 1),
                     KLEFR_ERR_NOT_AVAILABLE);
    ck_assert_int_eq(klefr_quantity_validate(KLEFR_MODEL_6911, KLEFR_Q_TARIFF, 2),
                     KLEFR_ERR_NOT_WRITABLE);
    ck_assert_int_eq(klefr_quantity_validate(KLEFR_MODEL_6912, KLEFR_Q_TARIFF, 2),
                     KLEFR_ERR_NOT_WRITABLE);
    ck_assert_int_eq(klefr_quantity_validate(KLEFR_MODEL_6911, KLEFR_Q_S0_RATE, 1000), KLEFR_OK);
    ck_assert_int_eq(klefr_quantity_validate((klefr_model)6915, KLEFR_Q_S0_RATE, 1000),
                     KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_quantity_validate(M14, KLEFR_Q_COUNT, 1), KLEFR_ERR_INVALID_ARG);
}
END_TEST

static klefr_err write(uint8_t fn, uint16_t start, const uint16_t *regs, size_t count,
                       klefr_setting *out, size_t *n)
{
    return klefr_model_modbus_write_decode(M14, fn, start, regs, count, out, 4, n);
}

/* What klefr_quantity_valid_values offers is what klefr_quantity_validate
 * accepts, model by model: every listed value passes, its neighbours do not. */
START_TEST(test_valid_values_are_what_validate_accepts)
{
    for (klefr_model model = KLEFR_MODEL_6911; model <= KLEFR_MODEL_6914; model++) {
        for (klefr_quantity q = 0; q < KLEFR_Q_COUNT; q++) {
            const klefr_valid_values *v = klefr_quantity_valid_values(model, q);
            if (v == NULL)
                continue;
            ck_assert_int_eq(klefr_quantity_validate(model, q, v->list ? v->list[0] : v->min),
                             KLEFR_OK);
            for (size_t i = 0; v->list != NULL && i < v->list_len; i++)
                ck_assert_int_eq(klefr_quantity_validate(model, q, v->list[i]), KLEFR_OK);
            if (v->list == NULL) {
                ck_assert_int_eq(klefr_quantity_validate(model, q, v->max), KLEFR_OK);
                ck_assert_int_eq(klefr_quantity_validate(model, q, v->max + 1), KLEFR_ERR_RANGE);
            }
        }
    }
    const klefr_valid_values *baud =
        klefr_quantity_valid_values(KLEFR_MODEL_6914, KLEFR_Q_BAUD_RATE);
    ck_assert_uint_eq(baud->list_len, 4); /* 1200-9600 */
    baud = klefr_quantity_valid_values(KLEFR_MODEL_6913, KLEFR_Q_BAUD_RATE);
    ck_assert_uint_eq(baud->list_len, 6); /* 300-9600 */
    ck_assert_double_eq(klefr_quantity_valid_values(KLEFR_MODEL_6913, KLEFR_Q_BUS_ADDRESS)->max,
                        250);
    /* Read-only, not on the model, not writable on the model, unknown. */
    ck_assert_ptr_null(klefr_quantity_valid_values(KLEFR_MODEL_6914, KLEFR_Q_VOLTAGE));
    ck_assert_ptr_null(klefr_quantity_valid_values(KLEFR_MODEL_6911, KLEFR_Q_BAUD_RATE));
    ck_assert_ptr_null(klefr_quantity_valid_values(KLEFR_MODEL_6911, KLEFR_Q_TARIFF));
    ck_assert_ptr_nonnull(klefr_quantity_valid_values(KLEFR_MODEL_6913, KLEFR_Q_TARIFF));
    ck_assert_ptr_null(klefr_quantity_valid_values(KLEFR_MODEL_6914, KLEFR_Q_COUNT));
    ck_assert_ptr_null(klefr_quantity_valid_values((klefr_model)99, KLEFR_Q_BAUD_RATE));
}
END_TEST

START_TEST(test_the_manual_writes_decode_into_settings)
{
    klefr_setting s[4];
    size_t n = 0;
    const uint16_t id = 10, baud = 0x2580, cycle = 0x0025, tariff = 2, none = 2, zero = 0;
    ck_assert_int_eq(write(6, 0x4003, &id, 1, s, &n), KLEFR_OK);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(s[0].quantity, KLEFR_Q_BUS_ADDRESS);
    ck_assert(s[0].value == 10);
    ck_assert_int_eq(write(6, 0x4004, &baud, 1, s, &n), KLEFR_OK);
    ck_assert(s[0].value == 9600);
    ck_assert_int_eq(write(6, 0x4010, &cycle, 1, s, &n), KLEFR_OK);
    ck_assert(s[0].value == 25);
    ck_assert_int_eq(write(6, 0x6048, &tariff, 1, s, &n), KLEFR_OK);
    ck_assert_int_eq(write(6, 0x4011, &none, 1, s, &n), KLEFR_OK);
    ck_assert_int_eq(write(6, 0x4016, &zero, 1, s, &n), KLEFR_OK);
    ck_assert_int_eq(s[0].quantity, KLEFR_Q_POWER_DOWN_COUNTER);
    const uint16_t s0[2] = {0x4120, 0x0000}, day[2] = {0, 0};
    ck_assert_int_eq(write(16, 0x400D, s0, 2, s, &n), KLEFR_OK);
    ck_assert_int_eq(s[0].quantity, KLEFR_Q_S0_RATE);
    ck_assert(s[0].value == 10.0);
    ck_assert_int_eq(write(16, 0x6049, day, 2, s, &n), KLEFR_OK);
    ck_assert_int_eq(s[0].quantity, KLEFR_Q_DAY_COUNTER);
}
END_TEST

START_TEST(test_function_16_over_several_settings_is_all_or_nothing)
{
    klefr_setting s[4];
    size_t n = 99;
    /* 400F calculation code 9, 4010 LCD 0x0012 = 12 s, 4011 parity odd. */
    const uint16_t ok[3] = {9, 0x0012, 3};
    ck_assert_int_eq(write(16, 0x400F, ok, 3, s, &n), KLEFR_OK);
    ck_assert_uint_eq(n, 3);
    ck_assert(s[1].value == 12);
    ck_assert(s[2].value == 3);
    /* One bad value refuses the lot: nothing to apply. */
    n = 99;
    const uint16_t bad[3] = {9, 0x0031, 3};
    ck_assert_int_eq(write(16, 0x400F, bad, 3, s, &n), KLEFR_EXC_ILLEGAL_DATA_VALUE);
    ck_assert_uint_eq(n, 99);
}
END_TEST

START_TEST(test_write_errors_follow_the_spec)
{
    klefr_setting s[4];
    size_t n;
    const uint16_t one = 1, bad_id = 248, bad_code = 7, bad_hex = 0x001A;
    /* Not writable: 02. */
    ck_assert_int_eq(write(6, 0x4000, &one, 1, s, &n), KLEFR_EXC_ILLEGAL_DATA_ADDRESS);
    ck_assert_int_eq(write(6, 0x5000, &one, 1, s, &n), KLEFR_EXC_ILLEGAL_DATA_ADDRESS);
    ck_assert_int_eq(write(6, 0x7000, &one, 1, s, &n), KLEFR_EXC_ILLEGAL_DATA_ADDRESS);
    /* A two-register value by function 06, or half of it by 16: 02. */
    ck_assert_int_eq(write(6, 0x400D, &one, 1, s, &n), KLEFR_EXC_ILLEGAL_DATA_ADDRESS);
    ck_assert_int_eq(write(16, 0x400D, &one, 1, s, &n), KLEFR_EXC_ILLEGAL_DATA_ADDRESS);
    ck_assert_int_eq(write(16, 0x400E, &one, 1, s, &n), KLEFR_EXC_ILLEGAL_DATA_ADDRESS);
    /* Out of range: 03. */
    ck_assert_int_eq(write(6, 0x4003, &bad_id, 1, s, &n), KLEFR_EXC_ILLEGAL_DATA_VALUE);
    ck_assert_int_eq(write(6, 0x400F, &bad_code, 1, s, &n), KLEFR_EXC_ILLEGAL_DATA_VALUE);
    ck_assert_int_eq(write(6, 0x4016, &one, 1, s, &n), KLEFR_EXC_ILLEGAL_DATA_VALUE);
    ck_assert_int_eq(write(6, 0x4010, &bad_hex, 1, s, &n), KLEFR_EXC_ILLEGAL_DATA_VALUE);
    const uint16_t s0_bad[2] = {0x43FA, 0x0000}; /* 500.0 */
    ck_assert_int_eq(write(16, 0x400D, s0_bad, 2, s, &n), KLEFR_EXC_ILLEGAL_DATA_VALUE);
    const uint16_t day_bad[2] = {0x3F80, 0x0000}; /* 1.0: only 0 resets */
    ck_assert_int_eq(write(16, 0x6049, day_bad, 2, s, &n), KLEFR_EXC_ILLEGAL_DATA_VALUE);
    /* Too little room for the result is the caller's problem, not the meter's. */
    const uint16_t three[3] = {9, 0x0012, 3};
    ck_assert_int_eq(klefr_model_modbus_write_decode(M14, 16, 0x400F, three, 3, s, 2, &n),
                     KLEFR_ERR_BUFFER_TOO_SMALL);
    ck_assert_int_eq(klefr_model_modbus_write_decode(M14, 3, 0x400F, three, 1, s, 2, &n),
                     KLEFR_ERR_INVALID_ARG);
}
END_TEST

static Suite *validation_suite(void)
{
    Suite *s = suite_create("setting_validation");
    TCase *tc = tcase_create("validation");
    tcase_add_test(tc, test_allowed_values_of_every_setting);
    tcase_add_test(tc, test_mbus_meters_have_their_own_address_and_baud_ranges);
    tcase_add_test(tc, test_read_only_and_model_rules);
    tcase_add_test(tc, test_valid_values_are_what_validate_accepts);
    tcase_add_test(tc, test_the_manual_writes_decode_into_settings);
    tcase_add_test(tc, test_function_16_over_several_settings_is_all_or_nothing);
    tcase_add_test(tc, test_write_errors_follow_the_spec);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(validation_suite)

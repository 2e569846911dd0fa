/* SPDX-License-Identifier: MIT */
/* klefr_values <-> Modbus register blocks, both ways. */
#include <klefr/modbus.h>
#include <klefr/model.h>
#include <klefr/model_modbus.h>

#include "klefr_test.h"

static klefr_values v;

static void setup(void)
{
    klefr_values_clear(&v);
}

START_TEST(test_values_have_presence_bits)
{
    double d = 42;
    ck_assert(!klefr_values_has(&v, KLEFR_Q_VOLTAGE));
    ck_assert_int_eq(klefr_values_get(&v, KLEFR_Q_VOLTAGE, &d), KLEFR_ERR_NOT_AVAILABLE);
    ck_assert(d == 42);
    ck_assert_int_eq(klefr_values_set(&v, KLEFR_Q_VOLTAGE, 230.5), KLEFR_OK);
    ck_assert(klefr_values_has(&v, KLEFR_Q_VOLTAGE));
    ck_assert(!klefr_values_has(&v, KLEFR_Q_L1_VOLTAGE));
    ck_assert_int_eq(klefr_values_get(&v, KLEFR_Q_VOLTAGE, &d), KLEFR_OK);
    ck_assert(d == 230.5);
    ck_assert_int_eq(klefr_values_set(&v, KLEFR_Q_COUNT, 1), KLEFR_ERR_INVALID_ARG);
    ck_assert(!klefr_values_has(&v, KLEFR_Q_COUNT));
}
END_TEST

START_TEST(test_identification_block_decodes_every_type)
{
    /* 4000-401F as a 6914 would answer, written out by hand. */
    uint16_t r[32] = {0};
    r[0x00] = 0x1706;
    r[0x01] = 0x0518; /* serial 17060518 (HEX) */
    r[0x02] = 0x6914; /* meter code (HEX) */
    r[0x03] = 0x0001; /* Modbus ID */
    r[0x04] = 0x2580; /* 9600 baud */
    r[0x07] = 0x400B;
    r[0x08] = 0x851F; /* software version 2.18f */
    r[0x0B] = 45;     /* meter amps */
    r[0x0D] = 0x461C;
    r[0x0E] = 0x4000; /* S0 10000.0 */
    r[0x0F] = 5;      /* calculation code */
    r[0x10] = 0x0025; /* LCD 25 s (HEX) */
    r[0x12] = 'R';    /* direction */
    r[0x16] = 6;      /* power down counter */
    r[0x17] = 2;      /* quadrant */
    r[0x1B] = 0xDEAD;
    r[0x1C] = 0xBEEF; /* checksum bits */
    ck_assert_int_eq(klefr_model_modbus_values_decode(KLEFR_MODEL_6914, 0x4000, r, 32, &v),
                     KLEFR_OK);
    ck_assert(v.value[KLEFR_Q_SERIAL_NUMBER] == 17060518);
    ck_assert(v.value[KLEFR_Q_METER_CODE] == 6914);
    ck_assert(v.value[KLEFR_Q_BAUD_RATE] == 9600);
    ck_assert(v.value[KLEFR_Q_SOFTWARE_VERSION] == (double)2.18f);
    ck_assert(v.value[KLEFR_Q_S0_RATE] == 10000);
    ck_assert(v.value[KLEFR_Q_LCD_CYCLE_TIME] == 25);
    ck_assert(v.value[KLEFR_Q_CURRENT_DIRECTION] == 'R');
    ck_assert(v.value[KLEFR_Q_CHECKSUM] == 3735928559.0);
    ck_assert(v.value[KLEFR_Q_POWER_DOWN_COUNTER] == 6);
    ck_assert(klefr_values_has(&v, KLEFR_Q_CT_MODE));
    ck_assert(!klefr_values_has(&v, KLEFR_Q_VOLTAGE));
}
END_TEST

START_TEST(test_values_cut_by_the_block_ends_are_skipped)
{
    /* 6001-6004: the second half of the total, T1 total whole, half of T2. */
    const uint16_t r[4] = {0x0000, 0x4580, 0x0000, 0x1234};
    ck_assert_int_eq(klefr_model_modbus_values_decode(KLEFR_MODEL_6914, 0x6001, r, 4, &v),
                     KLEFR_OK);
    ck_assert(!klefr_values_has(&v, KLEFR_Q_TOTAL_ACTIVE_ENERGY));
    ck_assert(klefr_values_has(&v, KLEFR_Q_T1_TOTAL_ACTIVE_ENERGY));
    ck_assert(v.value[KLEFR_Q_T1_TOTAL_ACTIVE_ENERGY] == 4096.0);
    ck_assert(!klefr_values_has(&v, KLEFR_Q_T2_TOTAL_ACTIVE_ENERGY));
}
END_TEST

START_TEST(test_a_bad_hex_register_changes_nothing)
{
    uint16_t r[4] = {0x1706, 0x05A8, 0x6914, 1};
    ck_assert_int_eq(klefr_model_modbus_values_decode(KLEFR_MODEL_6914, 0x4000, r, 4, &v),
                     KLEFR_ERR_ENCODING);
    for (unsigned q = 0; q < KLEFR_Q_COUNT; q++)
        ck_assert(!klefr_values_has(&v, (klefr_quantity)q));
}
END_TEST

START_TEST(test_rendering_the_energy_block_gives_float_abcd)
{
    klefr_values_set(&v, KLEFR_Q_TOTAL_ACTIVE_ENERGY, 16048.14);
    klefr_values_set(&v, KLEFR_Q_DAY_COUNTER, 0.5);
    klefr_values_set(&v, KLEFR_Q_TARIFF, 2);
    klefr_values_set(&v, KLEFR_Q_L1_TOTAL_ACTIVE_ENERGY, 99); /* three-phase: ignored */
    uint16_t r[75];
    memset(r, 0xEE, sizeof r);
    ck_assert_int_eq(klefr_model_modbus_values_encode(KLEFR_MODEL_6914, &v, 0x6000, r, 75),
                     KLEFR_OK);
    /* 16048.14f = 0x467AC08F */
    ck_assert_uint_eq(r[0], 0x467A);
    ck_assert_uint_eq(r[1], 0xC08F);
    ck_assert_uint_eq(r[2], 0);
    ck_assert_uint_eq(r[6], 0);
    ck_assert_uint_eq(r[7], 0);
    ck_assert_uint_eq(r[0x48], 2);
    ck_assert_uint_eq(r[0x49], 0x3F00);
    ck_assert_uint_eq(r[0x4A], 0x0000);
}
END_TEST

START_TEST(test_a_read_may_start_inside_a_two_register_value)
{
    klefr_values_set(&v, KLEFR_Q_SERIAL_NUMBER, 17060518);
    klefr_values_set(&v, KLEFR_Q_METER_CODE, 6914);
    uint16_t r[2];
    ck_assert_int_eq(klefr_model_modbus_values_encode(KLEFR_MODEL_6914, &v, 0x4001, r, 2),
                     KLEFR_OK);
    ck_assert_uint_eq(r[0], 0x0518);
    ck_assert_uint_eq(r[1], 0x6914);
    ck_assert_int_eq(klefr_model_modbus_values_encode(KLEFR_MODEL_6914, &v, 0x4000, r, 1),
                     KLEFR_OK);
    ck_assert_uint_eq(r[0], 0x1706);
}
END_TEST

START_TEST(test_registers_outside_the_map_are_illegal_addresses)
{
    uint16_t r[8];
    ck_assert_int_eq(klefr_model_modbus_values_encode(KLEFR_MODEL_6914, &v, 0x401E, r, 3),
                     KLEFR_EXC_ILLEGAL_DATA_ADDRESS);
    ck_assert_int_eq(klefr_model_modbus_values_encode(KLEFR_MODEL_6914, &v, 0x0000, r, 1),
                     KLEFR_EXC_ILLEGAL_DATA_ADDRESS);
    ck_assert_int_eq(klefr_model_modbus_values_encode(KLEFR_MODEL_6914, &v, 0x604A, r, 2),
                     KLEFR_EXC_ILLEGAL_DATA_ADDRESS);
    ck_assert_int_eq(klefr_model_modbus_values_encode(KLEFR_MODEL_6914, &v, 0xFFFF, r, 2),
                     KLEFR_EXC_ILLEGAL_DATA_ADDRESS);
    ck_assert_int_eq(klefr_model_modbus_values_encode(KLEFR_MODEL_6914, &v, 0x401E, r, 2),
                     KLEFR_OK);
}
END_TEST

START_TEST(test_three_blocks_cover_the_whole_map)
{
    klefr_modbus_block b[4];
    size_t n = 0;
    ck_assert_int_eq(klefr_model_modbus_blocks_get(KLEFR_MODEL_6914, b, 4, &n), KLEFR_OK);
    ck_assert_uint_eq(n, 3);
    ck_assert_uint_eq(b[0].start, 0x4000);
    ck_assert_uint_eq(b[0].count, 32);
    ck_assert_uint_eq(b[1].start, 0x5000);
    ck_assert_uint_eq(b[1].count, 50);
    ck_assert_uint_eq(b[2].start, 0x6000);
    ck_assert_uint_eq(b[2].count, 75);
    ck_assert_int_eq(klefr_model_modbus_blocks_get(KLEFR_MODEL_6914, b, 2, &n),
                     KLEFR_ERR_BUFFER_TOO_SMALL);
    ck_assert_uint_eq(n, 3);
}
END_TEST

START_TEST(test_render_then_decode_gives_the_same_reading)
{
    klefr_values src, back;
    klefr_values_clear(&src);
    klefr_values_clear(&back);
    klefr_values_set(&src, KLEFR_Q_SERIAL_NUMBER, 12345678);
    klefr_values_set(&src, KLEFR_Q_VOLTAGE, 231.25);
    klefr_values_set(&src, KLEFR_Q_POWER_FACTOR, -0.5);
    klefr_values_set(&src, KLEFR_Q_T2_REVERSE_REACTIVE_ENERGY, 6789.0);
    klefr_values_set(&src, KLEFR_Q_PARITY, 3);
    klefr_modbus_block b[3];
    size_t n;
    ck_assert_int_eq(klefr_model_modbus_blocks_get(KLEFR_MODEL_6914, b, 3, &n), KLEFR_OK);
    for (size_t i = 0; i < n; i++) {
        uint16_t regs[125];
        ck_assert_int_eq(
            klefr_model_modbus_values_encode(KLEFR_MODEL_6914, &src, b[i].start, regs, b[i].count),
            KLEFR_OK);
        ck_assert_int_eq(
            klefr_model_modbus_values_decode(KLEFR_MODEL_6914, b[i].start, regs, b[i].count, &back),
            KLEFR_OK);
    }
    ck_assert(back.value[KLEFR_Q_SERIAL_NUMBER] == 12345678);
    ck_assert(back.value[KLEFR_Q_VOLTAGE] == 231.25);
    ck_assert(back.value[KLEFR_Q_POWER_FACTOR] == -0.5);
    ck_assert(back.value[KLEFR_Q_T2_REVERSE_REACTIVE_ENERGY] == 6789.0);
    ck_assert(back.value[KLEFR_Q_PARITY] == 3);
    ck_assert(back.value[KLEFR_Q_CURRENT] == 0);
    /* Quantities without a register are not filled by Modbus. */
    ck_assert(!klefr_values_has(&back, KLEFR_Q_PASSWORD));
    ck_assert(!klefr_values_has(&back, KLEFR_Q_SECONDARY_ADDRESS));
}
END_TEST

/* The model picks the map: the Modbus ID (4003) and baud rate (4004) are
 * settings of the 6913 and 6914 only, the parity (4011) of the 6914 only. */
START_TEST(test_the_model_decides_what_is_on_its_map)
{
    ck_assert_int_eq(klefr_model_modbus_lookup(KLEFR_MODEL_6914, 0x4003)->id, KLEFR_Q_BUS_ADDRESS);
    ck_assert_int_eq(klefr_model_modbus_lookup(KLEFR_MODEL_6913, 0x4003)->id, KLEFR_Q_BUS_ADDRESS);
    ck_assert_ptr_null(klefr_model_modbus_lookup(KLEFR_MODEL_6911, 0x4003));
    ck_assert_ptr_null(klefr_model_modbus_lookup(KLEFR_MODEL_6913, 0x4011));
    ck_assert_ptr_null(klefr_model_modbus_lookup((klefr_model)0, 0x4000));
    ck_assert_int_eq(klefr_model_modbus_lookup(KLEFR_MODEL_6911, 0x4001)->id,
                     KLEFR_Q_SERIAL_NUMBER);

    const uint16_t r[5] = {0x1706, 0x0518, 0x6911, 0x0001, 0x2580};
    ck_assert_int_eq(klefr_model_modbus_values_decode(KLEFR_MODEL_6911, 0x4000, r, 5, &v),
                     KLEFR_OK);
    ck_assert(v.value[KLEFR_Q_SERIAL_NUMBER] == 17060518);
    ck_assert(v.value[KLEFR_Q_METER_CODE] == 6911);
    ck_assert(!klefr_values_has(&v, KLEFR_Q_BUS_ADDRESS));
    ck_assert(!klefr_values_has(&v, KLEFR_Q_BAUD_RATE));

    /* An unknown model is refused and changes nothing. */
    klefr_values_clear(&v);
    ck_assert_int_eq(klefr_model_modbus_values_decode((klefr_model)6915, 0x4000, r, 5, &v),
                     KLEFR_ERR_INVALID_ARG);
    for (unsigned q = 0; q < KLEFR_Q_COUNT; q++)
        ck_assert(!klefr_values_has(&v, (klefr_quantity)q));

    uint16_t out[1] = {0x5555};
    ck_assert_int_eq(klefr_model_modbus_values_encode(KLEFR_MODEL_6911, &v, 0x4003, out, 1),
                     KLEFR_EXC_ILLEGAL_DATA_ADDRESS);
    ck_assert_int_eq(klefr_model_modbus_values_encode(KLEFR_MODEL_6914, &v, 0x4003, out, 1),
                     KLEFR_OK);
    ck_assert_uint_eq(out[0], 0);

    /* Without 4003-4004 and 4011 the 6911's settings block splits in three. */
    klefr_modbus_block b14[8], b11[8];
    size_t n14, n11;
    ck_assert_int_eq(klefr_model_modbus_blocks_get(KLEFR_MODEL_6914, b14, 8, &n14), KLEFR_OK);
    ck_assert_int_eq(klefr_model_modbus_blocks_get(KLEFR_MODEL_6911, b11, 8, &n11), KLEFR_OK);
    ck_assert_uint_eq(n11, n14 + 2);
    ck_assert_uint_eq(b11[0].start, 0x4000);
    ck_assert_uint_eq(b11[0].count, 3);
    ck_assert_uint_eq(b11[1].start, 0x4005);
    ck_assert_uint_eq(b11[1].count, 0x4011 - 0x4005);
    ck_assert_uint_eq(b11[2].start, 0x4012);
    ck_assert_int_eq(klefr_model_modbus_blocks_get((klefr_model)0, b11, 8, &n11),
                     KLEFR_ERR_INVALID_ARG);

    const klefr_quantity want[1] = {KLEFR_Q_BAUD_RATE};
    ck_assert_int_eq(klefr_model_modbus_blocks_for(KLEFR_MODEL_6911, want, 1, b11, 8, &n11),
                     KLEFR_OK);
    ck_assert_uint_eq(n11, 0);
    ck_assert_int_eq(klefr_model_modbus_blocks_for(KLEFR_MODEL_6914, want, 1, b14, 8, &n14),
                     KLEFR_OK);
    ck_assert_uint_eq(n14, 1);
    ck_assert_uint_eq(b14[0].start, 0x4004);
    ck_assert_uint_eq(b14[0].count, 1);
}
END_TEST

static Suite *values_suite(void)
{
    Suite *s = suite_create("values_modbus");
    TCase *tc = tcase_create("values");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_values_have_presence_bits);
    tcase_add_test(tc, test_identification_block_decodes_every_type);
    tcase_add_test(tc, test_values_cut_by_the_block_ends_are_skipped);
    tcase_add_test(tc, test_a_bad_hex_register_changes_nothing);
    tcase_add_test(tc, test_rendering_the_energy_block_gives_float_abcd);
    tcase_add_test(tc, test_a_read_may_start_inside_a_two_register_value);
    tcase_add_test(tc, test_registers_outside_the_map_are_illegal_addresses);
    tcase_add_test(tc, test_three_blocks_cover_the_whole_map);
    tcase_add_test(tc, test_render_then_decode_gives_the_same_reading);
    tcase_add_test(tc, test_the_model_decides_what_is_on_its_map);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(values_suite)

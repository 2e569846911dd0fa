/* SPDX-License-Identifier: MIT */
/* Invariants of the register table, and every address of the manual's
 * appendix 3 present with the manual's type and length. */
#include <klefr/model.h>
#include <klefr/model_modbus.h>

#include "klefr_test.h"

#define H KLEFR_MODBUS_TYPE_HEX
#define S KLEFR_MODBUS_TYPE_SIGNED
#define F KLEFR_MODBUS_TYPE_FLOAT
#define A KLEFR_MODBUS_TYPE_ASCII
#define B KLEFR_MODBUS_TYPE_BITS

/* Manual A3.2, transcribed by hand. The checksum and the active status word
 * are "HEX" in the manual; their digits are not decimal, so the model calls
 * them BITS (doc/register-model.md). */
static const struct {
    uint16_t address;
    uint8_t length;
    klefr_modbus_type type;
} manual_map[] = {
    {0x4000, 2, H}, {0x4002, 1, H}, {0x4003, 1, S}, {0x4004, 1, S}, {0x4005, 2, F}, {0x4007, 2, F},
    {0x4009, 2, F}, {0x400B, 1, S}, {0x400C, 1, H}, {0x400D, 2, F}, {0x400F, 1, S}, {0x4010, 1, H},
    {0x4011, 1, S}, {0x4012, 1, A}, {0x4013, 1, A}, {0x4014, 1, A}, {0x4015, 1, S}, {0x4016, 1, S},
    {0x4017, 1, S}, {0x4018, 1, S}, {0x4019, 1, S}, {0x401A, 1, S}, {0x401B, 2, B}, {0x401D, 2, B},
    {0x401F, 1, S}, {0x5000, 2, F}, {0x5002, 2, F}, {0x5004, 2, F}, {0x5006, 2, F}, {0x5008, 2, F},
    {0x500A, 2, F}, {0x500C, 2, F}, {0x500E, 2, F}, {0x5010, 2, F}, {0x5012, 2, F}, {0x5014, 2, F},
    {0x5016, 2, F}, {0x5018, 2, F}, {0x501A, 2, F}, {0x501C, 2, F}, {0x501E, 2, F}, {0x5020, 2, F},
    {0x5022, 2, F}, {0x5024, 2, F}, {0x5026, 2, F}, {0x5028, 2, F}, {0x502A, 2, F}, {0x502C, 2, F},
    {0x502E, 2, F}, {0x5030, 2, F}, {0x6048, 1, S}, {0x6049, 2, F},
};

START_TEST(test_every_manual_register_is_in_the_table_with_its_type_and_length)
{
    for (size_t i = 0; i < sizeof manual_map / sizeof manual_map[0]; i++) {
        const klefr_quantity_info *q =
            klefr_model_modbus_lookup(KLEFR_MODEL_6914, manual_map[i].address);
        ck_assert_msg(q != NULL, "register %04X missing", manual_map[i].address);
        ck_assert_uint_eq(q->modbus.address, manual_map[i].address);
        ck_assert_uint_eq(q->modbus.length, manual_map[i].length);
        ck_assert_int_eq(q->modbus.type, manual_map[i].type);
    }
    /* 6000-6047: 36 energy floats, two registers each. */
    for (uint16_t a = 0x6000; a < 0x6048; a += 2) {
        const klefr_quantity_info *q = klefr_model_modbus_lookup(KLEFR_MODEL_6914, a);
        ck_assert_msg(q != NULL && q->modbus.address == a, "energy %04X missing", a);
        ck_assert_uint_eq(q->modbus.length, 2);
        ck_assert_int_eq(q->modbus.type, KLEFR_MODBUS_TYPE_FLOAT);
        ck_assert(strcmp(q->unit, "kWh") == 0 || strcmp(q->unit, "kvarh") == 0);
    }
}
END_TEST

START_TEST(test_registers_do_not_overlap_and_the_map_has_no_extra_ones)
{
    size_t registers = 0;
    for (unsigned i = 0; i < KLEFR_Q_COUNT; i++) {
        const klefr_quantity_info *a = klefr_quantity_get((klefr_quantity)i);
        registers += a->modbus.length;
        for (unsigned j = i + 1; j < KLEFR_Q_COUNT; j++) {
            const klefr_quantity_info *b = klefr_quantity_get((klefr_quantity)j);
            if (a->modbus.length == 0 || b->modbus.length == 0)
                continue;
            bool apart = a->modbus.address + a->modbus.length <= b->modbus.address ||
                         b->modbus.address + b->modbus.length <= a->modbus.address;
            ck_assert_msg(apart, "%s overlaps %s", a->name, b->name);
        }
    }
    /* 4000-401F, 5000-5031 and 6000-604A: 32 + 50 + 75 registers. */
    ck_assert_uint_eq(registers, 32 + 50 + 75);
    ck_assert_ptr_null(klefr_model_modbus_lookup(KLEFR_MODEL_6914, 0x4020));
    ck_assert_ptr_null(klefr_model_modbus_lookup(KLEFR_MODEL_6914, 0x5032));
    ck_assert_ptr_null(klefr_model_modbus_lookup(KLEFR_MODEL_6914, 0x604B));
}
END_TEST

START_TEST(test_rows_are_in_enum_order_with_unique_names)
{
    for (unsigned i = 0; i < KLEFR_Q_COUNT; i++) {
        const klefr_quantity_info *a = klefr_quantity_get((klefr_quantity)i);
        ck_assert_int_eq(a->id, i);
        ck_assert_ptr_eq(klefr_quantity_by_name(a->name), a);
        ck_assert_uint_ne(a->models, 0);
        if (a->flags & KLEFR_QF_WRITABLE)
            ck_assert_msg(a->valid != NULL, "%s writable without valid values", a->name);
        if (a->iec.address != NULL)
            for (unsigned j = i + 1; j < KLEFR_Q_COUNT; j++) {
                const char *other = klefr_quantity_get((klefr_quantity)j)->iec.address;
                ck_assert(other == NULL || strcmp(other, a->iec.address) != 0);
            }
    }
    ck_assert_ptr_null(klefr_quantity_get(KLEFR_Q_COUNT));
    ck_assert_ptr_null(klefr_quantity_by_name("no_such_thing"));
    ck_assert_ptr_null(klefr_quantity_by_name(NULL));
}
END_TEST

/* A firmware without a Modbus slave leaves the three-phase rows out by
 * ending the table before KLEFR_Q_CT_RATIO (KLEFR_MODEL_NO_THREE_PHASE):
 * they must be exactly the rows from there on, and on no other map. */
START_TEST(test_three_phase_rows_are_the_last_ones_and_only_on_modbus)
{
    for (unsigned i = 0; i < KLEFR_Q_COUNT; i++) {
        const klefr_quantity_info *a = klefr_quantity_get((klefr_quantity)i);
        bool three_phase = (a->flags & KLEFR_QF_THREE_PHASE) != 0;
        ck_assert_msg(three_phase == (i >= KLEFR_Q_CT_RATIO), "%s", a->name);
        if (three_phase) {
            ck_assert_msg(a->modbus.length != 0 && a->mbus.dif == 0 && a->mbus.write_len == 0 &&
                              a->iec.address == NULL && (a->flags & KLEFR_QF_WRITABLE) == 0,
                          "%s", a->name);
        }
    }
}
END_TEST

START_TEST(test_the_manual_writes_are_the_writable_modbus_registers)
{
    const struct {
        uint16_t address;
        uint8_t function;
    } writes[] = {{0x4003, 6}, {0x4004, 6}, {0x400D, 16}, {0x400F, 6}, {0x4010, 6},
                  {0x4011, 6}, {0x4016, 6}, {0x6048, 6},  {0x6049, 16}};
    size_t writable = 0;
    for (unsigned i = 0; i < KLEFR_Q_COUNT; i++)
        writable += klefr_quantity_get((klefr_quantity)i)->modbus.write_function != 0;
    ck_assert_uint_eq(writable, 9);
    for (size_t i = 0; i < 9; i++)
        ck_assert_uint_eq(
            klefr_model_modbus_lookup(KLEFR_MODEL_6914, writes[i].address)->modbus.write_function,
            writes[i].function);
}
END_TEST

START_TEST(test_mbus_column_has_the_nine_records_of_the_manual_in_order)
{
    const uint8_t dif[9] = {0x0C, 0x8C, 0x8C, 0x1C, 0x9C, 0x9C, 0x2C, 0xAC, 0xAC};
    const uint8_t dife[9] = {0, 0x10, 0x20, 0, 0x10, 0x20, 0, 0x10, 0x20};
    size_t k = 0;
    for (unsigned i = 0; i < KLEFR_Q_COUNT; i++) {
        const klefr_quantity_info *q = klefr_quantity_get((klefr_quantity)i);
        if (q->mbus.dif == 0)
            continue;
        ck_assert_uint_lt(k, 9);
        ck_assert_uint_eq(q->mbus.dif, dif[k]);
        ck_assert_uint_eq(q->mbus.dife, dife[k]);
        ck_assert_uint_eq(q->mbus.vif, 0x04);
        ck_assert_int_eq(q->mbus.scale, -2);
        k++;
    }
    ck_assert_uint_eq(k, 9);
    const klefr_quantity_info *tariff = klefr_quantity_get(KLEFR_Q_TARIFF);
    ck_assert_uint_eq(tariff->mbus.write_len, 4);
    ck_assert_mem_eq(tariff->mbus.write, "\x09\x7C\x01\x54", 4);
}
END_TEST

START_TEST(test_iec_column_uses_the_standard_obis_codes_of_the_spec)
{
    const struct {
        klefr_quantity q;
        const char *obis;
    } codes[] = {
        {KLEFR_Q_SERIAL_NUMBER, "0.0.0"},
        {KLEFR_Q_SOFTWARE_VERSION, "0.2.0"},
        {KLEFR_Q_FORWARD_ACTIVE_ENERGY, "1.8.0"},
        {KLEFR_Q_T1_FORWARD_ACTIVE_ENERGY, "1.8.1"},
        {KLEFR_Q_T2_FORWARD_ACTIVE_ENERGY, "1.8.2"},
        {KLEFR_Q_REVERSE_ACTIVE_ENERGY, "2.8.0"},
        {KLEFR_Q_T2_FORWARD_REACTIVE_ENERGY, "3.8.2"},
        {KLEFR_Q_T1_REVERSE_REACTIVE_ENERGY, "4.8.1"},
        {KLEFR_Q_TOTAL_ACTIVE_ENERGY, "15.8.0"},
        {KLEFR_Q_VOLTAGE, "32.7.0"},
        {KLEFR_Q_CURRENT, "31.7.0"},
        {KLEFR_Q_FREQUENCY, "14.7.0"},
        {KLEFR_Q_ACTIVE_POWER, "1.7.0"},
        {KLEFR_Q_REACTIVE_POWER, "3.7.0"},
        {KLEFR_Q_APPARENT_POWER, "9.7.0"},
        {KLEFR_Q_POWER_FACTOR, "13.7.0"},
        {KLEFR_Q_POWER_DOWN_COUNTER, "C.7.0"},
        {KLEFR_Q_ERROR_CODE, "F.F"},
    };
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        ck_assert_str_eq(klefr_quantity_get(codes[i].q)->iec.address, codes[i].obis);
}
END_TEST

static Suite *table_suite(void)
{
    Suite *s = suite_create("register_table");
    TCase *tc = tcase_create("table");
    tcase_add_test(tc, test_every_manual_register_is_in_the_table_with_its_type_and_length);
    tcase_add_test(tc, test_registers_do_not_overlap_and_the_map_has_no_extra_ones);
    tcase_add_test(tc, test_rows_are_in_enum_order_with_unique_names);
    tcase_add_test(tc, test_three_phase_rows_are_the_last_ones_and_only_on_modbus);
    tcase_add_test(tc, test_the_manual_writes_are_the_writable_modbus_registers);
    tcase_add_test(tc, test_mbus_column_has_the_nine_records_of_the_manual_in_order);
    tcase_add_test(tc, test_iec_column_uses_the_standard_obis_codes_of_the_spec);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(table_suite)

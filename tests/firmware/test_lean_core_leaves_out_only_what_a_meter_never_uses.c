/* SPDX-License-Identifier: MIT */
/* What each switch of the firmware build's lean core (klefr_lean_args,
 * doc/firmware.md "Budget") leaves out, and that it keeps what a meter
 * needs: the VIF codes of the 6913's writes, integer records, the IEC
 * messages a meter sends, the three-phase rows only where there is no
 * Modbus map. Built against the lean core only. */
#include <string.h>

#include <klefr/iec62056.h>
#include <klefr/mbus_records.h>
#include <klefr/model.h>
#include <klefr/model_modbus.h>

#include "klefr_test.h"

#if !defined(KLEFR_MBUS_VIF_MINIMAL) || !defined(KLEFR_MBUS_INTEGER_ONLY) || \
    !defined(KLEFR_IEC_SLAVE_ONLY)
#error "built against the lean core only (tests/firmware/meson.build)"
#endif

START_TEST(test_the_minimal_vif_table_knows_the_6913s_writes_only)
{
    klefr_mbus_vif_info info;
    ck_assert_int_eq(klefr_mbus_vif_lookup(KLEFR_MBUS_VIF_PRIMARY, 0x04, &info), KLEFR_OK);
    ck_assert_int_eq(info.exponent, 1); /* 0C 04: energy in 10 Wh */
    ck_assert_int_eq(klefr_mbus_vif_lookup(KLEFR_MBUS_VIF_PRIMARY, 0x7A, &info), KLEFR_OK);
    ck_assert(info.is_unsigned); /* 01 7A: the address, one unsigned byte */
    ck_assert_int_eq(klefr_mbus_vif_lookup(KLEFR_MBUS_VIF_PRIMARY, 0x79, &info), KLEFR_OK);
    ck_assert_int_eq(klefr_mbus_vif_lookup(KLEFR_MBUS_VIF_FD, 0x3A, &info), KLEFR_OK);
    ck_assert_int_eq(klefr_mbus_vif_lookup(KLEFR_MBUS_VIF_FD, 0x60, &info), KLEFR_OK);
    /* What a heat or water meter would send is not known here. */
    ck_assert_int_eq(klefr_mbus_vif_lookup(KLEFR_MBUS_VIF_PRIMARY, 0x13, &info),
                     KLEFR_ERR_UNSUPPORTED); /* volume */
    ck_assert_int_eq(klefr_mbus_vif_lookup(KLEFR_MBUS_VIF_PRIMARY, 0x6D, &info),
                     KLEFR_ERR_UNSUPPORTED); /* date and time */
    ck_assert_int_eq(klefr_mbus_vif_lookup(KLEFR_MBUS_VIF_FD, 0x48, &info), KLEFR_ERR_UNSUPPORTED);
    ck_assert_int_eq(klefr_mbus_vif_lookup(KLEFR_MBUS_VIF_FB, 0x00, &info), KLEFR_ERR_UNSUPPORTED);
}
END_TEST

START_TEST(test_records_are_fixed_length_integers_only_and_still_walk)
{
    /* 05 2B <real 1.0>: a REAL32 power record is handed over as bytes, and
     * the walk goes on to the BCD energy after it. */
    static const uint8_t data[] = {0x05, 0x2B, 0x00, 0x00, 0x80, 0x3F,
                                   0x0C, 0x04, 0x14, 0x48, 0x60, 0x01};
    klefr_mbus_record r[2];
    size_t n = 0;
    ck_assert_int_eq(klefr_mbus_records_decode(data, sizeof data, r, 2, &n), KLEFR_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(r[0].value.type, KLEFR_MBUS_VALUE_BYTES);
    ck_assert_uint_eq(r[0].value.bytes_len, 4);
    ck_assert_int_eq(r[1].value.type, KLEFR_MBUS_VALUE_INTEGER);
    ck_assert_int_eq(r[1].value.integer, 1604814);
    /* Idle fillers are skipped; variable-length and manufacturer data are
     * not read at all (no write of the 6913 has them). */
    static const uint8_t filler[] = {0x2F, 0x2F, 0x0C, 0x04, 0x14, 0x48, 0x60, 0x01};
    ck_assert_int_eq(klefr_mbus_records_decode(filler, sizeof filler, r, 2, &n), KLEFR_OK);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(r[0].value.integer, 1604814);
    static const uint8_t lvar[] = {0x0D, 0xFD, 0x0C, 0x02, 'B', 'A'};
    static const uint8_t manufacturer[] = {0x0F, 0x01, 0x02};
    klefr_mbus_record one;
    size_t used;
    ck_assert_int_eq(klefr_mbus_record_decode(lvar, sizeof lvar, &one, &used),
                     KLEFR_ERR_UNSUPPORTED);
    ck_assert_int_eq(klefr_mbus_record_decode(manufacturer, sizeof manufacturer, &one, &used),
                     KLEFR_ERR_UNSUPPORTED);
    /* Nor are REAL32 records encoded. */
    static const uint8_t vib = 0x2B;
    klefr_mbus_record_spec s = {.coding = KLEFR_MBUS_DATA_REAL32,
                                .vib = &vib,
                                .vib_len = 1,
                                .value = {.type = KLEFR_MBUS_VALUE_INTEGER, .integer = 1}};
    uint8_t buf[16];
    size_t len;
    ck_assert_int_eq(klefr_mbus_record_encode(&s, buf, sizeof buf, &len), KLEFR_ERR_UNSUPPORTED);
    s.coding = KLEFR_MBUS_DATA_LVAR;
    ck_assert_int_eq(klefr_mbus_record_encode(&s, buf, sizeof buf, &len), KLEFR_ERR_UNSUPPORTED);
}
END_TEST

START_TEST(test_iec_encodes_what_a_meter_sends_only)
{
    uint8_t buf[64];
    size_t len = 0;
    klefr_iec_message msg;
    memset(&msg, 0, sizeof msg);
    msg.type = KLEFR_IEC_MSG_ERROR;
    msg.error_code = 5;
    ck_assert_int_eq(klefr_iec_message_encode(&msg, buf, sizeof buf, &len), KLEFR_OK);
    /* STX ( E R 0 5 ) ETX BCC: 28^45^52^30^35^29^03 = 10 */
    static const uint8_t er05[] = {0x02, '(', 'E', 'R', '0', '5', ')', 0x03, 0x10};
    ck_assert_uint_eq(len, sizeof er05);
    ck_assert_mem_eq(buf, er05, sizeof er05);
    msg.type = KLEFR_IEC_MSG_REQUEST;
    ck_assert_int_eq(klefr_iec_message_encode(&msg, buf, sizeof buf, &len), KLEFR_ERR_UNSUPPORTED);
    msg.type = KLEFR_IEC_MSG_OPTION_SELECT;
    ck_assert_int_eq(klefr_iec_message_encode(&msg, buf, sizeof buf, &len), KLEFR_ERR_UNSUPPORTED);
    ck_assert_int_eq(klefr_iec_command_encode('R', '1', "1.8.0()", 7, buf, sizeof buf, &len),
                     KLEFR_ERR_UNSUPPORTED);
    /* An "(ER05)" that comes in is data to a meter: it ignores both. */
    ck_assert_int_eq(klefr_iec_message_decode(er05, sizeof er05, &msg, NULL), KLEFR_OK);
    ck_assert_int_eq(msg.type, KLEFR_IEC_MSG_DATA);
}
END_TEST

START_TEST(test_three_phase_rows_are_there_for_the_modbus_map_only)
{
    ck_assert_ptr_null(klefr_quantity_get(KLEFR_Q_CT_RATIO));
    ck_assert_ptr_null(klefr_quantity_get(KLEFR_Q_L3_REVERSE_REACTIVE_ENERGY));
    ck_assert_ptr_null(klefr_model_modbus_lookup(KLEFR_MODEL_6914, 0x5004)); /* L2 voltage */
    ck_assert_ptr_null(klefr_quantity_by_name("voltage")); /* no names (KLEFR_MODEL_NO_NAMES) */
    ck_assert_ptr_nonnull(klefr_quantity_get(KLEFR_Q_DAY_COUNTER));
    ck_assert_ptr_nonnull(klefr_model_modbus_lookup(KLEFR_MODEL_6914, 0x5000)); /* voltage */
    /* The Modbus meter keeps their registers, which read 0 (from inside a
     * value too); without a Modbus map they are off it. */
    klefr_values v;
    klefr_values_clear(&v);
    ck_assert_int_eq(klefr_values_set(&v, KLEFR_Q_VOLTAGE, klefr_number_from_int(230, 0)),
                     KLEFR_OK);
    uint16_t regs[6] = {1, 1, 1, 1, 1, 1};
#ifdef KLEFR_MODEL_NO_THREE_PHASE
    ck_assert_int_eq(klefr_model_modbus_values_encode(KLEFR_MODEL_6914, &v, 0x5005, regs, 3),
                     KLEFR_EXC_ILLEGAL_DATA_ADDRESS);
#else
    ck_assert_int_eq(klefr_model_modbus_values_encode(KLEFR_MODEL_6914, &v, 0x5000, regs, 6),
                     KLEFR_OK);
    static const uint16_t voltage_then_zero[] = {0x4366, 0, 0, 0, 0, 0};
    ck_assert_mem_eq(regs, voltage_then_zero, sizeof regs);
    memset(regs, 1, sizeof regs);
    ck_assert_int_eq(klefr_model_modbus_values_encode(KLEFR_MODEL_6914, &v, 0x5031, regs, 1),
                     KLEFR_OK);
    ck_assert_uint_eq(regs[0], 0); /* L3 power factor's second half, the 5000 block's end */
    ck_assert_int_eq(klefr_model_modbus_values_encode(KLEFR_MODEL_6914, &v, 0x5031, regs, 2),
                     KLEFR_EXC_ILLEGAL_DATA_ADDRESS);
#endif
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("lean_core");
    TCase *tc = tcase_create("switches");
    tcase_add_test(tc, test_the_minimal_vif_table_knows_the_6913s_writes_only);
    tcase_add_test(tc, test_records_are_fixed_length_integers_only_and_still_walk);
    tcase_add_test(tc, test_iec_encodes_what_a_meter_sends_only);
    tcase_add_test(tc, test_three_phase_rows_are_there_for_the_modbus_map_only);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(suite)

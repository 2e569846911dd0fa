/* SPDX-License-Identifier: MIT */
/* Every klefr_meter opener takes the same const klefr_meter_address *
 * (issue 12: a uint8_t, a pointer and a string before), checks the fields
 * of its protocol the same way, and the meter then speaks to that address. */
#include <klefr/iec_master.h>
#include <klefr/mbus_master.h>
#include <klefr/meter.h>
#include <klefr/modbus_master.h>
#include <klefr/model_modbus.h>

#include "io_script.h"
#include "klefr_test.h"

static const klefr_line line_300_7e1 = {300, 7, KLEFR_PARITY_EVEN, 1};

START_TEST(test_shared_bus_openers_refuse_addresses_out_of_range)
{
    script *s = script_new(1146, 0);
    klefr_modbus_master *modbus;
    klefr_mbus_master *mbus;
    klefr_iec_master *iec;
    ck_assert_int_eq(klefr_modbus_master_open(script_io(s), NULL, &modbus), KLEFR_OK);
    ck_assert_int_eq(klefr_mbus_master_open(script_io(s), NULL, &mbus), KLEFR_OK);
    klefr_iec_master_options o;
    klefr_iec_master_options_init(&o);
    o.parity = KLEFR_IEC_7E1_SOFTWARE;
    ck_assert_int_eq(klefr_iec_master_open(script_io(s), &o, &iec), KLEFR_OK);
    klefr_meter *m = NULL;
    klefr_meter_address a = {0};
    /* Modbus IDs 1-247. */
    ck_assert_int_eq(klefr_meter_open_modbus(modbus, &a, &m), KLEFR_ERR_INVALID_ARG);
    a.primary = 248;
    ck_assert_int_eq(klefr_meter_open_modbus(modbus, &a, &m), KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_meter_open_modbus(modbus, NULL, &m), KLEFR_ERR_INVALID_ARG);
    /* M-Bus primary 0-250, secondary up to 8 digits. */
    a.primary = 251;
    ck_assert_int_eq(klefr_meter_open_mbus(mbus, &a, &m), KLEFR_ERR_INVALID_ARG);
    a = (klefr_meter_address){.use_secondary = true, .secondary = 100000000u};
    ck_assert_int_eq(klefr_meter_open_mbus(mbus, &a, &m), KLEFR_ERR_INVALID_ARG);
    /* An IEC address of 33 characters with no end does not fit the sign-on. */
    memset(a.iec, '1', sizeof a.iec);
    ck_assert_int_eq(klefr_meter_open_iec(iec, &a, &m), KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_meter_open_iec(iec, NULL, &m), KLEFR_ERR_INVALID_ARG);
    ck_assert_ptr_null(m);
    klefr_iec_master_close(iec);
    klefr_mbus_master_close(mbus);
    klefr_modbus_master_close(modbus);
    script_free(s);
}
END_TEST

/* klefr_meter_open() makes the same checks before it opens a master: the
 * IEC master would already have set the transport's line. */
START_TEST(test_meter_open_checks_the_address_before_touching_the_transport)
{
    script *s = script_new(33334, 0);
    script_enable_line(s, &line_300_7e1);
    klefr_meter *m = NULL;
    klefr_meter_address a = {0};
    ck_assert_int_eq(klefr_meter_open(KLEFR_PROTOCOL_MODBUS, script_io(s), &a, &m),
                     KLEFR_ERR_INVALID_ARG);
    a.primary = 251;
    ck_assert_int_eq(klefr_meter_open(KLEFR_PROTOCOL_MBUS, script_io(s), &a, &m),
                     KLEFR_ERR_INVALID_ARG);
    memset(a.iec, '1', sizeof a.iec);
    ck_assert_int_eq(klefr_meter_open(KLEFR_PROTOCOL_IEC, script_io(s), &a, &m),
                     KLEFR_ERR_INVALID_ARG);
    ck_assert_ptr_null(m);
    ck_assert_uint_eq(script_line_changes(s), 0);
    ck_assert_uint_eq(script_write_count(s), 0);
    script_free(s);
}
END_TEST

/* A meter opened on a shared Modbus bus reads from the ID it was given:
 * its first request is the read of the model's first block, for unit 5. */
START_TEST(test_a_modbus_meter_on_a_shared_bus_speaks_to_its_address)
{
    script *s = script_new(1146, 0);
    klefr_modbus_master_options o;
    klefr_modbus_master_options_init(&o);
    o.line = (klefr_line){9600, 8, KLEFR_PARITY_EVEN, 1};
    o.retries = 0;
    o.echo = KLEFR_MODBUS_ECHO_OFF;
    o.clock = script_clock(s);
    klefr_modbus_master *bus;
    ck_assert_int_eq(klefr_modbus_master_open(script_io(s), &o, &bus), KLEFR_OK);
    klefr_meter_address a = {.primary = 5};
    klefr_meter *m;
    ck_assert_int_eq(klefr_meter_open_modbus(bus, &a, &m), KLEFR_OK);
    ck_assert_int_eq(klefr_meter_get_protocol(m), KLEFR_PROTOCOL_MODBUS);
    klefr_modbus_block blocks[8];
    size_t nblocks;
    ck_assert_int_eq(klefr_model_modbus_blocks_get(KLEFR_MODEL_6914, blocks, 8, &nblocks),
                     KLEFR_OK);
    uint8_t req[KLEFR_MODBUS_ADU_MAX];
    size_t len;
    ck_assert_int_eq(klefr_modbus_read_request_encode(5, KLEFR_MODBUS_READ_HOLDING_REGISTERS,
                                                      blocks[0].start, blocks[0].count, req,
                                                      sizeof req, &len),
                     KLEFR_OK);
    ck_assert_uint_eq(req[0], 5);
    script_expect(s, req, len);
    klefr_values v;
    ck_assert_int_eq(klefr_meter_read(m, &v, NULL), KLEFR_ERR_TIMEOUT);
    ck_assert_msg(script_error(s) == NULL, "%s", script_error(s));
    ck_assert(script_done(s));
    klefr_meter_close(m);
    klefr_modbus_master_close(bus);
    script_free(s);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("meter_openers");
    TCase *tc = tcase_create("address");
    tcase_add_test(tc, test_shared_bus_openers_refuse_addresses_out_of_range);
    tcase_add_test(tc, test_meter_open_checks_the_address_before_touching_the_transport);
    tcase_add_test(tc, test_a_modbus_meter_on_a_shared_bus_speaks_to_its_address);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(suite)

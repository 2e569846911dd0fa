/* SPDX-License-Identifier: MIT */
/* The structs a caller allocates or fills and the library reads
 * (doc/api-conventions.md, "ABI"): each has a fixed size with reserved room
 * or a size field set by an _init() of the library. Linked against the
 * shared library, as an integrator is. */
#include <klefr/klefr.h>

#include <stddef.h>

#include "klefr_test.h"

START_TEST(test_fixed_sizes_do_not_move)
{
    ck_assert_uint_eq(sizeof(klefr_master_stats), KLEFR_MASTER_STATS_COUNTERS * sizeof(uint32_t));
    ck_assert_uint_eq(sizeof(klefr_meter_stats), KLEFR_METER_STATS_COUNTERS * sizeof(uint32_t));
    ck_assert_uint_eq(KLEFR_METER_STATS_COUNTERS, 16);
    ck_assert_uint_eq(sizeof(klefr_meter_address), 64);
    /* Four reserved callbacks after the eight of 0.1. */
    ck_assert_uint_eq(sizeof(klefr_io_ops),
                      offsetof(klefr_io_ops, reserved) + 4 * sizeof(void (*)(void)));
}
END_TEST

START_TEST(test_option_inits_set_the_size)
{
    klefr_io_options io;
    memset(&io, 0xA5, sizeof io);
    klefr_io_options_init(&io);
    ck_assert_uint_eq(io.size, sizeof io);
    ck_assert_int_eq(io.rs485, KLEFR_RS485_OFF);
    ck_assert_uint_eq(io.connect_timeout_ms, 0);
    ck_assert(!io.strict_line);

    klefr_modbus_master_options mo;
    klefr_modbus_master_options_init(&mo);
    ck_assert_uint_eq(mo.size, sizeof mo);
    klefr_mbus_master_options bo;
    klefr_mbus_master_options_init(&bo);
    ck_assert_uint_eq(bo.size, sizeof bo);
    klefr_iec_master_options ie;
    klefr_iec_master_options_init(&ie);
    ck_assert_uint_eq(ie.size, sizeof ie);
}
END_TEST

/* A meter address with a reserved byte set is one from a later version
 * that means something this library does not know: refused. */
static ptrdiff_t no_read(void *ctx, uint8_t *buf, size_t cap, uint32_t timeout_ms)
{
    (void)ctx, (void)buf, (void)cap, (void)timeout_ms;
    return 0;
}

static ptrdiff_t all_written(void *ctx, const uint8_t *buf, size_t len, uint32_t timeout_ms)
{
    (void)ctx, (void)buf, (void)timeout_ms;
    return (ptrdiff_t)len;
}

START_TEST(test_an_address_with_reserved_bytes_set_is_refused)
{
    static const klefr_io_ops ops = {.name = "none", .read = no_read, .write = all_written};
    klefr_io io = {&ops, NULL};
    klefr_meter_address a = {.primary = 1};
    klefr_meter *m = NULL;
    ck_assert_int_eq(klefr_meter_open(KLEFR_PROTOCOL_MODBUS, &io, &a, &m), KLEFR_OK);
    klefr_meter_close(m);
    for (size_t i = 0; i < sizeof a.reserved; i++) {
        klefr_meter_address r = a;
        r.reserved[i] = 1;
        m = NULL;
        ck_assert_int_eq(klefr_meter_open(KLEFR_PROTOCOL_MODBUS, &io, &r, &m),
                         KLEFR_ERR_INVALID_ARG);
        ck_assert_ptr_null(m);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("caller_structs");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_fixed_sizes_do_not_move);
    tcase_add_test(tc, test_option_inits_set_the_size);
    tcase_add_test(tc, test_an_address_with_reserved_bytes_set_is_refused);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(suite)

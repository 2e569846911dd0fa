/* SPDX-License-Identifier: MIT */
/* The master tests read the timing a master derived, and change its
 * response timeout and retries, through _get_options() / _set_options(). */
#ifndef KLEFR_TEST_MASTER_OPTIONS_UTIL_H
#define KLEFR_TEST_MASTER_OPTIONS_UTIL_H

#include <klefr/mbus_master.h>
#include <klefr/modbus.h>
#include <klefr/modbus_master.h>

#include "klefr_test.h"

static inline klefr_modbus_master_options modbus_options(klefr_modbus_master *m)
{
    klefr_modbus_master_options o;
    klefr_modbus_master_options_init(&o);
    ck_assert_int_eq(klefr_modbus_master_get_options(m, &o), KLEFR_OK);
    return o;
}

/* t3.5 of the master's line; 0 without one (Modbus TCP). */
static inline uint32_t modbus_t35_us(klefr_modbus_master *m)
{
    klefr_modbus_master_options o = modbus_options(m);
    klefr_modbus_timing t;
    if (o.line.baud == 0 || klefr_modbus_timing_get(&o.line, &t) != KLEFR_OK)
        return 0;
    return t.t35_us;
}

/* A new response timeout (0 keeps the one in force) and retries. */
static inline void modbus_set_response(klefr_modbus_master *m, uint32_t response_ms,
                                       unsigned retries)
{
    klefr_modbus_master_options o = modbus_options(m);
    if (response_ms != 0)
        o.response_timeout_ms = response_ms;
    o.retries = retries;
    ck_assert_int_eq(klefr_modbus_master_set_options(m, &o), KLEFR_OK);
}

static inline klefr_mbus_master_options mbus_options(klefr_mbus_master *m)
{
    klefr_mbus_master_options o;
    klefr_mbus_master_options_init(&o);
    ck_assert_int_eq(klefr_mbus_master_get_options(m, &o), KLEFR_OK);
    return o;
}

static inline void mbus_set_response(klefr_mbus_master *m, uint32_t response_ms, unsigned retries)
{
    klefr_mbus_master_options o = mbus_options(m);
    if (response_ms != 0)
        o.response_timeout_ms = response_ms;
    o.retries = retries;
    ck_assert_int_eq(klefr_mbus_master_set_options(m, &o), KLEFR_OK);
}

#endif

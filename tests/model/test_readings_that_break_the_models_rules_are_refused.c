/* SPDX-License-Identifier: MIT */
/* klefr_model_check_reading(): every rule refuses a reading that breaks it
 * and accepts one that keeps it, on both sides of each tolerance. The
 * readings are the manual's sample values (A2.2 energies, appendix 4
 * identification, doc/firmware.md's LCD sample for the instantaneous
 * values) sent through each protocol's real coding (Modbus registers, the
 * M-Bus RSP_UD, the IEC readout) and read back. */
#include <math.h>

#include <klefr/model_check.h>
#include <klefr/model_iec.h>
#include <klefr/model_mbus.h>
#include <klefr/model_modbus.h>

#include "klefr_test.h"

#define Q(x) KLEFR_Q_##x
#define MODBUS KLEFR_PROTOCOL_MODBUS
#define MBUS KLEFR_PROTOCOL_MBUS
#define IEC KLEFR_PROTOCOL_IEC

/* The meter as it holds the values (before any coding). */
static void sample(klefr_values *v, klefr_model model)
{
    klefr_values_clear(v);
    klefr_values_set(v, Q(SERIAL_NUMBER), 17060518);
    klefr_values_set(v, Q(METER_CODE), model);
    klefr_values_set(v, Q(PROTOCOL_VERSION), 1.0);
    klefr_values_set(v, Q(SOFTWARE_VERSION), 2.18);
    klefr_values_set(v, Q(HARDWARE_VERSION), 1.0);
    klefr_values_set(v, Q(METER_AMPS), 45);
    klefr_values_set(v, Q(CHECKSUM), 0x005FD96E);
    if (model == KLEFR_MODEL_6913 || model == KLEFR_MODEL_6914) {
        klefr_values_set(v, Q(BUS_ADDRESS), 1);
        klefr_values_set(v, Q(BAUD_RATE), 9600);
    }
    if (model == KLEFR_MODEL_6914)
        klefr_values_set(v, Q(PARITY), 1);
    if (model == KLEFR_MODEL_6913)
        klefr_values_set(v, Q(SECONDARY_ADDRESS), 17060518);
    klefr_values_set(v, Q(S0_RATE), 10000);
    klefr_values_set(v, Q(CALCULATION_CODE), 5);
    klefr_values_set(v, Q(LCD_CYCLE_TIME), 10);
    klefr_values_set(v, Q(TARIFF), 1);
    klefr_values_set(v, Q(BACKLIGHT), 2);
    klefr_values_set(v, Q(PASSWORD), 0);
    klefr_values_set(v, Q(CURRENT_DIRECTION), 'F');
    klefr_values_set(v, Q(ERROR_CODE), 0);
    klefr_values_set(v, Q(POWER_DOWN_COUNTER), 6);
    klefr_values_set(v, Q(QUADRANT), 1);
    klefr_values_set(v, Q(VOLTAGE), 230.0);
    klefr_values_set(v, Q(L1_VOLTAGE), 230.0);
    klefr_values_set(v, Q(FREQUENCY), 50.0);
    klefr_values_set(v, Q(CURRENT), 10.0);
    klefr_values_set(v, Q(L1_CURRENT), 10.0);
    klefr_values_set(v, Q(ACTIVE_POWER), 2.3);
    klefr_values_set(v, Q(REACTIVE_POWER), 0.0);
    klefr_values_set(v, Q(APPARENT_POWER), 2.3);
    klefr_values_set(v, Q(POWER_FACTOR), 1.0);
    /* Manual A2.2 (code 05: total = F + R). */
    klefr_values_set(v, Q(TOTAL_ACTIVE_ENERGY), 16048.14);
    klefr_values_set(v, Q(T1_TOTAL_ACTIVE_ENERGY), 3580.23);
    klefr_values_set(v, Q(T2_TOTAL_ACTIVE_ENERGY), 12467.91);
    klefr_values_set(v, Q(FORWARD_ACTIVE_ENERGY), 6913.46);
    klefr_values_set(v, Q(T1_FORWARD_ACTIVE_ENERGY), 1234.56);
    klefr_values_set(v, Q(T2_FORWARD_ACTIVE_ENERGY), 5678.90);
    klefr_values_set(v, Q(REVERSE_ACTIVE_ENERGY), 9134.68);
    klefr_values_set(v, Q(T1_REVERSE_ACTIVE_ENERGY), 2345.67);
    klefr_values_set(v, Q(T2_REVERSE_ACTIVE_ENERGY), 6789.01);
    klefr_values_set(v, Q(TOTAL_REACTIVE_ENERGY), 120.50);
    klefr_values_set(v, Q(T1_TOTAL_REACTIVE_ENERGY), 60.00);
    klefr_values_set(v, Q(T2_TOTAL_REACTIVE_ENERGY), 60.50);
    klefr_values_set(v, Q(FORWARD_REACTIVE_ENERGY), 100.00);
    klefr_values_set(v, Q(T1_FORWARD_REACTIVE_ENERGY), 40.00);
    klefr_values_set(v, Q(T2_FORWARD_REACTIVE_ENERGY), 60.00);
    klefr_values_set(v, Q(REVERSE_REACTIVE_ENERGY), 20.50);
    klefr_values_set(v, Q(T1_REVERSE_REACTIVE_ENERGY), 20.00);
    klefr_values_set(v, Q(T2_REVERSE_REACTIVE_ENERGY), 0.50);
    klefr_values_set(v, Q(DAY_COUNTER), 12.34);
}

static size_t iec_readout(klefr_model model, const klefr_values *v, char *text, size_t cap)
{
    uint8_t buf[4096];
    size_t len = 0;
    ck_assert_int_eq(klefr_model_iec_readout_encode(model, v, buf, sizeof buf, &len), KLEFR_OK);
    ck_assert_uint_le(len - 3, cap);
    memcpy(text, buf + 1, len - 3); /* between STX and ETX BCC */
    return len - 3;
}

/* @p v as the master receives it over @p p. */
static void over(klefr_protocol p, klefr_model model, const klefr_values *v, klefr_values *got)
{
    klefr_values_clear(got);
    if (p == MODBUS) {
        klefr_modbus_block blocks[8];
        size_t n = 0;
        ck_assert_int_eq(klefr_model_modbus_blocks_get(KLEFR_MODEL_6914, blocks, 8, &n), KLEFR_OK);
        for (size_t i = 0; i < n; i++) {
            uint16_t regs[125];
            ck_assert_int_eq(klefr_model_modbus_values_encode(KLEFR_MODEL_6914, v, blocks[i].start,
                                                              regs, blocks[i].count),
                             KLEFR_OK);
            ck_assert_int_eq(klefr_model_modbus_values_decode(KLEFR_MODEL_6914, blocks[i].start,
                                                              regs, blocks[i].count, got),
                             KLEFR_OK);
        }
    } else if (p == MBUS) {
        klefr_mbus_model_header hdr = {0, 17060518, 7, 0};
        uint8_t frame[300];
        size_t len = 0;
        ck_assert_int_eq(klefr_model_mbus_rsp_ud_encode(v, &hdr, frame, sizeof frame, &len),
                         KLEFR_OK);
        ck_assert_int_eq(klefr_model_mbus_rsp_ud_decode(frame, len, got, NULL), KLEFR_OK);
    } else {
        char text[4096];
        size_t n = iec_readout(model, v, text, sizeof text);
        ck_assert_int_eq(klefr_model_iec_readout_decode(text, n, got, NULL), KLEFR_OK);
    }
}

static klefr_model model_of(klefr_protocol p)
{
    return p == MBUS ? KLEFR_MODEL_6913 : KLEFR_MODEL_6914;
}

/* The sample over @p p with @p q replaced by @p value (after the coding,
 * as a corruption that passed the checksum would leave it). */
static void sample_over(klefr_protocol p, klefr_values *got)
{
    klefr_values v;
    sample(&v, model_of(p));
    over(p, model_of(p), &v, got);
}

static klefr_check_failure last;

static klefr_err check(klefr_protocol p, const klefr_values *v)
{
    return klefr_model_check_reading(model_of(p), p, v, &last);
}

static void assert_passes(klefr_protocol p, const klefr_values *v)
{
    klefr_err err = check(p, v);
    ck_assert_msg(err == KLEFR_OK, "protocol %d refused by %s: %s = %.9g, expected %.9g", (int)p,
                  klefr_check_rule_name(last.rule), klefr_quantity_get(last.quantity)->name,
                  last.value, last.expected);
    ck_assert_int_eq(last.rule, KLEFR_CHECK_NONE);
}

static void assert_refused(klefr_protocol p, const klefr_values *v, klefr_check_rule rule,
                           klefr_quantity q)
{
    klefr_err err = check(p, v);
    ck_assert_msg(err == KLEFR_ERR_IMPLAUSIBLE, "protocol %d: accepted, wanted %s", (int)p,
                  klefr_check_rule_name(rule));
    ck_assert_msg(last.rule == rule && last.quantity == q,
                  "protocol %d: refused by %s on %s, wanted %s on %s", (int)p,
                  klefr_check_rule_name(last.rule), klefr_quantity_get(last.quantity)->name,
                  klefr_check_rule_name(rule), klefr_quantity_get(q)->name);
}

/* Set @p q to @p value and expect @p rule to refuse it on @p q. */
static void refuse_with(klefr_protocol p, klefr_quantity q, double value, klefr_check_rule rule)
{
    klefr_values v;
    sample_over(p, &v);
    klefr_values_set(&v, q, value);
    assert_refused(p, &v, rule, q);
}

static void pass_with(klefr_protocol p, klefr_quantity q, double value)
{
    klefr_values v;
    sample_over(p, &v);
    klefr_values_set(&v, q, value);
    assert_passes(p, &v);
}

static double get(const klefr_values *v, klefr_quantity q)
{
    double x = -1;
    ck_assert_int_eq(klefr_values_get(v, q, &x), KLEFR_OK);
    return x;
}

/* Set V, I, P, Q, S, PF of the sample and send it over @p p. */
static void instant(klefr_protocol p, klefr_values *v, double volts, double amps, double kw,
                    double kvar, double kva, double pf)
{
    klefr_values meter;
    sample(&meter, model_of(p));
    klefr_values_set(&meter, Q(VOLTAGE), volts);
    klefr_values_set(&meter, Q(L1_VOLTAGE), volts);
    klefr_values_set(&meter, Q(CURRENT), amps);
    klefr_values_set(&meter, Q(L1_CURRENT), amps);
    klefr_values_set(&meter, Q(ACTIVE_POWER), kw);
    klefr_values_set(&meter, Q(REACTIVE_POWER), kvar);
    klefr_values_set(&meter, Q(APPARENT_POWER), kva);
    klefr_values_set(&meter, Q(POWER_FACTOR), pf);
    klefr_values_set(&meter, Q(CURRENT_DIRECTION), kw < 0 ? 'R' : 'F');
    klefr_values_set(&meter, Q(QUADRANT), kw >= 0 ? (kvar >= 0 ? 1 : 4) : (kvar >= 0 ? 2 : 3));
    over(p, model_of(p), &meter, v);
}

START_TEST(test_the_manuals_sample_passes_on_every_protocol)
{
    for (int p = 0; p < 3; p++) {
        klefr_values v;
        sample_over((klefr_protocol)p, &v);
        assert_passes((klefr_protocol)p, &v);
    }
    /* The 6911 and 6912 over IR, with the quantities they have. */
    for (klefr_model m = KLEFR_MODEL_6911; m <= KLEFR_MODEL_6912; m++) {
        klefr_values v, got;
        sample(&v, m);
        over(IEC, m, &v, &got);
        ck_assert_int_eq(klefr_model_check_reading(m, IEC, &got, &last), KLEFR_OK);
        ck_assert_int_eq(klefr_model_check_reading(0, IEC, &got, &last), KLEFR_OK);
    }
}
END_TEST

/* The M-Bus case: two bit flips that cancel in the 8-bit sum turn
 * a total of 19.07 kWh into 40019.07 kWh. */
START_TEST(test_an_mbus_total_corrupted_past_the_checksum_is_refused)
{
    klefr_values v;
    klefr_values_clear(&v);
    static const klefr_quantity parts[] = {
        Q(TOTAL_ACTIVE_ENERGY),   Q(T1_TOTAL_ACTIVE_ENERGY),   Q(T2_TOTAL_ACTIVE_ENERGY),
        Q(FORWARD_ACTIVE_ENERGY), Q(T1_FORWARD_ACTIVE_ENERGY), Q(T2_FORWARD_ACTIVE_ENERGY),
        Q(REVERSE_ACTIVE_ENERGY), Q(T1_REVERSE_ACTIVE_ENERGY), Q(T2_REVERSE_ACTIVE_ENERGY)};
    static const double values[] = {19.07, 19.07, 0, 19.07, 19.07, 0, 0, 0, 0};
    for (size_t i = 0; i < 9; i++)
        klefr_values_set(&v, parts[i], values[i]);
    klefr_mbus_model_header hdr = {0, 17060518, 0x07, 0};
    uint8_t f[300];
    size_t len = 0;
    ck_assert_int_eq(klefr_model_mbus_rsp_ud_encode(&v, &hdr, f, sizeof f, &len), KLEFR_OK);
    klefr_values got;
    klefr_values_clear(&got);
    ck_assert_int_eq(klefr_model_mbus_rsp_ud_decode(f, len, &got, NULL), KLEFR_OK);
    ck_assert_int_eq(klefr_model_check_reading(KLEFR_MODEL_6913, MBUS, &got, &last), KLEFR_OK);
    /* Header 19 bytes (68 L L 68 C A CI + 12); first record 0C 04 07 19 00 00. */
    ck_assert_uint_eq(f[19], 0x0C);
    ck_assert_uint_eq(f[24], 0x00);
    f[24] |= 0x04;   /* highest BCD byte 00 -> 04: 19.07 -> 40019.07 */
    f[15] &= ~0x04u; /* access number 07 -> 03: the sum is unchanged */
    klefr_values_clear(&got);
    ck_assert_int_eq(klefr_model_mbus_rsp_ud_decode(f, len, &got, NULL), KLEFR_OK);
    ck_assert(get(&got, Q(TOTAL_ACTIVE_ENERGY)) == 40019.07);
    assert_refused(MBUS, &got, KLEFR_CHECK_TARIFF_SUM, Q(TOTAL_ACTIVE_ENERGY));
    ck_assert(last.value == 40019.07);
    ck_assert(last.expected == 19.07);
}
END_TEST

/* The IEC case: an inserted pair of equal characters passes the
 * BCC and the parity: 1.8.0(0.00*kWh) becomes 1.8.0(550.00*kWh). */
START_TEST(test_an_iec_value_with_an_inserted_pair_is_refused)
{
    klefr_values v, got;
    sample(&v, KLEFR_MODEL_6914);
    static const klefr_quantity zero[] = {Q(FORWARD_ACTIVE_ENERGY),    Q(T1_FORWARD_ACTIVE_ENERGY),
                                          Q(T2_FORWARD_ACTIVE_ENERGY), Q(TOTAL_ACTIVE_ENERGY),
                                          Q(T1_TOTAL_ACTIVE_ENERGY),   Q(T2_TOTAL_ACTIVE_ENERGY),
                                          Q(REVERSE_ACTIVE_ENERGY),    Q(T1_REVERSE_ACTIVE_ENERGY),
                                          Q(T2_REVERSE_ACTIVE_ENERGY), Q(DAY_COUNTER)};
    for (size_t i = 0; i < sizeof zero / sizeof zero[0]; i++)
        klefr_values_set(&v, zero[i], 0);
    char text[4096], bad[4100];
    size_t n = iec_readout(KLEFR_MODEL_6914, &v, text, sizeof text);
    klefr_values_clear(&got);
    ck_assert_int_eq(klefr_model_iec_readout_decode(text, n, &got, NULL), KLEFR_OK);
    assert_passes(IEC, &got);
    const char *at = strstr(text, "1.8.0(0.00*kWh)");
    ck_assert_ptr_nonnull(at);
    size_t head = (size_t)(at - text) + 6;
    memcpy(bad, text, head);
    memcpy(bad + head, "55", 2);
    memcpy(bad + head + 2, text + head, n - head);
    klefr_values_clear(&got);
    ck_assert_int_eq(klefr_model_iec_readout_decode(bad, n + 2, &got, NULL), KLEFR_OK);
    ck_assert(get(&got, Q(FORWARD_ACTIVE_ENERGY)) == 550.0);
    assert_refused(IEC, &got, KLEFR_CHECK_TARIFF_SUM, Q(FORWARD_ACTIVE_ENERGY));
}
END_TEST

static const klefr_quantity sum_totals[] = {
    Q(TOTAL_ACTIVE_ENERGY),   Q(FORWARD_ACTIVE_ENERGY),   Q(REVERSE_ACTIVE_ENERGY),
    Q(TOTAL_REACTIVE_ENERGY), Q(FORWARD_REACTIVE_ENERGY), Q(REVERSE_REACTIVE_ENERGY),
};

/* Exact codings (M-Bus BCD, IEC energies): one quantum is refused. */
START_TEST(test_a_total_off_by_one_quantum_is_refused_where_energies_are_exact)
{
    klefr_protocol p = _i == 0 ? MBUS : IEC;
    for (size_t i = 0; i < sizeof sum_totals / sizeof sum_totals[0]; i++) {
        klefr_values v;
        sample_over(p, &v);
        if (!klefr_values_has(&v, sum_totals[i]))
            continue;
        double t = get(&v, sum_totals[i]);
        refuse_with(p, sum_totals[i], t + 0.01, KLEFR_CHECK_TARIFF_SUM);
        refuse_with(p, sum_totals[i], t - 0.01, KLEFR_CHECK_TARIFF_SUM);
    }
    /* A tariff register off by a quantum breaks its total. */
    klefr_values v;
    sample_over(p, &v);
    klefr_values_set(&v, Q(T2_FORWARD_ACTIVE_ENERGY), 5678.91);
    assert_refused(p, &v, KLEFR_CHECK_TARIFF_SUM, Q(FORWARD_ACTIVE_ENERGY));
}
END_TEST

/* Modbus floats: each operand may be 2^-23 of itself off; just inside
 * passes, just outside is refused (the relation alone: a total with its
 * two tariffs as the registers carry them). */
START_TEST(test_a_modbus_total_passes_within_float_rounding_and_is_refused_beyond)
{
    for (size_t i = 0; i < sizeof sum_totals / sizeof sum_totals[0]; i++) {
        klefr_values all, v;
        sample_over(MODBUS, &all);
        klefr_quantity t = sum_totals[i];
        klefr_quantity a = (klefr_quantity)(t + 1), b = (klefr_quantity)(t + 2);
        double sum = get(&all, a) + get(&all, b);
        double tol = (sum + get(&all, a) + get(&all, b)) * 0x1p-23;
        static const double f[] = {0.95, -0.95, 1.05, -1.05};
        for (int k = 0; k < 4; k++) {
            klefr_values_clear(&v);
            klefr_values_set(&v, a, get(&all, a));
            klefr_values_set(&v, b, get(&all, b));
            klefr_values_set(&v, t, sum + f[k] * tol);
            if (k < 2)
                assert_passes(MODBUS, &v);
            else
                assert_refused(MODBUS, &v, KLEFR_CHECK_TARIFF_SUM, t);
        }
    }
}
END_TEST

START_TEST(test_a_reactive_total_that_is_not_forward_plus_reverse_is_refused)
{
    /* Shift 0.01 from T1 to T2 total: both tariff sums still hold. */
    for (int p = 0; p < 3; p += 2) {
        klefr_values v;
        sample_over((klefr_protocol)p, &v);
        klefr_values_set(&v, Q(T1_TOTAL_REACTIVE_ENERGY), 59.0);
        klefr_values_set(&v, Q(T2_TOTAL_REACTIVE_ENERGY), 61.5);
        assert_refused((klefr_protocol)p, &v, KLEFR_CHECK_REACTIVE_SUM,
                       Q(T1_TOTAL_REACTIVE_ENERGY));
    }
}
END_TEST

/* Set the active registers of the IEC sample to F and R per tariff and
 * the totals by @p code. */
static void active(klefr_values *v, double f1, double f2, double r1, double r2, unsigned code)
{
    static const int sign_f[] = {[1] = 1, [4] = 0, [5] = 1, [6] = -1, [9] = 1, [10] = 1};
    static const int sign_r[] = {[1] = 0, [4] = 1, [5] = 1, [6] = 1, [9] = -1, [10] = -1};
    klefr_values_set(v, Q(T1_FORWARD_ACTIVE_ENERGY), f1);
    klefr_values_set(v, Q(T2_FORWARD_ACTIVE_ENERGY), f2);
    klefr_values_set(v, Q(FORWARD_ACTIVE_ENERGY), f1 + f2);
    klefr_values_set(v, Q(T1_REVERSE_ACTIVE_ENERGY), r1);
    klefr_values_set(v, Q(T2_REVERSE_ACTIVE_ENERGY), r2);
    klefr_values_set(v, Q(REVERSE_ACTIVE_ENERGY), r1 + r2);
    double t1 = sign_f[code] * f1 + sign_r[code] * r1, t2 = sign_f[code] * f2 + sign_r[code] * r2;
    klefr_values_set(v, Q(T1_TOTAL_ACTIVE_ENERGY), t1);
    klefr_values_set(v, Q(T2_TOTAL_ACTIVE_ENERGY), t2);
    klefr_values_set(v, Q(TOTAL_ACTIVE_ENERGY), t1 + t2);
    klefr_values_set(v, Q(CALCULATION_CODE), code);
    klefr_values_set(v, Q(DAY_COUNTER), 0);
}

static const unsigned codes[] = {1, 4, 5, 6, 9, 10};

START_TEST(test_total_active_follows_the_calculation_code)
{
    unsigned code = codes[_i];
    klefr_values meter, v;
    sample(&meter, KLEFR_MODEL_6914);
    active(&meter, 100.00, 50.00, 30.00, 5.00, code);
    over(IEC, KLEFR_MODEL_6914, &meter, &v);
    assert_passes(IEC, &v);
    /* Under every other code with a different combination it is refused. */
    for (size_t k = 0; k < 6; k++) {
        if (codes[k] == code || (codes[k] >= 9 && code >= 9))
            continue;
        klefr_values_set(&v, Q(CALCULATION_CODE), codes[k]);
        ck_assert_int_eq(check(IEC, &v), KLEFR_ERR_IMPLAUSIBLE);
        ck_assert(last.rule == KLEFR_CHECK_CALC_TOTAL || last.rule == KLEFR_CHECK_ENERGY_RANGE);
    }
    /* Without the code in the reading, the code that fits is found... */
    klefr_values_set(&v, Q(CALCULATION_CODE), code);
    over(IEC, KLEFR_MODEL_6914, &meter, &v);
    klefr_values w = v;
    w.present[Q(CALCULATION_CODE) / 8] &= (uint8_t) ~(1u << (Q(CALCULATION_CODE) % 8));
    assert_passes(IEC, &w);
    /* ...but one code must fit the three totals at once. */
    klefr_values_set(&w, Q(T1_TOTAL_ACTIVE_ENERGY), 130.00); /* F+R */
    klefr_values_set(&w, Q(T2_TOTAL_ACTIVE_ENERGY), 50.00);  /* F */
    klefr_values_set(&w, Q(TOTAL_ACTIVE_ENERGY), 180.00);
    assert_refused(IEC, &w, KLEFR_CHECK_CALC_TOTAL, Q(TOTAL_ACTIVE_ENERGY));
}
END_TEST

START_TEST(test_energies_outside_their_registers_are_refused)
{
    refuse_with(IEC, Q(T1_FORWARD_ACTIVE_ENERGY), -0.01, KLEFR_CHECK_ENERGY_RANGE);
    refuse_with(IEC, Q(FORWARD_REACTIVE_ENERGY), 1000000.00, KLEFR_CHECK_ENERGY_RANGE);
    pass_with(IEC, Q(DAY_COUNTER), 0);
    refuse_with(MODBUS, Q(DAY_COUNTER), -1, KLEFR_CHECK_ENERGY_RANGE);
    /* A negative total only under a code that subtracts. */
    klefr_values meter, v;
    sample(&meter, KLEFR_MODEL_6914);
    active(&meter, 10.00, 0, 30.00, 0, 9);
    over(IEC, KLEFR_MODEL_6914, &meter, &v);
    ck_assert(get(&v, Q(TOTAL_ACTIVE_ENERGY)) == -20.0);
    assert_passes(IEC, &v);
    klefr_values_set(&v, Q(CALCULATION_CODE), 5);
    assert_refused(IEC, &v, KLEFR_CHECK_ENERGY_RANGE, Q(TOTAL_ACTIVE_ENERGY));
    /* The highest register value passes, also as a float (1000000.0f). */
    klefr_values_set(&meter, Q(CALCULATION_CODE), 5);
    active(&meter, 999999.99, 0, 0, 0, 1);
    over(MODBUS, KLEFR_MODEL_6914, &meter, &v);
    ck_assert(get(&v, Q(FORWARD_ACTIVE_ENERGY)) == 1000000.0);
    assert_passes(MODBUS, &v);
}
END_TEST

START_TEST(test_a_day_counter_above_forward_energy_is_refused)
{
    /* One quantum ahead is the firmware's own remainder (per register). */
    pass_with(IEC, Q(DAY_COUNTER), 6913.47);
    refuse_with(IEC, Q(DAY_COUNTER), 6913.48, KLEFR_CHECK_DAY_COUNTER);
    refuse_with(MODBUS, Q(DAY_COUNTER), 6914.0, KLEFR_CHECK_DAY_COUNTER);
}
END_TEST

START_TEST(test_an_identity_no_klefr_has_is_refused)
{
    refuse_with(IEC, Q(METER_CODE), 6915, KLEFR_CHECK_IDENTITY);
    refuse_with(IEC, Q(METER_CODE), 6913, KLEFR_CHECK_IDENTITY);    /* not the model asked */
    refuse_with(MODBUS, Q(METER_CODE), 6913, KLEFR_CHECK_IDENTITY); /* Modbus is the 6914's */
    refuse_with(IEC, Q(SERIAL_NUMBER), 117060518, KLEFR_CHECK_IDENTITY);
    refuse_with(IEC, Q(METER_AMPS), 5, KLEFR_CHECK_IDENTITY);
    refuse_with(IEC, Q(SOFTWARE_VERSION), 2.185, KLEFR_CHECK_IDENTITY);
    refuse_with(IEC, Q(SOFTWARE_VERSION), 222.18, KLEFR_CHECK_IDENTITY);
    pass_with(IEC, Q(SOFTWARE_VERSION), 99.99);
    refuse_with(IEC, Q(CHECKSUM), 4294967296.0, KLEFR_CHECK_IDENTITY);
    /* Unknown model: taken from the meter code, which must be one. */
    klefr_values v;
    sample_over(IEC, &v);
    klefr_values_set(&v, Q(METER_CODE), 6901);
    ck_assert_int_eq(klefr_model_check_reading(0, IEC, &v, &last), KLEFR_ERR_IMPLAUSIBLE);
    ck_assert_int_eq(last.rule, KLEFR_CHECK_IDENTITY);
}
END_TEST

START_TEST(test_a_setting_the_model_does_not_allow_is_refused)
{
    refuse_with(MODBUS, Q(BAUD_RATE), 19200, KLEFR_CHECK_SETTING);
    refuse_with(MODBUS, Q(BAUD_RATE), 300, KLEFR_CHECK_SETTING); /* M-Bus only */
    refuse_with(MODBUS, Q(BUS_ADDRESS), 0, KLEFR_CHECK_SETTING);
    refuse_with(MODBUS, Q(BUS_ADDRESS), 248, KLEFR_CHECK_SETTING);
    refuse_with(MODBUS, Q(S0_RATE), 3, KLEFR_CHECK_SETTING);
    pass_with(MODBUS, Q(S0_RATE), (float)0.1);
    refuse_with(MODBUS, Q(CALCULATION_CODE), 7, KLEFR_CHECK_SETTING);
    refuse_with(MODBUS, Q(LCD_CYCLE_TIME), 31, KLEFR_CHECK_SETTING);
    refuse_with(MODBUS, Q(LCD_CYCLE_TIME), 0, KLEFR_CHECK_SETTING);
    refuse_with(MODBUS, Q(PARITY), 4, KLEFR_CHECK_SETTING);
    refuse_with(MODBUS, Q(TARIFF), 11, KLEFR_CHECK_SETTING); /* reads 1 or 2 */
    pass_with(MODBUS, Q(TARIFF), 2);
    refuse_with(IEC, Q(PASSWORD), 10000, KLEFR_CHECK_SETTING);
    refuse_with(IEC, Q(BACKLIGHT), 3, KLEFR_CHECK_SETTING);
    /* Per model: the M-Bus address range and baud rates of the 6913. */
    klefr_values meter, v;
    sample(&meter, KLEFR_MODEL_6913);
    over(IEC, KLEFR_MODEL_6913, &meter, &v);
    klefr_values_set(&v, Q(BUS_ADDRESS), 250);
    klefr_values_set(&v, Q(BAUD_RATE), 300);
    ck_assert_int_eq(klefr_model_check_reading(KLEFR_MODEL_6913, IEC, &v, &last), KLEFR_OK);
    klefr_values_set(&v, Q(BUS_ADDRESS), 251);
    ck_assert_int_eq(klefr_model_check_reading(KLEFR_MODEL_6913, IEC, &v, &last),
                     KLEFR_ERR_IMPLAUSIBLE);
    ck_assert_int_eq(last.rule, KLEFR_CHECK_SETTING);
    /* The 6911 is T1 only. */
    sample(&meter, KLEFR_MODEL_6911);
    over(IEC, KLEFR_MODEL_6911, &meter, &v);
    klefr_values_set(&v, Q(TARIFF), 2);
    ck_assert_int_eq(klefr_model_check_reading(KLEFR_MODEL_6911, IEC, &v, &last),
                     KLEFR_ERR_IMPLAUSIBLE);
    ck_assert_int_eq(last.rule, KLEFR_CHECK_SETTING);
}
END_TEST

START_TEST(test_a_quantity_the_model_lacks_is_refused)
{
    klefr_values meter, v;
    sample(&meter, KLEFR_MODEL_6913);
    over(IEC, KLEFR_MODEL_6913, &meter, &v);
    klefr_values_set(&v, Q(PARITY), 1); /* the 6914's */
    ck_assert_int_eq(klefr_model_check_reading(KLEFR_MODEL_6913, IEC, &v, &last),
                     KLEFR_ERR_IMPLAUSIBLE);
    ck_assert_int_eq(last.rule, KLEFR_CHECK_MODEL_QUANTITY);
    ck_assert_int_eq(last.quantity, Q(PARITY));
    sample(&meter, KLEFR_MODEL_6911);
    over(IEC, KLEFR_MODEL_6911, &meter, &v);
    klefr_values_set(&v, Q(BUS_ADDRESS), 1);
    ck_assert_int_eq(klefr_model_check_reading(KLEFR_MODEL_6911, IEC, &v, &last),
                     KLEFR_ERR_IMPLAUSIBLE);
    ck_assert_int_eq(last.rule, KLEFR_CHECK_MODEL_QUANTITY);
}
END_TEST

START_TEST(test_a_status_outside_its_values_is_refused)
{
    refuse_with(IEC, Q(CURRENT_DIRECTION), 'X', KLEFR_CHECK_STATUS_RANGE);
    refuse_with(MODBUS, Q(QUADRANT), 0, KLEFR_CHECK_STATUS_RANGE);
    refuse_with(MODBUS, Q(QUADRANT), 5, KLEFR_CHECK_STATUS_RANGE);
    refuse_with(MODBUS, Q(ERROR_CODE), 3, KLEFR_CHECK_STATUS_RANGE);
    pass_with(MODBUS, Q(ERROR_CODE), 2);
    refuse_with(MODBUS, Q(POWER_DOWN_COUNTER), -1, KLEFR_CHECK_STATUS_RANGE);
    refuse_with(IEC, Q(POWER_DOWN_COUNTER), 65536, KLEFR_CHECK_STATUS_RANGE);
    pass_with(IEC, Q(POWER_DOWN_COUNTER), 65535);
}
END_TEST

START_TEST(test_not_a_number_is_refused_everywhere)
{
    const double nan = NAN, inf = INFINITY;
    refuse_with(MODBUS, Q(VOLTAGE), nan, KLEFR_CHECK_INSTANT_RANGE);
    refuse_with(MODBUS, Q(TOTAL_ACTIVE_ENERGY), inf, KLEFR_CHECK_ENERGY_RANGE);
    refuse_with(MODBUS, Q(S0_RATE), nan, KLEFR_CHECK_SETTING);
    refuse_with(MODBUS, Q(SOFTWARE_VERSION), -inf, KLEFR_CHECK_IDENTITY);
    refuse_with(MODBUS, Q(POWER_FACTOR), nan, KLEFR_CHECK_INSTANT_RANGE);
}
END_TEST

START_TEST(test_instantaneous_values_beyond_what_the_meter_measures_are_refused)
{
    klefr_values v;
    instant(IEC, &v, 291.0, 10.0, 2.91, 0, 2.91, 1.0);
    assert_passes(IEC, &v);
    instant(IEC, &v, 291.1, 10.0, 2.911, 0, 2.911, 1.0);
    assert_refused(IEC, &v, KLEFR_CHECK_INSTANT_RANGE, Q(VOLTAGE));
    refuse_with(MODBUS, Q(L1_VOLTAGE), 2300.0, KLEFR_CHECK_INSTANT_RANGE);
    refuse_with(MODBUS, Q(CURRENT), 54.01, KLEFR_CHECK_INSTANT_RANGE);
    refuse_with(MODBUS, Q(FREQUENCY), 39.9, KLEFR_CHECK_INSTANT_RANGE);
    refuse_with(MODBUS, Q(FREQUENCY), 70.1, KLEFR_CHECK_INSTANT_RANGE);
    refuse_with(IEC, Q(FREQUENCY), 0, KLEFR_CHECK_INSTANT_RANGE); /* while 230 V */
    refuse_with(IEC, Q(POWER_FACTOR), 1.002, KLEFR_CHECK_INSTANT_RANGE);
    refuse_with(MODBUS, Q(APPARENT_POWER), -0.1, KLEFR_CHECK_INSTANT_RANGE);
    refuse_with(MODBUS, Q(REACTIVE_POWER), 15.8, KLEFR_CHECK_INSTANT_RANGE);
    /* A meter without voltage measures nothing. */
    klefr_values meter;
    sample(&meter, KLEFR_MODEL_6914);
    static const klefr_quantity off[] = {Q(VOLTAGE),        Q(L1_VOLTAGE),    Q(FREQUENCY),
                                         Q(CURRENT),        Q(L1_CURRENT),    Q(ACTIVE_POWER),
                                         Q(REACTIVE_POWER), Q(APPARENT_POWER)};
    for (size_t i = 0; i < sizeof off / sizeof off[0]; i++)
        klefr_values_set(&meter, off[i], 0);
    over(IEC, KLEFR_MODEL_6914, &meter, &v);
    assert_passes(IEC, &v);
    klefr_values_set(&v, Q(CURRENT), 5.0);
    assert_refused(IEC, &v, KLEFR_CHECK_INSTANT_RANGE, Q(CURRENT));
}
END_TEST

START_TEST(test_a_three_phase_register_that_is_not_zero_is_refused)
{
    refuse_with(MODBUS, Q(L2_VOLTAGE), 230.0, KLEFR_CHECK_THREE_PHASE_ZERO);
    refuse_with(MODBUS, Q(L3_CURRENT_DIRECTION), 'F', KLEFR_CHECK_THREE_PHASE_ZERO);
    refuse_with(MODBUS, Q(L1_TOTAL_ACTIVE_ENERGY), 0.01, KLEFR_CHECK_THREE_PHASE_ZERO);
}
END_TEST

START_TEST(test_l1_values_that_differ_from_the_totals_are_refused)
{
    refuse_with(MODBUS, Q(L1_VOLTAGE), 230.1, KLEFR_CHECK_PHASE_COPY);
    refuse_with(MODBUS, Q(L1_CURRENT), 1.0, KLEFR_CHECK_PHASE_COPY);
}
END_TEST

START_TEST(test_power_below_the_starting_current_is_refused)
{
    klefr_values v;
    instant(IEC, &v, 230.0, 0.01, 0, 0, 0, 1.0);
    assert_passes(IEC, &v);
    klefr_values_set(&v, Q(ACTIVE_POWER), 0.002);
    assert_refused(IEC, &v, KLEFR_CHECK_START_CURRENT, Q(ACTIVE_POWER));
    instant(MODBUS, &v, 230.0, 0.019, 0, 0, 0, 0.5);
    assert_refused(MODBUS, &v, KLEFR_CHECK_START_CURRENT, Q(POWER_FACTOR));
    /* At the starting current either reading is the meter's. */
    instant(IEC, &v, 230.0, 0.02, 0.005, 0, 0.005, 1.0);
    assert_passes(IEC, &v);
    instant(IEC, &v, 230.0, 0.02, 0, 0, 0, 1.0);
    assert_passes(IEC, &v);
}
END_TEST

START_TEST(test_an_apparent_power_that_is_not_v_times_i_is_refused)
{
    /* IEC: V to 0.05 V, I to 0.005 A, S to 0.0005 kVA: V x I is at most
     * 230.05 x 10.005 = 2.3016 kVA. */
    klefr_values v;
    instant(IEC, &v, 230.0, 10.0, 2.3, 0, 2.302, 0.999);
    assert_passes(IEC, &v);
    instant(IEC, &v, 230.0, 10.0, 2.3, 0, 2.303, 0.999);
    assert_refused(IEC, &v, KLEFR_CHECK_APPARENT_POWER, Q(APPARENT_POWER));
    instant(IEC, &v, 230.0, 10.0, 2.29, 0, 2.298, 0.997);
    assert_passes(IEC, &v);
    instant(IEC, &v, 230.0, 10.0, 2.29, 0, 2.297, 0.997);
    assert_refused(IEC, &v, KLEFR_CHECK_APPARENT_POWER, Q(APPARENT_POWER));
    /* Modbus floats: a part in a million is far beyond their rounding. */
    instant(MODBUS, &v, 230.0, 10.0, 2.3, 0, 2.3 * (1 + 1e-6), 1.0);
    assert_refused(MODBUS, &v, KLEFR_CHECK_APPARENT_POWER, Q(APPARENT_POWER));
}
END_TEST

START_TEST(test_active_or_reactive_power_above_the_apparent_power_is_refused)
{
    klefr_values v;
    instant(IEC, &v, 230.0, 10.0, 2.301, 0, 2.3, 1.0);
    assert_passes(IEC, &v); /* 2.3005 <= 2.3005 */
    instant(IEC, &v, 230.0, 10.0, 2.302, 0, 2.3, 1.0);
    assert_refused(IEC, &v, KLEFR_CHECK_POWER_BOUND, Q(ACTIVE_POWER));
    /* 1.8995^2 + 1.2955^2 = 5.2864 <= 2.3005^2 = 5.2923 */
    instant(IEC, &v, 230.0, 10.0, 1.9, -1.296, 2.3, 0.826);
    assert_passes(IEC, &v);
    instant(IEC, &v, 230.0, 10.0, 1.9, -1.36, 2.3, 0.826);
    assert_refused(IEC, &v, KLEFR_CHECK_POWER_BOUND, Q(ACTIVE_POWER));
}
END_TEST

START_TEST(test_a_power_factor_that_is_not_p_over_s_is_refused)
{
    klefr_values v;
    instant(IEC, &v, 230.0, 10.0, 1.15, 1.992, 2.3, 0.5);
    assert_passes(IEC, &v);
    /* P/S spans 1.1495/2.3005 .. 1.1505/2.2995 = 0.49967 .. 0.50033. */
    instant(IEC, &v, 230.0, 10.0, 1.15, 1.992, 2.3, 0.501);
    assert_refused(IEC, &v, KLEFR_CHECK_POWER_FACTOR, Q(POWER_FACTOR));
    instant(MODBUS, &v, 230.0, 10.0, -1.15, 1.99, 2.3, 0.5);
    assert_refused(MODBUS, &v, KLEFR_CHECK_POWER_FACTOR, Q(POWER_FACTOR));
    /* No apparent power: the firmware reports 1. */
    instant(MODBUS, &v, 230.0, 0.0, 0, 0, 0, 0.0);
    assert_refused(MODBUS, &v, KLEFR_CHECK_START_CURRENT, Q(POWER_FACTOR));
}
END_TEST

START_TEST(test_a_direction_or_quadrant_against_the_signs_of_p_and_q_is_refused)
{
    klefr_values v;
    instant(IEC, &v, 230.0, 10.0, -2.0, 1.136, 2.3, -0.87);
    assert_passes(IEC, &v);
    klefr_values_set(&v, Q(CURRENT_DIRECTION), 'F');
    assert_refused(IEC, &v, KLEFR_CHECK_DIRECTION, Q(CURRENT_DIRECTION));
    instant(IEC, &v, 230.0, 10.0, -2.0, 1.136, 2.3, -0.87);
    klefr_values_set(&v, Q(QUADRANT), 3);
    assert_refused(IEC, &v, KLEFR_CHECK_QUADRANT, Q(QUADRANT));
    klefr_values_set(&v, Q(QUADRANT), 1);
    assert_refused(IEC, &v, KLEFR_CHECK_QUADRANT, Q(QUADRANT));
    /* Q shown as 0.000 may be either sign: quadrant 2 or 3 both pass. */
    instant(IEC, &v, 230.0, 10.0, -2.3, 0.0, 2.3, -1.0);
    klefr_values_set(&v, Q(QUADRANT), 3);
    assert_passes(IEC, &v);
    /* No power flows: forward, any quadrant (the firmware keeps the
     * load's signs). */
    instant(IEC, &v, 230.0, 0.0, 0, 0, 0, 1.0);
    klefr_values_set(&v, Q(QUADRANT), 3);
    assert_passes(IEC, &v);
    klefr_values_set(&v, Q(CURRENT_DIRECTION), 'R');
    assert_refused(IEC, &v, KLEFR_CHECK_DIRECTION, Q(CURRENT_DIRECTION));
}
END_TEST

/* Over Modbus the direction (4012) and the power (5012) come in two
 * transactions: a load that turned between them is no corruption. */
START_TEST(test_direction_is_not_compared_across_modbus_transactions)
{
    klefr_values v;
    instant(MODBUS, &v, 230.0, 10.0, -2.3, 0, 2.3, -1.0);
    klefr_values_set(&v, Q(CURRENT_DIRECTION), 'F');
    klefr_values_set(&v, Q(QUADRANT), 1);
    assert_passes(MODBUS, &v);
}
END_TEST

START_TEST(test_a_subset_is_checked_on_what_it_holds)
{
    klefr_values v;
    klefr_values_clear(&v);
    /* T2 absent: the tariff sum cannot be checked, the range can. */
    klefr_values_set(&v, Q(TOTAL_ACTIVE_ENERGY), 100.0);
    klefr_values_set(&v, Q(T1_TOTAL_ACTIVE_ENERGY), 30.0);
    assert_passes(IEC, &v);
    klefr_values_set(&v, Q(T2_TOTAL_ACTIVE_ENERGY), 60.0);
    assert_refused(IEC, &v, KLEFR_CHECK_TARIFF_SUM, Q(TOTAL_ACTIVE_ENERGY));
    klefr_values_clear(&v);
    klefr_values_set(&v, Q(VOLTAGE), 230.0);
    assert_passes(MODBUS, &v);
    /* S without V: the power bound still holds against S. */
    klefr_values_clear(&v);
    klefr_values_set(&v, Q(ACTIVE_POWER), 3.0);
    klefr_values_set(&v, Q(APPARENT_POWER), 2.0);
    assert_refused(MODBUS, &v, KLEFR_CHECK_POWER_BOUND, Q(ACTIVE_POWER));
    /* ...or against V x I when S is absent. */
    klefr_values_clear(&v);
    klefr_values_set(&v, Q(VOLTAGE), 230.0);
    klefr_values_set(&v, Q(CURRENT), 1.0);
    klefr_values_set(&v, Q(ACTIVE_POWER), 0.3);
    assert_refused(MODBUS, &v, KLEFR_CHECK_POWER_BOUND, Q(ACTIVE_POWER));
    /* An empty reading holds nothing to refuse. */
    klefr_values_clear(&v);
    assert_passes(MBUS, &v);
}
END_TEST

START_TEST(test_companions_name_what_a_rule_on_a_quantity_needs)
{
    klefr_quantity out[32];
    size_t n = klefr_model_check_companions(Q(TOTAL_ACTIVE_ENERGY), out, 32);
    bool t1 = false, t2 = false, code = false, self = false;
    for (size_t i = 0; i < n; i++) {
        t1 |= out[i] == Q(T1_TOTAL_ACTIVE_ENERGY);
        t2 |= out[i] == Q(T2_TOTAL_ACTIVE_ENERGY);
        code |= out[i] == Q(CALCULATION_CODE);
        self |= out[i] == Q(TOTAL_ACTIVE_ENERGY);
    }
    ck_assert(t1 && t2 && code && !self);
    /* The count is the same whatever the capacity. */
    ck_assert_uint_eq(klefr_model_check_companions(Q(TOTAL_ACTIVE_ENERGY), NULL, 0), n);
    ck_assert_uint_eq(klefr_model_check_companions(Q(TOTAL_ACTIVE_ENERGY), out, 2), n);
    n = klefr_model_check_companions(Q(APPARENT_POWER), out, 32);
    ck_assert_uint_ge(n, 2);
    ck_assert_uint_eq(klefr_model_check_companions(Q(SERIAL_NUMBER), out, 32), 0);
    ck_assert_uint_eq(klefr_model_check_companions(KLEFR_Q_COUNT, out, 32), 0);
    /* Every companion list, read along, makes the reading checkable: a
     * subset of the sample made of q and its companions passes. */
    for (int q = 0; q < KLEFR_Q_COUNT; q++) {
        klefr_values all, part;
        sample_over(IEC, &all);
        klefr_values_clear(&part);
        n = klefr_model_check_companions((klefr_quantity)q, out, 32);
        ck_assert_uint_le(n, 32);
        out[n++] = (klefr_quantity)q;
        for (size_t i = 0; i < n; i++) {
            double x;
            if (klefr_values_get(&all, out[i], &x) == KLEFR_OK)
                klefr_values_set(&part, out[i], x);
        }
        assert_passes(IEC, &part);
    }
}
END_TEST

START_TEST(test_bad_arguments_are_refused_as_such)
{
    klefr_values v;
    sample_over(MODBUS, &v);
    ck_assert_int_eq(klefr_model_check_reading(KLEFR_MODEL_6914, MODBUS, NULL, &last),
                     KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_model_check_reading(KLEFR_MODEL_6914, (klefr_protocol)3, &v, &last),
                     KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_model_check_reading((klefr_model)6915, IEC, &v, &last),
                     KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_model_check_reading(KLEFR_MODEL_6913, MODBUS, &v, &last),
                     KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_model_check_reading(KLEFR_MODEL_6914, MBUS, &v, &last),
                     KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_model_check_reading(0, MODBUS, &v, NULL), KLEFR_OK);
}
END_TEST

START_TEST(test_every_rule_has_its_own_name)
{
    static const klefr_check_rule rules[] = {
        KLEFR_CHECK_NONE,           KLEFR_CHECK_TARIFF_SUM,
        KLEFR_CHECK_REACTIVE_SUM,   KLEFR_CHECK_CALC_TOTAL,
        KLEFR_CHECK_ENERGY_RANGE,   KLEFR_CHECK_DAY_COUNTER,
        KLEFR_CHECK_IDENTITY,       KLEFR_CHECK_SETTING,
        KLEFR_CHECK_MODEL_QUANTITY, KLEFR_CHECK_STATUS_RANGE,
        KLEFR_CHECK_INSTANT_RANGE,  KLEFR_CHECK_THREE_PHASE_ZERO,
        KLEFR_CHECK_PHASE_COPY,     KLEFR_CHECK_START_CURRENT,
        KLEFR_CHECK_APPARENT_POWER, KLEFR_CHECK_POWER_BOUND,
        KLEFR_CHECK_POWER_FACTOR,   KLEFR_CHECK_DIRECTION,
        KLEFR_CHECK_QUADRANT,       KLEFR_CHECK_STABLE_CHANGED,
        KLEFR_CHECK_COUNTER_DOWN,   KLEFR_CHECK_COUNTER_TOO_FAST,
        KLEFR_CHECK_ENERGY_DOWN,    KLEFR_CHECK_ENERGY_TOO_FAST};
    size_t n = sizeof rules / sizeof rules[0];
    for (size_t i = 0; i < n; i++) {
        const char *a = klefr_check_rule_name(rules[i]);
        ck_assert_str_ne(a, "unknown");
        for (size_t j = 0; j < i; j++)
            ck_assert_str_ne(a, klefr_check_rule_name(rules[j]));
    }
    ck_assert_str_eq(klefr_check_rule_name(KLEFR_CHECK_TARIFF_SUM), "tariff_sum");
    ck_assert_str_eq(klefr_check_rule_name((klefr_check_rule)19), "unknown");
    ck_assert_str_eq(klefr_check_rule_name((klefr_check_rule)999), "unknown");
    ck_assert_str_eq(klefr_check_rule_name((klefr_check_rule)-1), "unknown");
}
END_TEST

START_TEST(test_uncertainty_follows_each_protocols_coding)
{
    ck_assert(klefr_model_check_uncertainty(MODBUS, Q(VOLTAGE), 230.0) == 230.0 * 0x1p-23);
    ck_assert(klefr_model_check_uncertainty(MODBUS, Q(BUS_ADDRESS), 7) == 0);
    ck_assert(klefr_model_check_uncertainty(MODBUS, Q(BACKLIGHT), 1) < 0);
    ck_assert(klefr_model_check_uncertainty(MBUS, Q(T1_FORWARD_ACTIVE_ENERGY), 1.0) == 0);
    ck_assert(klefr_model_check_uncertainty(MBUS, Q(VOLTAGE), 230.0) < 0);
    ck_assert(klefr_model_check_uncertainty(IEC, Q(VOLTAGE), 230.0) == 0.05);
    ck_assert(fabs(klefr_model_check_uncertainty(IEC, Q(ACTIVE_POWER), 1.0) - 0.0005) < 1e-15);
    ck_assert(klefr_model_check_uncertainty(IEC, Q(FORWARD_ACTIVE_ENERGY), 1.0) == 0);
    ck_assert(klefr_model_check_uncertainty(IEC, Q(L1_VOLTAGE), 230.0) < 0);
    ck_assert(klefr_model_check_uncertainty((klefr_protocol)5, Q(VOLTAGE), 230.0) < 0);
}
END_TEST

/* Whatever a decoder or a caller puts in a reading (huge, tiny, negative,
 * NaN), the checks answer OK or IMPLAUSIBLE and do nothing undefined (the
 * sanitizer build runs this too). */
START_TEST(test_any_values_are_answered_without_undefined_behaviour)
{
    static const double odd[] = {0,         -0.0,      1,      -1,       0.5,       45,
                                 6914,      1e300,     -1e300, 1e-300,   4.3e9,     -4.3e9,
                                 9.3e18,    -9.3e18,   NAN,    INFINITY, -INFINITY, 999999.99,
                                 -99999.99, 1000000.0, 65535,  70,       82};
    uint64_t r = 88172645463325252ull;
    klefr_values good;
    sample_over(IEC, &good);
    for (int round = 0; round < 3000; round++) {
        klefr_values v = good, w = good;
        for (int k = 0; k < 1 + round % 6; k++) {
            r ^= r << 13;
            r ^= r >> 7;
            r ^= r << 17;
            klefr_quantity q = (klefr_quantity)(r % KLEFR_Q_COUNT);
            klefr_values_set((r >> 20) % 2 ? &v : &w, q,
                             odd[(r >> 8) % (sizeof odd / sizeof odd[0])]);
        }
        for (int p = 0; p < 3; p++) {
            klefr_err err = klefr_model_check_reading(0, (klefr_protocol)p, &v, &last);
            ck_assert(err == KLEFR_OK || err == KLEFR_ERR_IMPLAUSIBLE);
            ck_assert((err == KLEFR_OK) == (last.rule == KLEFR_CHECK_NONE));
            err = klefr_model_check_history((klefr_protocol)p, &v, &w, r % 100000000u,
                                            1.0 + (double)(r % 7), &last);
            ck_assert(err == KLEFR_OK || err == KLEFR_ERR_IMPLAUSIBLE);
            ck_assert((err == KLEFR_OK) == (last.rule == KLEFR_CHECK_NONE));
        }
        (void)klefr_model_check_same_identity(&v, &w);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("readings that break the model's rules are refused");
    TCase *tc = tcase_create("rules");
    tcase_add_test(tc, test_the_manuals_sample_passes_on_every_protocol);
    tcase_add_test(tc, test_an_mbus_total_corrupted_past_the_checksum_is_refused);
    tcase_add_test(tc, test_an_iec_value_with_an_inserted_pair_is_refused);
    tcase_add_loop_test(tc, test_a_total_off_by_one_quantum_is_refused_where_energies_are_exact, 0,
                        2);
    tcase_add_test(tc, test_a_modbus_total_passes_within_float_rounding_and_is_refused_beyond);
    tcase_add_test(tc, test_a_reactive_total_that_is_not_forward_plus_reverse_is_refused);
    tcase_add_loop_test(tc, test_total_active_follows_the_calculation_code, 0, 6);
    tcase_add_test(tc, test_energies_outside_their_registers_are_refused);
    tcase_add_test(tc, test_a_day_counter_above_forward_energy_is_refused);
    tcase_add_test(tc, test_an_identity_no_klefr_has_is_refused);
    tcase_add_test(tc, test_a_setting_the_model_does_not_allow_is_refused);
    tcase_add_test(tc, test_a_quantity_the_model_lacks_is_refused);
    tcase_add_test(tc, test_a_status_outside_its_values_is_refused);
    tcase_add_test(tc, test_not_a_number_is_refused_everywhere);
    tcase_add_test(tc, test_instantaneous_values_beyond_what_the_meter_measures_are_refused);
    tcase_add_test(tc, test_a_three_phase_register_that_is_not_zero_is_refused);
    tcase_add_test(tc, test_l1_values_that_differ_from_the_totals_are_refused);
    tcase_add_test(tc, test_power_below_the_starting_current_is_refused);
    tcase_add_test(tc, test_an_apparent_power_that_is_not_v_times_i_is_refused);
    tcase_add_test(tc, test_active_or_reactive_power_above_the_apparent_power_is_refused);
    tcase_add_test(tc, test_a_power_factor_that_is_not_p_over_s_is_refused);
    tcase_add_test(tc, test_a_direction_or_quadrant_against_the_signs_of_p_and_q_is_refused);
    tcase_add_test(tc, test_direction_is_not_compared_across_modbus_transactions);
    tcase_add_test(tc, test_a_subset_is_checked_on_what_it_holds);
    tcase_add_test(tc, test_companions_name_what_a_rule_on_a_quantity_needs);
    tcase_add_test(tc, test_bad_arguments_are_refused_as_such);
    tcase_add_test(tc, test_every_rule_has_its_own_name);
    tcase_add_test(tc, test_uncertainty_follows_each_protocols_coding);
    tcase_add_test(tc, test_any_values_are_answered_without_undefined_behaviour);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(suite)

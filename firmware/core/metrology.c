/* SPDX-License-Identifier: MIT */
/* Energy integration, S0 and LED pulses (SPEC 3, manual 5).
 *
 * Energy is P [mW] x dt [ms] = uJ, added as exact integers: each register
 * keeps whole 10 Wh quanta and the remainder below one quantum, so nothing
 * is ever rounded away. Only additions, comparisons and a 32x32->64
 * multiply run on every tick; a 64-bit division happens only when a single
 * step spans more than one quantum (or pulse), which is rare. */
#include "fw_internal.h"

void fw_energy_add(klefr_fw_energy *e, uint64_t uj)
{
    e->rem_uj += uj;
    if (e->rem_uj < FW_UJ_PER_QUANTUM)
        return;
    if (e->rem_uj < 2 * FW_UJ_PER_QUANTUM) {
        e->rem_uj -= FW_UJ_PER_QUANTUM;
        e->q10wh++;
        return;
    }
    uint64_t n = e->rem_uj / FW_UJ_PER_QUANTUM;
    e->rem_uj -= n * FW_UJ_PER_QUANTUM;
    e->q10wh += (uint32_t)n;
}

uint64_t klefr_fw_energy_uj(const klefr_fw_energy *e)
{
    return (uint64_t)e->q10wh * FW_UJ_PER_QUANTUM + e->rem_uj;
}

uint32_t fw_energy_sum_q(const klefr_fw_meter *m)
{
    uint32_t sum = m->day.q10wh;
    for (int k = 0; k < 2; k++)
        for (int d = 0; d < 2; d++)
            for (int t = 0; t < 2; t++)
                sum += m->energy[k][d][t].q10wh;
    return sum;
}

static uint32_t abs32(int32_t v)
{
    return v < 0 ? (uint32_t)0 - (uint32_t)v : (uint32_t)v;
}

void fw_metrology_advance(klefr_fw_meter *m, uint32_t now)
{
    uint32_t dt = now - m->last_ms;
    m->last_ms = now;
    /* Powered down, or below the starting current: nothing registers. */
    if (!m->powered || dt == 0 || m->load.current_ma < FW_START_CURRENT_MA)
        return;
    unsigned t = klefr_fw_tariff(m) - 1;
    int32_t p = m->load.active_mw, q = m->load.reactive_mvar;
    if (p != 0) {
        uint64_t e = (uint64_t)abs32(p) * dt;
        int dir = p > 0 ? KLEFR_FW_FORWARD : KLEFR_FW_REVERSE;
        fw_energy_add(&m->energy[KLEFR_FW_ACTIVE][dir][t], e);
        if (dir == KLEFR_FW_FORWARD)
            fw_energy_add(&m->day, e);
        /* The LED and S0 follow active energy in either direction. */
        m->s0_acc_uj += e;
        m->led_acc_uj += e;
    }
    if (q != 0) {
        uint64_t e = (uint64_t)abs32(q) * dt;
        int dir = q > 0 ? KLEFR_FW_FORWARD : KLEFR_FW_REVERSE;
        fw_energy_add(&m->energy[KLEFR_FW_REACTIVE][dir][t], e);
    }
}

/* Energy of one S0 pulse in uJ; a table, so no division on the hot path. */
static uint64_t s0_pulse_uj(uint32_t rate_centi)
{
    switch (rate_centi) {
    case 1000000: return 360000000ull; /* 10 000 imp/kWh */
    case 200000: return 1800000000ull; /* 2 000 */
    case 100000: return 3600000000ull; /* 1 000 */
    case 10000: return 36000000000ull; /* 100 */
    case 1000: return 360000000000ull; /* 10 */
    case 100: return 3600000000000ull; /* 1 */
    case 10: return 36000000000000ull; /* 0.1 */
    case 1: return 360000000000000ull; /* 0.01 */
    default: return 360000000ull;
    }
}

/* Move whole pulses from an accumulator to a count. */
static uint32_t take_pulses(uint64_t *acc, uint64_t per)
{
    if (*acc < per)
        return 0;
    if (*acc < 2 * per) {
        *acc -= per;
        return 1;
    }
    uint64_t n = *acc / per;
    *acc -= n * per;
    return (uint32_t)n;
}

/* LED: 10 000 imp/kWh regardless of the S0 rate (manual 7.1). */
#define LED_PULSE_UJ 360000000ull

void fw_pulses_run(klefr_fw_meter *m, uint32_t now)
{
    uint32_t led = take_pulses(&m->led_acc_uj, LED_PULSE_UJ);
    m->led_count += led;
    if (m->hal.led_pulse != NULL)
        while (led-- > 0)
            m->hal.led_pulse(m->hal.ctx);

    m->s0_owed += take_pulses(&m->s0_acc_uj, s0_pulse_uj(m->set.s0_rate_centi));
    if (m->s0_owed == 0)
        return;
    uint32_t width = abs32(m->load.active_mw) > (uint32_t)FW_S0_NARROW_ABOVE_MW ? FW_S0_NARROW_US
                                                                                : FW_S0_WIDE_US;
    /* A pulse and an equal pause: the next pulse starts one period later.
     * Pulses owed pile up (never lost) and leave as fast as that allows;
     * a catch-up after a long gap is bounded to the last minute. */
    uint32_t period_ms = (2 * width + 999) / 1000;
    if ((int32_t)(now - m->s0_next_ms) > 60000)
        m->s0_next_ms = now - 60000;
    while (m->s0_owed > 0 && (int32_t)(now - m->s0_next_ms) >= 0) {
        if (m->hal.s0_pulse != NULL)
            m->hal.s0_pulse(m->hal.ctx, width);
        m->s0_owed--;
        m->s0_count++;
        m->s0_next_ms += period_ms;
    }
}

unsigned klefr_fw_quadrant(const klefr_fw_meter *m)
{
    bool p_pos = m->load.active_mw >= 0, q_pos = m->load.reactive_mvar >= 0;
    return p_pos ? (q_pos ? 1 : 4) : (q_pos ? 2 : 3);
}

uint32_t klefr_fw_energy_q(const klefr_fw_meter *m, int kind, int direction)
{
    return m->energy[kind][direction][0].q10wh + m->energy[kind][direction][1].q10wh;
}

/* Manual 7.11; SPEC 3: 09 and 10 are both F-R. */
static int64_t by_code(unsigned code, int64_t f, int64_t r)
{
    switch (code) {
    case 1: return f;
    case 4: return r;
    case 6: return r - f;
    case 9:
    case 10: return f - r;
    default: return f + r;
    }
}

int64_t klefr_fw_total_active_q(const klefr_fw_meter *m)
{
    return by_code(m->set.calc_code, klefr_fw_energy_q(m, KLEFR_FW_ACTIVE, KLEFR_FW_FORWARD),
                   klefr_fw_energy_q(m, KLEFR_FW_ACTIVE, KLEFR_FW_REVERSE));
}

int64_t fw_tariff_active_q(const klefr_fw_meter *m, unsigned t)
{
    return by_code(m->set.calc_code, m->energy[KLEFR_FW_ACTIVE][KLEFR_FW_FORWARD][t].q10wh,
                   m->energy[KLEFR_FW_ACTIVE][KLEFR_FW_REVERSE][t].q10wh);
}

/* sin and cos of x radians, |x| <= pi/4, by their Taylor series (the terms
 * left out are below 1e-17 there). */
static void sincos_small(double x, double *s, double *c)
{
    double x2 = x * x, ts = x, tc = 1.0, ss = x, cc = 1.0;
    for (int k = 1; k <= 9; k++) {
        ts *= -x2 / ((2.0 * k) * (2.0 * k + 1));
        tc *= -x2 / ((2.0 * k - 1) * (2.0 * k));
        ss += ts;
        cc += tc;
    }
    *s = ss;
    *c = cc;
}

static int32_t round_to_i32(double v)
{
    return (int32_t)(v < 0 ? v - 0.5 : v + 0.5);
}

void klefr_fw_load_from_angle(klefr_fw_load *load, uint32_t voltage_mv, uint32_t current_ma,
                              int32_t angle_cdeg, uint32_t frequency_mhz)
{
    /* Reduce to [0, 36000) hundredths of a degree, then to an octant. */
    int32_t a = angle_cdeg % 36000;
    if (a < 0)
        a += 36000;
    int quarter = a / 9000;
    int32_t r = a % 9000;
    const double rad_per_cdeg = 3.14159265358979323846 / 18000.0;
    double s, c;
    if (r <= 4500) {
        sincos_small(r * rad_per_cdeg, &s, &c);
    } else {
        sincos_small((9000 - r) * rad_per_cdeg, &c, &s);
    }
    double sn, cs;
    switch (quarter) {
    case 0:
        sn = s;
        cs = c;
        break;
    case 1:
        sn = c;
        cs = -s;
        break;
    case 2:
        sn = -s;
        cs = -c;
        break;
    default:
        sn = -c;
        cs = s;
        break;
    }
    double va = (double)voltage_mv * (double)current_ma / 1000.0; /* mVA */
    load->voltage_mv = voltage_mv;
    load->current_ma = current_ma;
    load->frequency_mhz = frequency_mhz;
    load->active_mw = round_to_i32(va * cs);
    load->reactive_mvar = round_to_i32(va * sn);
}

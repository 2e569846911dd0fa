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

int64_t fw_energy_of(const klefr_fw_meter *m, int kind, int dir, int t)
{
    int64_t f = 0, r = 0;
    for (int i = 0; i < 2; i++) {
        if (t < 0 || t == i) {
            f += m->energy[kind][KLEFR_FW_FORWARD][i].q10wh;
            r += m->energy[kind][KLEFR_FW_REVERSE][i].q10wh;
        }
    }
    if (dir >= 0)
        return dir == KLEFR_FW_FORWARD ? f : r;
    /* SPEC 3: total reactive is forward + reverse. */
    return kind == KLEFR_FW_ACTIVE ? by_code(m->set.calc_code, f, r) : f + r;
}

int64_t klefr_fw_total_active_q(const klefr_fw_meter *m)
{
    return fw_energy_of(m, KLEFR_FW_ACTIVE, -1, -1);
}

/* a x b as 128 bits. */
static void mul_u64(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo)
{
    uint64_t al = (uint32_t)a, ah = a >> 32, bl = (uint32_t)b, bh = b >> 32;
    uint64_t ll = al * bl, lh = al * bh, hl = ah * bl;
    uint64_t mid = (ll >> 32) + (uint32_t)lh + (uint32_t)hl;
    *lo = mid << 32 | (uint32_t)ll;
    *hi = ah * bh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

/* Fixed point with 62 bits after the point: 1.0 is 2^62. */
#define Q62_ONE ((uint64_t)1 << 62)

static uint64_t mul_q62(uint64_t a, uint64_t b)
{
    uint64_t hi, lo;
    mul_u64(a, b, &hi, &lo);
    return hi << 2 | lo >> 62;
}

/* sin and cos of x (Q62 radians, 0 <= x <= pi/4) by their Taylor series;
 * the terms left out are below 1e-17 there, the arithmetic is integer (no
 * floating point in the metrology). */
static void sincos_small(uint64_t x, int64_t *s, int64_t *c)
{
    uint64_t x2 = mul_q62(x, x), ts = x, tc = Q62_ONE;
    int64_t ss = (int64_t)x, cc = (int64_t)Q62_ONE;
    for (uint32_t k = 1; k <= 9; k++) {
        ts = mul_q62(ts, x2) / ((2 * k) * (2 * k + 1));
        tc = mul_q62(tc, x2) / ((2 * k - 1) * (2 * k));
        ss += (k & 1u) != 0 ? -(int64_t)ts : (int64_t)ts;
        cc += (k & 1u) != 0 ? -(int64_t)tc : (int64_t)tc;
    }
    *s = ss;
    *c = cc;
}

/* a [mV x mA] x f (Q62, |f| <= 1) / 1000, rounded half away from zero to
 * whole mW (or mvar). a x |f| keeps 22 bits below the point. */
static int32_t scaled_mw(uint64_t a, int64_t f)
{
    uint64_t hi, lo;
    mul_u64(a, f < 0 ? (uint64_t)0 - (uint64_t)f : (uint64_t)f, &hi, &lo);
    uint64_t z = hi << 24 | lo >> 40;
    const uint64_t unit = (uint64_t)1000 << 22;
    int32_t r = (int32_t)((z + unit / 2) / unit);
    return f < 0 ? -r : r;
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
    /* pi / 18000 in Q62: radians per hundredth of a degree. */
    const uint64_t rad_per_cdeg = 804891050897458u;
    int64_t s, c;
    if (r <= 4500) {
        sincos_small((uint64_t)r * rad_per_cdeg, &s, &c);
    } else {
        sincos_small((uint64_t)(9000 - r) * rad_per_cdeg, &c, &s);
    }
    int64_t sn, cs;
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
    uint64_t vi = (uint64_t)voltage_mv * current_ma; /* mVA x 1000 */
    load->voltage_mv = voltage_mv;
    load->current_ma = current_ma;
    load->frequency_mhz = frequency_mhz;
    load->active_mw = scaled_mw(vi, cs);
    load->reactive_mvar = scaled_mw(vi, sn);
}

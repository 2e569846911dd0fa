/* SPDX-License-Identifier: MIT */
/* klefr_model_check_reading(): the rules of one reading, in the order a
 * corruption is most cheaply recognised: numbers at all, identification,
 * quantities and settings of the model, status words, energies,
 * instantaneous values (doc/reading-integrity.md). */
#include "model/check_internal.h"
#include "model/table.h"

#define Q(x) KLEFR_Q_##x

/* Eight decimal digits (Modbus HEX 4000, IEC 0.0.0 of eight digits). */
#define SERIAL_MAX 99999999.0
/* Versions are shown as d.dd up to dd.dd. */
#define VERSION_MAX 99.99

static bool model_known(klefr_model m)
{
    return m >= KLEFR_MODEL_6911 && m <= KLEFR_MODEL_6914;
}

static bool is_whole(double v)
{
    return v >= -4294967296.0 && v <= 4294967296.0 && (double)(long long)v == v;
}

static klefr_check_rule rule_of_group(klefr_group g)
{
    switch (g) {
    case KLEFR_GROUP_ENERGY: return KLEFR_CHECK_ENERGY_RANGE;
    case KLEFR_GROUP_INSTANTANEOUS: return KLEFR_CHECK_INSTANT_RANGE;
    case KLEFR_GROUP_IDENTIFICATION: return KLEFR_CHECK_IDENTITY;
    case KLEFR_GROUP_SETTINGS: return KLEFR_CHECK_SETTING;
    default: return KLEFR_CHECK_STATUS_RANGE;
    }
}

/* NaN and infinities are no reading of anything; three-phase registers
 * always read 0 on these single-phase meters (SPEC 4). */
static bool numbers_hold(const ck_ctx *c)
{
    for (int q = 0; q < KLEFR_Q_COUNT; q++) {
        const klefr_quantity_info *row = klefr_quantity_get((klefr_quantity)q);
        double v;
        if (klefr_values_get(c->values, (klefr_quantity)q, &v) != KLEFR_OK)
            continue;
        if (!(v - v == 0))
            return ck_fail(c, rule_of_group(row->group), (klefr_quantity)q, (klefr_quantity)q, v,
                           0);
        if ((row->flags & KLEFR_QF_THREE_PHASE) && v != 0)
            return ck_fail(c, KLEFR_CHECK_THREE_PHASE_ZERO, (klefr_quantity)q, (klefr_quantity)q, v,
                           0);
    }
    return true;
}

static bool whole_within(const ck_ctx *c, klefr_check_rule rule, klefr_quantity q, double lo,
                         double hi)
{
    ck_num x;
    if (!ck_get(c, q, &x) || (is_whole(x.v) && x.v >= lo && x.v <= hi))
        return true;
    return ck_fail(c, rule, q, q, x.v, x.v < lo ? lo : hi);
}

/* A version is d.dd: whole hundredths (within a float's rounding). */
static bool version_holds(const ck_ctx *c, klefr_quantity q)
{
    ck_num x;
    if (!ck_get(c, q, &x))
        return true;
    if (!(x.v >= 0 && x.v <= VERSION_MAX + x.u))
        return ck_fail(c, KLEFR_CHECK_IDENTITY, q, q, x.v, VERSION_MAX);
    double h = x.v * 100.0;
    double near = (double)(long long)(h + 0.5);
    double off = h > near ? h - near : near - h;
    if (off <= 100.0 * x.u + CK_SLACK(h))
        return true;
    return ck_fail(c, KLEFR_CHECK_IDENTITY, q, q, x.v,
                   x.v > VERSION_MAX ? VERSION_MAX : near / 100);
}

static bool identity_holds(const ck_ctx *c)
{
    ck_num code;
    if (ck_get(c, Q(METER_CODE), &code) && c->model != 0 && code.v != (double)c->model)
        return ck_fail(c, KLEFR_CHECK_IDENTITY, Q(METER_CODE), Q(METER_CODE), code.v,
                       (double)c->model);
    return whole_within(c, KLEFR_CHECK_IDENTITY, Q(METER_CODE), KLEFR_MODEL_6911,
                        KLEFR_MODEL_6914) &&
           whole_within(c, KLEFR_CHECK_IDENTITY, Q(SERIAL_NUMBER), 0, SERIAL_MAX) &&
           whole_within(c, KLEFR_CHECK_IDENTITY, Q(METER_AMPS), KLEFR_RATED_IMAX_A,
                        KLEFR_RATED_IMAX_A) &&
           whole_within(c, KLEFR_CHECK_IDENTITY, Q(CHECKSUM), 0, 4294967295.0) &&
           version_holds(c, Q(PROTOCOL_VERSION)) && version_holds(c, Q(SOFTWARE_VERSION)) &&
           version_holds(c, Q(HARDWARE_VERSION));
}

/* Every quantity present exists on the model (a 6911 has no bus address,
 * only the 6914 a parity). */
static bool model_quantities_hold(const ck_ctx *c)
{
    if (c->model == 0)
        return true;
    for (int q = 0; q < KLEFR_Q_COUNT; q++) {
        const klefr_quantity_info *row = klefr_quantity_get((klefr_quantity)q);
        if (klefr_values_has(c->values, (klefr_quantity)q) &&
            (row->models & KLEFR_MODEL_BIT(c->model)) == 0)
            return ck_fail(c, KLEFR_CHECK_MODEL_QUANTITY, (klefr_quantity)q, Q(METER_CODE),
                           c->values->value[q], (double)c->model);
    }
    return true;
}

/* Is @p v a value setting @p q can hold: on the model, or on any model
 * when the model is unknown? */
static bool setting_allowed(klefr_model model, klefr_quantity q, double v)
{
    if (model != 0)
        return klefr_model_value_allowed(model, q, v) == KLEFR_OK;
    for (unsigned m = KLEFR_MODEL_6911; m <= KLEFR_MODEL_6914; m++)
        if (klefr_model_value_allowed((klefr_model)m, q, v) == KLEFR_OK)
            return true;
    return false;
}

static bool settings_hold(const ck_ctx *c)
{
    for (int q = 0; q < KLEFR_Q_COUNT; q++) {
        const klefr_quantity_info *row = klefr_quantity_get((klefr_quantity)q);
        double v;
        if (row->group != KLEFR_GROUP_SETTINGS || row->valid == NULL ||
            klefr_values_get(c->values, (klefr_quantity)q, &v) != KLEFR_OK)
            continue;
        if (!setting_allowed(c->model, (klefr_quantity)q, v))
            return ck_fail(c, KLEFR_CHECK_SETTING, (klefr_quantity)q, (klefr_quantity)q, v,
                           c->model != 0 ? (double)c->model : 0);
    }
    return true;
}

static bool direction_letter(const ck_ctx *c)
{
    ck_num d;
    if (!ck_get(c, Q(CURRENT_DIRECTION), &d) || d.v == 'F' || d.v == 'R')
        return true;
    return ck_fail(c, KLEFR_CHECK_STATUS_RANGE, Q(CURRENT_DIRECTION), Q(CURRENT_DIRECTION), d.v,
                   'F');
}

/* Error code 0, 1 (Err 01) or 2 (Err 02), SPEC 3; the power-down counter
 * saturates at 65535 (doc/firmware.md). */
static bool status_holds(const ck_ctx *c)
{
    return direction_letter(c) && whole_within(c, KLEFR_CHECK_STATUS_RANGE, Q(QUADRANT), 1, 4) &&
           whole_within(c, KLEFR_CHECK_STATUS_RANGE, Q(ERROR_CODE), 0, 2) &&
           whole_within(c, KLEFR_CHECK_STATUS_RANGE, Q(POWER_DOWN_COUNTER), 0, 65535);
}

bool ck_identity_and_settings(const ck_ctx *c)
{
    return identity_holds(c) && model_quantities_hold(c) && settings_hold(c) && status_holds(c);
}

/* The model this reading is checked as; false if the caller's model and
 * protocol cannot go together. */
static bool resolve_model(klefr_model asked, klefr_protocol protocol, const klefr_values *v,
                          klefr_model *out)
{
    /* SPEC 1: Modbus is the 6914's, M-Bus the 6913's. */
    klefr_model only = protocol == KLEFR_PROTOCOL_MODBUS ? KLEFR_MODEL_6914
                       : protocol == KLEFR_PROTOCOL_MBUS ? KLEFR_MODEL_6913
                                                         : (klefr_model)0;
    if (asked != 0 && (!model_known(asked) || (only != 0 && asked != only)))
        return false;
    double code;
    if (asked == 0 && only == 0 && klefr_values_get(v, Q(METER_CODE), &code) == KLEFR_OK &&
        code >= KLEFR_MODEL_6911 && code <= KLEFR_MODEL_6914 && code == (double)(int)code)
        asked = (klefr_model)(int)code;
    *out = asked != 0 ? asked : only;
    return true;
}

klefr_err klefr_model_check_reading(klefr_model model, klefr_protocol protocol,
                                    const klefr_values *values, klefr_check_failure *why)
{
    if (why != NULL)
        *why = (klefr_check_failure){KLEFR_CHECK_NONE, Q(SERIAL_NUMBER), Q(SERIAL_NUMBER), 0, 0};
    if (values == NULL || (protocol != KLEFR_PROTOCOL_MODBUS && protocol != KLEFR_PROTOCOL_MBUS &&
                           protocol != KLEFR_PROTOCOL_IEC))
        return KLEFR_ERR_INVALID_ARG;
    ck_ctx c = {0, protocol, values, why};
    if (!resolve_model(model, protocol, values, &c.model))
        return KLEFR_ERR_INVALID_ARG;
    bool ok =
        numbers_hold(&c) && ck_identity_and_settings(&c) && ck_energies(&c) && ck_instantaneous(&c);
    return ok ? KLEFR_OK : KLEFR_ERR_IMPLAUSIBLE;
}

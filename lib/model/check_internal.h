/* SPDX-License-Identifier: MIT */
/* Shared by the reading checks (klefr/model_check.h): one reading under
 * check, numbers with their uncertainty, and how a rule reports. */
#ifndef KLEFR_MODEL_CHECK_INTERNAL_H
#define KLEFR_MODEL_CHECK_INTERNAL_H

#include <klefr/model_check.h>

/* Slack for double arithmetic on sums of values up to 1e7: far below any
 * resolution a meter sends (0.01 kWh, 0.001 kW). */
#define CK_SLACK(magnitude) (1e-9 + 1e-12 * (magnitude))

/* One 10 Wh quantum, the firmware's energy resolution (doc/firmware.md). */
#define CK_QUANTUM_KWH 0.01

/* A value as received and how far the meter's may be from it. */
typedef struct ck_num {
    double v; /* value */
    double u; /* uncertainty, >= 0 */
} ck_num;

typedef struct ck_ctx {
    klefr_model model; /* 0 = unknown */
    klefr_protocol protocol;
    const klefr_values *values;
    klefr_check_failure *why;
} ck_ctx;

/* Fetch @p q with its uncertainty; false if absent. */
bool ck_get(const ck_ctx *c, klefr_quantity q, ck_num *out);

/* Record a broken rule in c->why and return false. */
bool ck_fail(const ck_ctx *c, klefr_check_rule rule, klefr_quantity q, klefr_quantity other,
             double value, double expected);

/* Do a and b overlap, each widened by its uncertainty (and the slack)? */
bool ck_agree(ck_num a, ck_num b);

/* Is a within [lo, hi] widened by its uncertainty? */
bool ck_within(ck_num a, double lo, double hi);

/* Sum and difference, uncertainties added. */
ck_num ck_add(ck_num a, ck_num b);
ck_num ck_sub(ck_num a, ck_num b);

/* One relation between three energies: total = a + b, or for
 * KLEFR_CHECK_CALC_TOTAL total = the calculation code's combination of
 * a (forward) and b (reverse). */
typedef struct ck_relation {
    klefr_check_rule rule;
    klefr_quantity total, a, b;
} ck_relation;

extern const ck_relation ck_relations[];
extern const size_t ck_relation_count;

/* The rule groups, each true when every rule of it holds. */
bool ck_identity_and_settings(const ck_ctx *c);
bool ck_energies(const ck_ctx *c);
bool ck_instantaneous(const ck_ctx *c);

/* Total active energy of @p code from forward and reverse (manual 7.11;
 * SPEC 3: 09 and 10 are both F-R); false for a code that is none. */
bool ck_by_code(unsigned code, ck_num f, ck_num r, ck_num *out);
/* True when the total only adds (F, R, F+R). */
bool ck_code_only_adds(unsigned code);

#endif

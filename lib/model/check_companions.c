/* SPDX-License-Identifier: MIT */
/* klefr_model_check_companions(): what a subset read fetches along so
 * that the rules on a quantity apply. The energy relations come from the
 * one table the rules use (ck_relations); the others follow the rules of
 * check_instant.c. */
#include "model/check_internal.h"

#define Q(x) KLEFR_Q_##x

typedef struct list {
    bool in[KLEFR_Q_COUNT];
    klefr_quantity self;
} list;

static void add(list *l, klefr_quantity q)
{
    if (q != l->self)
        l->in[q] = true;
}

static void add_all(list *l, const klefr_quantity *qs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        add(l, qs[i]);
}

#define ADD(l, ...)                                        \
    do {                                                   \
        static const klefr_quantity qs_[] = {__VA_ARGS__}; \
        add_all((l), qs_, sizeof qs_ / sizeof qs_[0]);     \
    } while (0)

static void energy_companions(list *l, klefr_quantity q)
{
    for (size_t i = 0; i < ck_relation_count; i++) {
        const ck_relation *r = &ck_relations[i];
        if (q != r->total && q != r->a && q != r->b)
            continue;
        add(l, r->total);
        add(l, r->a);
        add(l, r->b);
        if (r->rule == KLEFR_CHECK_CALC_TOTAL)
            add(l, Q(CALCULATION_CODE));
    }
    if (q == Q(DAY_COUNTER))
        add(l, Q(FORWARD_ACTIVE_ENERGY));
}

static void instant_companions(list *l, klefr_quantity q)
{
    switch (q) {
    case Q(VOLTAGE): ADD(l, Q(CURRENT), Q(APPARENT_POWER), Q(FREQUENCY)); break;
    case Q(L1_VOLTAGE): ADD(l, Q(VOLTAGE)); break;
    case Q(FREQUENCY): ADD(l, Q(VOLTAGE)); break;
    case Q(CURRENT):
        ADD(l, Q(VOLTAGE), Q(APPARENT_POWER), Q(ACTIVE_POWER), Q(REACTIVE_POWER));
        break;
    case Q(L1_CURRENT): ADD(l, Q(CURRENT)); break;
    case Q(ACTIVE_POWER):
        ADD(l, Q(APPARENT_POWER), Q(REACTIVE_POWER), Q(CURRENT), Q(POWER_FACTOR));
        break;
    case Q(REACTIVE_POWER): ADD(l, Q(APPARENT_POWER), Q(ACTIVE_POWER), Q(CURRENT)); break;
    case Q(APPARENT_POWER):
        ADD(l, Q(VOLTAGE), Q(CURRENT), Q(ACTIVE_POWER), Q(REACTIVE_POWER));
        break;
    case Q(POWER_FACTOR): ADD(l, Q(ACTIVE_POWER), Q(APPARENT_POWER), Q(CURRENT)); break;
    case Q(CURRENT_DIRECTION): ADD(l, Q(ACTIVE_POWER)); break;
    case Q(QUADRANT): ADD(l, Q(ACTIVE_POWER), Q(REACTIVE_POWER)); break;
    default: break;
    }
}

size_t klefr_model_check_companions(klefr_quantity q, klefr_quantity *out, size_t cap)
{
    if (klefr_quantity_get(q) == NULL)
        return 0;
    list l = {{false}, q};
    energy_companions(&l, q);
    instant_companions(&l, q);
    size_t n = 0;
    for (int i = 0; i < KLEFR_Q_COUNT; i++) {
        if (!l.in[i])
            continue;
        if (out != NULL && n < cap)
            out[n] = (klefr_quantity)i;
        n++;
    }
    return n;
}

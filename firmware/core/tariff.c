/* SPDX-License-Identifier: MIT */
/* Which tariff registers energy (SPEC 1, manual appendix 1). */
#include "fw_internal.h"

unsigned klefr_fw_tariff(const klefr_fw_meter *m)
{
    switch (m->cfg.model) {
    case KLEFR_MODEL_6911: return 1; /* T1 only */
    case KLEFR_MODEL_6912:
        /* 230 V AC on terminals 23/24 selects T2. */
        return m->hal.tariff_input != NULL && m->hal.tariff_input(m->hal.ctx) ? 2 : 1;
    default:
        /* 6913/6914: tariff by bus; 11/12 override until power down. */
        if (m->tariff_volatile == 1 || m->tariff_volatile == 2)
            return m->tariff_volatile;
        return m->set.tariff == 2 ? 2 : 1;
    }
}

/* SPDX-License-Identifier: MIT */
/* What klefr_meter needs of the IR master beyond its public API (internal). */
#ifndef KLEFR_HOST_IEC_MASTER_INTERNAL_H
#define KLEFR_HOST_IEC_MASTER_INTERNAL_H

#include <klefr/iec_master.h>

/* The clock the master times its exchanges with. */
const klefr_clock *klefr_iec_master_clock(const klefr_iec_master *m);

#endif

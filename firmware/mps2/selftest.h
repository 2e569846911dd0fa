/* SPDX-License-Identifier: MIT */
/* The image's own check, run under QEMU with the command line word
 * "selftest": known requests through the booted core on this CPU, answers
 * compared with known bytes. Returns the exit status: 0, or the number of
 * the first check that failed. */
#ifndef KLEFR_MPS2_SELFTEST_H
#define KLEFR_MPS2_SELFTEST_H

#include <stdint.h>

#include "meter.h"

uint32_t mps2_selftest(mps2_meter *m);

#endif

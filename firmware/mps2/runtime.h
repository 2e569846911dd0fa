/* SPDX-License-Identifier: MIT */
/* The firmware's own 64-bit division (runtime.c), behind the EABI's
 * __aeabi_uldivmod and __aeabi_ldivmod: quotient returned, remainder in
 * *rem, C's rounding toward zero. Called by those two entry points (and
 * the self-test); code divides with / and % as usual. */
#ifndef KLEFR_MPS2_RUNTIME_H
#define KLEFR_MPS2_RUNTIME_H

#include <stdint.h>

uint64_t mps2_udivmod64(uint64_t n, uint64_t d, uint64_t *rem);
int64_t mps2_sdivmod64(int64_t n, int64_t d, int64_t *rem);

#endif

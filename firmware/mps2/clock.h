/* SPDX-License-Identifier: MIT */
/* Milliseconds from the FPGAIO up-counter: QEMU computes it from its
 * virtual clock, so no tick is ever lost (SysTick interrupts are: counting
 * them loses 0.2-2 % under a busy host). */
#ifndef KLEFR_MPS2_CLOCK_H
#define KLEFR_MPS2_CLOCK_H

#include <stdint.h>

/* Start the counter at 1 kHz and a 1 kHz SysTick that only wakes the loop. */
void mps2_clock_init(void);
/* Milliseconds since mps2_clock_init() (wraps at 2^32). */
uint32_t mps2_clock_ms(void);

#endif

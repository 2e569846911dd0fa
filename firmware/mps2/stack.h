/* SPDX-License-Identifier: MIT */
/* The stack's high-water mark: painted at reset, measured on request. */
#ifndef KLEFR_MPS2_STACK_H
#define KLEFR_MPS2_STACK_H

#include <stdint.h>

/* Fill the stack below the caller's frame with a pattern (at reset). */
void mps2_stack_paint(void);
/* Bytes of the stack ever used since the paint. */
uint32_t mps2_stack_used(void);
/* Bytes reserved for it (mps2.ld). */
uint32_t mps2_stack_size(void);

#endif

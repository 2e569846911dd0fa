/* SPDX-License-Identifier: MIT */
/* Stack painting: every word of the stack region gets a pattern at reset;
 * the deepest word no longer holding it is how far the stack ever grew. */
#include "stack.h"

extern uint32_t _sstack[], _estack[];

#define PAINT 0xA5C3A5C3u

void mps2_stack_paint(void)
{
    uint32_t *sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    /* Leave the caller's frame and a little below it alone. */
    for (uint32_t *p = _sstack; p < sp - 8;)
        *p++ = PAINT;
}

uint32_t mps2_stack_used(void)
{
    const uint32_t *p = _sstack;
    while (p < _estack && *p == PAINT)
        p++;
    return (uint32_t)((uintptr_t)_estack - (uintptr_t)p);
}

uint32_t mps2_stack_size(void)
{
    return (uint32_t)((uintptr_t)_estack - (uintptr_t)_sstack);
}

/* SPDX-License-Identifier: MIT */
/* The firmware clock. The FPGAIO counter counts prescaler underflows: with
 * PRESCALE = 24999 the 25 MHz clock makes it count milliseconds. SysTick
 * runs too, only to wake the main loop from WFI once a millisecond; its
 * interrupts are never counted. */
#include "clock.h"

#include "board.h"

#define SYST_CSR MPS2_REG(0xE000E010u)
#define SYST_RVR MPS2_REG(0xE000E014u)
#define SYST_CVR MPS2_REG(0xE000E018u)

void SysTick_Handler(void);

void SysTick_Handler(void)
{
}

void mps2_clock_init(void)
{
    MPS2_FPGAIO_PRESCALE = MPS2_SYSCLK_HZ / 1000u - 1u;
    MPS2_FPGAIO_COUNTER = 0;
    SYST_RVR = MPS2_SYSCLK_HZ / 1000u - 1u;
    SYST_CVR = 0;
    SYST_CSR = 7u; /* enable, interrupt, core clock */
}

uint32_t mps2_clock_ms(void)
{
    return MPS2_FPGAIO_COUNTER;
}

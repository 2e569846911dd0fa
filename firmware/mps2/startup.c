/* SPDX-License-Identifier: MIT */
/* Reset and exceptions for the MPS2 boards: the vector table, .data and
 * .bss set-up, the stack painted for the high-water mark (stack.c), and a
 * fault handler that turns a semihosting call without a debugger into a
 * failed call. No vendor SDK: the addresses come from mps2.ld. */
#include <stdint.h>

#include "board.h"
#include "stack.h"

extern uint32_t _sidata[], _sdata[], _edata[], _sbss[], _ebss[], _estack[];
extern int main(void);

void Reset_Handler(void);
void Fault_Handler(void);
void Default_Handler(void);
void SysTick_Handler(void);
void mps2_uart0_irq(void);
void mps2_uart1_irq(void);
void mps2_uart2_irq(void);

/* Interrupts of the board this firmware does not use. */
void Default_Handler(void)
{
}

typedef void (*vector)(void);

/* 16 system exceptions, then the board's interrupts 0-5 (UARTs 0-2: RX at
 * even numbers; TX is not enabled). */
__attribute__((section(".vectors"), used)) static const vector vectors[16 + 6] = {
    (vector)(uintptr_t)_estack,
    Reset_Handler,
    Fault_Handler, /* NMI */
    Fault_Handler, /* HardFault */
    Fault_Handler, /* MemManage */
    Fault_Handler, /* BusFault */
    Fault_Handler, /* UsageFault */
    0,
    0,
    0,
    0,
    Default_Handler, /* SVCall */
    Fault_Handler,   /* DebugMonitor: a BKPT lands here or in HardFault */
    0,
    Default_Handler, /* PendSV */
    SysTick_Handler,
    mps2_uart0_irq,
    Default_Handler,
    mps2_uart1_irq,
    Default_Handler,
    mps2_uart2_irq,
    Default_Handler,
};

void Reset_Handler(void)
{
    /* The loops stay loops (-ffreestanding): no memcpy before .data exists. */
    for (uint32_t *s = _sidata, *d = _sdata; d < _edata;)
        *d++ = *s++;
    for (uint32_t *d = _sbss; d < _ebss;)
        *d++ = 0;
    mps2_stack_paint();
    main();
    for (;;) {
    }
}

/* A fault: a BKPT 0xAB (semihosting) with no debugger attached returns -1
 * in r0 and goes on after the BKPT; anything else is a crash, and a meter
 * that crashed resets (its store says it was not powered down cleanly). */
__attribute__((naked)) void Fault_Handler(void)
{
    __asm__ volatile("tst lr, #4\n"
                     "ite eq\n"
                     "mrseq r0, msp\n"
                     "mrsne r0, psp\n"
                     "ldr r1, [r0, #24]\n" /* stacked pc */
                     "ldrh r2, [r1]\n"
                     "movw r3, #0xBEAB\n"
                     "cmp r2, r3\n"
                     "bne 1f\n"
                     "adds r1, r1, #2\n"
                     "str r1, [r0, #24]\n"
                     "mov r2, #-1\n"
                     "str r2, [r0, #0]\n" /* stacked r0 */
                     "bx lr\n"
                     "1:\n"
                     "ldr r0, =0xE000ED0C\n" /* AIRCR */
                     "ldr r1, =0x05FA0004\n" /* VECTKEY | SYSRESETREQ */
                     "str r1, [r0]\n"
                     "dsb\n"
                     "2: b 2b\n"
                     ".ltorg\n");
}

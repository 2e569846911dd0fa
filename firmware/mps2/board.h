/* SPDX-License-Identifier: MIT */
/* The ARM MPS2 boards as QEMU emulates them: AN385 (Cortex-M3) and AN386
 * (Cortex-M4) share this memory map. Only what the firmware uses. */
#ifndef KLEFR_MPS2_BOARD_H
#define KLEFR_MPS2_BOARD_H

#include <stdint.h>

#define MPS2_REG(addr) (*(volatile uint32_t *)(addr))

/* SYSCLK, which also drives the FPGAIO prescaler. */
#define MPS2_SYSCLK_HZ 25000000u

/* CMSDK APB UARTs 0-2; receive interrupt n, transmit interrupt n + 1. */
#define MPS2_UART0_BASE 0x40004000u
#define MPS2_UART1_BASE 0x40005000u
#define MPS2_UART2_BASE 0x40006000u
#define MPS2_UART0_RX_IRQ 0u
#define MPS2_UART1_RX_IRQ 2u
#define MPS2_UART2_RX_IRQ 4u

/* FPGA I/O: the user LEDs and an up-counter behind a 32-bit prescaler. */
#define MPS2_FPGAIO_LED0 MPS2_REG(0x40028000u)
#define MPS2_FPGAIO_COUNTER MPS2_REG(0x40028018u)
#define MPS2_FPGAIO_PRESCALE MPS2_REG(0x4002801Cu)

/* NVIC */
#define MPS2_NVIC_ISER0 MPS2_REG(0xE000E100u)
#define MPS2_NVIC_ISPR0 MPS2_REG(0xE000E200u)

#endif

/* SPDX-License-Identifier: MIT */
/* CMSDK APB UART: receive by interrupt into a ring, send by polling. */
#ifndef KLEFR_MPS2_UART_H
#define KLEFR_MPS2_UART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct mps2_uart {
    uint32_t base;
    uint8_t irq;
    uint8_t *ring;          /* size a power of two */
    uint16_t mask;          /* size - 1 */
    volatile uint16_t head; /* written by the interrupt */
    volatile uint16_t tail; /* written by the main loop */
    volatile bool held;     /* ring full: the receive interrupt is off */
    uint32_t tx_dropped;    /* bytes given up after a stalled transmitter */
} mps2_uart;

/* Receive into @p ring of @p size bytes (a power of two, at most 32768). */
void mps2_uart_init(mps2_uart *u, uint32_t base, uint8_t irq, uint8_t *ring, uint16_t size);
void mps2_uart_set_baud(mps2_uart *u, uint32_t baud);
/* The interrupt handler's body. */
void mps2_uart_isr(mps2_uart *u);
/* Take up to @p cap received bytes; returns how many. */
size_t mps2_uart_read(mps2_uart *u, uint8_t *buf, size_t cap);
/* True when received bytes are waiting. */
bool mps2_uart_pending(const mps2_uart *u);
/* Send one byte; false (and the byte dropped) when the transmitter has
 * not taken it within a few milliseconds. */
bool mps2_uart_put(mps2_uart *u, uint8_t byte);
void mps2_uart_write(mps2_uart *u, const uint8_t *data, size_t len);

#endif

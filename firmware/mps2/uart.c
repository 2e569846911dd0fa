/* SPDX-License-Identifier: MIT */
/* CMSDK APB UART. Receiving: the interrupt acknowledges first and then
 * drains, because the UART raises its receive interrupt only when a byte
 * arrives: drained first, a byte landing before the acknowledgement would
 * sit with no interrupt pending and QEMU would deliver no more. A full ring
 * turns the interrupt off, and QEMU holds the host's bytes until the main
 * loop has made room. Sending: polled, one byte at a time; QEMU takes
 * each at once whatever the baud rate. */
#include "uart.h"

#include "board.h"
#include "clock.h"

#define U_DATA(u) MPS2_REG((u)->base + 0x00u)
#define U_STATE(u) MPS2_REG((u)->base + 0x04u)
#define U_CTRL(u) MPS2_REG((u)->base + 0x08u)
#define U_INT(u) MPS2_REG((u)->base + 0x0Cu)
#define U_BAUDDIV(u) MPS2_REG((u)->base + 0x10u)

#define STATE_TX_FULL 0x1u
#define STATE_RX_FULL 0x2u
#define CTRL_TX_EN 0x1u
#define CTRL_RX_EN 0x2u
#define CTRL_RX_IRQ 0x8u
#define INT_RX 0x2u

/* A transmitter that takes no byte for this long has nobody behind it. */
#define TX_STALL_MS 20u

void mps2_uart_init(mps2_uart *u, uint32_t base, uint8_t irq, uint8_t *ring, uint16_t size)
{
    u->base = base;
    u->irq = irq;
    u->ring = ring;
    u->mask = (uint16_t)(size - 1u);
    u->head = u->tail = 0;
    u->held = false;
    u->tx_dropped = 0;
    mps2_uart_set_baud(u, 9600);
    U_CTRL(u) = CTRL_TX_EN | CTRL_RX_EN | CTRL_RX_IRQ;
    MPS2_NVIC_ISER0 = 1u << irq;
}

void mps2_uart_set_baud(mps2_uart *u, uint32_t baud)
{
    uint32_t div = baud != 0 ? MPS2_SYSCLK_HZ / baud : 0;
    U_BAUDDIV(u) = div < 16u ? 16u : div;
}

void mps2_uart_isr(mps2_uart *u)
{
    U_INT(u) = INT_RX;
    while (U_STATE(u) & STATE_RX_FULL) {
        uint16_t next = (uint16_t)((u->head + 1u) & u->mask);
        if (next == u->tail) {
            U_CTRL(u) &= ~CTRL_RX_IRQ;
            u->held = true;
            return;
        }
        u->ring[u->head] = (uint8_t)U_DATA(u);
        u->head = next;
    }
}

bool mps2_uart_pending(const mps2_uart *u)
{
    return u->head != u->tail || u->held;
}

size_t mps2_uart_read(mps2_uart *u, uint8_t *buf, size_t cap)
{
    size_t n = 0;
    while (n < cap && u->tail != u->head) {
        buf[n++] = u->ring[u->tail];
        u->tail = (uint16_t)((u->tail + 1u) & u->mask);
    }
    if (u->held && n > 0) {
        /* Room again: the byte waiting in the UART gets its interrupt. */
        u->held = false;
        U_CTRL(u) |= CTRL_RX_IRQ;
        if (U_STATE(u) & STATE_RX_FULL)
            MPS2_NVIC_ISPR0 = 1u << u->irq;
    }
    return n;
}

bool mps2_uart_put(mps2_uart *u, uint8_t byte)
{
    uint32_t start = mps2_clock_ms();
    while (U_STATE(u) & STATE_TX_FULL) {
        if (mps2_clock_ms() - start > TX_STALL_MS) {
            u->tx_dropped++;
            return false;
        }
    }
    U_DATA(u) = byte;
    return true;
}

void mps2_uart_write(mps2_uart *u, const uint8_t *data, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!mps2_uart_put(u, data[i])) {
            u->tx_dropped += (uint32_t)(len - i - 1u);
            return;
        }
}

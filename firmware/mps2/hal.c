/* SPDX-License-Identifier: MIT */
/* The firmware core's HAL on the MPS2 board. The core gets its protocol
 * time from the board counter (bus and IEC timing: QEMU moves UART bytes at
 * its own pace, so the line's byte times are the firmware's to keep) and
 * its metrology time from the same counter plus what the control commands
 * speed and advance added; its
 * store from the EEPROM, and writes its answers to the UARTs. The S0
 * output and the LED are FPGAIO LED bits 1 and 0. */
#include <klefr/iec62056.h>

#include "board.h"
#include "clock.h"
#include "meter.h"

#define LED_BIT 0x1u
#define S0_BIT 0x2u

uint32_t mps2_meter_now(const mps2_meter *m)
{
    return mps2_meter_protocol_now(m) + m->skew_ms;
}

uint32_t mps2_meter_protocol_now(const mps2_meter *m)
{
    return mps2_clock_ms() + m->proto_skew_ms;
}

static uint32_t hal_now(void *ctx)
{
    return mps2_meter_now(ctx);
}

static uint32_t hal_protocol(void *ctx)
{
    return mps2_meter_protocol_now(ctx);
}

/* As klefr-meterd --speed: metrology time runs speed times faster all the
 * time; protocol time (t3.5, IEC reply delays, sessions, the lockout)
 * stays the board's. */
void mps2_meter_accelerate(mps2_meter *m)
{
    uint32_t real = mps2_clock_ms();
    uint32_t dt = real - m->real_last_ms;
    m->real_last_ms = real;
    if (m->speed > 1u)
        m->skew_ms += dt * (m->speed - 1u);
}

static void hal_write(void *ctx, klefr_fw_port port, const uint8_t *data, size_t len)
{
    mps2_meter *m = ctx;
    for (size_t i = 0; i < len; i++) {
        /* The IR line is 7E1: its parity bit travels as bit 7, for a peer
         * that sends it (main.c). */
        bool parity = port == KLEFR_FW_PORT_IR && klefr_iec_parity_rx_is_checking(&m->ir_parity);
        uint8_t b = parity ? klefr_iec_parity_add(data[i]) : data[i];
#ifdef MPS2_SELFTEST
        mps2_capture *c = m->capture;
        if (c != NULL) {
            if (c->len < c->cap)
                c->buf[c->len++] = b;
            continue;
        }
#endif
        (void)mps2_uart_put(port == KLEFR_FW_PORT_IR ? &m->ir : &m->bus, b);
    }
}

static void hal_set_line(void *ctx, klefr_fw_port port, const klefr_line *line)
{
    mps2_meter *m = ctx;
    mps2_uart_set_baud(port == KLEFR_FW_PORT_IR ? &m->ir : &m->bus, line->baud);
}

static klefr_err hal_store_read(void *ctx, uint32_t offset, uint8_t *data, size_t len)
{
    return mps2_eeprom_read(&((mps2_meter *)ctx)->eeprom, offset, data, len);
}

static klefr_err hal_store_write(void *ctx, uint32_t offset, const uint8_t *data, size_t len)
{
    return mps2_eeprom_write(&((mps2_meter *)ctx)->eeprom, offset, data, len);
}

static bool hal_tariff(void *ctx)
{
    return ((mps2_meter *)ctx)->tariff_pin;
}

static void hal_s0(void *ctx, uint32_t width_us)
{
    mps2_meter *m = ctx;
    m->s0_width_us = width_us;
    m->s0_off_ms = mps2_meter_now(m) + (width_us + 999u) / 1000u;
    m->s0_on = true;
    MPS2_FPGAIO_LED0 |= S0_BIT;
}

static void hal_led(void *ctx)
{
    (void)ctx;
    MPS2_FPGAIO_LED0 ^= LED_BIT;
}

void mps2_meter_hal(mps2_meter *m, klefr_fw_hal *hal)
{
    *hal = (klefr_fw_hal){
        .ctx = m,
        .now_ms = hal_now,
        .protocol_ms = hal_protocol,
        .uart_write = hal_write,
        .uart_set_line = hal_set_line,
        /* No uart_drained: the core waits the answer's byte time. */
        .store_read = hal_store_read,
        .store_write = hal_store_write,
        .tariff_input = hal_tariff,
        .s0_pulse = hal_s0,
        .led_pulse = hal_led,
    };
}

void mps2_meter_apply_load(mps2_meter *m)
{
    klefr_fw_load l = m->held;
    if (m->supply_off)
        l.voltage_mv = 0;
    klefr_fw_set_load(&m->fw, &l);
}

void mps2_meter_outputs(mps2_meter *m)
{
    if (m->s0_on && (int32_t)(mps2_meter_now(m) - m->s0_off_ms) >= 0) {
        m->s0_on = false;
        MPS2_FPGAIO_LED0 &= ~S0_BIT;
    }
}

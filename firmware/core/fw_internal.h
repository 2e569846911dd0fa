/* SPDX-License-Identifier: MIT */
/* Internal interfaces between the firmware core's files. */
#ifndef KLEFR_FW_INTERNAL_H
#define KLEFR_FW_INTERNAL_H

#include <string.h>

#include "klefr_fw.h"

/* 10 Wh in mW x ms. */
#define FW_UJ_PER_QUANTUM 36000000000ull
/* 1 kWh in mW x ms. */
#define FW_UJ_PER_KWH 3600000000000ull
/* SPEC 3: starting current 20 mA, operating voltage from 195 V. */
#define FW_START_CURRENT_MA 20u
#define FW_MIN_VOLTAGE_MV 195000u
/* Pulse widths of manual 5: 32 ms up to 5625 W, 11.2 ms above. */
#define FW_S0_WIDE_US 32000u
#define FW_S0_NARROW_US 11200u
#define FW_S0_NARROW_ABOVE_MW 5625000

/* A build for one model (-DKLEFR_FW_MODEL=6911..6914, the microcontroller
 * images) carries only that model's bus slave, and klefr_fw_init() takes
 * no other model. Without it (the host) every model is served. */
#ifdef KLEFR_FW_MODEL
#define FW_WITH_MODBUS (KLEFR_FW_MODEL == 6914)
#define FW_WITH_MBUS (KLEFR_FW_MODEL == 6913)
#define FW_MODEL_BUILT(model) ((int)(model) == KLEFR_FW_MODEL)
#else
#define FW_WITH_MODBUS 1
#define FW_WITH_MBUS 1
#define FW_MODEL_BUILT(model) ((model) >= KLEFR_MODEL_6911 && (model) <= KLEFR_MODEL_6914)
#endif

/* The bus protocol this meter speaks (false on a build without it). */
static inline bool fw_is_modbus(const klefr_fw_meter *m)
{
    return FW_WITH_MODBUS && m->cfg.model == KLEFR_MODEL_6914;
}

static inline bool fw_is_mbus(const klefr_fw_meter *m)
{
    return FW_WITH_MBUS && m->cfg.model == KLEFR_MODEL_6913;
}

/* Metrology time: energy, pulses, store saves. */
static inline uint32_t fw_now(klefr_fw_meter *m)
{
    return m->hal.now_ms(m->hal.ctx);
}

/* Protocol time: line silences, reply delays, sessions, the lockout, the
 * LCD and button. Real time even when metrology is accelerated. */
static inline uint32_t fw_proto_now(klefr_fw_meter *m)
{
    return m->hal.protocol_ms != NULL ? m->hal.protocol_ms(m->hal.ctx) : m->hal.now_ms(m->hal.ctx);
}

/* Receive buffers of the protocol slaves: append one byte (a full buffer
 * cannot hold one frame, so its oldest byte goes), and drop the first n. */
static inline void fw_rx_push(uint8_t *buf, uint16_t *len, size_t cap, uint8_t byte)
{
    if (*len == cap) {
        memmove(buf, buf + 1, cap - 1);
        (*len)--;
    }
    buf[(*len)++] = byte;
}

static inline void fw_rx_drop(uint8_t *buf, uint16_t *len, size_t n)
{
    if (n > *len)
        n = *len;
    memmove(buf, buf + n, *len - n);
    *len = (uint16_t)(*len - n);
}

/* settings.c */
void fw_settings_defaults(klefr_fw_settings *s, klefr_model model, uint32_t serial);
bool fw_settings_equal(const klefr_fw_settings *a, const klefr_fw_settings *b);
/* Replace every setting the model does not allow by its default; 1 if
 * anything changed. */
unsigned fw_settings_sanitize(klefr_fw_settings *s, klefr_model model, uint32_t serial);

/* metrology.c */
void fw_metrology_advance(klefr_fw_meter *m, uint32_t now);
void fw_pulses_run(klefr_fw_meter *m, uint32_t now);
void fw_energy_add(klefr_fw_energy *e, uint64_t uj);
uint32_t fw_energy_sum_q(const klefr_fw_meter *m);
/* An energy as readings show it, in 10 Wh quanta: @p kind, direction
 * @p dir (-1: the total, by the calculation code for active energy,
 * forward + reverse for reactive), tariff @p t (-1: T1 + T2). */
int64_t fw_energy_of(const klefr_fw_meter *m, int kind, int dir, int t);

/* store.c */
typedef enum { FW_STORE_OK, FW_STORE_BLANK, FW_STORE_CORRUPT } fw_store_state;
fw_store_state fw_store_load(klefr_fw_meter *m);
void fw_store_maybe_save(klefr_fw_meter *m);

/* slave_modbus.c */
void fw_modbus_reset(klefr_fw_meter *m);
void fw_modbus_feed(klefr_fw_meter *m, const uint8_t *data, size_t len, uint32_t now);
void fw_modbus_tick(klefr_fw_meter *m, uint32_t now);

/* slave_mbus.c */
void fw_mbus_reset(klefr_fw_meter *m);
void fw_mbus_feed(klefr_fw_meter *m, const uint8_t *data, size_t len, uint32_t now);
void fw_mbus_tick(klefr_fw_meter *m, uint32_t now);

/* slave_iec.c */
void fw_ir_init(klefr_fw_meter *m);
void fw_ir_reset(klefr_fw_meter *m);
void fw_ir_feed(klefr_fw_meter *m, const uint8_t *data, size_t len, uint32_t now);
void fw_ir_tick(klefr_fw_meter *m, uint32_t now);

/* fw_meter.c: integrate, pulse and save up to now (before any read). */
void fw_run(klefr_fw_meter *m, uint32_t now);
/* Integrate and save up to now: called before a frame that holds a
 * klefr_values snapshot (an answer), so that the save its klefr_fw_values()
 * would do does not sit on top of that frame (the stack has about 1.9 KB). */
static inline void fw_catch_up(klefr_fw_meter *m)
{
    if (m->booted)
        fw_run(m, fw_now(m));
}
/* fw_meter.c: the bus port's line as the settings in effect give it. */
void fw_bus_line(const klefr_fw_meter *m, klefr_line *line);
/* fw_meter.c: write an answer on the bus port and note when its last
 * byte will have left the wire at the line in effect (bus_tx_done_ms). */
void fw_bus_send(klefr_fw_meter *m, const uint8_t *data, size_t len, uint32_t now);
/* fw_meter.c: bring the bus port in line with the settings once the last
 * answer has left. */
void fw_bus_line_update(klefr_fw_meter *m, uint32_t now);
void fw_bus_line_force(klefr_fw_meter *m);

/* lcd.c / button.c */
void fw_ui_reset(klefr_fw_meter *m, uint32_t now);
void fw_ui_tick(klefr_fw_meter *m, uint32_t now);
void fw_ui_button(klefr_fw_meter *m, uint32_t duration_ms, uint32_t now);
bool fw_page_available(const klefr_fw_meter *m, unsigned page);
uint64_t fw_ui_default_scroll(void);
/* UI modes and messages, shared by lcd.c and button.c. */
enum { FW_UI_AUTO, FW_UI_MAIN, FW_UI_SUB, FW_UI_EDIT, FW_UI_PASS, FW_UI_DAY };
enum { FW_MSG_NONE, FW_MSG_OK, FW_MSG_OK_IN, FW_MSG_OK_OUT, FW_MSG_ERR };
/* menu.c: the choices of a list setting's page (S0 rate, calculation
 * code, baud rate) as the register model allows them on this model, in
 * the order the button walks them; values in the setting's firmware unit. */
bool fw_menu_is_list(const klefr_fw_meter *m, unsigned page);
uint16_t fw_menu_count(const klefr_fw_meter *m, unsigned page);
uint32_t fw_menu_choice(const klefr_fw_meter *m, unsigned page, uint16_t index);
uint16_t fw_menu_index_of(const klefr_fw_meter *m, unsigned page, uint32_t value);
klefr_number fw_menu_number(const klefr_fw_meter *m, unsigned page, uint16_t index);
/* Current value of a settings page (as shown), and where it sits in its list. */
uint32_t fw_page_setting(const klefr_fw_meter *m, unsigned page);
/* Menu structure (button.c). */
unsigned fw_submenu(unsigned menu, const uint8_t **pages);

#endif

/* SPDX-License-Identifier: MIT */
/* The button and the menus of manual 7.6-7.16 (SPEC 7).
 * Press durations: short (< 3 s) scrolls or steps a value; 3 s (3-5 s)
 * enters or leaves a menu and confirms a value or a digit; >= 5 s adds or
 * removes a page from the automatic scroll, starts editing a setting, or
 * resets the day counter. 30 s without a press returns to the automatic
 * scroll and drops any edit. Settings go through klefr_fw_settings_apply(),
 * the same function the protocols use. */
#include <string.h>

#include "fw_internal.h"

#define SHORT_MAX_MS 3000u
#define HOLD5_MS 5000u
#define IDLE_MS 30000u
#define MSG_MS 2000u

static const uint8_t sub_direction[] = {KLEFR_FW_PG_DIRECTION, KLEFR_FW_PG_CHECKSUM,
                                        KLEFR_FW_PG_SERIAL};
static const uint8_t sub_active[] = {KLEFR_FW_PG_TOTAL_ACTIVE,  KLEFR_FW_PG_FWD_ACTIVE,
                                     KLEFR_FW_PG_REV_ACTIVE,    KLEFR_FW_PG_T1_FWD_ACTIVE,
                                     KLEFR_FW_PG_T1_REV_ACTIVE, KLEFR_FW_PG_T2_FWD_ACTIVE,
                                     KLEFR_FW_PG_T2_REV_ACTIVE};
static const uint8_t sub_reactive[] = {KLEFR_FW_PG_TOTAL_REACTIVE,  KLEFR_FW_PG_FWD_REACTIVE,
                                       KLEFR_FW_PG_REV_REACTIVE,    KLEFR_FW_PG_T1_FWD_REACTIVE,
                                       KLEFR_FW_PG_T1_REV_REACTIVE, KLEFR_FW_PG_T2_FWD_REACTIVE,
                                       KLEFR_FW_PG_T2_REV_REACTIVE};
static const uint8_t sub_power[] = {KLEFR_FW_PG_VOLTAGE,        KLEFR_FW_PG_CURRENT,
                                    KLEFR_FW_PG_FREQUENCY,      KLEFR_FW_PG_ACTIVE_POWER,
                                    KLEFR_FW_PG_REACTIVE_POWER, KLEFR_FW_PG_APPARENT_POWER,
                                    KLEFR_FW_PG_POWER_FACTOR};
static const uint8_t sub_day[] = {KLEFR_FW_PG_DAY};
static const uint8_t sub_prog1[] = {
    KLEFR_FW_PG_LCD_CYCLE, KLEFR_FW_PG_BACKLIGHT, KLEFR_FW_PG_S0,
    KLEFR_FW_PG_CALC_CODE, KLEFR_FW_PG_BUS_ID,    KLEFR_FW_PG_BAUD,
    KLEFR_FW_PG_DAY,       KLEFR_FW_PG_PARITY,    KLEFR_FW_PG_POWER_DOWN};
static const uint8_t sub_prog2[] = {KLEFR_FW_PG_LCD_CYCLE, KLEFR_FW_PG_BACKLIGHT,
                                    KLEFR_FW_PG_BUS_ID};
static const uint8_t sub_prog3[] = {KLEFR_FW_PG_S0,         KLEFR_FW_PG_CALC_CODE,
                                    KLEFR_FW_PG_BAUD,       KLEFR_FW_PG_PARITY,
                                    KLEFR_FW_PG_POWER_DOWN, KLEFR_FW_PG_PASSWORD};

unsigned fw_submenu(unsigned menu, const uint8_t **pages)
{
#define SUB(a) (*pages = (a), (unsigned)sizeof(a))
    switch (menu) {
    case KLEFR_FW_PG_M_DIRECTION: return SUB(sub_direction);
    case KLEFR_FW_PG_M_ACTIVE: return SUB(sub_active);
    case KLEFR_FW_PG_M_REACTIVE: return SUB(sub_reactive);
    case KLEFR_FW_PG_M_POWER: return SUB(sub_power);
    case KLEFR_FW_PG_M_DAY: return SUB(sub_day);
    case KLEFR_FW_PG_M_PROG1: return SUB(sub_prog1);
    case KLEFR_FW_PG_M_PROG2: return SUB(sub_prog2);
    default: return SUB(sub_prog3);
    }
#undef SUB
}

/* Pages of features the model lacks are skipped (SPEC 1). */
bool fw_page_available(const klefr_fw_meter *m, unsigned page)
{
    klefr_model model = m->cfg.model;
    switch (page) {
    case KLEFR_FW_PG_T2_FWD_ACTIVE:
    case KLEFR_FW_PG_T2_REV_ACTIVE:
    case KLEFR_FW_PG_T2_FWD_REACTIVE:
    case KLEFR_FW_PG_T2_REV_REACTIVE: return model != KLEFR_MODEL_6911;
    case KLEFR_FW_PG_BUS_ID:
    case KLEFR_FW_PG_BAUD: return model == KLEFR_MODEL_6913 || model == KLEFR_MODEL_6914;
    case KLEFR_FW_PG_PARITY: return model == KLEFR_MODEL_6914;
    default: return page < KLEFR_FW_PG_COUNT;
    }
}

/* Manual 7.7: total active energy and active power scroll by default. */
uint64_t fw_ui_default_scroll(void)
{
    return (1ull << KLEFR_FW_PG_TOTAL_ACTIVE) | (1ull << KLEFR_FW_PG_ACTIVE_POWER);
}

/* Sub-menus whose pages may join the automatic scroll (manual 7.6.3). */
static bool scroll_menu(unsigned menu)
{
    return menu == KLEFR_FW_PG_M_DIRECTION || menu == KLEFR_FW_PG_M_ACTIVE ||
           menu == KLEFR_FW_PG_M_REACTIVE || menu == KLEFR_FW_PG_M_POWER ||
           menu == KLEFR_FW_PG_M_PROG1;
}

/* Next page of the automatic scroll after @p from (wrapping), or the total
 * active energy page when the set is empty. */
static uint8_t next_auto(const klefr_fw_meter *m, unsigned from)
{
    for (unsigned i = 1; i <= KLEFR_FW_PG_COUNT; i++) {
        unsigned p = (from + i) % KLEFR_FW_PG_COUNT;
        if ((m->ui.scroll_set >> p & 1u) && fw_page_available(m, p))
            return (uint8_t)p;
    }
    return KLEFR_FW_PG_TOTAL_ACTIVE;
}

static void to_auto(klefr_fw_meter *m, uint32_t now)
{
    klefr_fw_ui *u = &m->ui;
    u->mode = FW_UI_AUTO;
    u->page = next_auto(m, KLEFR_FW_PG_COUNT - 1);
    u->page_since_ms = now;
}

void fw_ui_reset(klefr_fw_meter *m, uint32_t now)
{
    m->ui.msg = FW_MSG_NONE;
    m->ui.last_input_ms = now - IDLE_MS;
    m->ui.shown_crc = 0;
    to_auto(m, now);
}

static void message(klefr_fw_meter *m, uint8_t msg, uint32_t now)
{
    m->ui.msg = msg;
    m->ui.msg_until_ms = now + MSG_MS;
}

/* Step within the sub-menu, skipping pages of other models. */
static void sub_step(klefr_fw_meter *m, bool first)
{
    const uint8_t *pages;
    unsigned n = fw_submenu(m->ui.menu, &pages), i = 0;
    if (!first)
        while (i < n && pages[i] != m->ui.page)
            i++;
    for (unsigned k = first ? 0 : 1; k <= n; k++) {
        unsigned p = pages[(i + k) % n];
        if (fw_page_available(m, p)) {
            m->ui.page = (uint8_t)p;
            return;
        }
    }
}

/* Where the current value sits in the list the button walks. */
static uint16_t edit_start(const klefr_fw_meter *m, unsigned page)
{
    uint32_t v = fw_page_setting(m, page);
    return fw_menu_is_list(m, page) ? fw_menu_index_of(m, page, v) : (uint16_t)v;
}

static uint8_t digits_of(unsigned page)
{
    return page == KLEFR_FW_PG_BUS_ID ? 3 : page == KLEFR_FW_PG_PASSWORD ? 4 : 0;
}

static uint16_t pow10u(unsigned n)
{
    uint16_t p = 1;
    while (n-- > 0)
        p = (uint16_t)(p * 10);
    return p;
}

/* Add one to digit @p d (0 = leftmost) of an @p n-digit number, wrapping 9 -> 0. */
static uint16_t bump_digit(uint16_t v, unsigned d, unsigned n)
{
    uint16_t w = pow10u(n - 1 - d);
    unsigned digit = v / w % 10;
    return (uint16_t)(v - digit * w + (digit + 1) % 10 * w);
}

static void edit_step(klefr_fw_meter *m)
{
    klefr_fw_ui *u = &m->ui;
    unsigned n = digits_of(u->page);
    if (n != 0) {
        u->edit_value = bump_digit(u->edit_value, u->digit, n);
        return;
    }
    switch (u->page) {
    case KLEFR_FW_PG_LCD_CYCLE: u->edit_value = (uint16_t)(u->edit_value % 30 + 1); break;
    case KLEFR_FW_PG_BACKLIGHT: /* on -> off -> button (manual 7.7) */
        u->edit_value = u->edit_value == 1 ? 0 : u->edit_value == 0 ? 2 : 1;
        break;
    case KLEFR_FW_PG_S0:
    case KLEFR_FW_PG_CALC_CODE:
    case KLEFR_FW_PG_BAUD: {
        uint16_t choices = fw_menu_count(m, u->page);
        u->edit_value = choices == 0 ? 0 : (uint16_t)((u->edit_value + 1u) % choices);
        break;
    }
    case KLEFR_FW_PG_PARITY: u->edit_value = (uint16_t)(u->edit_value % 3 + 1); break;
    default: break; /* power-down counter: only a reset */
    }
}

/* Commit the edited value through the settings function. */
static void edit_commit(klefr_fw_meter *m, uint32_t now)
{
    klefr_fw_ui *u = &m->ui;
    klefr_setting s = {KLEFR_Q_COUNT, klefr_number_from_int(u->edit_value, 0)};
    switch (u->page) {
    case KLEFR_FW_PG_LCD_CYCLE: s.quantity = KLEFR_Q_LCD_CYCLE_TIME; break;
    case KLEFR_FW_PG_BACKLIGHT: s.quantity = KLEFR_Q_BACKLIGHT; break;
    case KLEFR_FW_PG_S0:
        s.quantity = KLEFR_Q_S0_RATE;
        s.value = fw_menu_number(m, u->page, u->edit_value);
        break;
    case KLEFR_FW_PG_CALC_CODE:
        s.quantity = KLEFR_Q_CALCULATION_CODE;
        s.value = fw_menu_number(m, u->page, u->edit_value);
        break;
    case KLEFR_FW_PG_BUS_ID: s.quantity = KLEFR_Q_BUS_ADDRESS; break;
    case KLEFR_FW_PG_BAUD:
        s.quantity = KLEFR_Q_BAUD_RATE;
        s.value = fw_menu_number(m, u->page, u->edit_value);
        break;
    case KLEFR_FW_PG_PARITY: s.quantity = KLEFR_Q_PARITY; break;
    case KLEFR_FW_PG_POWER_DOWN:
        s.quantity = KLEFR_Q_POWER_DOWN_COUNTER;
        s.value = 0;
        break;
    case KLEFR_FW_PG_PASSWORD: s.quantity = KLEFR_Q_PASSWORD; break;
    default: break;
    }
    klefr_err err = klefr_fw_settings_apply(m, &s, 1);
    message(m, err == KLEFR_OK ? FW_MSG_OK : FW_MSG_ERR, now);
    u->mode = FW_UI_SUB;
}

static void press_main(klefr_fw_meter *m, uint32_t d)
{
    klefr_fw_ui *u = &m->ui;
    if (d < SHORT_MAX_MS) {
        u->page = (uint8_t)((u->page + 1) % (KLEFR_FW_PG_M_PROG3 + 1));
        return;
    }
    if (d >= HOLD5_MS)
        return;
    u->menu = u->page;
    if (u->menu == KLEFR_FW_PG_M_PROG3) { /* password first (manual 7.10.1) */
        u->mode = FW_UI_PASS;
        u->edit_value = 0;
        u->digit = 0;
    } else if (u->menu == KLEFR_FW_PG_M_DAY) { /* value blinks (manual 7.9.1) */
        u->mode = FW_UI_DAY;
        u->page = KLEFR_FW_PG_DAY;
    } else {
        u->mode = FW_UI_SUB;
        sub_step(m, true);
    }
}

static void back_to_main(klefr_fw_ui *u)
{
    u->mode = FW_UI_MAIN;
    u->page = u->menu;
}

static void press_sub(klefr_fw_meter *m, uint32_t d, uint32_t now)
{
    klefr_fw_ui *u = &m->ui;
    if (d < SHORT_MAX_MS) {
        sub_step(m, false);
    } else if (d < HOLD5_MS) {
        back_to_main(u);
    } else if (scroll_menu(u->menu)) {
        /* OK in / OK out (manual 7.6.3); the set is saved with the rest. */
        uint64_t bit = 1ull << u->page;
        u->scroll_set ^= bit;
        m->dirty = true;
        message(m, (u->scroll_set & bit) ? FW_MSG_OK_IN : FW_MSG_OK_OUT, now);
    } else if (u->menu == KLEFR_FW_PG_M_PROG2 || u->menu == KLEFR_FW_PG_M_PROG3) {
        u->mode = FW_UI_EDIT;
        u->digit = 0;
        u->edit_value = edit_start(m, u->page);
    }
}

static void press_edit(klefr_fw_meter *m, uint32_t d, uint32_t now)
{
    klefr_fw_ui *u = &m->ui;
    if (d < SHORT_MAX_MS) {
        edit_step(m);
    } else if (d < HOLD5_MS) {
        unsigned n = digits_of(u->page);
        if (n != 0 && ++u->digit < n)
            return; /* next digit */
        edit_commit(m, now);
    }
}

static void press_pass(klefr_fw_meter *m, uint32_t d, uint32_t now)
{
    klefr_fw_ui *u = &m->ui;
    if (d < SHORT_MAX_MS) {
        u->edit_value = bump_digit(u->edit_value, u->digit, 4);
    } else if (d < HOLD5_MS) {
        if (++u->digit < 4)
            return;
        if (u->edit_value == m->set.password) {
            u->mode = FW_UI_SUB;
            sub_step(m, true);
        } else {
            message(m, FW_MSG_ERR, now);
            back_to_main(u);
        }
    }
}

static void press_day(klefr_fw_meter *m, uint32_t d, uint32_t now)
{
    klefr_fw_ui *u = &m->ui;
    if (d >= HOLD5_MS) {
        klefr_setting s = {KLEFR_Q_DAY_COUNTER, 0};
        message(m, klefr_fw_settings_apply(m, &s, 1) == KLEFR_OK ? FW_MSG_OK : FW_MSG_ERR, now);
        back_to_main(u);
    } else if (d >= SHORT_MAX_MS) {
        back_to_main(u);
    }
}

void fw_ui_button(klefr_fw_meter *m, uint32_t d, uint32_t now)
{
    klefr_fw_ui *u = &m->ui;
    if ((int32_t)(now - u->last_input_ms) >= (int32_t)IDLE_MS && u->mode != FW_UI_AUTO)
        to_auto(m, now);
    u->last_input_ms = now;
    u->msg = FW_MSG_NONE;
    switch (u->mode) {
    case FW_UI_AUTO: /* the first press starts the button scroll */
        u->mode = FW_UI_MAIN;
        u->page = KLEFR_FW_PG_M_DIRECTION;
        break;
    case FW_UI_MAIN: press_main(m, d); break;
    case FW_UI_SUB: press_sub(m, d, now); break;
    case FW_UI_EDIT: press_edit(m, d, now); break;
    case FW_UI_PASS: press_pass(m, d, now); break;
    default: press_day(m, d, now); break;
    }
    fw_ui_tick(m, now);
}

void fw_ui_tick(klefr_fw_meter *m, uint32_t now)
{
    klefr_fw_ui *u = &m->ui;
    if (u->mode != FW_UI_AUTO && now - u->last_input_ms >= IDLE_MS)
        to_auto(m, now);
    if (u->mode == FW_UI_AUTO && now - u->page_since_ms >= (uint32_t)m->set.lcd_cycle_s * 1000u) {
        u->page = next_auto(m, u->page);
        u->page_since_ms = now;
    }
    if (m->hal.lcd_show == NULL)
        return;
    char text[40];
    klefr_fw_lcd_text(m, text, sizeof text);
    bool light =
        m->set.backlight == 1 || (m->set.backlight == 2 && now - u->last_input_ms < IDLE_MS);
    uint32_t crc = klefr_fw_crc32((const uint8_t *)text, strlen(text)) ^
                   (klefr_fw_lcd_blinking(m) ? 1u : 0u) ^ (light ? 2u : 0u);
    if (crc != u->shown_crc) {
        u->shown_crc = crc;
        m->hal.lcd_show(m->hal.ctx, text, klefr_fw_lcd_blinking(m), light);
    }
}

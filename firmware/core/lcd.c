/* SPDX-License-Identifier: MIT */
/* The LCD as text (SPEC 7, manual 7.5-7.16): "<FW|RV> <T1|T2> <page>".
 * FW/RV is the upper-left dot (the page's direction on forward/reverse
 * energy pages, else the present flow); T1/T2 the tariff dot. Energies
 * switch range 9999.99 -> 99999.9 -> 999999 (manual 7.4). */
#include <string.h>

#include "fw_internal.h"

/* A tiny string builder: no stdio in the firmware. */
typedef struct {
    char *p;
    size_t cap, len;
} sb;

static void put(sb *b, const char *s)
{
    while (*s && b->len + 1 < b->cap)
        b->p[b->len++] = *s++;
    b->p[b->len] = '\0';
}

/* Unsigned decimal, at least @p width digits (zero padded). */
static void put_u(sb *b, uint64_t v, int width)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + (int)(v % 10));
        v /= 10;
    } while (v != 0 && n < 23);
    while (n < width && n < 23)
        tmp[n++] = '0';
    char out[24];
    for (int i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    out[n] = '\0';
    put(b, out);
}

/* Signed fixed point: @p v in units of 10^-decimals. */
static void put_fixed(sb *b, int64_t v, int decimals)
{
    uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    if (v < 0)
        put(b, "-");
    uint64_t scale = 1;
    for (int i = 0; i < decimals; i++)
        scale *= 10;
    put_u(b, a / scale, 1);
    if (decimals > 0) {
        put(b, ".");
        put_u(b, a % scale, decimals);
    }
}

/* An energy in 10 Wh quanta on six digits (manual 7.4). */
static void put_energy(sb *b, int64_t q, const char *unit)
{
    uint64_t a = q < 0 ? (uint64_t)0 - (uint64_t)q : (uint64_t)q;
    int64_t sign = q < 0 ? -1 : 1;
    if (a <= 999999)
        put_fixed(b, sign * (int64_t)a, 2);
    else if (a <= 9999999)
        put_fixed(b, sign * (int64_t)(a / 10), 1);
    else
        put_fixed(b, sign * (int64_t)((a / 100) % 1000000), 0);
    put(b, " ");
    put(b, unit);
}

static void put_hex8(sb *b, uint32_t v)
{
    char s[9];
    for (int i = 7; i >= 0; i--, v >>= 4)
        s[i] = "0123456789ABCDEF"[v & 15];
    s[8] = '\0';
    put(b, s);
}

static void put_s0(sb *b, uint32_t centi)
{
    if (centi == 10)
        put(b, "0.1");
    else if (centi < 100)
        put(b, "0.01");
    else
        put_u(b, centi / 100, 1);
}

/* The body of a settings page for value @p v. */
static void put_setting(sb *b, unsigned page, uint32_t v)
{
    switch (page) {
    case KLEFR_FW_PG_LCD_CYCLE:
        put(b, "rt ");
        put_u(b, v, 2);
        return;
    case KLEFR_FW_PG_BACKLIGHT: put(b, v == 0 ? "bL oFF" : v == 1 ? "bL on" : "bL but"); return;
    case KLEFR_FW_PG_S0:
        put(b, "S0 ");
        put_s0(b, v);
        return;
    case KLEFR_FW_PG_CALC_CODE:
        put(b, "C-");
        put_u(b, v, 2);
        return;
    case KLEFR_FW_PG_BUS_ID:
        put(b, "Mbs Id ");
        put_u(b, v, 3);
        return;
    case KLEFR_FW_PG_BAUD:
        put(b, "M bAud ");
        put_u(b, v, 1);
        return;
    case KLEFR_FW_PG_PARITY:
        put(b, v == 2 ? "PARity nonE" : v == 3 ? "PARity Odd" : "PARity EvEn");
        return;
    case KLEFR_FW_PG_POWER_DOWN:
        put(b, "PWEr C ");
        put_u(b, v, 4);
        return;
    case KLEFR_FW_PG_PASSWORD:
        put(b, "PASSrd ");
        put_u(b, v, 4);
        return;
    default: return;
    }
}

uint32_t fw_page_setting(const klefr_fw_meter *m, unsigned page)
{
    const klefr_fw_settings *s = &m->set;
    switch (page) {
    case KLEFR_FW_PG_LCD_CYCLE: return s->lcd_cycle_s;
    case KLEFR_FW_PG_BACKLIGHT: return s->backlight;
    case KLEFR_FW_PG_S0: return s->s0_rate_centi;
    case KLEFR_FW_PG_CALC_CODE: return s->calc_code;
    case KLEFR_FW_PG_BUS_ID: return s->bus_address;
    case KLEFR_FW_PG_BAUD: return s->baud;
    case KLEFR_FW_PG_PARITY: return s->parity;
    case KLEFR_FW_PG_POWER_DOWN: return m->power_downs;
    case KLEFR_FW_PG_PASSWORD: return s->password;
    default: return 0;
    }
}

/* Page -> energy register: kind, direction (-1 = total), tariff (-1 = both). */
static bool energy_page(unsigned page, int *kind, int *dir, int *t)
{
    if (page >= KLEFR_FW_PG_TOTAL_ACTIVE && page <= KLEFR_FW_PG_T2_REV_REACTIVE) {
        unsigned i = page - KLEFR_FW_PG_TOTAL_ACTIVE;
        static const int8_t d[7] = {-1, 0, 1, 0, 1, 0, 1}, tt[7] = {-1, -1, -1, 0, 0, 1, 1};
        *kind = i >= 7;
        *dir = d[i % 7];
        *t = tt[i % 7];
        return true;
    }
    return false;
}

static void put_page(klefr_fw_meter *m, sb *b, unsigned page, bool editing)
{
    const klefr_fw_load *l = &m->load;
    bool flows = m->powered && l->current_ma >= FW_START_CURRENT_MA;
    int kind, dir, t;
    if (page == KLEFR_FW_PG_M_ACTIVE)
        page = KLEFR_FW_PG_TOTAL_ACTIVE;
    else if (page == KLEFR_FW_PG_M_REACTIVE)
        page = KLEFR_FW_PG_TOTAL_REACTIVE;
    else if (page == KLEFR_FW_PG_M_POWER)
        page = KLEFR_FW_PG_ACTIVE_POWER;
    else if (page == KLEFR_FW_PG_M_DIRECTION)
        page = KLEFR_FW_PG_DIRECTION;
    if (energy_page(page, &kind, &dir, &t)) {
        int64_t q = fw_energy_of(m, kind, dir, t);
        put(b, dir < 0 ? "totAL " : t < 0 ? "tot " : t == 0 ? "t1 " : "t2 ");
        put_energy(b, q, kind == KLEFR_FW_ACTIVE ? "kWh" : "kvarh");
        return;
    }
    uint64_t va_mva = flows ? (uint64_t)l->voltage_mv * l->current_ma / 1000u : 0;
    switch (page) {
    case KLEFR_FW_PG_DIRECTION: put(b, flows && l->active_mw < 0 ? "dir R" : "dir F"); return;
    case KLEFR_FW_PG_CHECKSUM:
        put(b, "CS ");
        put_hex8(b, m->cfg.program_crc);
        return;
    case KLEFR_FW_PG_SERIAL:
        put(b, "SN ");
        put_u(b, m->cfg.serial, 8);
        return;
    case KLEFR_FW_PG_VOLTAGE:
        put(b, "U ");
        put_fixed(b, m->powered ? l->voltage_mv / 100 : 0, 1);
        put(b, " V");
        return;
    case KLEFR_FW_PG_CURRENT:
        put(b, "I ");
        put_fixed(b, m->powered ? l->current_ma / 10 : 0, 2);
        put(b, " A");
        return;
    case KLEFR_FW_PG_FREQUENCY:
        put(b, "F ");
        put_fixed(b, m->powered ? l->frequency_mhz / 10 : 0, 2);
        put(b, " Hz");
        return;
    case KLEFR_FW_PG_ACTIVE_POWER:
        put(b, "P ");
        put_fixed(b, flows ? l->active_mw / 1000 : 0, 3);
        put(b, " kW");
        return;
    case KLEFR_FW_PG_REACTIVE_POWER:
        put(b, "q ");
        put_fixed(b, flows ? l->reactive_mvar / 1000 : 0, 3);
        put(b, " kvar");
        return;
    case KLEFR_FW_PG_APPARENT_POWER:
        put(b, "S ");
        put_fixed(b, (int64_t)(va_mva / 1000), 3);
        put(b, " kVA");
        return;
    case KLEFR_FW_PG_POWER_FACTOR: {
        int64_t pf = va_mva ? (int64_t)l->active_mw * 1000 / (int64_t)va_mva : 1000;
        put(b, "PF ");
        put_fixed(b, pf > 1000 ? 1000 : pf < -1000 ? -1000 : pf, 3);
        return;
    }
    case KLEFR_FW_PG_M_DAY:
    case KLEFR_FW_PG_DAY:
        put(b, "rES ");
        put_energy(b, m->day.q10wh, "kWh");
        return;
    case KLEFR_FW_PG_M_PROG1: put(b, "Prog 1"); return;
    case KLEFR_FW_PG_M_PROG2: put(b, "Prog 2"); return;
    case KLEFR_FW_PG_M_PROG3: put(b, "Prog 3"); return;
    default:
        if (editing) {
            uint32_t v = m->ui.edit_value;
            if (fw_menu_is_list(m, page))
                v = fw_menu_choice(m, page, (uint16_t)v);
            else if (page == KLEFR_FW_PG_POWER_DOWN)
                v = m->power_downs;
            put_setting(b, page, v);
        } else {
            put_setting(b, page, fw_page_setting(m, page));
        }
        return;
    }
}

/* Forward/reverse dot of a page. */
static bool page_reverse(const klefr_fw_meter *m, unsigned page)
{
    int kind, dir, t;
    if (energy_page(page, &kind, &dir, &t) && dir >= 0)
        return dir == KLEFR_FW_REVERSE;
    return m->powered && m->load.current_ma >= FW_START_CURRENT_MA && m->load.active_mw < 0;
}

const char *klefr_fw_lcd_text(klefr_fw_meter *m, char *buf, size_t cap)
{
    if (buf == NULL || cap == 0)
        return buf;
    sb b = {buf, cap, 0};
    buf[0] = '\0';
    if (m == NULL || !m->booted || !m->powered)
        return buf; /* dark */
    const klefr_fw_ui *u = &m->ui;
    uint32_t now = fw_proto_now(m);
    if (u->msg != FW_MSG_NONE && (int32_t)(u->msg_until_ms - now) > 0) {
        static const char *const msgs[] = {"", "OK", "OK in", "OK out", "Err"};
        put(&b, msgs[u->msg < 5 ? u->msg : 0]);
        return buf;
    }
    if (u->mode == FW_UI_AUTO && m->error_code != 0) {
        put(&b, m->error_code == 1 ? "Err 01" : "Err 02");
        return buf;
    }
    put(&b, page_reverse(m, u->page) ? "RV " : "FW ");
    put(&b, klefr_fw_tariff(m) == 2 ? "T2 " : "T1 ");
    if (u->mode == FW_UI_PASS) {
        put(&b, "PASS ");
        put_u(&b, u->edit_value, 4);
        return buf;
    }
    put_page(m, &b, u->page, u->mode == FW_UI_EDIT);
    return buf;
}

bool klefr_fw_lcd_blinking(const klefr_fw_meter *m)
{
    return m != NULL &&
           (m->ui.mode == FW_UI_EDIT || m->ui.mode == FW_UI_DAY || m->ui.mode == FW_UI_PASS);
}

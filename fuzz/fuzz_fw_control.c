/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the control command parser of the firmware core
 * (klefr_fw_control_exec()) on arbitrary lines, with reply buffers of every
 * interesting size. Invariants: the reply is always terminated, printable,
 * one line and within its buffer; "ok" exactly when the call succeeds; and a
 * line that is refused changes nothing (meter, store, platform inputs). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "klefr_fw_control.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct platform {
    uint8_t store[KLEFR_FW_STORE_SIZE];
    klefr_fw_load load;
    unsigned calls;
    bool held, tariff, supply_off;
} platform;

static uint32_t now_ms(void *ctx)
{
    (void)ctx;
    return 5000; /* a still clock: a refused line has no time to change anything */
}

static klefr_err store_read(void *ctx, uint32_t off, uint8_t *d, size_t n)
{
    platform *p = ctx;
    if (off + n > sizeof p->store)
        return KLEFR_ERR_INVALID_ARG;
    memcpy(d, p->store + off, n);
    return KLEFR_OK;
}

static klefr_err store_write(void *ctx, uint32_t off, const uint8_t *d, size_t n)
{
    platform *p = ctx;
    if (off + n > sizeof p->store)
        return KLEFR_ERR_INVALID_ARG;
    memcpy(p->store + off, d, n);
    return KLEFR_OK;
}

static bool tariff_input(void *ctx)
{
    return ((platform *)ctx)->tariff;
}

static void set_load(void *ctx, const klefr_fw_load *l)
{
    platform *p = ctx;
    p->calls++;
    p->held = l != NULL;
    if (l != NULL)
        p->load = *l;
}

static void set_tariff(void *ctx, bool on)
{
    platform *p = ctx;
    p->calls++;
    p->tariff = on;
}

static void set_supply(void *ctx, bool on)
{
    platform *p = ctx;
    p->calls++;
    p->supply_off = !on;
}

static uint32_t s0_width(void *ctx)
{
    (void)ctx;
    return 11200;
}

static void check_reply(klefr_err err, const char *reply, size_t len, size_t cap)
{
    if (cap == 0) {
        if (err == KLEFR_OK || len != 0)
            abort();
        return;
    }
    if (len >= cap || reply[len] != '\0' || strlen(reply) != len)
        abort();
    for (size_t i = 0; i < len; i++)
        if (reply[i] < 0x20 || reply[i] > 0x7E)
            abort(); /* one printable line */
    if (cap < KLEFR_FW_CONTROL_REPLY_MIN) {
        if (err != KLEFR_ERR_BUFFER_TOO_SMALL || len != 0)
            abort();
        return;
    }
    bool ok = len >= 2 && memcmp(reply, "ok", 2) == 0 && (len == 2 || reply[2] == ' ');
    bool error = len > 6 && memcmp(reply, "error ", 6) == 0;
    if ((err == KLEFR_OK) != ok || (err != KLEFR_OK && !error))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static platform p;
    static klefr_fw_meter m;
    memset(&p, 0xFF, sizeof p.store); /* erased: a new meter */
    memset((uint8_t *)&p + sizeof p.store, 0, sizeof p - sizeof p.store);
    klefr_fw_hal hal = {.ctx = &p,
                        .now_ms = now_ms,
                        .store_read = store_read,
                        .store_write = store_write,
                        .tariff_input = tariff_input};
    klefr_fw_config cfg = {(klefr_model)(KLEFR_MODEL_6911 + size % 4), 17060518, 1, 1};
    if (klefr_fw_init(&m, &hal, &cfg) != KLEFR_OK || klefr_fw_boot(&m) != KLEFR_OK)
        abort();
    const klefr_fw_control_hal ctl = {&p, set_load, set_tariff, set_supply, s0_width};

    /* An exact-size copy so that ASan sees any read past the end. */
    char *line = malloc(size ? size : 1);
    if (line == NULL)
        return 0;
    memcpy(line, data, size);

    static klefr_fw_meter m0;
    static platform p0;
    m0 = m;
    p0 = p;
    const size_t caps[] = {0,
                           1,
                           KLEFR_FW_CONTROL_REPLY_MIN - 1,
                           KLEFR_FW_CONTROL_REPLY_MIN,
                           KLEFR_FW_CONTROL_REPLY_MIN + (size ? data[0] : 0) * 2u,
                           KLEFR_FW_CONTROL_REPLY_MAX};
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
        /* The buffer exactly cap long: a write past it is caught. */
        char *reply = malloc(caps[i] ? caps[i] : 1);
        if (reply == NULL)
            break;
        memset(reply, 'x', caps[i] ? caps[i] : 1);
        size_t len = 12345;
        klefr_err err = klefr_fw_control_exec(&m, &ctl, line, size, reply, caps[i], &len);
        check_reply(err, reply, len, caps[i]);
        if (err != KLEFR_OK && (memcmp(&m, &m0, sizeof m) != 0 || memcmp(&p, &p0, sizeof p) != 0))
            abort(); /* a refused line changed something */
        if (err == KLEFR_OK && caps[i] == KLEFR_FW_CONTROL_REPLY_MAX &&
            klefr_fw_control_is_query(line, size) && p.calls != p0.calls)
            abort(); /* a query asked the platform to change an input */
        m = m0;
        p = p0;
        free(reply);
    }
    free(line);
    return 0;
}

/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the firmware's store loader (klefr_fw_boot()) on
 * arbitrary store images. Option byte: bits 0-1 the model; bits 2-3 give
 * bank 0 and bank 1 the right magic, bank parity of the sequence number
 * and CRC-32 before booting, so that the decoding of records the CRC
 * accepts is reached (a random image almost never has one). The image is
 * the rest of the input, padded with 0xFF (erased) to the store's size.
 * Invariants: boot answers OK (a record, or a blank store) or
 * KLEFR_ERR_CHECKSUM (Err 01); the meter it boots follows its model's
 * rules (settings, remainders, lock time at most the lock duration); it
 * renders every protocol's answer; and what it saves boots back the same. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <klefr/model_iec.h>

#include "fuzz_fw_platform.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++, v >>= 8)
        p[i] = (uint8_t)v;
}

/* Make bank @p b a record the CRC accepts (doc/firmware.md layout). */
static void seal(uint8_t *store, unsigned b)
{
    uint8_t *r = store + b * KLEFR_FW_STORE_BANK_SIZE;
    memcpy(r, "KFW1", 4);
    r[4] = (uint8_t)((r[4] & ~1u) | b);
    put_le32(r + KLEFR_FW_STORE_BANK_SIZE - 4, klefr_fw_crc32(r, KLEFR_FW_STORE_BANK_SIZE - 4));
}

static void boot(klefr_fw_meter *m, fw_platform *p, klefr_model model, klefr_err *err)
{
    klefr_fw_hal hal = fw_platform_hal(p);
    klefr_fw_config cfg = {model, 17060518, 1, 1};
    if (klefr_fw_init(m, &hal, &cfg) != KLEFR_OK)
        abort();
    *err = klefr_fw_boot(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static fw_platform p;
    static klefr_fw_meter m, m2;
    static uint8_t tx[KLEFR_FW_IR_TX_MAX];
    if (size < 1)
        return 0;
    memset(&p, 0, sizeof p);
    memset(p.store, 0xFF, sizeof p.store);
    size_t n = size - 1 < sizeof p.store ? size - 1 : sizeof p.store;
    memcpy(p.store, data + 1, n);
    for (unsigned b = 0; b < 2; b++)
        if (data[0] & (4u << b))
            seal(p.store, b);
    p.now = 1000;
    p.speed = 1;
    p.m = &m;
    klefr_model model = (klefr_model)(KLEFR_MODEL_6911 + (data[0] & 3));

    klefr_err err;
    boot(&m, &p, model, &err);
    if (err != KLEFR_OK && err != KLEFR_ERR_CHECKSUM)
        abort();
    if (m.error_code > 2)
        abort();
    fw_platform_check_settings(&m);
    if (klefr_iec_lockout_remaining_ms(&m.ir.iec.lockout, p.now) > m.ir.iec.lockout.lock_ms)
        abort();

    /* Every value renders: the readout holds all of them. */
    klefr_values v;
    klefr_fw_values(&m, &v);
    size_t len = 0;
    if (klefr_model_iec_readout_encode(model, &v, tx, sizeof tx, &len) != KLEFR_OK)
        abort();
    /* The LCD scrolls its saved page set for one cycle of the longest
     * LCD cycle time, and a press walks the menu. */
    char lcd[64];
    for (int k = 0; k < 4; k++) {
        fw_platform_run(&p, 8000);
        if (klefr_fw_lcd_text(&m, lcd, sizeof lcd) != lcd || strlen(lcd) >= sizeof lcd)
            abort();
    }
    klefr_fw_button(&m, 500);

    /* Saved and booted again: the same meter. */
    if (klefr_fw_store_save(&m) != KLEFR_OK)
        abort();
    p.m = &m2;
    boot(&m2, &p, model, &err);
    if (err != KLEFR_OK || !fw_platform_same_settings(&m.set, &m2.set) || m2.error_code > 2)
        abort();
    for (int k = 0; k < 2; k++)
        for (int d = 0; d < 2; d++)
            for (int t = 0; t < 2; t++)
                if (m.energy[k][d][t].q10wh != m2.energy[k][d][t].q10wh ||
                    m.energy[k][d][t].rem_uj != m2.energy[k][d][t].rem_uj)
                    abort();
    if (m.ui.scroll_set != m2.ui.scroll_set ||
        m.ir.iec.lockout.failures != m2.ir.iec.lockout.failures)
        abort();
    return 0;
}

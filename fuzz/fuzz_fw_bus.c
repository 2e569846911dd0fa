/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the firmware's bus slaves (Modbus RTU on a 6914, M-Bus
 * on a 6913) fed byte streams through klefr_fw_bus_feed() with the gaps the
 * input gives (fuzz_fw_platform.h), the clocks and ticks running between.
 * Option byte: bit 0 the model (6913/6914), bit 1 metrology 1000 times
 * faster than protocol time. Invariants:
 *  - every answer is one well-formed frame: a CRC-valid Modbus response
 *    from the address in effect (never to broadcast), or E5 or an RSP_UD
 *    long frame with a right checksum;
 *  - settings always follow the model's rules (also after writes), energy
 *    registers never go down, remainders stay below a quantum. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <klefr/mbus.h>
#include <klefr/modbus.h>

#include "fuzz_fw_platform.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_write(fw_platform *p, klefr_fw_port port, const uint8_t *d, size_t n)
{
    if (port != KLEFR_FW_PORT_BUS)
        abort(); /* nothing is fed on IR here */
    if (p->m->cfg.model == KLEFR_MODEL_6914) {
        klefr_modbus_response r;
        if (n < 5 || n > KLEFR_MODBUS_ADU_MAX || klefr_modbus_response_decode(NULL, d, n, &r) < 0)
            abort();
        if (d[0] == KLEFR_MODBUS_BROADCAST || d[0] != p->m->bus_address)
            abort(); /* answered at the address in effect, never broadcast */
        return;
    }
    if (n == 1) {
        if (d[0] != 0xE5)
            abort();
        return;
    }
    klefr_mbus_frame f;
    if (klefr_mbus_frame_decode(d, n, &f) != KLEFR_OK || f.type != KLEFR_MBUS_FRAME_LONG ||
        f.c != 0x08 || n > KLEFR_FW_MBUS_RSP_MAX)
        abort();
}

static void energies(const klefr_fw_meter *m, uint32_t q[8])
{
    for (int i = 0; i < 8; i++)
        q[i] = m->energy[i >> 2][(i >> 1) & 1][i & 1].q10wh;
}

/* Energies before the chunk being fed. */
static uint32_t before[8];

static void feed(fw_platform *p, const uint8_t *d, size_t n)
{
    klefr_fw_bus_feed(p->m, d, n);
    uint32_t after[8];
    energies(p->m, after);
    for (int k = 0; k < 8; k++)
        if (after[k] < before[k])
            abort();
    memcpy(before, after, sizeof before);
    fw_platform_check_settings(p->m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static fw_platform p;
    static klefr_fw_meter m;
    if (size < 1)
        return 0;
    fw_platform_start(&p, &m, (data[0] & 1) ? KLEFR_MODEL_6914 : KLEFR_MODEL_6913,
                      (data[0] & 2) != 0, check_write);
    energies(&m, before);
    fw_platform_stream(&p, data, size, feed);
    fw_platform_run(&p, 200); /* answers due after t3.5 leave */
    fw_platform_check_settings(&m);
    return 0;
}

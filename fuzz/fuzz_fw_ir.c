/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the firmware's IEC 62056-21 slave on the IR port fed
 * character streams through klefr_fw_ir_feed() with the gaps the input
 * gives (fuzz_fw_platform.h). Option byte: bits 0-1 the model
 * (6911-6914), bit 2 metrology 1000 times faster than protocol time.
 * Invariants:
 *  - every answer is one whole message the codec decodes (identification,
 *    data block, P0, ACK, NAK, error), fits KLEFR_FW_IR_TX_MAX and leaves
 *    no sooner than the 200 ms reaction time after the first character
 *    received since the previous answer (the message it answers ended at
 *    or after that one; characters after it may be noise);
 *  - settings always follow the model's rules (W1 goes through the same
 *    validation as every other protocol); energies never go down. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <klefr/iec62056.h>

#include "fuzz_fw_platform.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_write(fw_platform *p, klefr_fw_port port, const uint8_t *d, size_t n)
{
    if (port != KLEFR_FW_PORT_IR || n > KLEFR_FW_IR_TX_MAX)
        abort();
    klefr_iec_message msg;
    size_t used = 0;
    if (klefr_iec_message_decode(d, n, &msg, &used) != KLEFR_OK || used != n)
        abort();
    switch (msg.type) {
    case KLEFR_IEC_MSG_IDENTIFICATION:
    case KLEFR_IEC_MSG_DATA:
    case KLEFR_IEC_MSG_COMMAND:
    case KLEFR_IEC_MSG_ACK:
    case KLEFR_IEC_MSG_NAK:
    case KLEFR_IEC_MSG_ERROR: break;
    default: abort();
    }
    if (!p->rx_since_write ||
        (uint32_t)(p->now - p->last_rx_ms[1]) < p->m->ir.iec.timing.reaction_min_ms)
        abort(); /* an answer to nothing, or sooner than the reaction time */
    p->rx_since_write = false;
}

/* Forward active energy before the chunk being fed. */
static uint32_t fwd;

static void feed(fw_platform *p, const uint8_t *d, size_t n)
{
    /* Characters are 7-bit (the HAL strips parity), but a HAL may let
     * an 8-bit byte through: feed them as they come. */
    if (!p->rx_since_write)
        p->last_rx_ms[1] = p->now; /* the first character since the last answer */
    p->rx_since_write = true;
    klefr_fw_ir_feed(p->m, d, n);
    uint32_t q = klefr_fw_energy_q(p->m, KLEFR_FW_ACTIVE, KLEFR_FW_FORWARD);
    if (q < fwd)
        abort();
    fwd = q;
    fw_platform_check_settings(p->m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static fw_platform p;
    static klefr_fw_meter m;
    if (size < 1)
        return 0;
    fw_platform_start(&p, &m, (klefr_model)(KLEFR_MODEL_6911 + (data[0] & 3)), (data[0] & 4) != 0,
                      check_write);
    fwd = klefr_fw_energy_q(&m, KLEFR_FW_ACTIVE, KLEFR_FW_FORWARD);
    fw_platform_stream(&p, data, size, feed);
    fw_platform_run(&p, 2000); /* pending answers leave */
    fw_platform_check_settings(&m);
    return 0;
}

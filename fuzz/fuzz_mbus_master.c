/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the M-Bus master's answer handling over a line that
 * delivers whatever the input says, when it says (fuzz_line.h), on
 * simulated time.
 *
 * Byte 0 picks the call: bits 0-2 and 6 SND_NKE / REQ_UD2 / select / read
 * by secondary address / primary scan of 0-3 / secondary search / set baud
 * / REQ_UD2 to FE / SND_UD / a multi-telegram read of up to 3; bits 3-4
 * retries; bit 5 2400 baud instead of 9600. The rest is the line. Invariants, abort() on violation:
 *  - the call returns within the deadline of klefr/mbus_master.h;
 *  - it returns OK or one of the documented errors;
 *  - an RSP_UD returned came on the line as one run of bytes, decodes, and
 *    carries the address asked (any primary address for FE);
 *  - a scan's results are in range and ascending; a search's identities
 *    are distinct.
 * Run: ./build-fuzz/fuzz/fuzz_mbus_master fuzz/corpus/fuzz_mbus_master */
#include <stdint.h>
#include <stdlib.h>

#include <klefr/mbus.h>
#include <klefr/mbus_master.h>

#include "fuzz_line.h"

static bool documented(klefr_err err)
{
    return err == KLEFR_OK || err == KLEFR_ERR_TIMEOUT || err == KLEFR_ERR_CHECKSUM ||
           err == KLEFR_ERR_FRAME || err == KLEFR_ERR_TRUNCATED || err == KLEFR_ERR_TRAILING_DATA ||
           err == KLEFR_ERR_UNEXPECTED;
}

/* mbus_master.h: one attempt A = S + R + 2 B + 4 x 261 x C + 3 ms. */
static uint64_t attempt_us(klefr_mbus_master *m, const fuzz_line *l, size_t frame_len)
{
    klefr_mbus_master_options o;
    klefr_mbus_master_options_init(&o);
    if (klefr_mbus_master_get_options(m, &o) != KLEFR_OK)
        abort();
    uint32_t r_ms = o.response_timeout_ms, b_ms = o.interchar_timeout_ms;
    return frame_len * (uint64_t)l->char_us + (uint64_t)r_ms * 1000u + 2u * (uint64_t)b_ms * 1000u +
           4u * 261u * (uint64_t)l->char_us + 3000u;
}

static void check_rsp_ud(const fuzz_line *l, const uint8_t *rsp, size_t len, uint8_t a)
{
    klefr_mbus_frame fr;
    if (!fuzz_line_delivered(l, rsp, len) || klefr_mbus_frame_decode(rsp, len, &fr) != KLEFR_OK ||
        fr.type != KLEFR_MBUS_FRAME_LONG)
        abort();
    if (a == KLEFR_MBUS_ADDR_BROADCAST_REPLY ? fr.a > KLEFR_MBUS_ADDR_PRIMARY_MAX : fr.a != a)
        abort();
}

static bool on_probe(void *user, uint32_t pattern, klefr_mbus_probe outcome,
                     const klefr_mbus_identity *identity)
{
    (void)pattern;
    (void)identity;
    unsigned *probes = user;
    if (outcome > KLEFR_MBUS_PROBE_ERROR)
        abort();
    (*probes)++;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t opt = data[0];
    unsigned op = (opt & 7u) | ((opt >> 3) & 8u);
    unsigned retries = (opt >> 3) & 3u;
    klefr_line line = {(opt & 0x20u) ? 2400u : 9600u, 8, KLEFR_PARITY_EVEN, 1};
    fuzz_line *l = fuzz_line_new(data + 1, size - 1, &line, 0);
    klefr_mbus_master_options o;
    klefr_mbus_master_options_init(&o);
    o.retries = retries;
    o.clock = &l->clock;
    klefr_mbus_master *m;
    if (klefr_mbus_master_open(&l->io, &o, &m) != KLEFR_OK)
        abort();
    uint64_t t0 = l->now;
    uint64_t a5 = attempt_us(m, l, 5), a17 = attempt_us(m, l, 17);
    uint64_t tries = retries + 1u;
    uint8_t rsp[KLEFR_MBUS_FRAME_MAX];
    size_t len = 0;
    klefr_err err;
    uint64_t limit;
    switch (op) {
    case 0:
        err = klefr_mbus_master_snd_nke(m, 1);
        limit = tries * a5;
        break;
    case 1:
        err = klefr_mbus_master_req_ud2(m, 0, rsp, sizeof rsp, &len);
        if (err == KLEFR_OK)
            check_rsp_ud(l, rsp, len, 0);
        limit = tries * a5;
        break;
    case 2:
        err = klefr_mbus_master_select_id(m, 17060518);
        limit = tries * a17;
        break;
    case 3:
        err = klefr_mbus_master_read_secondary(m, 17060518, rsp, sizeof rsp, &len);
        if (err == KLEFR_OK)
            check_rsp_ud(l, rsp, len, KLEFR_MBUS_ADDR_SECONDARY);
        limit = tries * (a17 + a5);
        break;
    case 4: {
        uint8_t found[4];
        size_t count = 0;
        err = klefr_mbus_master_scan_primary(m, 0, 3, NULL, NULL, found, sizeof found, &count);
        if (err == KLEFR_ERR_FRAME)
            err = KLEFR_OK; /* the line never went idle: documented stop */
        if (count > 4)
            abort();
        for (size_t i = 0; i + 1 < count; i++)
            if (found[i] >= found[i + 1] || found[i + 1] > 3)
                abort();
        limit = 2u * 4u * a5;
        break;
    }
    case 5: {
        klefr_mbus_selection any = {0xFFFFFFFFu, 0xFFFFu, 0xFFu, 0xFFu};
        klefr_mbus_identity found[8];
        size_t count = 0;
        unsigned probes = 0;
        err = klefr_mbus_master_scan_secondary(m, &any, on_probe, &probes, found, 8, &count);
        if (err == KLEFR_ERR_FRAME || err == KLEFR_ERR_BUFFER_TOO_SMALL)
            err = KLEFR_OK;
        for (size_t i = 0; i < count && i < 8; i++)
            for (size_t k = 0; k < i; k++)
                if (memcmp(&found[i], &found[k], sizeof found[i]) == 0)
                    abort();
        /* mbus_master.h: 1 + 10 x (8 x (n + min(d, 8) + 2) + 1) selections of
         * two attempts; d <= probes. */
        uint64_t dups = probes < 8 ? probes : 8;
        uint64_t selections = 1u + 10u * (8u * (count + dups + 2u) + 1u);
        if (probes > selections)
            abort();
        limit = selections * (a17 + a5);
        break;
    }
    case 6:
        err = klefr_mbus_master_set_baud(m, 1, 2400);
        limit = tries * a5 + tries * attempt_us(m, l, 5);
        if (err == KLEFR_ERR_RANGE)
            abort();
        break;
    case 7:
        err = klefr_mbus_master_req_ud2(m, KLEFR_MBUS_ADDR_BROADCAST_REPLY, rsp, sizeof rsp, &len);
        if (err == KLEFR_OK)
            check_rsp_ud(l, rsp, len, KLEFR_MBUS_ADDR_BROADCAST_REPLY);
        limit = tries * a5;
        break;
    case 8: {
        /* Manual A2.2: tariff 2 to primary address 1 (09 7C 01 54 02). */
        static const uint8_t tariff[] = {0x09, 0x7C, 0x01, 0x54, 0x02};
        err = klefr_mbus_master_snd_ud(m, 1, KLEFR_MBUS_CI_DATA_SEND, tariff, sizeof tariff);
        limit = tries * attempt_us(m, l, 14);
        break;
    }
    default: {
        uint8_t buf[3 * KLEFR_MBUS_FRAME_MAX];
        size_t lens[3], nframes = 0, used = 0;
        bool more = false;
        err = klefr_mbus_master_req_ud2_all(m, 0, buf, sizeof buf, lens, 3, &nframes, &more);
        if (nframes > 3)
            abort();
        for (size_t i = 0; i < nframes; i++) {
            check_rsp_ud(l, buf + used, lens[i], 0);
            used += lens[i];
        }
        limit = 3u * tries * a5;
        break;
    }
    }
    if (!documented(err) || l->now - t0 > limit)
        abort();
    klefr_mbus_master_close(m);
    free(l);
    return 0;
}

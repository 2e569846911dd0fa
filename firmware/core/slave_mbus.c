/* SPDX-License-Identifier: MIT */
/* M-Bus slave of the 6913 (SPEC 5, manual A2, EN 13757-2/-3), built on the
 * codec (frame detection and decoding, control field, selection) and the
 * register model (RSP_UD encoding, write decoding). Nothing here parses
 * bytes by hand. */
#include <string.h>

#include <klefr/mbus.h>
#include <klefr/model_mbus.h>

#include "fw_internal.h"

/* Settings one SND_UD may carry: more than the seven writes of A2.2. */
#define MAX_SETTINGS 16

void fw_mbus_reset(klefr_fw_meter *m)
{
    memset(&m->mbus, 0, sizeof m->mbus);
}

/* A frame still incomplete after this silence is dropped: 20 character
 * times, and never under 100 ms, so a host that hands over a frame in
 * pieces is not cut off (EN 13757-2 leaves the receiver's timeout open). */
static uint32_t partial_timeout_ms(const klefr_fw_meter *m)
{
    klefr_line line = {m->bus_baud, 8, KLEFR_PARITY_EVEN, 1}; /* always 8E1 (manual A2.1) */
    uint32_t ms = (klefr_line_char_time_us(&line) * 20u + 999u) / 1000u;
    return ms < 100u ? 100u : ms;
}

static void ack(klefr_fw_meter *m, bool answer, uint32_t now)
{
    static const uint8_t e5 = KLEFR_MBUS_ACK;
    if (answer)
        fw_bus_send(m, &e5, 1, now);
}

/* REQ_UD2: a new RSP_UD from one snapshot, or the last one again when the
 * FCB did not toggle (EN 13757-2, 5.4: the master lost our answer). Not
 * inlined: the caller integrates and saves first (fw_catch_up()). */
__attribute__((noinline)) static void req_ud2(klefr_fw_meter *m, const klefr_mbus_control *ctl,
                                              uint8_t a, uint32_t now)
{
    klefr_fw_mbus *b = &m->mbus;
    /* A repeat answers the same address only: after a read at FD, a REQ_UD2
     * to the primary address is a new dialogue even with the same FCB. */
    bool repeat =
        ctl->fcv && b->fcb_valid && ctl->fcb == b->fcb && b->last_rsp_len > 0 && a == b->last_a;
    b->fcb_valid = ctl->fcv;
    b->fcb = ctl->fcb;
    b->last_a = a;
    if (!repeat) {
        klefr_values v;
        klefr_fw_values(m, &v);
        /* The answer names the address asked (FD when selected), except
         * that FE gets our primary address: that is how a master finds it. */
        klefr_mbus_model_header hdr = {
            .address = a == KLEFR_MBUS_ADDR_BROADCAST_REPLY ? m->bus_address : a,
            .id = m->set.secondary_address,
            .access = (uint8_t)(b->access + 1u),
            .status = m->error_code != 0 ? KLEFR_MBUS_STATUS_APP_ERROR : 0,
        };
        size_t len = 0;
        if (klefr_model_mbus_rsp_ud_encode(&v, &hdr, b->last_rsp, sizeof b->last_rsp, &len) !=
            KLEFR_OK) {
            b->last_rsp_len = 0;
            b->fcb_valid = false;
            return;
        }
        b->access = hdr.access;
        b->last_rsp_len = (uint8_t)len;
    }
    fw_bus_send(m, b->last_rsp, b->last_rsp_len, now);
}

/* SND_UD with CI 51, or a baud change (CI B8-BD): all or nothing, E5 only
 * when everything was applied (SPEC 5: invalid values get no E5). */
static void snd_ud_write(klefr_fw_meter *m, const uint8_t *frame, size_t len, bool answer,
                         uint32_t now)
{
    klefr_setting set[MAX_SETTINGS];
    size_t n = 0;
    if (klefr_model_mbus_write_decode(frame, len, set, MAX_SETTINGS, &n) != KLEFR_OK)
        return;
    if (klefr_fw_settings_apply(m, set, n) != KLEFR_OK)
        return;
    /* A new address or baud rate takes effect once the E5 has left
     * (fw_bus_line_update(), from bus_tx_done_ms). */
    ack(m, answer, now);
}

static void snd_ud_select(klefr_fw_meter *m, const klefr_mbus_frame *fr, bool answer, uint32_t now)
{
    klefr_mbus_selection sel;
    if (klefr_mbus_selection_decode(fr, &sel) != KLEFR_OK)
        return;
    klefr_mbus_identity id = {
        .id = m->set.secondary_address,
        .manufacturer = KLEFR_MBUS_MANUFACTURER_INM,
        .version = KLEFR_MBUS_VERSION,
        .medium = KLEFR_MBUS_MEDIUM_ELECTRICITY,
    };
    m->mbus.selected = klefr_mbus_selection_match(&sel, &id);
    if (!m->mbus.selected)
        return; /* SPEC 5: no match deselects silently */
    /* A new selection starts a new dialogue: the next REQ_UD2 is fresh
     * whatever its FCB (as after SND_NKE). */
    m->mbus.fcb_valid = false;
    ack(m, answer, now);
}

static void handle(klefr_fw_meter *m, const uint8_t *frame, size_t len, uint32_t now)
{
    klefr_mbus_frame fr;
    klefr_mbus_control ctl;
    if (klefr_mbus_frame_decode(frame, len, &fr) != KLEFR_OK || fr.type == KLEFR_MBUS_FRAME_ACK ||
        klefr_mbus_control_decode(fr.c, &ctl) != KLEFR_OK || !ctl.from_master)
        return;

    /* Who is spoken to, and may we answer? */
    bool sel_frame = fr.type == KLEFR_MBUS_FRAME_LONG && fr.ci == KLEFR_MBUS_CI_SELECTION;
    bool answer;
    switch (klefr_mbus_address_kind_get(fr.a)) {
    case KLEFR_MBUS_ADDRESS_PRIMARY:
        if (fr.a != m->bus_address)
            return;
        answer = true;
        break;
    case KLEFR_MBUS_ADDRESS_SECONDARY:
        /* Selection frames go to FD; everything else only when selected. */
        if (!sel_frame && !m->mbus.selected)
            return;
        answer = true;
        break;
    case KLEFR_MBUS_ADDRESS_BROADCAST_REPLY:
        /* Manual A2.2: FE is "only for read"; SND_NKE and REQ_UD1/2 are
         * answered, writes are ignored. */
        if (ctl.function == KLEFR_MBUS_SND_UD)
            return;
        answer = true;
        break;
    case KLEFR_MBUS_ADDRESS_BROADCAST: answer = false; break; /* execute, never answer */
    default: return;
    }
    if (sel_frame && fr.a != KLEFR_MBUS_ADDR_SECONDARY)
        return;

    switch (ctl.function) {
    case KLEFR_MBUS_SND_NKE:
        if (fr.type != KLEFR_MBUS_FRAME_SHORT)
            return;
        /* Link reset: FCB state and selection are gone (manual A2.2: "resets
         * all communication values"). */
        m->mbus.fcb_valid = false;
        m->mbus.selected = false;
        ack(m, answer, now);
        return;
    case KLEFR_MBUS_REQ_UD1: /* no class 1 (alarm) data */
        if (fr.type == KLEFR_MBUS_FRAME_SHORT)
            ack(m, answer, now);
        return;
    case KLEFR_MBUS_REQ_UD2:
        if (fr.type == KLEFR_MBUS_FRAME_SHORT && answer) {
            fw_catch_up(m);
            req_ud2(m, &ctl, fr.a, now);
        }
        return;
    case KLEFR_MBUS_SND_UD:
        if (fr.type == KLEFR_MBUS_FRAME_SHORT)
            return;
        if (fr.ci == KLEFR_MBUS_CI_APP_RESET)
            ack(m, answer, now);
        else if (sel_frame)
            snd_ud_select(m, &fr, answer, now);
        else if (fr.ci == KLEFR_MBUS_CI_DATA_SEND || klefr_mbus_ci_baud_decode(fr.ci) != 0)
            snd_ud_write(m, frame, len, answer, now);
        return;
    default: return;
    }
}

/* Find and handle every complete frame at the start of the buffer. */
static void scan(klefr_fw_meter *m, uint32_t now)
{
    klefr_fw_mbus *b = &m->mbus;
    while (b->rx_len > 0) {
        klefr_frame_scan sc;
        if (klefr_mbus_frame_detect(b->rx, b->rx_len, &sc) != KLEFR_OK)
            sc.state = KLEFR_FRAME_GARBAGE, sc.length = b->rx_len;
        if (sc.state == KLEFR_FRAME_NEED_MORE)
            return;
        size_t drop = sc.length == 0 ? 1 : sc.length > b->rx_len ? b->rx_len : sc.length;
        if (sc.state == KLEFR_FRAME_COMPLETE)
            handle(m, b->rx, drop, now);
        fw_rx_drop(b->rx, &b->rx_len, drop);
    }
}

void fw_mbus_feed(klefr_fw_meter *m, const uint8_t *data, size_t len, uint32_t now)
{
    klefr_fw_mbus *b = &m->mbus;
    if (b->rx_len > 0 && now - b->last_rx_ms >= partial_timeout_ms(m))
        b->rx_len = 0;
    for (size_t i = 0; i < len; i++) {
        fw_rx_push(b->rx, &b->rx_len, sizeof b->rx, data[i]);
        scan(m, now);
    }
    b->last_rx_ms = now;
}

void fw_mbus_tick(klefr_fw_meter *m, uint32_t now)
{
    if (m->mbus.rx_len > 0 && now - m->mbus.last_rx_ms >= partial_timeout_ms(m))
        m->mbus.rx_len = 0;
}

/* SPDX-License-Identifier: MIT */
/* libFuzzer target: secondary addressing (EN 13757-3, 11.3; CI 52). The
 * input is a selection frame (or its 8 data bytes) followed by the 8-byte
 * identity of a slave (id as 8 BCD digits, manufacturer, version, medium,
 * as a long header sends them). Invariants: klefr_mbus_selection_match()
 * agrees with a nibble-by-nibble reference; a decoded selection encodes
 * back to the same frame; an encoded one decodes to itself; a slave's own
 * exact address and the all-wildcard selection always match it. */
#include <klefr/mbus.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t get_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The id as 8 BCD nibbles, lowest digit in the lowest nibble. */
static uint32_t id_nibbles(uint32_t id)
{
    uint32_t bcd = 0;
    for (unsigned i = 0; i < 8; i++, id /= 10)
        bcd |= (id % 10) << (4 * i);
    return bcd;
}

static bool reference_match(const klefr_mbus_selection *s, const klefr_mbus_identity *id)
{
    uint32_t have = id_nibbles(id->id);
    for (unsigned i = 0; i < 8; i++) {
        unsigned want = (s->id_pattern >> (4 * i)) & 0xFu;
        if (want != 0xFu && want != ((have >> (4 * i)) & 0xFu))
            return false;
    }
    const uint8_t pat[4] = {(uint8_t)s->manufacturer, (uint8_t)(s->manufacturer >> 8), s->version,
                            s->medium};
    const uint8_t val[4] = {(uint8_t)id->manufacturer, (uint8_t)(id->manufacturer >> 8),
                            id->version, id->medium};
    for (unsigned i = 0; i < 4; i++)
        if (pat[i] != 0xFF && pat[i] != val[i])
            return false;
    return true;
}

static bool pattern_valid(uint32_t p)
{
    for (unsigned i = 0; i < 8; i++)
        if (((p >> (4 * i)) & 0xFu) > 9 && ((p >> (4 * i)) & 0xFu) != 0xFu)
            return false;
    return true;
}

/* Encode, decode, compare; and the matcher against the reference. */
static void check_selection(const klefr_mbus_selection *s, const klefr_mbus_identity *id)
{
    uint8_t frame[KLEFR_MBUS_FRAME_MAX];
    size_t len = 0;
    klefr_err err = klefr_mbus_selection_encode(s, false, frame, sizeof frame, &len);
    if ((err == KLEFR_OK) != pattern_valid(s->id_pattern))
        abort();
    if (err != KLEFR_OK)
        return;
    klefr_mbus_frame f;
    klefr_mbus_selection back;
    if (len != 17 || klefr_mbus_frame_decode(frame, len, &f) != KLEFR_OK ||
        klefr_mbus_selection_decode(&f, &back) != KLEFR_OK || back.id_pattern != s->id_pattern ||
        back.manufacturer != s->manufacturer || back.version != s->version ||
        back.medium != s->medium)
        abort();
    if (klefr_mbus_selection_match(s, id) != reference_match(s, id))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 16)
        return 0;
    const uint8_t *idb = data + size - 8;
    klefr_mbus_identity id = {.id = get_le32(idb) % 100000000u,
                              .manufacturer = (uint16_t)(idb[4] | idb[5] << 8),
                              .version = idb[6],
                              .medium = idb[7]};
    const uint8_t *sel_bytes = data;
    size_t sel_len = size - 8;

    /* As a whole frame: what decodes as a selection re-encodes to itself
     * (the decoder leaves the A field to the caller; the encoder sends FD). */
    klefr_mbus_frame f;
    klefr_mbus_selection s;
    if (klefr_mbus_frame_decode(sel_bytes, sel_len, &f) == KLEFR_OK &&
        klefr_mbus_selection_decode(&f, &s) == KLEFR_OK) {
        uint8_t again[KLEFR_MBUS_FRAME_MAX];
        size_t len = 0;
        bool fcb = (f.c & KLEFR_MBUS_C_FCB) != 0;
        if (klefr_mbus_selection_encode(&s, fcb, again, sizeof again, &len) != KLEFR_OK ||
            len != sel_len ||
            (f.a == KLEFR_MBUS_ADDR_SECONDARY && memcmp(again, sel_bytes, len) != 0))
            abort();
        sel_bytes = f.data;
    }
    /* The 8 selection bytes as sent: ID(4) MAN(2) VER MED. */
    s = (klefr_mbus_selection){.id_pattern = get_le32(sel_bytes),
                               .manufacturer = (uint16_t)(sel_bytes[4] | sel_bytes[5] << 8),
                               .version = sel_bytes[6],
                               .medium = sel_bytes[7]};
    check_selection(&s, &id);

    klefr_mbus_selection exact = {.id_pattern = id_nibbles(id.id),
                                  .manufacturer = id.manufacturer,
                                  .version = id.version,
                                  .medium = id.medium};
    klefr_mbus_selection any = {
        .id_pattern = 0xFFFFFFFFu, .manufacturer = 0xFFFF, .version = 0xFF, .medium = 0xFF};
    if (!klefr_mbus_selection_match(&exact, &id) || !klefr_mbus_selection_match(&any, &id))
        abort();
    /* An id over 8 digits is no M-Bus identity: it matches nothing. */
    klefr_mbus_identity big = id;
    big.id = 100000000u + id.id;
    if (klefr_mbus_selection_match(&any, &big))
        abort();
    return 0;
}

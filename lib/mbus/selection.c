/* SPDX-License-Identifier: MIT */
/* Secondary addressing (EN 13757-3, 11.3): selection frames with CI 52 and
 * the wildcard matcher a slave uses to decide whether it is meant. */
#include <klefr/mbus.h>

#include "common/bytes.h"

/* Each nibble must be a digit or the wildcard F; A-E mean nothing. */
static bool pattern_valid(uint32_t pattern)
{
    for (unsigned i = 0; i < 8; i++) {
        unsigned nibble = (pattern >> (4 * i)) & 0xFu;
        if (nibble > 9 && nibble != 0xFu)
            return false;
    }
    return true;
}

klefr_err klefr_mbus_selection_encode(const klefr_mbus_selection *sel, bool fcb, uint8_t *buf,
                                      size_t cap, size_t *len)
{
    if (sel == NULL || len == NULL)
        return KLEFR_ERR_INVALID_ARG;
    if (!pattern_valid(sel->id_pattern))
        return KLEFR_ERR_ENCODING;
    uint8_t data[8];
    klefr_put_le(data, sel->id_pattern, 4);
    klefr_put_le16(data + 4, sel->manufacturer);
    data[6] = sel->version;
    data[7] = sel->medium;
    klefr_mbus_frame f = {
        .type = KLEFR_MBUS_FRAME_LONG,
        .c = (uint8_t)(KLEFR_MBUS_C_SND_UD | (fcb ? KLEFR_MBUS_C_FCB : 0u)),
        .a = KLEFR_MBUS_ADDR_SECONDARY,
        .ci = KLEFR_MBUS_CI_SELECTION,
        .data = data,
        .data_len = sizeof data,
    };
    return klefr_mbus_frame_encode(&f, buf, cap, len);
}

klefr_err klefr_mbus_selection_decode(const klefr_mbus_frame *frame, klefr_mbus_selection *out)
{
    if (frame == NULL || out == NULL)
        return KLEFR_ERR_INVALID_ARG;
    if (frame->type != KLEFR_MBUS_FRAME_LONG ||
        (frame->c & ~KLEFR_MBUS_C_FCB) != KLEFR_MBUS_C_SND_UD ||
        frame->ci != KLEFR_MBUS_CI_SELECTION)
        return KLEFR_ERR_UNEXPECTED;
    /* The 2013 edition adds an optional fabrication number (16 bytes); a
     * KLEFR slave and this codec use the 8-byte form only. */
    if (frame->data_len != 8 || frame->data == NULL)
        return KLEFR_ERR_FRAME;
    klefr_mbus_selection s = {
        .id_pattern = (uint32_t)klefr_get_le(frame->data, 4),
        .manufacturer = klefr_get_le16(frame->data + 4),
        .version = frame->data[6],
        .medium = frame->data[7],
    };
    if (!pattern_valid(s.id_pattern))
        return KLEFR_ERR_ENCODING;
    *out = s;
    return KLEFR_OK;
}

static bool byte_matches(uint8_t pattern, uint8_t value)
{
    return pattern == KLEFR_MBUS_WILDCARD_BYTE || pattern == value;
}

bool klefr_mbus_selection_match(const klefr_mbus_selection *sel, const klefr_mbus_identity *id)
{
    if (sel == NULL || id == NULL || id->id > 99999999u)
        return false;
    uint32_t number = id->id;
    for (unsigned i = 0; i < 8; i++, number /= 10) {
        unsigned want = (sel->id_pattern >> (4 * i)) & 0xFu;
        if (want != 0xFu && want != number % 10)
            return false;
    }
    return byte_matches((uint8_t)sel->manufacturer, (uint8_t)id->manufacturer) &&
           byte_matches((uint8_t)(sel->manufacturer >> 8), (uint8_t)(id->manufacturer >> 8)) &&
           byte_matches(sel->version, id->version) && byte_matches(sel->medium, id->medium);
}

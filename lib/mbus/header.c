/* SPDX-License-Identifier: MIT */
/* Fixed header of the variable data structure (EN 13757-3, 6): CI 72 long
 * header, CI 7A short header, CI 78 none; manufacturer letters; media. */
#include <klefr/bcd.h>
#include <klefr/mbus.h>

#include "common/bytes.h"

static klefr_err header_size(uint8_t ci, size_t *size)
{
    switch (ci) {
    case KLEFR_MBUS_CI_RSP_LONG: *size = 12; return KLEFR_OK;
    case KLEFR_MBUS_CI_RSP_SHORT: *size = 4; return KLEFR_OK;
    case KLEFR_MBUS_CI_RSP_NONE: *size = 0; return KLEFR_OK;
    default: return KLEFR_ERR_UNSUPPORTED;
    }
}

klefr_err klefr_mbus_header_decode(uint8_t ci, const uint8_t *data, size_t len,
                                   klefr_mbus_header *out, size_t *header_len)
{
    if (out == NULL || (data == NULL && len > 0))
        return KLEFR_ERR_INVALID_ARG;
    size_t size;
    klefr_err err = header_size(ci, &size);
    if (err != KLEFR_OK)
        return err;
    if (len < size)
        return KLEFR_ERR_TRUNCATED;

    klefr_mbus_header h = {.ci = ci};
    const uint8_t *p = data;
    if (size == 12) {
        /* Identification number: 8 BCD digits, least significant byte first. */
        h.id_bcd = (uint32_t)klefr_get_le(p, 4);
        uint64_t id;
        h.id_valid = klefr_bcd_unpack(h.id_bcd, 8, &id) == KLEFR_OK;
        h.id = h.id_valid ? (uint32_t)id : 0;
        h.manufacturer = klefr_get_le16(p + 4);
        h.version = p[6];
        h.medium = p[7];
        p += 8;
    }
    if (size >= 4) {
        h.access = p[0];
        h.status = p[1];
        h.signature = klefr_get_le16(p + 2);
    }
    *out = h;
    if (header_len != NULL)
        *header_len = size;
    return KLEFR_OK;
}

klefr_err klefr_mbus_header_encode(const klefr_mbus_header *hdr, uint8_t *buf, size_t cap,
                                   size_t *len)
{
    if (hdr == NULL || len == NULL)
        return KLEFR_ERR_INVALID_ARG;
    size_t size;
    klefr_err err = header_size(hdr->ci, &size);
    if (err != KLEFR_OK)
        return err;
    uint64_t bcd = 0;
    if (size == 12 && klefr_bcd_pack(hdr->id, 8, &bcd) != KLEFR_OK)
        return KLEFR_ERR_RANGE;
    *len = size;
    if (buf == NULL)
        return KLEFR_OK;
    if (cap < size)
        return KLEFR_ERR_BUFFER_TOO_SMALL;
    uint8_t *p = buf;
    if (size == 12) {
        klefr_put_le(p, bcd, 4);
        klefr_put_le16(p + 4, hdr->manufacturer);
        p[6] = hdr->version;
        p[7] = hdr->medium;
        p += 8;
    }
    if (size >= 4) {
        p[0] = hdr->access;
        p[1] = hdr->status;
        klefr_put_le16(p + 2, hdr->signature);
    }
    return KLEFR_OK;
}

klefr_err klefr_mbus_manufacturer_decode(uint16_t code, char out[4])
{
    if (out == NULL)
        return KLEFR_ERR_INVALID_ARG;
    /* EN 13757-3, 6.4: three letters of 5 bits each, 'A' = 1, bit 15 = 0. */
    char letters[4];
    bool ok = (code & 0x8000u) == 0;
    for (unsigned i = 0; i < 3; i++) {
        unsigned v = (code >> (10 - 5 * i)) & 0x1Fu;
        if (v < 1 || v > 26)
            ok = false;
        letters[i] = (char)('A' + v - 1);
    }
    letters[3] = '\0';
    if (!ok) {
        out[0] = out[1] = out[2] = '?';
        out[3] = '\0';
        return KLEFR_ERR_ENCODING;
    }
    for (unsigned i = 0; i < 4; i++)
        out[i] = letters[i];
    return KLEFR_OK;
}

klefr_err klefr_mbus_manufacturer_encode(const char *letters, uint16_t *out)
{
    if (letters == NULL || out == NULL)
        return KLEFR_ERR_INVALID_ARG;
    uint16_t code = 0;
    for (unsigned i = 0; i < 3; i++) {
        char ch = letters[i];
        if (ch < 'A' || ch > 'Z')
            return KLEFR_ERR_ENCODING;
        code = (uint16_t)(code << 5 | (unsigned)(ch - 'A' + 1));
    }
    if (letters[3] != '\0')
        return KLEFR_ERR_ENCODING;
    *out = code;
    return KLEFR_OK;
}

/* EN 13757-3 table 3 (2013 edition); gaps are reserved codes. */
static const struct {
    uint8_t code;
    const char *name;
} media[] = {
    {0x00, "Other"},
    {0x01, "Oil"},
    {0x02, "Electricity"},
    {0x03, "Gas"},
    {0x04, "Heat (outlet)"},
    {0x05, "Steam"},
    {0x06, "Warm water (30-90 degC)"},
    {0x07, "Water"},
    {0x08, "Heat cost allocator"},
    {0x09, "Compressed air"},
    {0x0A, "Cooling load meter (outlet)"},
    {0x0B, "Cooling load meter (inlet)"},
    {0x0C, "Heat (inlet)"},
    {0x0D, "Heat / cooling load meter"},
    {0x0E, "Bus / system component"},
    {0x0F, "Unknown medium"},
    {0x15, "Hot water (>= 90 degC)"},
    {0x16, "Cold water"},
    {0x17, "Dual register (hot/cold) water meter"},
    {0x18, "Pressure"},
    {0x19, "A/D converter"},
    {0x1A, "Smoke detector"},
    {0x1B, "Room sensor"},
    {0x1C, "Gas detector"},
    {0x20, "Breaker (electricity)"},
    {0x21, "Valve (gas or water)"},
    {0x25, "Customer unit (display device)"},
    {0x28, "Waste water"},
    {0x29, "Garbage"},
    {0x2A, "Carbon dioxide"},
    {0x31, "Communication controller"},
    {0x32, "Unidirectional repeater"},
    {0x33, "Bidirectional repeater"},
    {0x36, "Radio converter (system side)"},
    {0x37, "Radio converter (meter side)"},
};

const char *klefr_mbus_medium_name(uint8_t medium)
{
    for (size_t i = 0; i < sizeof media / sizeof media[0]; i++)
        if (media[i].code == medium)
            return media[i].name;
    return "Reserved";
}

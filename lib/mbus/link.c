/* SPDX-License-Identifier: MIT */
/* EN 13757-2 link layer: frame formats, C field, A field, ready-made frames. */
#include <klefr/mbus.h>

#include <string.h>

uint8_t klefr_mbus_checksum(const uint8_t *data, size_t len)
{
    uint8_t sum = 0;
    for (size_t i = 0; i < len; i++)
        sum = (uint8_t)(sum + data[i]);
    return sum;
}

klefr_err klefr_mbus_checksum_decode(const uint8_t *buf, size_t len, klefr_checksum *out)
{
    if (buf == NULL || out == NULL)
        return KLEFR_ERR_INVALID_ARG;
    size_t from, n;
    if (len == 5 && buf[0] == KLEFR_MBUS_START_SHORT && buf[4] == KLEFR_MBUS_STOP) {
        from = 1; /* C, A */
        n = 2;
    } else if (len >= 9 && buf[0] == KLEFR_MBUS_START_LONG && buf[3] == KLEFR_MBUS_START_LONG &&
               buf[1] == buf[2] && len == (size_t)buf[1] + 6u && buf[len - 1] == KLEFR_MBUS_STOP) {
        from = 4; /* C, A, CI, data */
        n = len - 6;
    } else {
        return KLEFR_ERR_FRAME;
    }
    *out = (klefr_checksum){.received = buf[len - 2],
                            .computed = klefr_mbus_checksum(buf + from, n),
                            .offset = len - 2,
                            .size = 1};
    return out->received == out->computed ? KLEFR_OK : KLEFR_ERR_CHECKSUM;
}

klefr_err klefr_mbus_frame_decode(const uint8_t *buf, size_t len, klefr_mbus_frame *out)
{
    if (buf == NULL || out == NULL)
        return KLEFR_ERR_INVALID_ARG;
    if (len == 0)
        return KLEFR_ERR_TRUNCATED;

    klefr_mbus_frame f = {.type = KLEFR_MBUS_FRAME_ACK};
    switch (buf[0]) {
    case KLEFR_MBUS_ACK:
        if (len != 1)
            return KLEFR_ERR_FRAME;
        break;
    case KLEFR_MBUS_START_SHORT:
        if (len < 5)
            return KLEFR_ERR_TRUNCATED;
        if (len > 5 || buf[4] != KLEFR_MBUS_STOP)
            return KLEFR_ERR_FRAME;
        if (klefr_mbus_checksum(buf + 1, 2) != buf[3])
            return KLEFR_ERR_CHECKSUM;
        f.type = KLEFR_MBUS_FRAME_SHORT;
        f.c = buf[1];
        f.a = buf[2];
        break;
    case KLEFR_MBUS_START_LONG: {
        if (len < 4)
            return KLEFR_ERR_TRUNCATED;
        /* EN 13757-2, 5.1: L is sent twice and the header ends with a
         * second start byte; L counts C, A, CI and data. */
        size_t l = buf[1];
        if (buf[2] != buf[1] || buf[3] != KLEFR_MBUS_START_LONG || l < 3)
            return KLEFR_ERR_FRAME;
        if (len < l + 6)
            return KLEFR_ERR_TRUNCATED;
        if (len > l + 6 || buf[l + 5] != KLEFR_MBUS_STOP)
            return KLEFR_ERR_FRAME;
        if (klefr_mbus_checksum(buf + 4, l) != buf[l + 4])
            return KLEFR_ERR_CHECKSUM;
        f.type = l == 3 ? KLEFR_MBUS_FRAME_CONTROL : KLEFR_MBUS_FRAME_LONG;
        f.c = buf[4];
        f.a = buf[5];
        f.ci = buf[6];
        f.data = l > 3 ? buf + 7 : NULL;
        f.data_len = l - 3;
        break;
    }
    default: return KLEFR_ERR_FRAME;
    }
    *out = f;
    return KLEFR_OK;
}

klefr_err klefr_mbus_frame_encode(const klefr_mbus_frame *frame, uint8_t *buf, size_t cap,
                                  size_t *len)
{
    if (frame == NULL || len == NULL)
        return KLEFR_ERR_INVALID_ARG;
    size_t n;
    switch (frame->type) {
    case KLEFR_MBUS_FRAME_ACK:
    case KLEFR_MBUS_FRAME_SHORT:
    case KLEFR_MBUS_FRAME_CONTROL:
        if (frame->data_len != 0)
            return KLEFR_ERR_RANGE;
        n = frame->type == KLEFR_MBUS_FRAME_ACK ? 1 : frame->type == KLEFR_MBUS_FRAME_SHORT ? 5 : 9;
        break;
    case KLEFR_MBUS_FRAME_LONG:
        if (frame->data_len > KLEFR_MBUS_DATA_MAX)
            return KLEFR_ERR_RANGE;
        if (frame->data_len > 0 && frame->data == NULL)
            return KLEFR_ERR_INVALID_ARG;
        n = 9 + frame->data_len;
        break;
    default: return KLEFR_ERR_INVALID_ARG;
    }
    *len = n;
    if (buf == NULL)
        return KLEFR_OK;
    if (cap < n)
        return KLEFR_ERR_BUFFER_TOO_SMALL;

    if (frame->type == KLEFR_MBUS_FRAME_ACK) {
        buf[0] = KLEFR_MBUS_ACK;
    } else if (frame->type == KLEFR_MBUS_FRAME_SHORT) {
        buf[0] = KLEFR_MBUS_START_SHORT;
        buf[1] = frame->c;
        buf[2] = frame->a;
        buf[3] = klefr_mbus_checksum(buf + 1, 2);
        buf[4] = KLEFR_MBUS_STOP;
    } else {
        uint8_t l = (uint8_t)(n - 6);
        buf[0] = KLEFR_MBUS_START_LONG;
        buf[1] = l;
        buf[2] = l;
        buf[3] = KLEFR_MBUS_START_LONG;
        buf[4] = frame->c;
        buf[5] = frame->a;
        buf[6] = frame->ci;
        if (frame->data_len > 0)
            memmove(buf + 7, frame->data, frame->data_len);
        buf[n - 2] = klefr_mbus_checksum(buf + 4, l);
        buf[n - 1] = KLEFR_MBUS_STOP;
    }
    return KLEFR_OK;
}

klefr_err klefr_mbus_control_decode(uint8_t c, klefr_mbus_control *out)
{
    if (out == NULL)
        return KLEFR_ERR_INVALID_ARG;
    klefr_mbus_control ctl = {.from_master = (c & KLEFR_MBUS_C_PRM) != 0};
    /* Bit 7 is reserved and 0 in both directions (EN 13757-2, 5.4). */
    if (c & 0x80u)
        return KLEFR_ERR_UNSUPPORTED;
    if (ctl.from_master) {
        ctl.fcb = (c & KLEFR_MBUS_C_FCB) != 0;
        ctl.fcv = (c & KLEFR_MBUS_C_FCV) != 0;
        switch (c & 0x0Fu) {
        case 0x0:
            if (c != KLEFR_MBUS_C_SND_NKE)
                return KLEFR_ERR_UNSUPPORTED;
            ctl.function = KLEFR_MBUS_SND_NKE;
            break;
        case 0x3: ctl.function = KLEFR_MBUS_SND_UD; break;
        case 0xA: ctl.function = KLEFR_MBUS_REQ_UD1; break;
        case 0xB: ctl.function = KLEFR_MBUS_REQ_UD2; break;
        default: return KLEFR_ERR_UNSUPPORTED;
        }
        if (ctl.function != KLEFR_MBUS_SND_NKE && !ctl.fcv)
            return KLEFR_ERR_UNSUPPORTED;
    } else {
        if ((c & 0x0Fu) != KLEFR_MBUS_C_RSP_UD)
            return KLEFR_ERR_UNSUPPORTED;
        ctl.function = KLEFR_MBUS_RSP_UD;
        ctl.acd = (c & KLEFR_MBUS_C_ACD) != 0;
        ctl.dfc = (c & KLEFR_MBUS_C_DFC) != 0;
    }
    *out = ctl;
    return KLEFR_OK;
}

klefr_err klefr_mbus_control_encode(const klefr_mbus_control *ctl, uint8_t *c)
{
    if (ctl == NULL || c == NULL)
        return KLEFR_ERR_INVALID_ARG;
    uint8_t v;
    switch (ctl->function) {
    case KLEFR_MBUS_SND_NKE: *c = KLEFR_MBUS_C_SND_NKE; return KLEFR_OK;
    case KLEFR_MBUS_SND_UD: v = KLEFR_MBUS_C_SND_UD; break;
    case KLEFR_MBUS_REQ_UD1: v = KLEFR_MBUS_C_REQ_UD1; break;
    case KLEFR_MBUS_REQ_UD2: v = KLEFR_MBUS_C_REQ_UD2; break;
    case KLEFR_MBUS_RSP_UD:
        v = KLEFR_MBUS_C_RSP_UD;
        if (ctl->acd)
            v |= KLEFR_MBUS_C_ACD;
        if (ctl->dfc)
            v |= KLEFR_MBUS_C_DFC;
        *c = v;
        return KLEFR_OK;
    default: return KLEFR_ERR_INVALID_ARG;
    }
    if (ctl->fcb)
        v |= KLEFR_MBUS_C_FCB;
    *c = v;
    return KLEFR_OK;
}

klefr_mbus_address_kind klefr_mbus_address_kind_get(uint8_t a)
{
    if (a <= KLEFR_MBUS_ADDR_PRIMARY_MAX)
        return KLEFR_MBUS_ADDRESS_PRIMARY;
    switch (a) {
    case KLEFR_MBUS_ADDR_SECONDARY: return KLEFR_MBUS_ADDRESS_SECONDARY;
    case KLEFR_MBUS_ADDR_BROADCAST_REPLY: return KLEFR_MBUS_ADDRESS_BROADCAST_REPLY;
    case KLEFR_MBUS_ADDR_BROADCAST: return KLEFR_MBUS_ADDRESS_BROADCAST;
    default: return KLEFR_MBUS_ADDRESS_RESERVED;
    }
}

static klefr_err encode_simple(klefr_mbus_frame_type type, uint8_t c, uint8_t a, uint8_t ci,
                               uint8_t *buf, size_t cap, size_t *len)
{
    klefr_mbus_frame f = {.type = type, .c = c, .a = a, .ci = ci};
    return klefr_mbus_frame_encode(&f, buf, cap, len);
}

klefr_err klefr_mbus_snd_nke_encode(uint8_t a, uint8_t *buf, size_t cap, size_t *len)
{
    return encode_simple(KLEFR_MBUS_FRAME_SHORT, KLEFR_MBUS_C_SND_NKE, a, 0, buf, cap, len);
}

klefr_err klefr_mbus_req_ud2_encode(uint8_t a, bool fcb, uint8_t *buf, size_t cap, size_t *len)
{
    uint8_t c = (uint8_t)(KLEFR_MBUS_C_REQ_UD2 | (fcb ? KLEFR_MBUS_C_FCB : 0u));
    return encode_simple(KLEFR_MBUS_FRAME_SHORT, c, a, 0, buf, cap, len);
}

klefr_err klefr_mbus_app_reset_encode(uint8_t a, uint8_t *buf, size_t cap, size_t *len)
{
    return encode_simple(KLEFR_MBUS_FRAME_CONTROL, KLEFR_MBUS_C_SND_UD, a, KLEFR_MBUS_CI_APP_RESET,
                         buf, cap, len);
}

/* EN 13757-2, 5.7: CI B8h-BFh switch the slave to these rates. */
static const uint32_t baud_rates[8] = {300, 600, 1200, 2400, 4800, 9600, 19200, 38400};

uint32_t klefr_mbus_ci_baud_decode(uint8_t ci)
{
    if (ci < KLEFR_MBUS_CI_BAUD_300 || ci > KLEFR_MBUS_CI_BAUD_38400)
        return 0;
    return baud_rates[ci - KLEFR_MBUS_CI_BAUD_300];
}

uint8_t klefr_mbus_ci_baud_encode(uint32_t baud)
{
    for (size_t i = 0; i < sizeof baud_rates / sizeof baud_rates[0]; i++)
        if (baud_rates[i] == baud)
            return (uint8_t)(KLEFR_MBUS_CI_BAUD_300 + i);
    return 0;
}

klefr_err klefr_mbus_baud_change_encode(uint8_t a, uint32_t baud, uint8_t *buf, size_t cap,
                                        size_t *len)
{
    uint8_t ci = klefr_mbus_ci_baud_encode(baud);
    if (ci == 0)
        return len == NULL ? KLEFR_ERR_INVALID_ARG : KLEFR_ERR_RANGE;
    return encode_simple(KLEFR_MBUS_FRAME_CONTROL, KLEFR_MBUS_C_SND_UD, a, ci, buf, cap, len);
}

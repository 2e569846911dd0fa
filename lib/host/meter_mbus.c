/* SPDX-License-Identifier: MIT */
/* klefr_meter over M-Bus (6913, manual appendix 2): one REQ_UD2 fills the
 * values through the register model's M-Bus column; writes are the model's
 * SND_UD records, the baud rate the master's baud change sequence. */
#include "host/mbus_master_internal.h"
#include "host/meter_internal.h"

#include <klefr/model_mbus.h>

static bool on_6913(const klefr_quantity_info *row)
{
    return row != NULL && (row->models & KLEFR_MODEL_BIT(KLEFR_MODEL_6913)) != 0;
}

static bool mbus_can_read(klefr_quantity q)
{
    const klefr_quantity_info *row = klefr_quantity_get(q);
    /* The identification number comes in the RSP_UD header, not a record. */
    return on_6913(row) && (row->mbus.dif != 0 || q == KLEFR_Q_SECONDARY_ADDRESS);
}

static bool mbus_can_write(klefr_quantity q)
{
    const klefr_quantity_info *row = klefr_quantity_get(q);
    return on_6913(row) && (row->mbus.write_len != 0 || q == KLEFR_Q_BAUD_RATE);
}

static uint8_t target(const klefr_meter *meter)
{
    return meter->address.use_secondary ? KLEFR_MBUS_ADDR_SECONDARY : meter->address.primary;
}

/* Select the meter when it is addressed by its identification number. Call
 * with the bus locked so that no other selection comes in between. */
static klefr_err select_if_secondary(klefr_meter *meter)
{
    if (!meter->address.use_secondary)
        return KLEFR_OK;
    return klefr_mbus_master_select_id(meter->mbus, meter->address.secondary);
}

/* Open the session with SND_NKE before the first REQ_UD2 to a primary
 * address: a slave repeats its last answer to a REQ_UD2 whose FCB equals
 * the previous one (EN 13757-2), and a new master cannot know which FCB the
 * last master left behind. A selection resets the FCB the same way. */
static klefr_err start_session(klefr_meter *meter)
{
    if (meter->mbus_started || meter->address.use_secondary)
        return KLEFR_OK;
    klefr_err err = klefr_mbus_master_snd_nke(meter->mbus, meter->address.primary);
    if (err == KLEFR_OK)
        meter->mbus_started = true;
    return err;
}

/* The fixed header of every 6913 answer (manual A2.2, SPEC 5): anything
 * else passed the sum checksum but is no KLEFR answer (or a damaged one). */
static klefr_err check_header(klefr_meter *meter, const klefr_mbus_header *h)
{
    if (h->ci != KLEFR_MBUS_CI_RSP_LONG || h->manufacturer != KLEFR_MBUS_MANUFACTURER_INM ||
        h->version != KLEFR_MBUS_VERSION || h->medium != KLEFR_MBUS_MEDIUM_ELECTRICITY)
        return klefr_meter_refuse(meter, KLEFR_CHECK_IDENTITY, KLEFR_Q_METER_CODE, h->manufacturer,
                                  KLEFR_MBUS_MANUFACTURER_INM);
    if (!h->id_valid)
        return klefr_meter_refuse(meter, KLEFR_CHECK_IDENTITY, KLEFR_Q_SECONDARY_ADDRESS, h->id_bcd,
                                  0);
    /* Selected by its identification number: it answers with that one. */
    if (meter->address.use_secondary && h->id != meter->address.secondary)
        return klefr_meter_refuse(meter, KLEFR_CHECK_IDENTITY, KLEFR_Q_SECONDARY_ADDRESS, h->id,
                                  meter->address.secondary);
    return KLEFR_OK;
}

static klefr_err mbus_read(klefr_meter *meter, const klefr_quantity *want, size_t n,
                           klefr_values *values, klefr_decode_report *report)
{
    (void)want, (void)n; /* one RSP_UD carries everything */
    uint8_t rsp[KLEFR_MBUS_FRAME_MAX];
    size_t len = 0;
    klefr_err err = start_session(meter);
    if (err != KLEFR_OK)
        return err;
    klefr_mbus_master_lock(meter->mbus);
    err = select_if_secondary(meter);
    if (err == KLEFR_OK)
        err = klefr_mbus_master_req_ud2(meter->mbus, target(meter), rsp, sizeof rsp, &len);
    klefr_mbus_master_unlock(meter->mbus);
    if (err != KLEFR_OK)
        return err;
    klefr_mbus_header hdr;
    if (meter->checks_off) {
        err = klefr_model_mbus_rsp_ud_decode(rsp, len, values, &hdr);
        if (err == KLEFR_OK && hdr.ci == KLEFR_MBUS_CI_RSP_LONG && hdr.id_valid)
            (void)klefr_values_set(values, KLEFR_Q_SECONDARY_ADDRESS, (double)hdr.id);
        return err;
    }
    err = klefr_model_mbus_rsp_ud_decode_report(rsp, len, values, &hdr, report);
    if (err != KLEFR_OK)
        return err;
    err = check_header(meter, &hdr);
    if (err != KLEFR_OK)
        return err;
    (void)klefr_values_set(values, KLEFR_Q_SECONDARY_ADDRESS, (double)hdr.id);
    return KLEFR_OK;
}

/* After a failed or refused answer the FCB state of both sides is in
 * doubt: the next read opens the session again with SND_NKE, so that a
 * repeat of an old answer is never taken for a new one. */
static void mbus_distrust(klefr_meter *meter)
{
    meter->mbus_started = false;
}

static const klefr_clock *mbus_clock(const klefr_meter *meter)
{
    return meter->mbus->o.clock;
}

static klefr_err mbus_write(klefr_meter *meter, klefr_quantity q, double value)
{
    uint8_t a = target(meter);
    uint8_t frame[KLEFR_MBUS_FRAME_MAX];
    size_t len;
    /* Encoded (and validated for the 6913) before the bus is touched. */
    klefr_err err = klefr_model_mbus_write_encode(KLEFR_MODEL_6913, a, q, value, false, frame,
                                                  sizeof frame, &len);
    if (err != KLEFR_OK)
        return err;
    klefr_mbus_master_lock(meter->mbus);
    err = select_if_secondary(meter);
    if (err == KLEFR_OK) {
        if (q == KLEFR_Q_BAUD_RATE)
            err = klefr_mbus_master_set_baud(meter->mbus, a, (uint32_t)value);
        else
            err = klefr_mbus_master_send_frame(meter->mbus, frame, len);
    }
    klefr_mbus_master_unlock(meter->mbus);
    /* A new primary address is where the meter answers from now on. */
    if (err == KLEFR_OK && q == KLEFR_Q_BUS_ADDRESS && !meter->address.use_secondary)
        meter->address.primary = (uint8_t)value;
    if (err == KLEFR_OK && q == KLEFR_Q_SECONDARY_ADDRESS && meter->address.use_secondary)
        meter->address.secondary = (uint32_t)value;
    return err;
}

const klefr_meter_ops klefr_meter_mbus_ops = {
    .model = KLEFR_MODEL_6913,
    .can_read = mbus_can_read,
    .can_write = mbus_can_write,
    .read = mbus_read,
    .write = mbus_write,
    .distrust = mbus_distrust,
    .clock = mbus_clock,
    .close = NULL,
};

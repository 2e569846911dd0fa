/* SPDX-License-Identifier: MIT */
/* klefr_meter over the IR port (IEC 62056-21 mode C, every model): the
 * readout fills the values through the register model's IEC column; each
 * write is one programming session (P1 with the meter's password, W1,
 * B0). The model comes from the identification (`/INM5KLEFR69xx`). */
#include <string.h>

#include <klefr/model_iec.h>

#include "host/iec_master_internal.h"
#include "host/meter_internal.h"

/* A readout of every data set of a KLEFR meter fits easily. */
#define READOUT_CAP 4096u

static const klefr_model models[] = {KLEFR_MODEL_6911, KLEFR_MODEL_6912, KLEFR_MODEL_6913,
                                     KLEFR_MODEL_6914};

static bool iec_can_read(klefr_quantity q)
{
    const klefr_quantity_info *row = klefr_quantity_get(q);
    return row != NULL && row->iec.address != NULL && row->iec.in_readout;
}

static bool iec_can_write(klefr_quantity q)
{
    const klefr_quantity_info *row = klefr_quantity_get(q);
    return row != NULL && row->iec.address != NULL && row->iec.writable;
}

/* Model named by the identification text: exactly "KLEFR" and the model
 * number, as klefr_model_iec_ident_encode() writes it; else 0. */
static klefr_model model_of(const char *ident)
{
    if (strlen(ident) != 9 || memcmp(ident, "KLEFR", 5) != 0)
        return (klefr_model)0;
    unsigned v = 0;
    for (size_t i = 5; i < 9; i++) {
        if (ident[i] < '0' || ident[i] > '9')
            return (klefr_model)0;
        v = v * 10u + (unsigned)(ident[i] - '0');
    }
    for (size_t i = 0; i < sizeof models / sizeof models[0]; i++)
        if ((unsigned)models[i] == v)
            return models[i];
    return (klefr_model)0;
}

/* Before the model is known (no session yet), accept what some model
 * accepts; the session checks again against the real one before W1. */
static klefr_err iec_validate(klefr_meter *meter, klefr_quantity q, double value)
{
    if (meter->iec_model != 0)
        return klefr_quantity_validate(meter->iec_model, q, value);
    klefr_err first = KLEFR_ERR_NOT_AVAILABLE;
    for (size_t i = 0; i < sizeof models / sizeof models[0]; i++) {
        klefr_err err = klefr_quantity_validate(models[i], q, value);
        if (err == KLEFR_OK)
            return KLEFR_OK;
        if (first == KLEFR_ERR_NOT_AVAILABLE)
            first = err;
    }
    return first;
}

static const char *device_address(const klefr_meter *meter)
{
    return meter->address.iec[0] != '\0' ? meter->address.iec : NULL;
}

static klefr_err iec_read(klefr_meter *meter, const klefr_quantity *want, size_t n,
                          klefr_values *values, klefr_decode_report *report)
{
    (void)want, (void)n; /* the readout carries everything: see doc/host-io.md */
    char text[READOUT_CAP];
    size_t len = 0;
    klefr_iec_ident ident;
    klefr_err err = klefr_iec_master_readout(meter->iec, device_address(meter), &ident, text,
                                             sizeof text, &len);
    if (err != KLEFR_OK)
        return err;
    /* The identification has no BCC: one that names no KLEFR meter is
     * damaged (or another meter's), and so is what the readout means. */
    klefr_model model = model_of(ident.ident);
    if (meter->checks_off) {
        if (model != 0)
            meter->iec_model = model;
        return klefr_model_iec_readout_decode(text, len, values, NULL);
    }
    if (model == 0 || strcmp(ident.manufacturer, KLEFR_IEC_MANUFACTURER) != 0)
        return klefr_meter_refuse(meter, KLEFR_CHECK_IDENTITY, KLEFR_Q_METER_CODE, model, 0);
    meter->iec_model = model;
    return klefr_model_iec_readout_decode_report(text, len, values, report);
}

static const klefr_clock *iec_clock(const klefr_meter *meter)
{
    return klefr_iec_master_clock(meter->iec);
}

/* Is @p value allowed for @p q on every model that has @p q? Then the
 * model facing the head does not matter for the decision. */
static bool same_on_every_model(klefr_quantity q, double value)
{
    const klefr_quantity_info *row = klefr_quantity_get(q);
    for (size_t i = 0; i < sizeof models / sizeof models[0]; i++) {
        if (row != NULL && (row->models & KLEFR_MODEL_BIT(models[i])) == 0)
            return false; /* a model without it: which one is there? */
        if (klefr_quantity_validate(models[i], q, value) != KLEFR_OK)
            return false;
    }
    return true;
}

/* Learn which model faces the head, unless a read of this handle did:
 * from a readout's identification, which has no BCC, so the readout's own
 * meter code (128.0.0, under its BCC) must name the same model. */
static klefr_err learn_model(klefr_meter *meter)
{
    klefr_err err = KLEFR_OK;
    for (unsigned attempt = 0; meter->iec_model == 0 && attempt <= meter->retries; attempt++) {
        klefr_values v;
        klefr_decode_report report;
        klefr_values_clear(&v);
        err = iec_read(meter, NULL, 0, &v, &report);
        double code = 0;
        if (err == KLEFR_OK && (klefr_values_get(&v, KLEFR_Q_METER_CODE, &code) != KLEFR_OK ||
                                code != (double)meter->iec_model))
            err = klefr_meter_refuse(meter, KLEFR_CHECK_IDENTITY, KLEFR_Q_METER_CODE, code,
                                     (double)meter->iec_model);
        if (err != KLEFR_OK)
            meter->iec_model = (klefr_model)0;
        else
            return KLEFR_OK;
        if (err != KLEFR_ERR_IMPLAUSIBLE && err != KLEFR_ERR_ENCODING)
            return err; /* no answer, or a broken one after the master's own repeats */
    }
    return err;
}

static klefr_err iec_write(klefr_meter *meter, klefr_quantity q, double value)
{
    /* The model decides before programming mode is opened and the password
     * sent: a value only another model takes never costs a session. */
    if (!same_on_every_model(q, value)) {
        klefr_err err = learn_model(meter);
        if (err != KLEFR_OK)
            return err;
    }
    klefr_model model = meter->iec_model != 0 ? meter->iec_model : KLEFR_MODEL_6914;
    uint8_t cmd[96], rsp[256];
    size_t len, n;
    klefr_err err = klefr_model_iec_write_encode(model, q, value, cmd, sizeof cmd, &len);
    if (err != KLEFR_OK)
        return err;
    klefr_iec_ident ident;
    err = klefr_iec_master_program_begin(meter->iec, device_address(meter), meter->password, &ident,
                                         NULL, 0);
    if (err != KLEFR_OK)
        return err;
    klefr_model real = model_of(ident.ident);
    if (real != 0 && real != model) {
        /* Another meter than the one read before: its own rules decide,
         * and a refused value is not sent. */
        meter->iec_model = real;
        err = klefr_model_iec_write_encode(real, q, value, cmd, sizeof cmd, &len);
    }
    if (err == KLEFR_OK)
        err = klefr_iec_master_command(meter->iec, cmd, len, rsp, sizeof rsp, &n);
    if (err == KLEFR_OK)
        err = klefr_model_iec_ack_decode(rsp, n);
    klefr_err end_err = klefr_iec_master_program_end(meter->iec);
    return err != KLEFR_OK ? err : end_err;
}

const klefr_meter_ops klefr_meter_iec_ops = {
    .model = KLEFR_MODEL_6914,
    .can_read = iec_can_read,
    .can_write = iec_can_write,
    .validate = iec_validate,
    .read = iec_read,
    .write = iec_write,
    .clock = iec_clock,
    .close = NULL,
};

/* SPDX-License-Identifier: MIT */
/* The protocol-independent half of klefr_meter: argument checks, the one
 * validation of every write, and dispatch to the protocol's file. */
#include <stdlib.h>
#include <string.h>

#include "host/meter_internal.h"

static klefr_err new_meter(klefr_meter_protocol protocol, const klefr_meter_ops *ops,
                           klefr_meter **out)
{
    klefr_meter *m = calloc(1, sizeof *m);
    if (m == NULL)
        return KLEFR_ERR_NO_MEMORY;
    m->protocol = protocol;
    m->ops = ops;
    *out = m;
    return KLEFR_OK;
}

klefr_err klefr_meter_open(klefr_meter_protocol protocol, klefr_io *io,
                           const klefr_meter_address *address, klefr_meter **out)
{
    if (io == NULL || address == NULL || out == NULL)
        return KLEFR_ERR_INVALID_ARG;
    switch (protocol) {
    case KLEFR_METER_MODBUS: {
        if (address->primary < 1 || address->primary > KLEFR_MODBUS_ADDRESS_MAX)
            return KLEFR_ERR_INVALID_ARG;
        klefr_modbus_master *bus;
        klefr_err err = klefr_modbus_master_open(io, NULL, &bus);
        if (err != KLEFR_OK)
            return err;
        klefr_meter *m;
        err = new_meter(protocol, &klefr_meter_modbus_ops, &m);
        if (err != KLEFR_OK) {
            klefr_modbus_master_close(bus);
            return err;
        }
        m->address = *address;
        m->bus = bus;
        m->own_bus = true;
        *out = m;
        return KLEFR_OK;
    }
    case KLEFR_METER_MBUS:
    case KLEFR_METER_IEC:
        /* Their masters come with the M-Bus and IEC 62056-21 host layer. */
        return KLEFR_ERR_NOT_AVAILABLE;
    default: return KLEFR_ERR_INVALID_ARG;
    }
}

klefr_err klefr_meter_open_modbus(klefr_modbus_master *bus, uint8_t unit, klefr_meter **out)
{
    if (bus == NULL || out == NULL || unit < 1 || unit > KLEFR_MODBUS_ADDRESS_MAX)
        return KLEFR_ERR_INVALID_ARG;
    klefr_meter *m;
    klefr_err err = new_meter(KLEFR_METER_MODBUS, &klefr_meter_modbus_ops, &m);
    if (err != KLEFR_OK)
        return err;
    m->address.primary = unit;
    m->bus = bus;
    *out = m;
    return KLEFR_OK;
}

void klefr_meter_close(klefr_meter *meter)
{
    if (meter == NULL)
        return;
    if (meter->ops->close != NULL)
        meter->ops->close(meter);
    if (meter->own_bus)
        klefr_modbus_master_close(meter->bus);
    free(meter);
}

klefr_meter_protocol klefr_meter_protocol_of(const klefr_meter *meter)
{
    return meter != NULL ? meter->protocol : KLEFR_METER_MODBUS;
}

bool klefr_meter_can_read(const klefr_meter *meter, klefr_quantity q)
{
    return meter != NULL && klefr_quantity_get(q) != NULL && meter->ops->can_read(q);
}

bool klefr_meter_can_write(const klefr_meter *meter, klefr_quantity q)
{
    return meter != NULL && klefr_quantity_get(q) != NULL && meter->ops->can_write(q);
}

klefr_err klefr_meter_read(klefr_meter *meter, klefr_values *values, size_t *not_available)
{
    if (meter == NULL || values == NULL)
        return KLEFR_ERR_INVALID_ARG;
    klefr_values_clear(values);
    klefr_err err = meter->ops->read(meter, values);
    if (err != KLEFR_OK) {
        klefr_values_clear(values);
        return err;
    }
    if (not_available != NULL) {
        size_t n = 0;
        for (unsigned q = 0; q < KLEFR_Q_COUNT; q++)
            n += !klefr_values_has(values, (klefr_quantity)q);
        *not_available = n;
    }
    return KLEFR_OK;
}

klefr_err klefr_meter_write(klefr_meter *meter, klefr_quantity q, double value)
{
    if (meter == NULL || klefr_quantity_get(q) == NULL)
        return KLEFR_ERR_INVALID_ARG;
    /* Nothing leaves the host before the register model has said yes. */
    klefr_err err = klefr_quantity_validate(meter->ops->model, q, value);
    if (err != KLEFR_OK)
        return err;
    if (!meter->ops->can_write(q))
        return KLEFR_ERR_NOT_AVAILABLE;
    return meter->ops->write(meter, q, value);
}

klefr_err klefr_meter_reset(klefr_meter *meter, klefr_quantity q)
{
    const klefr_quantity_info *row = klefr_quantity_get(q);
    if (meter == NULL || row == NULL)
        return KLEFR_ERR_INVALID_ARG;
    if ((row->flags & KLEFR_QF_RESET_ONLY) == 0)
        return KLEFR_ERR_NOT_WRITABLE;
    return klefr_meter_write(meter, q, 0.0);
}

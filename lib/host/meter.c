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
    memcpy(m->password, "0000", 5); /* SPEC 6: the factory password */
    m->retries = KLEFR_METER_DEFAULT_RETRIES;
    m->time_scale = 1.0;
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
    case KLEFR_METER_MBUS: {
        if (!address->use_secondary && address->primary > KLEFR_MBUS_ADDR_PRIMARY_MAX)
            return KLEFR_ERR_INVALID_ARG;
        klefr_mbus_master *bus;
        klefr_err err = klefr_mbus_master_open(io, NULL, &bus);
        if (err != KLEFR_OK)
            return err;
        err = klefr_meter_open_mbus(bus, address, out);
        if (err != KLEFR_OK) {
            klefr_mbus_master_close(bus);
            return err;
        }
        (*out)->own_mbus = true;
        return KLEFR_OK;
    }
    case KLEFR_METER_IEC: {
        klefr_iec_master *head;
        if (memchr(address->iec, '\0', sizeof address->iec) == NULL)
            return KLEFR_ERR_INVALID_ARG;
        klefr_err err = klefr_iec_master_open(io, NULL, &head);
        if (err != KLEFR_OK)
            return err;
        err = klefr_meter_open_iec(head, address->iec, out);
        if (err != KLEFR_OK) {
            klefr_iec_master_close(head);
            return err;
        }
        (*out)->own_iec = true;
        return KLEFR_OK;
    }
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

klefr_err klefr_meter_open_mbus(klefr_mbus_master *bus, const klefr_meter_address *address,
                                klefr_meter **out)
{
    if (bus == NULL || address == NULL || out == NULL)
        return KLEFR_ERR_INVALID_ARG;
    if (address->use_secondary ? address->secondary > 99999999u
                               : address->primary > KLEFR_MBUS_ADDR_PRIMARY_MAX)
        return KLEFR_ERR_INVALID_ARG;
    klefr_meter *m;
    klefr_err err = new_meter(KLEFR_METER_MBUS, &klefr_meter_mbus_ops, &m);
    if (err != KLEFR_OK)
        return err;
    m->address = *address;
    m->mbus = bus;
    *out = m;
    return KLEFR_OK;
}

klefr_err klefr_meter_open_iec(klefr_iec_master *head, const char *device_address,
                               klefr_meter **out)
{
    if (head == NULL || out == NULL)
        return KLEFR_ERR_INVALID_ARG;
    klefr_meter_address a = {0};
    if (device_address != NULL) {
        size_t n = strlen(device_address);
        if (n > KLEFR_IEC_DEVICE_ADDRESS_MAX || n >= sizeof a.iec)
            return KLEFR_ERR_INVALID_ARG;
        memcpy(a.iec, device_address, n + 1);
    }
    klefr_meter *m;
    klefr_err err = new_meter(KLEFR_METER_IEC, &klefr_meter_iec_ops, &m);
    if (err != KLEFR_OK)
        return err;
    m->address = a;
    m->iec = head;
    *out = m;
    return KLEFR_OK;
}

klefr_err klefr_meter_set_password(klefr_meter *meter, const char *password)
{
    if (meter == NULL || password == NULL)
        return KLEFR_ERR_INVALID_ARG;
    for (size_t i = 0; i < 4; i++)
        if (password[i] < '0' || password[i] > '9')
            return KLEFR_ERR_RANGE;
    if (password[4] != '\0')
        return KLEFR_ERR_RANGE;
    memcpy(meter->password, password, 5);
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
    if (meter->own_mbus)
        klefr_mbus_master_close(meter->mbus);
    if (meter->own_iec)
        klefr_iec_master_close(meter->iec);
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

klefr_err klefr_meter_write(klefr_meter *meter, klefr_quantity q, double value)
{
    if (meter == NULL || klefr_quantity_get(q) == NULL)
        return KLEFR_ERR_INVALID_ARG;
    /* Nothing leaves the host before the register model has said yes. */
    klefr_err err = meter->ops->validate != NULL
                        ? meter->ops->validate(meter, q, value)
                        : klefr_quantity_validate(meter->ops->model, q, value);
    if (err != KLEFR_OK)
        return err;
    if (!meter->ops->can_write(q))
        return KLEFR_ERR_NOT_AVAILABLE;
    err = meter->ops->write(meter, q, value);
    if (err == KLEFR_OK)
        klefr_meter_history_written(meter, q, value);
    return err;
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

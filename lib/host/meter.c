/* SPDX-License-Identifier: MIT */
/* The protocol-independent half of klefr_meter: argument checks, the one
 * validation of every write, and dispatch to the protocol's file. */
#include <stdlib.h>
#include <string.h>

#include "host/meter_internal.h"

static klefr_err new_meter(klefr_protocol protocol, const klefr_meter_ops *ops, klefr_meter **out)
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

/* An IEC device address that fits the sign-on. */
static bool iec_address_ok(const klefr_meter_address *address)
{
    const char *end = memchr(address->iec, '\0', sizeof address->iec);
    return end != NULL && (size_t)(end - address->iec) <= KLEFR_IEC_DEVICE_ADDRESS_MAX;
}

/* Is the address right for the protocol? Checked before a master is opened
 * (the IEC master sets the transport's line). */
static bool address_ok(klefr_protocol protocol, const klefr_meter_address *address)
{
    /* Reserved bytes are 0: a later version may give them a meaning. */
    for (size_t i = 0; i < sizeof address->reserved; i++)
        if (address->reserved[i] != 0)
            return false;
    switch (protocol) {
    case KLEFR_PROTOCOL_MODBUS:
        return address->primary >= 1 && address->primary <= KLEFR_MODBUS_ADDRESS_MAX;
    case KLEFR_PROTOCOL_MBUS:
        return address->use_secondary ? address->secondary <= 99999999u
                                      : address->primary <= KLEFR_MBUS_ADDR_PRIMARY_MAX;
    case KLEFR_PROTOCOL_IEC: return iec_address_ok(address);
    default: return false;
    }
}

static const klefr_meter_ops *ops_of(klefr_protocol protocol)
{
    return protocol == KLEFR_PROTOCOL_MODBUS ? &klefr_meter_modbus_ops
           : protocol == KLEFR_PROTOCOL_MBUS ? &klefr_meter_mbus_ops
                                             : &klefr_meter_iec_ops;
}

/* A meter of protocol at address, on bus (a klefr_modbus_master,
 * klefr_mbus_master or klefr_iec_master as protocol says; NULL to be
 * opened by the caller). Arguments and address are checked first. */
static klefr_err meter_on(klefr_protocol protocol, void *bus, bool bus_given,
                          const klefr_meter_address *address, klefr_meter **out)
{
    if ((bus_given && bus == NULL) || address == NULL || out == NULL ||
        !address_ok(protocol, address))
        return KLEFR_ERR_INVALID_ARG;
    klefr_err err = new_meter(protocol, ops_of(protocol), out);
    if (err != KLEFR_OK)
        return err;
    (*out)->address = *address;
    if (protocol == KLEFR_PROTOCOL_MODBUS)
        (*out)->bus = bus;
    else if (protocol == KLEFR_PROTOCOL_MBUS)
        (*out)->mbus = bus;
    else
        (*out)->iec = bus;
    return KLEFR_OK;
}

klefr_err klefr_meter_open(klefr_protocol protocol, klefr_io *io,
                           const klefr_meter_address *address, klefr_meter **out)
{
    klefr_meter *m;
    klefr_err err =
        io != NULL ? meter_on(protocol, NULL, false, address, &m) : KLEFR_ERR_INVALID_ARG;
    if (err != KLEFR_OK)
        return err;
    /* The meter's own master; klefr_meter_close() closes it. */
    if (protocol == KLEFR_PROTOCOL_MODBUS) {
        m->own_bus = true;
        err = klefr_modbus_master_open(io, NULL, &m->bus);
    } else if (protocol == KLEFR_PROTOCOL_MBUS) {
        m->own_mbus = true;
        err = klefr_mbus_master_open(io, NULL, &m->mbus);
    } else {
        m->own_iec = true;
        err = klefr_iec_master_open(io, NULL, &m->iec);
    }
    if (err != KLEFR_OK) {
        klefr_meter_close(m);
        return err;
    }
    *out = m;
    return KLEFR_OK;
}

klefr_err klefr_meter_open_modbus(klefr_modbus_master *bus, const klefr_meter_address *address,
                                  klefr_meter **out)
{
    return meter_on(KLEFR_PROTOCOL_MODBUS, bus, true, address, out);
}

klefr_err klefr_meter_open_mbus(klefr_mbus_master *bus, const klefr_meter_address *address,
                                klefr_meter **out)
{
    return meter_on(KLEFR_PROTOCOL_MBUS, bus, true, address, out);
}

klefr_err klefr_meter_open_iec(klefr_iec_master *head, const klefr_meter_address *address,
                               klefr_meter **out)
{
    return meter_on(KLEFR_PROTOCOL_IEC, head, true, address, out);
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

klefr_protocol klefr_meter_get_protocol(const klefr_meter *meter)
{
    return meter != NULL ? meter->protocol : KLEFR_PROTOCOL_MODBUS;
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

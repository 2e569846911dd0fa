/* SPDX-License-Identifier: MIT */
/* One klefr_meter, one protocol behind a small table (internal). Each
 * protocol lives in its own file: meter_modbus.c now, meter_mbus.c and
 * meter_iec.c when their masters land. */
#ifndef KLEFR_HOST_METER_INTERNAL_H
#define KLEFR_HOST_METER_INTERNAL_H

#include <klefr/meter.h>

typedef struct klefr_meter_ops {
    /* Model whose rules validate writes over this protocol. */
    klefr_model model;
    bool (*can_read)(klefr_quantity q);
    bool (*can_write)(klefr_quantity q);
    /* values is cleared by the caller; fill what the protocol carries. */
    klefr_err (*read)(klefr_meter *meter, klefr_values *values);
    /* value already validated; q already known to be writable here. */
    klefr_err (*write)(klefr_meter *meter, klefr_quantity q, double value);
    void (*close)(klefr_meter *meter);
} klefr_meter_ops;

struct klefr_meter {
    klefr_meter_protocol protocol;
    const klefr_meter_ops *ops;
    klefr_meter_address address;
    klefr_modbus_master *bus; /* Modbus */
    bool own_bus;
};

/* meter_modbus.c */
extern const klefr_meter_ops klefr_meter_modbus_ops;

#endif

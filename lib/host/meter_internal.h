/* SPDX-License-Identifier: MIT */
/* One klefr_meter, one protocol behind a small table (internal). Each
 * protocol lives in its own file: meter_modbus.c, meter_mbus.c,
 * meter_iec.c. */
#ifndef KLEFR_HOST_METER_INTERNAL_H
#define KLEFR_HOST_METER_INTERNAL_H

#include <klefr/iec_master.h>
#include <klefr/mbus_master.h>
#include <klefr/meter.h>

typedef struct klefr_meter_ops {
    /* Model whose rules validate writes over this protocol. */
    klefr_model model;
    /* NULL: klefr_quantity_validate(model, ...). */
    klefr_err (*validate)(klefr_meter *meter, klefr_quantity q, double value);
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
    klefr_mbus_master *mbus; /* M-Bus */
    bool own_mbus;
    bool mbus_started;     /* SND_NKE sent: the slave's FCB state is known */
    klefr_iec_master *iec; /* IEC 62056-21 */
    bool own_iec;
    klefr_model iec_model; /* from the identification, 0 until known */
    char password[5];      /* for programming mode, "0000" by default */
};

/* meter_modbus.c */
extern const klefr_meter_ops klefr_meter_modbus_ops;
/* meter_mbus.c */
extern const klefr_meter_ops klefr_meter_mbus_ops;
/* meter_iec.c */
extern const klefr_meter_ops klefr_meter_iec_ops;

#endif

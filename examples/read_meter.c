/* SPDX-License-Identifier: MIT */
/* Read every value of a KLEFR meter and change one setting, with the same
 * few calls over Modbus RTU, M-Bus or the IR port:
 *   read_meter PORT modbus|mbus|iec [NAME VALUE]
 * e.g. read_meter /dev/ttyUSB0 modbus lcd_cycle_time 25 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <klefr/klefr.h>

int main(int argc, char **argv)
{
    if (argc != 3 && argc != 5) {
        fprintf(stderr, "usage: %s PORT modbus|mbus|iec [NAME VALUE]\n", argv[0]);
        return 2;
    }
    klefr_protocol protocol = strcmp(argv[2], "mbus") == 0  ? KLEFR_PROTOCOL_MBUS
                              : strcmp(argv[2], "iec") == 0 ? KLEFR_PROTOCOL_IEC
                                                            : KLEFR_PROTOCOL_MODBUS;
    /* Modbus ID 1 and M-Bus address 0 are the meters' defaults. The IR
     * port starts at 300 baud 7E1 (NULL line: the protocol's default). */
    klefr_meter_address address = {.primary = protocol == KLEFR_PROTOCOL_MODBUS ? 1 : 0};
    klefr_io *io = NULL;
    klefr_meter *meter = NULL;
    klefr_values values;
    klefr_err err = klefr_io_open(argv[1], NULL, &io);
    if (err == KLEFR_OK)
        err = klefr_meter_open(protocol, io, &address, &meter);
    if (err == KLEFR_OK && argc == 5) {
        const klefr_quantity_info *q = klefr_quantity_by_name(argv[3]);
        err = q == NULL ? KLEFR_ERR_NO_SUCH_QUANTITY
                        : klefr_meter_write(meter, q->id, strtod(argv[4], NULL));
    }
    if (err == KLEFR_OK)
        err = klefr_meter_read(meter, &values, NULL);
    if (err == KLEFR_OK) {
        for (unsigned i = 0; i < KLEFR_Q_COUNT; i++) {
            const klefr_quantity_info *q = klefr_quantity_get((klefr_quantity)i);
            double v;
            /* The IR data set's decimals are the meter's own resolution. */
            int decimals = q->iec.address != NULL ? q->iec.decimals : 2;
            if (klefr_values_get(&values, q->id, &v) == KLEFR_OK &&
                !(q->flags & KLEFR_QF_THREE_PHASE))
                printf("%s %.*f %s\n", q->name, decimals, v, q->unit);
        }
    }
    klefr_meter_close(meter);
    klefr_io_close(io);
    if (err != KLEFR_OK) {
        fprintf(stderr, "read_meter: %s\n", klefr_strerror(err));
        return 1;
    }
    return 0;
}

/* SPDX-License-Identifier: MIT */
/* One transaction with a bus master, without klefr_meter: the voltage of a
 * 6914 over Modbus RTU (ID 1), or the RSP_UD of a 6913 over M-Bus
 * (address 0), decoded with the register model; then the master's counters.
 *   bus_read PORT modbus|mbus */
#include <stdio.h>
#include <string.h>

#include <klefr/klefr.h>

static klefr_err modbus_read(klefr_io *io, klefr_values *values, klefr_master_stats *stats)
{
    klefr_modbus_master_options opts;
    klefr_modbus_master *m = NULL;
    uint16_t regs[2];
    klefr_modbus_master_options_init(&opts); /* 9600 8E1, timeouts from the line */
    klefr_err err = klefr_modbus_master_open(io, &opts, &m);
    if (err == KLEFR_OK)
        err = klefr_modbus_master_read_holding_registers(m, 1, 0x5000, 2, regs);
    if (err == KLEFR_OK)
        err = klefr_model_modbus_values_decode(KLEFR_MODEL_6914, 0x5000, regs, 2, values);
    if (m != NULL)
        klefr_modbus_master_get_stats(m, stats);
    klefr_modbus_master_close(m);
    return err;
}

static klefr_err mbus_read(klefr_io *io, klefr_values *values, klefr_master_stats *stats)
{
    klefr_mbus_master_options opts;
    klefr_mbus_master *m = NULL;
    uint8_t frame[KLEFR_MBUS_FRAME_MAX];
    size_t len = 0;
    klefr_mbus_master_options_init(&opts);
    klefr_err err = klefr_mbus_master_open(io, &opts, &m);
    if (err == KLEFR_OK)
        err = klefr_mbus_master_snd_nke(m, 0); /* reset the link, FCB */
    if (err == KLEFR_OK)
        err = klefr_mbus_master_req_ud2(m, 0, frame, sizeof frame, &len);
    if (err == KLEFR_OK)
        err = klefr_model_mbus_rsp_ud_decode(frame, len, values, NULL);
    if (m != NULL)
        klefr_mbus_master_get_stats(m, stats);
    klefr_mbus_master_close(m);
    return err;
}

int main(int argc, char **argv)
{
    if (argc != 3 || (strcmp(argv[2], "modbus") != 0 && strcmp(argv[2], "mbus") != 0)) {
        fprintf(stderr, "usage: %s PORT modbus|mbus\n", argv[0]);
        return 2;
    }
    klefr_io *io = NULL;
    klefr_values values;
    klefr_master_stats stats = {0};
    klefr_values_clear(&values);
    klefr_err err = klefr_io_open(argv[1], NULL, &io);
    if (err == KLEFR_OK)
        err = strcmp(argv[2], "modbus") == 0 ? modbus_read(io, &values, &stats)
                                             : mbus_read(io, &values, &stats);
    klefr_io_close(io);
    for (unsigned i = 0; err == KLEFR_OK && i < KLEFR_Q_COUNT; i++) {
        const klefr_quantity_info *q = klefr_quantity_get((klefr_quantity)i);
        double v;
        if (klefr_values_get(&values, q->id, &v) == KLEFR_OK && !(q->flags & KLEFR_QF_THREE_PHASE))
            printf("%s %g %s\n", q->name, v, q->unit);
    }
    printf("requests %u answers %u retries %u timeouts %u\n", (unsigned)stats.requests,
           (unsigned)stats.answers, (unsigned)stats.retries, (unsigned)stats.timeouts);
    if (err != KLEFR_OK) {
        fprintf(stderr, "bus_read: %s\n", klefr_strerror(err));
        return 1;
    }
    return 0;
}

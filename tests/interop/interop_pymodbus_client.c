/* SPDX-License-Identifier: MIT */
/* Our master against a Modbus slave we did not write (pymodbus): RTU over a
 * real pseudo-terminal pair made by socat, RTU over TCP, or Modbus TCP.
 * Public API only.
 * Usage: interop_pymodbus_client PORT   (/dev/pts/N, tcp://..., modbus-tcp://...) */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <klefr/io.h>
#include <klefr/meter.h>
#include <klefr/modbus_master.h>

static int failures;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond)) {                                                               \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            failures++;                                                              \
        }                                                                            \
    } while (0)

#define CHECK_ERR(expr, want)                                                                 \
    do {                                                                                      \
        klefr_err got_ = (expr);                                                              \
        if (got_ != (want)) {                                                                 \
            fprintf(stderr, "%s:%d: %s gave %d (%s), wanted %d\n", __FILE__, __LINE__, #expr, \
                    got_, klefr_strerror(got_), (int)(want));                                 \
            failures++;                                                                       \
        }                                                                                     \
    } while (0)

static void check_value(const klefr_values *v, klefr_quantity q, double want)
{
    double got;
    if (klefr_values_get(v, q, &got) != KLEFR_OK) {
        fprintf(stderr, "%s: absent\n", klefr_quantity_get(q)->name);
        failures++;
    } else if (fabs(got - want) > 1e-4 * (fabs(want) > 1 ? fabs(want) : 1)) {
        fprintf(stderr, "%s: got %g, wanted %g\n", klefr_quantity_get(q)->name, got, want);
        failures++;
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s TTY\n", argv[0]);
        return 2;
    }
    klefr_line line = {9600, 8, KLEFR_PARITY_NONE, 1};
    klefr_io *io;
    klefr_err err;
    /* A TCP server may still be starting: try for a few seconds. */
    for (int i = 0; i < 50; i++) {
        err = klefr_io_open(argv[1], &line, &io);
        if (err != KLEFR_ERR_IO)
            break;
        nanosleep(&(struct timespec){.tv_nsec = 100000000}, NULL);
    }
    if (err != KLEFR_OK) {
        fprintf(stderr, "open %s: %s\n", argv[1], klefr_strerror(err));
        return 1;
    }
    klefr_modbus_master *bus;
    CHECK_ERR(klefr_modbus_master_open(io, NULL, &bus), KLEFR_OK);
    klefr_meter *meter;
    klefr_meter_address unit1 = {.primary = 1};
    CHECK_ERR(klefr_meter_open_modbus(bus, &unit1, &meter), KLEFR_OK);

    /* The server needs a moment to open its end. */
    uint16_t regs[4];
    for (int i = 0; i < 20; i++) {
        err = klefr_modbus_master_read_holding_registers(bus, 1, 0x4000, 2, regs);
        if (err == KLEFR_OK)
            break;
    }
    CHECK_ERR(err, KLEFR_OK);
    CHECK(regs[0] == 0x1706 && regs[1] == 0x0518);

    klefr_values v;
    size_t missing = 0;
    CHECK_ERR(klefr_meter_read(meter, &v, &missing), KLEFR_OK);
    check_value(&v, KLEFR_Q_SERIAL_NUMBER, 17060518);
    check_value(&v, KLEFR_Q_METER_CODE, 6914);
    check_value(&v, KLEFR_Q_SOFTWARE_VERSION, 2.18);
    check_value(&v, KLEFR_Q_METER_AMPS, 45);
    check_value(&v, KLEFR_Q_BAUD_RATE, 9600);
    check_value(&v, KLEFR_Q_S0_RATE, 1000);
    check_value(&v, KLEFR_Q_LCD_CYCLE_TIME, 10);
    check_value(&v, KLEFR_Q_CURRENT_DIRECTION, 'F');
    check_value(&v, KLEFR_Q_VOLTAGE, 230.0);
    check_value(&v, KLEFR_Q_FREQUENCY, 50.0);
    check_value(&v, KLEFR_Q_CURRENT, 1.25);
    check_value(&v, KLEFR_Q_ACTIVE_POWER, 0.23);
    check_value(&v, KLEFR_Q_POWER_FACTOR, 0.8);
    check_value(&v, KLEFR_Q_TOTAL_ACTIVE_ENERGY, 1234.5);
    check_value(&v, KLEFR_Q_T2_FORWARD_ACTIVE_ENERGY, 234.5);
    check_value(&v, KLEFR_Q_TARIFF, 1);
    check_value(&v, KLEFR_Q_L3_VOLTAGE, 0);
    CHECK(!klefr_values_has(&v, KLEFR_Q_PASSWORD));
    printf("read: %zu quantities not carried by Modbus\n", missing);

    /* Settings: FC06 with HEX, FC16 with Float ABCD, a reset. */
    CHECK_ERR(klefr_meter_write(meter, KLEFR_Q_LCD_CYCLE_TIME, 25), KLEFR_OK);
    CHECK_ERR(klefr_modbus_master_read_holding_registers(bus, 1, 0x4010, 1, regs), KLEFR_OK);
    CHECK(regs[0] == 0x0025);
    CHECK_ERR(klefr_meter_write(meter, KLEFR_Q_S0_RATE, 10.0), KLEFR_OK);
    CHECK_ERR(klefr_modbus_master_read_holding_registers(bus, 1, 0x400D, 2, regs), KLEFR_OK);
    CHECK(regs[0] == 0x4120 && regs[1] == 0x0000);
    CHECK_ERR(klefr_meter_reset(meter, KLEFR_Q_DAY_COUNTER), KLEFR_OK);
    /* Refused locally: nothing is sent. */
    CHECK_ERR(klefr_meter_write(meter, KLEFR_Q_LCD_CYCLE_TIME, 31), KLEFR_ERR_RANGE);

    /* Broadcast: executed by the server, not answered. */
    CHECK_ERR(klefr_modbus_master_write_single_register(bus, 0, 0x6048, 2), KLEFR_OK);
    CHECK_ERR(klefr_modbus_master_read_holding_registers(bus, 1, 0x6048, 1, regs), KLEFR_OK);
    CHECK(regs[0] == 2);

    /* A register pymodbus does not hold: its exception comes back. */
    CHECK_ERR(klefr_modbus_master_read_holding_registers(bus, 1, 0x4100, 1, regs),
              KLEFR_EXC_ILLEGAL_DATA_ADDRESS);

    CHECK_ERR(klefr_meter_read(meter, &v, NULL), KLEFR_OK);
    check_value(&v, KLEFR_Q_LCD_CYCLE_TIME, 25);
    check_value(&v, KLEFR_Q_S0_RATE, 10);
    check_value(&v, KLEFR_Q_TARIFF, 2);

    klefr_master_stats st;
    klefr_modbus_master_get_stats(bus, &st);
    printf("requests %u, retries %u, timeouts %u, bad frames %u, exceptions %u\n", st.requests,
           st.retries, st.timeouts, st.bad_frames, st.exceptions);
    klefr_meter_close(meter);
    klefr_modbus_master_close(bus);
    klefr_io_close(io);
    printf("%s\n", failures == 0 ? "interop: all checks passed" : "interop: FAILED");
    return failures == 0 ? 0 : 1;
}

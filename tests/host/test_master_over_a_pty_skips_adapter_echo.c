/* SPDX-License-Identifier: MIT */
/* The master over a real pseudo-terminal, against a simulated half-duplex
 * adapter that echoes every request before the slave's answer (a slave
 * built from the codec, in a thread on the pty's other side). Real time:
 * nothing about durations is asserted. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <klefr/klefr.h>
#include <klefr/modbus_master.h>

#include "klefr_test.h"

typedef struct slave {
    int fd;
    volatile int stop;
    int answered;
} slave;

static void *echoing_slave(void *arg)
{
    slave *s = arg;
    uint8_t buf[512];
    size_t n = 0;
    while (!s->stop) {
        ssize_t r = read(s->fd, buf + n, sizeof buf - n);
        if (r <= 0) {
            struct timespec ts = {0, 1000000};
            nanosleep(&ts, NULL);
            continue;
        }
        n += (size_t)r;
        klefr_frame_scan sc;
        klefr_modbus_frame_detect(KLEFR_MODBUS_REQUESTS, 1, buf, n, &sc);
        if (sc.state == KLEFR_FRAME_NEED_MORE)
            continue;
        if (sc.state == KLEFR_FRAME_COMPLETE) {
            klefr_modbus_request req;
            uint8_t out[KLEFR_MODBUS_ADU_MAX];
            size_t len = 0;
            if (klefr_modbus_request_decode(buf, sc.length, &req) == KLEFR_OK) {
                /* The adapter's echo, then the slave after its turnaround. */
                if (write(s->fd, buf, sc.length) != (ssize_t)sc.length)
                    return NULL;
                struct timespec ts = {0, 5000000};
                nanosleep(&ts, NULL);
                if (req.function == KLEFR_MODBUS_READ_HOLDING_REGISTERS) {
                    uint16_t regs[KLEFR_MODBUS_MAX_READ_REGISTERS];
                    for (uint16_t i = 0; i < req.quantity; i++)
                        regs[i] = (uint16_t)(0x100 + i);
                    klefr_modbus_read_registers_response_encode(1, 3, regs, req.quantity, out,
                                                                sizeof out, &len);
                } else {
                    klefr_modbus_exception_response_encode(1, req.function, 3, out, sizeof out,
                                                           &len);
                }
                if (write(s->fd, out, len) != (ssize_t)len)
                    return NULL;
                s->answered++;
            }
        }
        memmove(buf, buf + sc.length, n - sc.length);
        n -= sc.length;
    }
    return NULL;
}

START_TEST(test_auto_echo_handling_on_a_real_pty)
{
    int pm = posix_openpt(O_RDWR | O_NOCTTY);
    ck_assert_int_ge(pm, 0);
    ck_assert_int_eq(grantpt(pm), 0);
    ck_assert_int_eq(unlockpt(pm), 0);
    char name[64];
    ck_assert_int_eq(ptsname_r(pm, name, sizeof name), 0);
    struct termios t;
    tcgetattr(pm, &t);
    cfmakeraw(&t);
    tcsetattr(pm, TCSANOW, &t);
    fcntl(pm, F_SETFL, fcntl(pm, F_GETFL) | O_NONBLOCK);

    klefr_line line = {19200, 8, KLEFR_PARITY_EVEN, 1};
    klefr_io *io;
    ck_assert_int_eq(klefr_io_open(name, &line, &io), KLEFR_OK);
    slave s = {pm, 0, 0};
    pthread_t th;
    pthread_create(&th, NULL, echoing_slave, &s);
    klefr_modbus_master *m;
    ck_assert_int_eq(klefr_modbus_master_open(io, NULL, &m), KLEFR_OK);

    uint16_t regs[20];
    ck_assert_int_eq(klefr_modbus_master_read_holding_registers(m, 1, 0x5000, 20, regs), KLEFR_OK);
    ck_assert_uint_eq(regs[0], 0x100);
    ck_assert_uint_eq(regs[19], 0x113);
    /* Learned from the read: the exception after the echo of a 06 is the
     * answer, not the echo. */
    ck_assert_int_eq(klefr_modbus_master_write_single_register(m, 1, 0x4003, 999),
                     KLEFR_EXC_ILLEGAL_DATA_VALUE);
    klefr_master_stats st;
    klefr_modbus_master_get_stats(m, &st);
    ck_assert_uint_eq(st.echoes, 2);
    ck_assert_uint_eq(st.requests, 2);

    s.stop = 1;
    pthread_join(th, NULL);
    klefr_modbus_master_close(m);
    klefr_io_close(io);
    close(pm);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("master_pty_echo");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_auto_echo_handling_on_a_real_pty);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(suite)

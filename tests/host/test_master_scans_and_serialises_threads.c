/* SPDX-License-Identifier: MIT */
/* The bus scan (IDs 1-247, progress callback), and one bus shared by
 * threads: transactions never interleave. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include "master_options_util.h"
#include "master_test_util.h"

typedef struct progress_log {
    unsigned calls;
    unsigned found;
    uint8_t stop_at;
} progress_log;

static bool on_progress(void *user, uint8_t unit, bool found, klefr_err result)
{
    progress_log *log = user;
    log->calls++;
    log->found += found;
    if (found)
        ck_assert(result == KLEFR_OK || result > 0);
    return unit != log->stop_at;
}

START_TEST(test_scan_finds_units_that_answer_even_with_an_exception)
{
    bench b = bench_open();
    modbus_set_response(b.m, 50, 2); /* a silent address is tried once */
    for (unsigned u = 1; u <= 6; u++) {
        char hex[32];
        snprintf(hex, sizeof hex, "%02X 03 4000 0001", u);
        expect_crc(b.s, hex);
        if (u == 3)
            reply_crc(b.s, 10000, 0, "03 03 02 1706");
        if (u == 5)
            reply_crc(b.s, 10000, 0, "05 83 02");
    }
    uint8_t found[4];
    size_t count = 0;
    progress_log log = {0, 0, 6};
    ck_assert_int_eq(
        klefr_modbus_master_scan(b.m, 1, 247, 0x4000, on_progress, &log, found, 4, &count),
        KLEFR_OK);
    ck_assert_uint_eq(count, 2);
    ck_assert_uint_eq(found[0], 3);
    ck_assert_uint_eq(found[1], 5);
    ck_assert_uint_eq(log.calls, 6); /* stopped by the callback at 6 */
    ck_assert_uint_eq(log.found, 2);
    ck_assert_uint_eq(script_write_count(b.s), 6);
    bench_close(&b);
}
END_TEST

START_TEST(test_scan_rejects_bad_ranges)
{
    bench b = bench_open();
    size_t count;
    ck_assert_int_eq(klefr_modbus_master_scan(b.m, 0, 5, 0, NULL, NULL, NULL, 0, &count),
                     KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_modbus_master_scan(b.m, 10, 248, 0, NULL, NULL, NULL, 0, &count),
                     KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_modbus_master_scan(b.m, 10, 9, 0, NULL, NULL, NULL, 0, &count),
                     KLEFR_ERR_INVALID_ARG);
    bench_close(&b);
}
END_TEST

/* A slave on the other end of a socket pair, built from the codec: it
 * answers each read with registers equal to their addresses. */
static void *slave_thread(void *arg)
{
    int fd = *(int *)arg;
    uint8_t buf[512];
    size_t n = 0;
    for (;;) {
        ssize_t r = read(fd, buf + n, sizeof buf - n);
        if (r <= 0)
            return NULL;
        n += (size_t)r;
        for (;;) {
            klefr_frame_scan sc;
            klefr_modbus_frame_detect(KLEFR_MODBUS_REQUESTS, 7, buf, n, &sc);
            if (sc.state == KLEFR_FRAME_NEED_MORE)
                break;
            if (sc.state == KLEFR_FRAME_COMPLETE) {
                klefr_modbus_request req;
                if (klefr_modbus_request_decode(buf, sc.length, &req) == KLEFR_OK) {
                    uint16_t regs[KLEFR_MODBUS_MAX_READ_REGISTERS];
                    for (uint16_t i = 0; i < req.quantity; i++)
                        regs[i] = (uint16_t)(req.address + i);
                    uint8_t out[KLEFR_MODBUS_ADU_MAX];
                    size_t len;
                    klefr_modbus_read_registers_response_encode(7, 3, regs, req.quantity, out,
                                                                sizeof out, &len);
                    if (write(fd, out, len) != (ssize_t)len)
                        return NULL;
                }
            }
            memmove(buf, buf + sc.length, n - sc.length);
            n -= sc.length;
        }
    }
}

typedef struct worker {
    klefr_modbus_master *m;
    uint16_t base;
    int failures;
} worker;

static void *worker_thread(void *arg)
{
    worker *w = arg;
    for (int i = 0; i < 40; i++) {
        uint16_t regs[10];
        uint16_t addr = (uint16_t)(w->base + i);
        klefr_err err = klefr_modbus_master_read_holding_registers(w->m, 7, addr, 10, regs);
        if (err != KLEFR_OK || regs[0] != addr || regs[9] != addr + 9)
            w->failures++;
    }
    return NULL;
}

START_TEST(test_threads_sharing_a_bus_never_interleave)
{
    int sv[2];
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    pthread_t slave;
    pthread_create(&slave, NULL, slave_thread, &sv[1]);
    klefr_io *io;
    ck_assert_int_eq(klefr_io_open_fd(sv[0], true, NULL, NULL, &io), KLEFR_OK);
    klefr_modbus_master_options o;
    klefr_modbus_master_options_init(&o);
    o.line = (klefr_line){115200, 8, KLEFR_PARITY_NONE, 1};
    klefr_modbus_master *m;
    ck_assert_int_eq(klefr_modbus_master_open(io, &o, &m), KLEFR_OK);
    worker w[3] = {{m, 0x1000, 0}, {m, 0x2000, 0}, {m, 0x3000, 0}};
    pthread_t t[3];
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, worker_thread, &w[i]);
    for (int i = 0; i < 3; i++) {
        pthread_join(t[i], NULL);
        ck_assert_int_eq(w[i].failures, 0);
    }
    klefr_master_stats st;
    klefr_modbus_master_get_stats(m, &st);
    ck_assert_uint_eq(st.requests, 120);
    ck_assert_uint_eq(st.retries, 0);
    klefr_modbus_master_close(m);
    klefr_io_close(io); /* closes sv[0]: the slave sees EOF */
    pthread_join(slave, NULL);
    close(sv[1]);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("master_scan_threads");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_scan_finds_units_that_answer_even_with_an_exception);
    tcase_add_test(tc, test_scan_rejects_bad_ranges);
    tcase_add_test(tc, test_threads_sharing_a_bus_never_interleave);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(suite)

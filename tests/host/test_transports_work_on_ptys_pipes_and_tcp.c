/* SPDX-License-Identifier: MIT */
/* The built-in transports on what a test machine has: Linux pseudo-
 * terminals (which force 8N1), socket pairs and loopback TCP; the port
 * string syntax; the software 7E1 filter. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <klefr/io.h>

#include "klefr_test.h"

typedef struct pty_pair {
    int master;
    char slave[64];
} pty_pair;

static pty_pair pty_open(void)
{
    pty_pair p;
    p.master = posix_openpt(O_RDWR | O_NOCTTY);
    ck_assert_int_ge(p.master, 0);
    ck_assert_int_eq(grantpt(p.master), 0);
    ck_assert_int_eq(unlockpt(p.master), 0);
    ck_assert_int_eq(ptsname_r(p.master, p.slave, sizeof p.slave), 0);
    /* The master side raw too, so bytes pass unchanged. */
    struct termios t;
    tcgetattr(p.master, &t);
    cfmakeraw(&t);
    tcsetattr(p.master, TCSANOW, &t);
    return p;
}

static size_t read_some(int fd, uint8_t *buf, size_t cap)
{
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    ck_assert_int_eq(poll(&pfd, 1, 2000), 1);
    ssize_t n = read(fd, buf, cap);
    ck_assert_int_gt(n, 0);
    return (size_t)n;
}

START_TEST(test_pty_opens_with_parity_reported_not_applied)
{
    pty_pair p = pty_open();
    klefr_line l8e1 = {9600, 8, KLEFR_PARITY_EVEN, 1};
    klefr_io *io;
    ck_assert_int_eq(klefr_io_open(p.slave, &l8e1, &io), KLEFR_OK);
    ck_assert_str_eq(io->ops->name, "termios");
    klefr_line got;
    unsigned na;
    ck_assert_int_eq(klefr_io_get_line(io, &got, &na), KLEFR_OK);
    ck_assert_uint_eq(got.baud, 9600);
    ck_assert(na & KLEFR_IO_NOT_APPLIED_PARITY);
    ck_assert(!(na & KLEFR_IO_NOT_APPLIED_BAUD));
    /* 8N1 is what a pty does: nothing to report. */
    klefr_line l8n1 = {19200, 8, KLEFR_PARITY_NONE, 1};
    ck_assert_int_eq(klefr_io_set_line(io, &l8n1), KLEFR_OK);
    ck_assert_int_eq(klefr_io_get_line(io, &got, &na), KLEFR_OK);
    ck_assert_uint_eq(na, 0);
    klefr_io_close(io);
    close(p.master);
}
END_TEST

START_TEST(test_strict_open_refuses_what_the_pty_cannot_do)
{
    pty_pair p = pty_open();
    klefr_line l8e1 = {9600, 8, KLEFR_PARITY_EVEN, 1};
    klefr_io_options o;
    klefr_io_options_init(&o);
    o.strict_line = true;
    klefr_io *io;
    ck_assert_int_eq(klefr_io_open_ex(p.slave, &l8e1, &o, &io), KLEFR_ERR_UNSUPPORTED);
    close(p.master);
}
END_TEST

START_TEST(test_rs485_on_a_pty_is_reported_not_applied)
{
    pty_pair p = pty_open();
    klefr_line l = {9600, 8, KLEFR_PARITY_NONE, 1};
    klefr_io_options o;
    klefr_io_options_init(&o);
    o.rs485 = KLEFR_RS485_KERNEL;
    klefr_io *io;
    ck_assert_int_eq(klefr_io_open_ex(p.slave, &l, &o, &io), KLEFR_OK);
    klefr_line got;
    unsigned na;
    ck_assert_int_eq(klefr_io_get_line(io, &got, &na), KLEFR_OK);
    ck_assert(na & KLEFR_IO_NOT_APPLIED_RS485);
    klefr_io_close(io);
    close(p.master);
}
END_TEST

/* The options carry their size (doc/api-conventions.md, "ABI"): a struct
 * that never went through klefr_io_options_init() is refused before
 * anything is opened; one from a newer header (larger) is read as far as
 * this library knows it. */
START_TEST(test_io_options_without_their_size_are_refused)
{
    pty_pair p = pty_open();
    klefr_line l = {9600, 8, KLEFR_PARITY_NONE, 1};
    klefr_io_options zero = {.rs485 = KLEFR_RS485_KERNEL};
    klefr_io *io = (klefr_io *)&p; /* must stay as it is */
    ck_assert_int_eq(klefr_io_open_ex(p.slave, &l, &zero, &io), KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_io_open_fd(p.master, false, &l, &zero, &io), KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_io_open_tcp("127.0.0.1", 1, false, NULL, &zero, &io),
                     KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_io_open_serialport(p.slave, &l, &zero, &io), KLEFR_ERR_INVALID_ARG);
    ck_assert_ptr_eq(io, (klefr_io *)&p);

    struct {
        klefr_io_options known;
        uint8_t later[16]; /* fields of a newer header */
    } newer;
    memset(&newer, 0xFF, sizeof newer);
    klefr_io_options_init(&newer.known);
    newer.known.size = sizeof newer;
    newer.known.strict_line = true;
    klefr_line l8e1 = {9600, 8, KLEFR_PARITY_EVEN, 1};
    /* strict_line was read: the pty cannot do even parity. */
    ck_assert_int_eq(klefr_io_open_ex(p.slave, &l8e1, &newer.known, &io), KLEFR_ERR_UNSUPPORTED);
    newer.known.strict_line = false;
    ck_assert_int_eq(klefr_io_open_ex(p.slave, &l8e1, &newer.known, &io), KLEFR_OK);
    klefr_io_close(io);
    close(p.master);
}
END_TEST

START_TEST(test_bytes_cross_a_pty_both_ways_with_timeouts)
{
    pty_pair p = pty_open();
    klefr_line l = {9600, 8, KLEFR_PARITY_NONE, 1};
    klefr_io *io;
    ck_assert_int_eq(klefr_io_open(p.slave, &l, &io), KLEFR_OK);
    uint8_t buf[32];
    ck_assert_int_eq(klefr_io_read(io, buf, sizeof buf, 20), 0); /* timeout */
    const uint8_t msg[] = {0x01, 0x03, 0x40, 0x00, 0x00, 0x01, 0x91, 0xCA};
    ck_assert_int_eq(klefr_io_write_all(io, msg, sizeof msg, 1000), KLEFR_OK);
    ck_assert_int_eq(klefr_io_drain(io, 1000), KLEFR_OK);
    size_t got = 0;
    while (got < sizeof msg)
        got += read_some(p.master, buf + got, sizeof buf - got);
    ck_assert_mem_eq(buf, msg, sizeof msg);
    ck_assert_int_eq(write(p.master, "\x55\xAA", 2), 2);
    ck_assert_int_eq(klefr_io_read(io, buf, sizeof buf, 2000), 2);
    ck_assert_uint_eq(buf[1], 0xAA);
    /* Stale bytes go with flush. */
    ck_assert_int_eq(write(p.master, "\x01\x02\x03", 3), 3);
    usleep(20000);
    ck_assert_int_eq(klefr_io_flush(io), KLEFR_OK);
    ck_assert_int_eq(klefr_io_read(io, buf, sizeof buf, 20), 0);
    klefr_io_close(io);
    close(p.master);
}
END_TEST

START_TEST(test_7e1_filter_adds_and_checks_even_parity)
{
    pty_pair p = pty_open();
    klefr_io *raw, *io;
    ck_assert_int_eq(klefr_io_open(p.slave, NULL, &raw), KLEFR_OK);
    ck_assert_int_eq(klefr_io_7e1_wrap(raw, true, &io), KLEFR_OK);
    klefr_line l7e1 = {300, 7, KLEFR_PARITY_EVEN, 1};
    ck_assert_int_eq(klefr_io_set_line(io, &l7e1), KLEFR_OK);
    klefr_line got;
    unsigned na;
    ck_assert_int_eq(klefr_io_get_line(io, &got, &na), KLEFR_OK);
    ck_assert_uint_eq(got.data_bits, 7);
    ck_assert_uint_eq(na, 0); /* the filter does parity: nothing missing */
    ck_assert_int_eq(klefr_io_write_all(io, (const uint8_t *)"/?!\r\n", 5, 1000), KLEFR_OK);
    uint8_t buf[16];
    size_t n = 0;
    while (n < 5)
        n += read_some(p.master, buf + n, sizeof buf - n);
    /* '/' 0x2F has five 1 bits: parity bit set. '?' six: clear. CR three. */
    klefr_assert_bytes(buf, n, "AF 3F 21 8D 0A");
    ck_assert_int_eq(write(p.master, "\x8D\x0A", 2), 2);
    ck_assert_int_eq(klefr_io_read(io, buf, sizeof buf, 2000), 2);
    klefr_assert_bytes(buf, 2, "0D 0A");
    ck_assert_int_eq(write(p.master, "\x0D", 1), 1);
    ck_assert_int_eq(klefr_io_read(io, buf, sizeof buf, 2000), KLEFR_ERR_PARITY);
    klefr_io_close(io);
    close(p.master);
}
END_TEST

static int listen_loopback(uint16_t *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    ck_assert_int_eq(listen(fd, 1), 0);
    socklen_t len = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &len);
    *port = ntohs(a.sin_port);
    return fd;
}

START_TEST(test_tcp_and_modbus_tcp_urls_connect_and_carry_bytes)
{
    uint16_t port;
    int lfd = listen_loopback(&port);
    char url[64];
    snprintf(url, sizeof url, "tcp://127.0.0.1:%u", port);
    klefr_io *io;
    ck_assert_int_eq(klefr_io_open(url, NULL, &io), KLEFR_OK);
    ck_assert_uint_eq(klefr_io_get_flags(io), KLEFR_IO_NETWORK);
    int peer = accept(lfd, NULL, NULL);
    ck_assert_int_ge(peer, 0);
    ck_assert_int_eq(klefr_io_write_all(io, (const uint8_t *)"abc", 3, 1000), KLEFR_OK);
    uint8_t buf[8];
    size_t n = 0;
    while (n < 3)
        n += read_some(peer, buf + n, sizeof buf - n);
    ck_assert_mem_eq(buf, "abc", 3);
    ck_assert_int_eq(write(peer, "xy", 2), 2);
    ck_assert_int_eq(klefr_io_read(io, buf, sizeof buf, 2000), 2);
    klefr_line l;
    ck_assert_int_eq(klefr_io_get_line(io, &l, NULL), KLEFR_ERR_NOT_AVAILABLE);
    ck_assert_int_eq(klefr_io_set_line(io, &l), KLEFR_ERR_UNSUPPORTED);
    close(peer);
    /* The peer is gone: an error, not a timeout. */
    ck_assert_int_eq(klefr_io_read(io, buf, sizeof buf, 2000), KLEFR_ERR_IO);
    klefr_io_close(io);

    snprintf(url, sizeof url, "modbus-tcp://127.0.0.1:%u", port);
    klefr_line far = {9600, 8, KLEFR_PARITY_EVEN, 1};
    ck_assert_int_eq(klefr_io_open(url, &far, &io), KLEFR_OK);
    ck_assert_uint_eq(klefr_io_get_flags(io), KLEFR_IO_NETWORK | KLEFR_IO_MBAP);
    ck_assert_int_eq(klefr_io_get_line(io, &l, NULL), KLEFR_OK);
    ck_assert_uint_eq(l.baud, 9600);
    klefr_io_close(io);
    close(lfd);
}
END_TEST

START_TEST(test_port_strings_are_checked)
{
    klefr_io *io;
    ck_assert_int_eq(klefr_io_open("tcp://localhost", NULL, &io), KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_io_open("tcp://localhost:0", NULL, &io), KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_io_open("tcp://localhost:70000", NULL, &io), KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_io_open("tcp://:502", NULL, &io), KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_io_open("udp://host:502", NULL, &io), KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_io_open("fd:x", NULL, &io), KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_io_open("", NULL, &io), KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_io_open("/dev/pts/999999", NULL, &io), KLEFR_ERR_IO);
    ck_assert_int_eq(klefr_io_open("/nonexistent/ttyUSB9", NULL, &io), KLEFR_ERR_IO);
    /* Nothing listens on the discard port of the loopback (normally). */
    uint16_t port;
    int lfd = listen_loopback(&port);
    close(lfd);
    char url[64];
    snprintf(url, sizeof url, "tcp://[::1]:%u", port);
    klefr_err err = klefr_io_open(url, NULL, &io);
    ck_assert_int_eq(err, KLEFR_ERR_IO);
}
END_TEST

START_TEST(test_fd_backend_takes_a_socket_pair)
{
    int sv[2];
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    char url[16];
    snprintf(url, sizeof url, "fd:%d", sv[0]);
    klefr_io *io;
    klefr_line l = {9600, 8, KLEFR_PARITY_EVEN, 1};
    ck_assert_int_eq(klefr_io_open(url, &l, &io), KLEFR_OK);
    klefr_line got;
    unsigned na;
    ck_assert_int_eq(klefr_io_get_line(io, &got, &na), KLEFR_OK);
    ck_assert(na & KLEFR_IO_NOT_APPLIED_BAUD); /* not a tty */
    ck_assert_int_eq(write(sv[1], "q", 1), 1);
    uint8_t c;
    ck_assert_int_eq(klefr_io_read(io, &c, 1, 2000), 1);
    ck_assert_uint_eq(c, 'q');
    klefr_io_close(io); /* "fd:" does not own the descriptor */
    ck_assert_int_eq(write(sv[0], "z", 1), 1);
    close(sv[0]);
    close(sv[1]);
}
END_TEST

/* A refused open leaves the caller's descriptor as it was: still blocking. */
START_TEST(test_a_refused_fd_open_leaves_the_descriptor_alone)
{
    int sv[2];
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    int before = fcntl(sv[0], F_GETFL);
    klefr_io_options o;
    klefr_io_options_init(&o);
    o.strict_line = true; /* a socket cannot take a line setting */
    klefr_line l = {9600, 8, KLEFR_PARITY_EVEN, 1};
    klefr_io *io = NULL;
    ck_assert_int_eq(klefr_io_open_fd(sv[0], false, &l, &o, &io), KLEFR_ERR_UNSUPPORTED);
    ck_assert_ptr_null(io);
    ck_assert_int_eq(fcntl(sv[0], F_GETFL), before);
    ck_assert_int_eq(before & O_NONBLOCK, 0);
    close(sv[0]);
    close(sv[1]);
}
END_TEST

START_TEST(test_port_listing_answers)
{
    klefr_port_info ports[32];
    size_t count = 999;
    klefr_err err = klefr_io_list_ports(ports, 32, &count);
    ck_assert(err == KLEFR_OK || err == KLEFR_ERR_UNSUPPORTED ||
              err == KLEFR_ERR_BUFFER_TOO_SMALL || err == KLEFR_ERR_IO);
    if (err == KLEFR_OK)
        for (size_t i = 0; i < count; i++)
            ck_assert(ports[i].name[0] != '\0');
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("transports");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_pty_opens_with_parity_reported_not_applied);
    tcase_add_test(tc, test_strict_open_refuses_what_the_pty_cannot_do);
    tcase_add_test(tc, test_rs485_on_a_pty_is_reported_not_applied);
    tcase_add_test(tc, test_io_options_without_their_size_are_refused);
    tcase_add_test(tc, test_bytes_cross_a_pty_both_ways_with_timeouts);
    tcase_add_test(tc, test_7e1_filter_adds_and_checks_even_parity);
    tcase_add_test(tc, test_tcp_and_modbus_tcp_urls_connect_and_carry_bytes);
    tcase_add_test(tc, test_port_strings_are_checked);
    tcase_add_test(tc, test_fd_backend_takes_a_socket_pair);
    tcase_add_test(tc, test_a_refused_fd_open_leaves_the_descriptor_alone);
    tcase_add_test(tc, test_port_listing_answers);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(suite)

/* SPDX-License-Identifier: MIT */
/* TCP transports: raw bytes to a serial server (ser2net, RS-485/Ethernet
 * converters: "RTU over TCP") and Modbus TCP. Both are a stream socket;
 * they differ only in the KLEFR_IO_MBAP flag that tells a master to frame
 * with the MBAP header (klefr/modbus_tcp.h) instead of the RTU CRC. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <klefr/io.h>

#include "host/io_internal.h"

#define DEFAULT_CONNECT_MS 3000u

typedef struct tcp_io {
    klefr_io io;
    int fd;
    bool has_line;
    klefr_line far_line;
} tcp_io;

static ptrdiff_t tcp_read(void *ctx, uint8_t *buf, size_t cap, uint32_t timeout_ms)
{
    tcp_io *t = ctx;
    return klefr_host_fd_read(t->fd, buf, cap, timeout_ms);
}

static ptrdiff_t tcp_write(void *ctx, const uint8_t *buf, size_t len, uint32_t timeout_ms)
{
    tcp_io *t = ctx;
    return klefr_host_socket_write(t->fd, buf, len, timeout_ms);
}

static klefr_err tcp_flush(void *ctx)
{
    tcp_io *t = ctx;
    return klefr_host_fd_discard(t->fd);
}

static klefr_err tcp_get_line(void *ctx, klefr_line *line, unsigned *not_applied)
{
    tcp_io *t = ctx;
    return klefr_host_saved_line(t->has_line, &t->far_line, 0, line, not_applied);
}

static void tcp_close(void *ctx)
{
    tcp_io *t = ctx;
    close(t->fd);
    free(t);
}

static const klefr_io_ops tcp_ops = {
    .name = "tcp",
    .flags = KLEFR_IO_NETWORK,
    .read = tcp_read,
    .write = tcp_write,
    .flush = tcp_flush,
    .get_line = tcp_get_line,
    .close = tcp_close,
};

static const klefr_io_ops modbus_tcp_ops = {
    .name = "modbus-tcp",
    .flags = KLEFR_IO_NETWORK | KLEFR_IO_MBAP,
    .read = tcp_read,
    .write = tcp_write,
    .flush = tcp_flush,
    .get_line = tcp_get_line,
    .close = tcp_close,
};

static int connect_one(const struct addrinfo *ai, uint32_t timeout_ms)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0)
        return -1;
    int fl = fcntl(fd, F_GETFL);
    (void)fcntl(fd, F_SETFL, fl | O_NONBLOCK);
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        if (errno != EINPROGRESS || klefr_host_poll_fd(fd, POLLOUT, timeout_ms) != 1) {
            close(fd);
            return -1;
        }
        int soerr = 0;
        socklen_t len = sizeof soerr;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0 || soerr != 0) {
            close(fd);
            errno = soerr;
            return -1;
        }
    }
    /* Requests are small and latency matters: no Nagle. */
    int one = 1;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

klefr_err klefr_io_open_tcp(const char *host, uint16_t port, bool mbap, const klefr_line *far_line,
                            const klefr_io_options *opts, klefr_io **out)
{
    klefr_io_options o;
    if (host == NULL || out == NULL || port == 0 || klefr_io_options_take(opts, &o) != KLEFR_OK)
        return KLEFR_ERR_INVALID_ARG;
    uint32_t timeout_ms = o.connect_timeout_ms != 0 ? o.connect_timeout_ms : DEFAULT_CONNECT_MS;
    char service[8];
    snprintf(service, sizeof service, "%u", (unsigned)port);
    struct addrinfo hints = {0}, *res;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, service, &hints, &res) != 0)
        return KLEFR_ERR_IO;
    int fd = -1;
    for (struct addrinfo *ai = res; ai != NULL && fd < 0; ai = ai->ai_next)
        fd = connect_one(ai, timeout_ms);
    freeaddrinfo(res);
    if (fd < 0)
        return KLEFR_ERR_IO;
    tcp_io *t = calloc(1, sizeof *t);
    if (t == NULL) {
        close(fd);
        return KLEFR_ERR_NO_MEMORY;
    }
    t->io.ops = mbap ? &modbus_tcp_ops : &tcp_ops;
    t->io.ctx = t;
    t->fd = fd;
    if (far_line != NULL && far_line->baud != 0) {
        t->far_line = *far_line;
        t->has_line = true;
    }
    *out = &t->io;
    return KLEFR_OK;
}

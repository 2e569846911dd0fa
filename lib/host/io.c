/* SPDX-License-Identifier: MIT */
/* The transport calls, the monotonic clock and the port-string opener. */
#define _POSIX_C_SOURCE 200809L
#include <klefr/io.h>

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "host/io_internal.h"

/* Bytes klefr_host_fd_discard() drops when the descriptor cannot say how
 * many are pending. */
#define DISCARD_UNKNOWN 4096

static uint64_t monotonic_now_us(void *ctx)
{
    (void)ctx;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void monotonic_sleep_us(void *ctx, uint64_t us)
{
    (void)ctx;
    struct timespec ts = {.tv_sec = (time_t)(us / 1000000u),
                          .tv_nsec = (long)(us % 1000000u) * 1000};
    /* nanosleep leaves the time not slept in ts on EINTR. */
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static const klefr_clock monotonic_clock = {monotonic_now_us, monotonic_sleep_us, NULL};

const klefr_clock *klefr_clock_monotonic(void)
{
    return &monotonic_clock;
}

uint32_t klefr_host_ms_left(uint64_t deadline_us)
{
    uint64_t now = monotonic_now_us(NULL);
    if (now >= deadline_us)
        return 0;
    uint64_t ms = (deadline_us - now + 999u) / 1000u;
    return ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms;
}

int klefr_host_poll_fd(int fd, short events, uint32_t timeout_ms)
{
    uint64_t deadline = monotonic_now_us(NULL) + (uint64_t)timeout_ms * 1000u;
    for (;;) {
        struct pollfd pfd = {.fd = fd, .events = events};
        uint32_t left = klefr_host_ms_left(deadline);
        int r = poll(&pfd, 1, left > INT32_MAX ? INT32_MAX : (int)left);
        if (r > 0) {
            /* POLLHUP with data still readable is reported as ready: the
             * read then returns the data, and 0 / EIO after it. */
            if ((pfd.revents & (events | POLLHUP | POLLERR)) != 0)
                return 1;
            continue;
        }
        if (r == 0)
            return 0;
        if (errno != EINTR)
            return KLEFR_ERR_IO;
    }
}

ptrdiff_t klefr_host_fd_read(int fd, uint8_t *buf, size_t cap, uint32_t timeout_ms)
{
    int ready = klefr_host_poll_fd(fd, POLLIN, timeout_ms);
    if (ready <= 0)
        return ready;
    for (;;) {
        ssize_t n = read(fd, buf, cap);
        if (n > 0)
            return n;
        if (n == 0)
            return KLEFR_ERR_IO; /* end of file: the peer went away */
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return 0;
        return KLEFR_ERR_IO;
    }
}

/* write(2), or send(2) on a socket: MSG_NOSIGNAL makes a closed peer an
 * error, not a SIGPIPE. */
static ptrdiff_t fd_put(int fd, const uint8_t *buf, size_t len, uint32_t timeout_ms, bool is_socket)
{
    if (len == 0)
        return 0;
    int ready = klefr_host_poll_fd(fd, POLLOUT, timeout_ms);
    if (ready <= 0)
        return ready;
    for (;;) {
        ssize_t n = is_socket ? send(fd, buf, len, MSG_NOSIGNAL) : write(fd, buf, len);
        if (n >= 0)
            return n;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return 0;
        return KLEFR_ERR_IO;
    }
}

ptrdiff_t klefr_host_fd_write(int fd, const uint8_t *buf, size_t len, uint32_t timeout_ms)
{
    return fd_put(fd, buf, len, timeout_ms, false);
}

ptrdiff_t klefr_host_socket_write(int fd, const uint8_t *buf, size_t len, uint32_t timeout_ms)
{
    return fd_put(fd, buf, len, timeout_ms, true);
}

klefr_err klefr_host_saved_line(bool has_line, const klefr_line *saved, unsigned not_applied,
                                klefr_line *line, unsigned *not_applied_out)
{
    if (!has_line)
        return KLEFR_ERR_NOT_AVAILABLE;
    *line = *saved;
    *not_applied_out = not_applied;
    return KLEFR_OK;
}

klefr_err klefr_host_fd_discard(int fd)
{
    /* Discard what is pending now, not what keeps coming: a source that never
     * pauses (/dev/zero, a TCP peer streaming) would otherwise keep us here
     * for ever. FIONREAD says how much is queued; where it is not known (not a
     * tty or socket), one buffer's worth is dropped. */
    int pending = 0;
    if (ioctl(fd, FIONREAD, &pending) != 0 || pending < 0)
        pending = DISCARD_UNKNOWN;
    uint8_t junk[256];
    size_t left = (size_t)pending;
    while (left > 0) {
        ptrdiff_t n = klefr_host_fd_read(fd, junk, left < sizeof junk ? left : sizeof junk, 0);
        if (n == 0)
            return KLEFR_OK;
        if (n < 0)
            return (klefr_err)n;
        left -= (size_t)n;
    }
    return KLEFR_OK;
}

/* ---- calls through a transport ---- */

static bool io_ok(const klefr_io *io)
{
    return io != NULL && io->ops != NULL && io->ops->read != NULL && io->ops->write != NULL;
}

ptrdiff_t klefr_io_read(klefr_io *io, uint8_t *buf, size_t cap, uint32_t timeout_ms)
{
    if (!io_ok(io) || buf == NULL || cap == 0)
        return KLEFR_ERR_INVALID_ARG;
    return io->ops->read(io->ctx, buf, cap, timeout_ms);
}

klefr_err klefr_io_write_all(klefr_io *io, const uint8_t *buf, size_t len, uint32_t timeout_ms)
{
    if (!io_ok(io) || (buf == NULL && len != 0))
        return KLEFR_ERR_INVALID_ARG;
    size_t done = 0;
    while (done < len) {
        ptrdiff_t n = io->ops->write(io->ctx, buf + done, len - done, timeout_ms);
        if (n < 0)
            return (klefr_err)n;
        if (n == 0)
            return KLEFR_ERR_TIMEOUT;
        done += (size_t)n;
    }
    return KLEFR_OK;
}

klefr_err klefr_io_drain(klefr_io *io, uint32_t timeout_ms)
{
    if (!io_ok(io))
        return KLEFR_ERR_INVALID_ARG;
    return io->ops->drain != NULL ? io->ops->drain(io->ctx, timeout_ms) : KLEFR_OK;
}

klefr_err klefr_io_flush(klefr_io *io)
{
    if (!io_ok(io))
        return KLEFR_ERR_INVALID_ARG;
    return io->ops->flush != NULL ? io->ops->flush(io->ctx) : KLEFR_OK;
}

klefr_err klefr_io_set_line(klefr_io *io, const klefr_line *line)
{
    if (!io_ok(io) || line == NULL)
        return KLEFR_ERR_INVALID_ARG;
    return io->ops->set_line != NULL ? io->ops->set_line(io->ctx, line) : KLEFR_ERR_UNSUPPORTED;
}

klefr_err klefr_io_get_line(klefr_io *io, klefr_line *line, unsigned *not_applied)
{
    if (!io_ok(io) || line == NULL)
        return KLEFR_ERR_INVALID_ARG;
    unsigned na = 0;
    klefr_err err =
        io->ops->get_line != NULL ? io->ops->get_line(io->ctx, line, &na) : KLEFR_ERR_NOT_AVAILABLE;
    if (not_applied != NULL)
        *not_applied = err == KLEFR_OK ? na : 0;
    return err;
}

unsigned klefr_io_get_flags(const klefr_io *io)
{
    return io != NULL && io->ops != NULL ? io->ops->flags : 0;
}

void klefr_io_close(klefr_io *io)
{
    if (io != NULL && io->ops != NULL && io->ops->close != NULL)
        io->ops->close(io->ctx);
}

/* ---- the port-string opener ---- */

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* "host:port" or "[v6addr]:port" -> host (in buf) and port. */
static klefr_err split_host_port(const char *s, char *host, size_t cap, uint16_t *port)
{
    const char *colon;
    const char *h = s;
    size_t hlen;
    if (*s == '[') {
        const char *end = strchr(s, ']');
        if (end == NULL || end[1] != ':')
            return KLEFR_ERR_INVALID_ARG;
        h = s + 1;
        hlen = (size_t)(end - h);
        colon = end + 1;
    } else {
        colon = strrchr(s, ':');
        if (colon == NULL)
            return KLEFR_ERR_INVALID_ARG;
        hlen = (size_t)(colon - s);
    }
    if (hlen == 0 || hlen >= cap)
        return KLEFR_ERR_INVALID_ARG;
    char *end;
    errno = 0;
    unsigned long p = strtoul(colon + 1, &end, 10);
    if (colon[1] == '\0' || *end != '\0' || errno != 0 || p == 0 || p > 65535)
        return KLEFR_ERR_INVALID_ARG;
    memcpy(host, h, hlen);
    host[hlen] = '\0';
    *port = (uint16_t)p;
    return KLEFR_OK;
}

/* The size of the 0.2 struct, the first with a size field: the smallest a
 * caller's klefr_io_options_init() can have set. */
#define IO_OPTIONS_SIZE_0_2 (offsetof(klefr_io_options, connect_timeout_ms) + sizeof(uint32_t))

void klefr_io_options_init(klefr_io_options *opts)
{
    if (opts == NULL)
        return;
    memset(opts, 0, sizeof *opts);
    opts->size = sizeof *opts;
}

klefr_err klefr_io_options_take(const klefr_io_options *opts, klefr_io_options *out)
{
    klefr_io_options_init(out);
    if (opts == NULL)
        return KLEFR_OK;
    if (opts->size < IO_OPTIONS_SIZE_0_2)
        return KLEFR_ERR_INVALID_ARG;
    /* A newer caller's struct may be longer: take what this library knows. */
    size_t n = opts->size < sizeof *out ? opts->size : sizeof *out;
    memcpy(out, opts, n);
    out->size = sizeof *out;
    return KLEFR_OK;
}

klefr_err klefr_io_open(const char *port, const klefr_line *line, klefr_io **out)
{
    return klefr_io_open_ex(port, line, NULL, out);
}

klefr_err klefr_io_open_ex(const char *port, const klefr_line *line, const klefr_io_options *opts,
                           klefr_io **out)
{
    if (port == NULL || out == NULL || *port == '\0')
        return KLEFR_ERR_INVALID_ARG;
    char host[256];
    uint16_t tcp_port;
    if (starts_with(port, "tcp://") || starts_with(port, "modbus-tcp://")) {
        bool mbap = starts_with(port, "modbus-tcp://");
        const char *rest = strstr(port, "://") + 3;
        klefr_err err = split_host_port(rest, host, sizeof host, &tcp_port);
        if (err != KLEFR_OK)
            return err;
        return klefr_io_open_tcp(host, tcp_port, mbap, line, opts, out);
    }
    if (starts_with(port, "fd:")) {
        char *end;
        errno = 0;
        long fd = strtol(port + 3, &end, 10);
        if (port[3] == '\0' || *end != '\0' || errno != 0 || fd < 0 || fd > INT32_MAX)
            return KLEFR_ERR_INVALID_ARG;
        return klefr_io_open_fd((int)fd, false, line, opts, out);
    }
    if (strstr(port, "://") != NULL)
        return KLEFR_ERR_INVALID_ARG; /* an unknown scheme, not a device name */
    /* Pseudo-terminals: libserialport 0.1.1 answers SP_ERR_ARG, and they
     * cannot honour parity anyway; termios is the only way. */
    if (starts_with(port, "/dev/pts/") || starts_with(port, "/dev/ptmx"))
        return klefr_io_open_termios(port, line, opts, out);
    klefr_err err = klefr_io_open_serialport(port, line, opts, out);
    /* UNSUPPORTED: not built with libserialport, or it does not take this
     * kind of device (a symlink made by socat, a pty under another name).
     * Any other error is the device's answer and stands. */
    if (err == KLEFR_ERR_UNSUPPORTED)
        err = klefr_io_open_termios(port, line, opts, out);
    return err;
}

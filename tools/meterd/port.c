/* SPDX-License-Identifier: MIT */
/* Endpoints of a line: a pseudo-terminal we create, an existing serial
 * port, or a TCP listener that passes raw bytes like a serial server. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "meterd.h"

/* A pty nobody has open reports POLLHUP at once, every time (so does a
 * serial adapter that was unplugged): look again this much later instead of
 * spinning. A client's first request waits at most this long. */
#define MD_PTY_RETRY_US 10000u
/* A TCP client that half-closed (socat -t does, after its request) still
 * gets the answers due this long after; the meter answers a request only
 * after t3.5 of silence. */
#define MD_TCP_LINGER_US 1000000u
/* Answers a client has not read yet: a master reads each answer before it
 * asks again, so this much means it has stopped reading. */
#define MD_EP_MAX_OUTQ (64u * 1024u)

static void set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static void make_raw(int fd)
{
    struct termios t;
    if (tcgetattr(fd, &t) != 0)
        return;
    cfmakeraw(&t);
    /* A meter's UART has no flow control: a port left with RTS/CTS on by
     * an earlier user would hold the answers (and tcdrain()) forever. */
    t.c_cflag &= ~(tcflag_t)CRTSCTS;
    t.c_cflag |= CLOCAL | CREAD;
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    tcsetattr(fd, TCSANOW, &t);
}

static bool open_pty(md_endpoint *ep, GError **error)
{
    int fd = posix_openpt(O_RDWR | O_NOCTTY);
    if (fd < 0 || grantpt(fd) != 0 || unlockpt(fd) != 0) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "posix_openpt: %s",
                    g_strerror(errno));
        if (fd >= 0)
            close(fd);
        return false;
    }
    const char *name = ptsname(fd);
    g_strlcpy(ep->name, name != NULL ? name : "?", sizeof ep->name);
    /* The master side stays raw whatever the client does to its side:
     * Linux ptys carry 8-bit bytes and ignore baud and parity. */
    make_raw(fd);
    set_nonblock(fd);
    ep->fd = fd;
    return true;
}

static bool open_serial(md_endpoint *ep, const char *path, GError **error)
{
    int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "%s: %s", path,
                    g_strerror(errno));
        return false;
    }
    make_raw(fd);
    g_strlcpy(ep->name, path, sizeof ep->name);
    ep->fd = fd;
    return true;
}

static bool open_tcp(md_endpoint *ep, const char *hostport, GError **error)
{
    const char *colon = strrchr(hostport, ':');
    if (colon == NULL) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "expected tcp:HOST:PORT, got tcp:%s", hostport);
        return false;
    }
    char *host = g_strndup(hostport, (gsize)(colon - hostport));
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    int rc = getaddrinfo(host[0] != '\0' ? host : NULL, colon + 1, &hints, &res);
    g_free(host);
    if (rc != 0) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "tcp:%s: %s", hostport,
                    gai_strerror(rc));
        return false;
    }
    int fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd >= 0)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (fd < 0 || bind(fd, res->ai_addr, res->ai_addrlen) != 0 || listen(fd, 4) != 0) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "tcp:%s: %s", hostport,
                    g_strerror(errno));
        if (fd >= 0)
            close(fd);
        freeaddrinfo(res);
        return false;
    }
    freeaddrinfo(res);
    set_nonblock(fd);
    /* Print the port really bound, so that tcp:127.0.0.1:0 works in tests. */
    struct sockaddr_storage sa;
    socklen_t sl = sizeof sa;
    char h[NI_MAXHOST] = "?", p[NI_MAXSERV] = "?";
    if (getsockname(fd, (struct sockaddr *)&sa, &sl) == 0)
        getnameinfo((struct sockaddr *)&sa, sl, h, sizeof h, p, sizeof p,
                    NI_NUMERICHOST | NI_NUMERICSERV);
    g_snprintf(ep->name, sizeof ep->name, "tcp:%s:%s", h, p);
    ep->fd = fd;
    return true;
}

bool md_ep_open(md_endpoint *ep, const char *spec, GError **error)
{
    memset(ep, 0, sizeof *ep);
    ep->fd = -1;
    for (size_t i = 0; i < MD_TCP_MAX_CLIENTS; i++)
        ep->clients[i] = -1;
    ep->outq = g_byte_array_new();
    if (strcmp(spec, "pty") == 0) {
        ep->kind = MD_EP_PTY;
        return open_pty(ep, error);
    }
    if (strncmp(spec, "tcp:", 4) == 0) {
        ep->kind = MD_EP_TCP;
        return open_tcp(ep, spec + 4, error);
    }
    ep->kind = MD_EP_SERIAL;
    return open_serial(ep, spec, error);
}

void md_ep_close(md_endpoint *ep)
{
    if (ep->outq == NULL)
        return; /* never opened (md_ep_open() allocates it first) */
    for (size_t i = 0; i < MD_TCP_MAX_CLIENTS; i++)
        if (ep->clients[i] >= 0)
            close(ep->clients[i]);
    if (ep->fd >= 0)
        close(ep->fd);
    ep->fd = -1;
    if (ep->outq != NULL)
        g_byte_array_free(ep->outq, TRUE);
    ep->outq = NULL;
}

static void drop_client(md_endpoint *ep, size_t i)
{
    if (ep->clients[i] >= 0)
        close(ep->clients[i]);
    ep->clients[i] = -1;
    ep->eof_us[i] = 0;
}

size_t md_ep_pollfds(md_endpoint *ep, struct pollfd *pfd, uint64_t now_us)
{
    size_t n = 0;
    if (ep->fd < 0)
        return 0;
    if (ep->kind != MD_EP_TCP && now_us < ep->retry_us)
        pfd[n++] = (struct pollfd){-1, 0, 0}; /* keeps the slot order */
    else
        pfd[n++] = (struct pollfd){ep->fd, (short)(POLLIN | (ep->outq->len ? POLLOUT : 0)), 0};
    if (ep->kind == MD_EP_TCP)
        for (size_t i = 0; i < MD_TCP_MAX_CLIENTS; i++) {
            if (ep->eof_us[i] != 0 && now_us >= ep->eof_us[i] + MD_TCP_LINGER_US)
                drop_client(ep, i);
            /* After EOF it would poll readable forever: written to only. */
            int fd = ep->eof_us[i] != 0 ? -1 : ep->clients[i];
            pfd[n++] = (struct pollfd){fd, POLLIN, 0};
        }
    return n;
}

int md_ep_timeout_ms(const md_endpoint *ep, uint64_t now_us)
{
    if (ep->kind == MD_EP_TCP || ep->retry_us <= now_us)
        return -1;
    return (int)((ep->retry_us - now_us + 999) / 1000);
}

static void flush_outq(md_endpoint *ep)
{
    while (ep->outq->len > 0) {
        ssize_t w = write(ep->fd, ep->outq->data, ep->outq->len);
        if (w > 0) {
            g_byte_array_remove_range(ep->outq, 0, (guint)w);
            continue;
        }
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return; /* POLLOUT brings us back */
        /* EIO: nobody has the pty open. The bytes would reach no one. */
        g_byte_array_set_size(ep->outq, 0);
        return;
    }
}

void md_ep_handle(md_endpoint *ep, const struct pollfd *pfd, size_t n,
                  void (*rx)(void *arg, const uint8_t *data, size_t len), void *arg)
{
    uint8_t buf[4096];
    if (n == 0)
        return;
    if (ep->kind == MD_EP_TCP) {
        if (pfd[0].revents & POLLIN) {
            int c = accept4(ep->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (c >= 0) {
                size_t i = 0;
                while (i < MD_TCP_MAX_CLIENTS && ep->clients[i] >= 0)
                    i++;
                if (i < MD_TCP_MAX_CLIENTS)
                    ep->clients[i] = c;
                else
                    close(c);
            }
        }
        for (size_t i = 0; i + 1 < n && i < MD_TCP_MAX_CLIENTS; i++) {
            if (ep->clients[i] < 0 || pfd[i + 1].revents == 0)
                continue;
            ssize_t r = read(ep->clients[i], buf, sizeof buf);
            if (r > 0)
                rx(arg, buf, (size_t)r);
            else if (r == 0)
                ep->eof_us[i] = md_real_us();
            else if (errno != EAGAIN && errno != EINTR)
                drop_client(ep, i);
        }
        return;
    }
    short ev = pfd[0].revents;
    if (pfd[0].fd < 0 || ev == 0)
        return;
    if (ev & POLLOUT)
        flush_outq(ep);
    if (ev & POLLIN) {
        /* Each chunk whole: the firmware drops a frame split by more than
         * t3.5, so pieces must not wait for one another. */
        for (;;) {
            ssize_t r = read(ep->fd, buf, sizeof buf);
            if (r > 0) {
                rx(arg, buf, (size_t)r);
                continue;
            }
            if (r < 0 && errno == EINTR)
                continue;
            break; /* EAGAIN, or EIO once the client has gone */
        }
    }
    if (ev & (POLLHUP | POLLERR)) {
        /* A pty without a client on the slave side (yet, or any more), a
         * serial adapter gone: never fatal, look again a little later. */
        ep->retry_us = md_real_us() + MD_PTY_RETRY_US;
    }
}

bool md_ep_drained(const md_endpoint *ep)
{
    if (ep->outq != NULL && ep->outq->len > 0)
        return false;
    /* A serial port: the kernel's queue too, so that tcdrain() before a
     * line change returns at once instead of holding the main loop. */
    int queued = 0;
    if (ep->kind == MD_EP_SERIAL && ep->fd >= 0 && ioctl(ep->fd, TIOCOUTQ, &queued) == 0)
        return queued == 0;
    return true;
}

void md_ep_write(md_endpoint *ep, const uint8_t *data, size_t len)
{
    if (len == 0 || ep->fd < 0)
        return;
    if (ep->kind == MD_EP_TCP) {
        for (size_t i = 0; i < MD_TCP_MAX_CLIENTS; i++) {
            if (ep->clients[i] < 0)
                continue;
            /* Answers are small; a client that cannot take one is gone. */
            if (send(ep->clients[i], data, len, MSG_NOSIGNAL) != (ssize_t)len)
                drop_client(ep, i);
        }
        return;
    }
    if (ep->outq->len + len > MD_EP_MAX_OUTQ) {
        if (!ep->dropping)
            fprintf(stderr,
                    "klefr-meterd: %s: the client reads no answers (%u bytes unread): "
                    "answers dropped until it does\n",
                    ep->name, MD_EP_MAX_OUTQ);
        ep->dropping = true;
        return;
    }
    ep->dropping = false;
    g_byte_array_append(ep->outq, data, (guint)len);
    flush_outq(ep);
}

static speed_t speed_of(uint32_t baud)
{
    switch (baud) {
    case 300: return B300;
    case 600: return B600;
    case 1200: return B1200;
    case 2400: return B2400;
    case 4800: return B4800;
    case 9600: return B9600;
    case 19200: return B19200;
    case 38400: return B38400;
    default: return B9600;
    }
}

void md_ep_set_line(md_endpoint *ep, const klefr_line *line)
{
    struct termios t;
    if (ep->kind != MD_EP_SERIAL || tcgetattr(ep->fd, &t) != 0)
        return;
    /* Let the answer that announced the change leave first. */
    tcdrain(ep->fd);
    t.c_cflag &= ~(tcflag_t)(CSIZE | PARENB | PARODD | CSTOPB);
    t.c_cflag |= line->data_bits == 7 ? CS7 : CS8;
    if (line->parity != KLEFR_PARITY_NONE)
        t.c_cflag |= PARENB | (line->parity == KLEFR_PARITY_ODD ? PARODD : 0);
    if (line->stop_bits == 2)
        t.c_cflag |= CSTOPB;
    cfsetispeed(&t, speed_of(line->baud));
    cfsetospeed(&t, speed_of(line->baud));
    tcsetattr(ep->fd, TCSANOW, &t);
}

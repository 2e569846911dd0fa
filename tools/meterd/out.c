/* SPDX-License-Identifier: MIT */
/* Output that never blocks the main loop: a bounded queue per peer,
 * written whenever the peer can take more. A peer that lets the queue
 * overflow has stopped reading; the caller drops it. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "meterd.h"

void md_out_init(md_out *o, int fd, size_t cap)
{
    *o = (md_out){.fd = fd, .cap = cap, .q = g_byte_array_new()};
}

void md_out_open_stdout(md_out *o)
{
    struct stat st;
    o->fd = -1;
    if (fstat(STDOUT_FILENO, &st) != 0)
        return; /* no stdout: replies go nowhere */
    o->fd = STDOUT_FILENO;
    if (S_ISSOCK(st.st_mode)) {
        o->socket = true; /* send(MSG_DONTWAIT) never blocks */
        return;
    }
    if (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode))
        return; /* files take what they are given */
    /* A pipe or terminal: a descriptor of our own with O_NONBLOCK, so that
     * the flag does not leak to the other users of stdout (the shell). */
    int fd = open("/proc/self/fd/1", O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd >= 0) {
        o->fd = fd;
        o->own_fd = true;
    } else {
        o->chunked = true;
    }
}

bool md_out_pending(const md_out *o)
{
    return o->fd >= 0 && !o->dead && o->q != NULL && o->q->len > 0;
}

static ssize_t put(md_out *o, const uint8_t *d, size_t n)
{
    if (o->socket)
        return send(o->fd, d, n, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (o->chunked) {
        /* A blocking descriptor: after POLLOUT a pipe takes PIPE_BUF bytes
         * without blocking. */
        struct pollfd p = {o->fd, POLLOUT, 0};
        if (poll(&p, 1, 0) != 1 || (p.revents & POLLOUT) == 0) {
            errno = EAGAIN;
            return -1;
        }
        if (n > PIPE_BUF)
            n = PIPE_BUF;
    }
    return write(o->fd, d, n);
}

bool md_out_flush(md_out *o)
{
    if (o->dead)
        return false;
    while (o->fd >= 0 && o->q->len > 0) {
        ssize_t w = put(o, o->q->data, o->q->len);
        if (w > 0) {
            g_byte_array_remove_range(o->q, 0, (guint)w);
            continue;
        }
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return true; /* POLLOUT brings us back */
        o->dead = true;  /* EPIPE, ECONNRESET: the peer is gone */
        g_byte_array_set_size(o->q, 0);
        return false;
    }
    return true;
}

bool md_out_write(md_out *o, const uint8_t *d, size_t n)
{
    if (o->dead)
        return false;
    if (o->fd < 0)
        return true; /* nobody to tell */
    if (o->q->len + n > o->cap) {
        o->dead = o->overflow = true;
        g_byte_array_set_size(o->q, 0);
        return false;
    }
    g_byte_array_append(o->q, d, (guint)n);
    return md_out_flush(o);
}

void md_out_drain(md_out *o, int timeout_ms)
{
    uint64_t until = md_real_us() + (uint64_t)timeout_ms * 1000u;
    while (md_out_pending(o) && md_out_flush(o) && md_out_pending(o)) {
        uint64_t now = md_real_us();
        if (now >= until)
            return;
        struct pollfd p = {o->fd, POLLOUT, 0};
        poll(&p, 1, (int)((until - now + 999) / 1000));
    }
}

void md_out_free(md_out *o)
{
    if (o->own_fd && o->fd >= 0)
        close(o->fd);
    o->fd = -1;
    o->own_fd = false;
    if (o->q != NULL)
        g_byte_array_free(o->q, TRUE);
    o->q = NULL;
}

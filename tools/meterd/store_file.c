/* SPDX-License-Identifier: MIT */
/* The persistent store (SPEC 8) as a file of KLEFR_FW_STORE_SIZE bytes.
 * Every write goes straight to the file with pwrite(): once it returns, the
 * kernel has the bytes, so a SIGKILL at any moment loses nothing that was
 * written; the firmware's two banks cover a write cut in the middle.
 * --fsync adds fdatasync() per write for power cuts of the host itself. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "meterd.h"

bool md_store_open(md_meter *m, const char *path, GError **error)
{
    m->store_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (m->store_fd < 0) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "store %s: %s", path,
                    g_strerror(errno));
        return false;
    }
    struct stat st;
    m->fresh = fstat(m->store_fd, &st) == 0 && st.st_size == 0;
    return true;
}

void md_store_close(md_meter *m)
{
    if (m->store_fd >= 0)
        close(m->store_fd);
    m->store_fd = -1;
}

int md_store_read(void *ctx, uint32_t offset, uint8_t *data, size_t len)
{
    md_meter *m = ctx;
    if ((size_t)offset + len > KLEFR_FW_STORE_SIZE)
        return -1;
    /* Without --store, or past the end of a new file: erased memory. */
    memset(data, 0xFF, len);
    if (m->store_fd < 0)
        return 0;
    size_t got = 0;
    while (got < len) {
        ssize_t r = pread(m->store_fd, data + got, len - got, (off_t)(offset + got));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            break; /* short file: the rest stays 0xFF */
        got += (size_t)r;
    }
    return 0;
}

int md_store_write(void *ctx, uint32_t offset, const uint8_t *data, size_t len)
{
    md_meter *m = ctx;
    if ((size_t)offset + len > KLEFR_FW_STORE_SIZE)
        return -1;
    if (m->store_fd < 0)
        return 0; /* no --store: a meter that forgets at exit */
    size_t done = 0;
    while (done < len) {
        ssize_t w = pwrite(m->store_fd, data + done, len - done, (off_t)(offset + done));
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        done += (size_t)w;
    }
    if (m->app->fsync && fdatasync(m->store_fd) != 0)
        return -1;
    return 0;
}

/* SPDX-License-Identifier: MIT */
/* The persistent store (SPEC 8) as a file of KLEFR_FW_STORE_SIZE bytes.
 * Every write goes straight to the file with pwrite(): once it returns, the
 * kernel has the bytes, so a SIGKILL at any moment loses nothing that was
 * written; the firmware's two banks cover a write cut in the middle.
 * --fsync adds fdatasync() per write for power cuts of the host itself. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "meterd.h"

/* A bank the firmware reads as erased: every byte 0x00, or every byte
 * 0xFF (past the end of a short file, md_store_read() gives 0xFF). */
static int bank_fill(const uint8_t *b)
{
    for (size_t i = 1; i < KLEFR_FW_STORE_BANK_SIZE; i++)
        if (b[i] != b[0])
            return -1;
    return b[0] == 0x00 || b[0] == 0xFF ? b[0] : -1;
}

bool md_store_open(md_meter *m, const char *path, md_store_found *found, GError **error)
{
    found->state = MD_STORE_PRESENT;
    m->store_fd = open(path, O_RDWR | O_CLOEXEC);
    if (m->store_fd < 0 && errno == ENOENT) {
        found->state = MD_STORE_MISSING;
        m->store_fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    }
    if (m->store_fd < 0) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "store %s: %s", path,
                    g_strerror(errno));
        return false;
    }
    struct stat st;
    bool have_size = fstat(m->store_fd, &st) == 0;
    if (found->state == MD_STORE_PRESENT && have_size && st.st_size == 0)
        found->state = MD_STORE_EMPTY;
    if (found->state != MD_STORE_PRESENT)
        return true;
    found->len = have_size && st.st_size < (off_t)KLEFR_FW_STORE_SIZE ? (size_t)st.st_size
                                                                      : KLEFR_FW_STORE_SIZE;
    if (md_store_read(m, 0, found->image, KLEFR_FW_STORE_SIZE) != KLEFR_OK) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "store %s: %s", path,
                    g_strerror(errno));
        return false;
    }
    int f0 = bank_fill(found->image), f1 = bank_fill(found->image + KLEFR_FW_STORE_BANK_SIZE);
    if (f0 >= 0 && f1 >= 0) {
        found->state = MD_STORE_BLANK;
        found->fill = (uint8_t)(f0 == f1 ? f0 : 0x0F);
    }
    return true;
}

/* After an Err 01 boot: the unreadable contents go to PATH.corrupt (or
 * PATH.corrupt.N), before the firmware's saves overwrite them. */
static bool keep_corrupt(const char *path, const md_store_found *found, gchar **kept)
{
    for (unsigned i = 0; i < 100; i++) {
        gchar *p = i == 0 ? g_strdup_printf("%s.corrupt", path)
                          : g_strdup_printf("%s.corrupt.%u", path, i);
        int fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0 && errno == EEXIST) {
            g_free(p);
            continue;
        }
        bool ok = fd >= 0 && write(fd, found->image, found->len) == (ssize_t)found->len;
        if (fd >= 0)
            close(fd);
        if (ok) {
            *kept = p;
            return true;
        }
        g_free(p);
        return false;
    }
    return false;
}

static const char new_meter[] = "a new meter with factory settings and counters at zero";

void md_store_report(const md_meter *m, const char *path, const md_store_found *found,
                     bool unrecoverable)
{
    unsigned n = m->index;
    switch (found->state) {
    case MD_STORE_MISSING:
        fprintf(stderr, "klefr-meterd: meter %u: store %s did not exist (created): %s\n", n, path,
                new_meter);
        return;
    case MD_STORE_EMPTY:
        fprintf(stderr, "klefr-meterd: meter %u: store %s is empty: %s\n", n, path, new_meter);
        return;
    case MD_STORE_BLANK:
        fprintf(stderr,
                "klefr-meterd: meter %u: store %s is blank (%s): no record in it, %s; error code "
                "0, so a meter whose store was wiped looks like a new one\n",
                n, path,
                found->fill == 0xFF   ? "all 0xFF"
                : found->fill == 0x00 ? "all 0x00"
                                      : "each bank all 0x00 or all 0xFF",
                new_meter);
        return;
    case MD_STORE_PRESENT: break;
    default: return;
    }
    if (!unrecoverable)
        return;
    gchar *kept = NULL;
    bool ok = keep_corrupt(path, found, &kept);
    fprintf(stderr,
            "klefr-meterd: meter %u: store %s is corrupt: neither bank holds a valid record; "
            "Err 01 (error code 1), factory settings, counters from zero; %s%s\n",
            n, path, ok ? "the old contents are kept in " : "the old contents could not be kept",
            ok ? kept : "");
    g_free(kept);
}

void md_store_close(md_meter *m)
{
    if (m->store_fd >= 0)
        close(m->store_fd);
    m->store_fd = -1;
}

klefr_err md_store_read(void *ctx, uint32_t offset, uint8_t *data, size_t len)
{
    md_meter *m = ctx;
    if ((size_t)offset + len > KLEFR_FW_STORE_SIZE)
        return KLEFR_ERR_INVALID_ARG;
    /* Without --store, or past the end of a new file: erased memory. */
    memset(data, 0xFF, len);
    if (m->store_fd < 0)
        return KLEFR_OK;
    size_t got = 0;
    while (got < len) {
        ssize_t r = pread(m->store_fd, data + got, len - got, (off_t)(offset + got));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return KLEFR_ERR_IO;
        if (r == 0)
            break; /* short file: the rest stays 0xFF */
        got += (size_t)r;
    }
    return KLEFR_OK;
}

klefr_err md_store_write(void *ctx, uint32_t offset, const uint8_t *data, size_t len)
{
    md_meter *m = ctx;
    if ((size_t)offset + len > KLEFR_FW_STORE_SIZE)
        return KLEFR_ERR_INVALID_ARG;
    if (m->store_fd < 0)
        return KLEFR_OK; /* no --store: a meter that forgets at exit */
    size_t done = 0;
    while (done < len) {
        ssize_t w = pwrite(m->store_fd, data + done, len - done, (off_t)(offset + done));
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return KLEFR_ERR_IO;
        done += (size_t)w;
    }
    if (m->app->fsync && fdatasync(m->store_fd) != 0)
        return KLEFR_ERR_IO;
    return KLEFR_OK;
}

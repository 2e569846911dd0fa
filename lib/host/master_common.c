/* SPDX-License-Identifier: MIT */
/* The calls every master has, done once: open and close, the options by
 * their size (doc/api-conventions.md, ABI), get and set. What differs is
 * in each master's host_master_kind. */
#define _POSIX_C_SOURCE 200809L
#include "host/master_common.h"

#include <stdlib.h>
#include <string.h>

/* Room for any master's options. */
typedef union host_options {
    max_align_t align;
    unsigned char bytes[HOST_OPTIONS_MAX];
} host_options;

bool host_options_init(void *opts, size_t size)
{
    if (opts == NULL)
        return false;
    host_common_options common = {.size = size, .retries = 2};
    memset(opts, 0, size);
    memcpy(opts, &common, sizeof common);
    return true;
}

static size_t size_of(const void *opts)
{
    size_t size;
    memcpy(&size, opts, sizeof size);
    return size;
}

/* The caller's options at opts (NULL: none) over the defaults, into o:
 * only the fields within the caller's size. A size below that of 0.2.0 is
 * not a struct from _options_init(). */
static klefr_err take(const host_master_kind *kind, const void *opts, host_options *o)
{
    kind->init(o->bytes);
    if (opts != NULL) {
        size_t size = size_of(opts);
        if (size < kind->options_min)
            return KLEFR_ERR_INVALID_ARG;
        memcpy(o->bytes, opts, size < kind->options_size ? size : kind->options_size);
        memcpy(o->bytes, &kind->options_size, sizeof kind->options_size);
    }
    return kind->check(o->bytes);
}

static void *new_master(size_t size, klefr_io *io)
{
    host_master *m = calloc(1, size);
    if (m == NULL)
        return NULL;
    pthread_mutexattr_t attr;
    int rc = pthread_mutexattr_init(&attr);
    if (rc == 0) {
        pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
        rc = pthread_mutex_init(&m->lock, &attr);
        pthread_mutexattr_destroy(&attr);
    }
    if (rc != 0) {
        free(m);
        return NULL;
    }
    m->io = io;
    return m;
}

static void free_master(host_master *m)
{
    pthread_mutex_destroy(&m->lock);
    free(m);
}

klefr_err host_master_open(const host_master_kind *kind, klefr_io *io, const void *opts, void **out)
{
    host_options o;
    if (io == NULL || io->ops == NULL || take(kind, opts, &o) != KLEFR_OK)
        return KLEFR_ERR_INVALID_ARG;
    host_master *m = new_master(kind->master_size, io);
    if (m == NULL)
        return KLEFR_ERR_NO_MEMORY;
    klefr_err err = kind->apply(m, o.bytes, true);
    if (err != KLEFR_OK) {
        free_master(m);
        return err;
    }
    *out = m;
    return KLEFR_OK;
}

void host_master_close(const host_master_kind *kind, void *master)
{
    if (master == NULL)
        return;
    if (kind->release != NULL)
        kind->release(master);
    free_master(master);
}

klefr_err host_master_get_options(const host_master_kind *kind, void *master, void *opts)
{
    if (master == NULL || opts == NULL || size_of(opts) < kind->options_min)
        return KLEFR_ERR_INVALID_ARG;
    host_master *m = master;
    host_options o;
    kind->init(o.bytes);
    pthread_mutex_lock(&m->lock);
    kind->in_force(m, o.bytes);
    pthread_mutex_unlock(&m->lock);
    /* No more than the caller's size; its size stays. */
    size_t size = size_of(opts);
    size_t n = size < kind->options_size ? size : kind->options_size;
    memcpy((unsigned char *)opts + sizeof size, o.bytes + sizeof size, n - sizeof size);
    return KLEFR_OK;
}

klefr_err host_master_set_options(const host_master_kind *kind, void *master, const void *opts)
{
    host_options o;
    if (master == NULL || opts == NULL || take(kind, opts, &o) != KLEFR_OK)
        return KLEFR_ERR_INVALID_ARG;
    host_master *m = master;
    pthread_mutex_lock(&m->lock);
    klefr_err err = kind->apply(m, o.bytes, false);
    pthread_mutex_unlock(&m->lock);
    return err;
}

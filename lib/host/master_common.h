/* SPDX-License-Identifier: MIT */
/* What the three masters have alike (internal): the part of their state
 * every master has, and the calls of klefr/master.h, written once
 * (master_common.c) with what differs in a host_master_kind. */
#ifndef KLEFR_HOST_MASTER_COMMON_H
#define KLEFR_HOST_MASTER_COMMON_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include <klefr/error.h>
#include <klefr/io.h>
#include <klefr/line.h>
#include <klefr/master.h>

/* The first member of every master. */
typedef struct host_master {
    klefr_io *io;         /* the transport given to open */
    pthread_mutex_t lock; /* recursive: a caller holding it can still call */
    klefr_master_stats stats;
} host_master;

/* The fields every master's options start with, in this order
 * (klefr/master.h); HOST_MASTER() checks each options struct against it. */
typedef struct host_common_options {
    size_t size;
    klefr_line line;
    uint32_t response_timeout_ms;
    uint32_t interchar_timeout_ms;
    uint32_t turnaround_ms;
    unsigned retries;
    const klefr_clock *clock;
} host_common_options;

/* Clear options of size bytes to the common defaults (2 retries, the rest
 * 0) and set their size. False for NULL. */
bool host_options_init(void *opts, size_t size);

/* What the common calls need to know of one kind of master. Its options
 * struct starts with size_t size and is at most HOST_OPTIONS_MAX bytes. */
typedef struct host_master_kind {
    size_t master_size;
    size_t options_size; /* sizeof its options */
    size_t options_min;  /* the options of 0.2.0, up to their last field */
    void (*init)(void *opts);
    /* The caller's options over the defaults: refuse what is wrong, fill
     * the defaults a 0 stands for where they do not depend on the line. */
    klefr_err (*check)(void *opts);
    /* Put checked options in force: at open (opening, the master zeroed but
     * for its host_master), or later with the lock held. An error at open
     * leaves nothing to undo. */
    klefr_err (*apply)(void *master, const void *opts, bool opening);
    /* The options in force, derived values filled in (lock held). */
    void (*in_force)(void *master, void *opts);
    /* Free what the master holds besides itself; NULL: nothing. */
    void (*release)(void *master);
} host_master_kind;

#define HOST_OPTIONS_MAX 128u

klefr_err host_master_open(const host_master_kind *kind, klefr_io *io, const void *opts,
                           void **out);
void host_master_close(const host_master_kind *kind, void *master);
klefr_err host_master_get_options(const host_master_kind *kind, void *master, void *opts);
klefr_err host_master_set_options(const host_master_kind *kind, void *master, const void *opts);

/* The common calls of klefr/master.h for klefr_<proto>_master, whose
 * first member `base` is a host_master, described by `kind`. */
#define HOST_MASTER_CALLS(proto, kind)                                                          \
    klefr_err klefr_##proto##_master_open(                                                      \
        klefr_io *io, const klefr_##proto##_master_options *opts, klefr_##proto##_master **out) \
    {                                                                                           \
        void *m;                                                                                \
        klefr_err err =                                                                         \
            out != NULL ? host_master_open(&(kind), io, opts, &m) : KLEFR_ERR_INVALID_ARG;      \
        if (err == KLEFR_OK)                                                                    \
            *out = m;                                                                           \
        return err;                                                                             \
    }                                                                                           \
    void klefr_##proto##_master_close(klefr_##proto##_master *m)                                \
    {                                                                                           \
        host_master_close(&(kind), m);                                                          \
    }                                                                                           \
    klefr_err klefr_##proto##_master_get_options(klefr_##proto##_master *m,                     \
                                                 klefr_##proto##_master_options *opts)          \
    {                                                                                           \
        return host_master_get_options(&(kind), m, opts);                                       \
    }                                                                                           \
    klefr_err klefr_##proto##_master_set_options(klefr_##proto##_master *m,                     \
                                                 const klefr_##proto##_master_options *opts)    \
    {                                                                                           \
        return host_master_set_options(&(kind), m, opts);                                       \
    }                                                                                           \
    klefr_io *klefr_##proto##_master_get_io(klefr_##proto##_master *m)                          \
    {                                                                                           \
        return m != NULL ? m->base.io : NULL;                                                   \
    }                                                                                           \
    void klefr_##proto##_master_lock(klefr_##proto##_master *m)                                 \
    {                                                                                           \
        if (m != NULL)                                                                          \
            pthread_mutex_lock(&m->base.lock);                                                  \
    }                                                                                           \
    void klefr_##proto##_master_unlock(klefr_##proto##_master *m)                               \
    {                                                                                           \
        if (m != NULL)                                                                          \
            pthread_mutex_unlock(&m->base.lock);                                                \
    }                                                                                           \
    void klefr_##proto##_master_get_stats(klefr_##proto##_master *m, klefr_master_stats *out)   \
    {                                                                                           \
        if (m == NULL || out == NULL)                                                           \
            return;                                                                             \
        pthread_mutex_lock(&m->base.lock);                                                      \
        *out = m->base.stats;                                                                   \
        pthread_mutex_unlock(&m->base.lock);                                                    \
    }

/* The kind and the common calls of klefr_<proto>_master, whose options in
 * force are its member `o`, with check_options() and apply_options() of
 * the file (see host_master_kind); last_field is the options' last field
 * of 0.2.0, release_fn what frees the rest (or NULL). */
#define HOST_MASTER(proto, last_field, release_fn)                                             \
    static void proto##_options_init(void *opts)                                               \
    {                                                                                          \
        klefr_##proto##_master_options_init(opts);                                             \
    }                                                                                          \
    static void proto##_options_in_force(void *master, void *opts)                             \
    {                                                                                          \
        *(klefr_##proto##_master_options *)opts = ((const klefr_##proto##_master *)master)->o; \
    }                                                                                          \
    _Static_assert(sizeof(klefr_##proto##_master_options) <= HOST_OPTIONS_MAX,                 \
                   "options too long");                                                        \
    _Static_assert(offsetof(klefr_##proto##_master_options, retries) ==                        \
                           offsetof(host_common_options, retries) &&                           \
                       offsetof(klefr_##proto##_master_options, clock) ==                      \
                           offsetof(host_common_options, clock),                               \
                   "the common option fields come first");                                     \
    static const host_master_kind proto##_kind = {                                             \
        sizeof(klefr_##proto##_master),                                                        \
        sizeof(klefr_##proto##_master_options),                                                \
        HOST_OPTIONS_MIN(klefr_##proto##_master_options, last_field),                          \
        proto##_options_init,                                                                  \
        check_options,                                                                         \
        apply_options,                                                                         \
        proto##_options_in_force,                                                              \
        release_fn,                                                                            \
    };                                                                                         \
    HOST_MASTER_CALLS(proto, proto##_kind)

/* The size of an option struct up to and including its last 0.2 field. */
#define HOST_OPTIONS_MIN(type, last_field) \
    (offsetof(type, last_field) + sizeof(((type *)0)->last_field))

#endif

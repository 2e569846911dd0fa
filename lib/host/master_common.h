/* SPDX-License-Identifier: MIT */
/* What the three masters do alike with their options and their lock
 * (internal). Option structs start with `size_t size`: the library reads
 * only what fits in the caller's size and keeps its defaults for the rest
 * (doc/api-conventions.md, ABI). */
#ifndef KLEFR_HOST_MASTER_COMMON_H
#define KLEFR_HOST_MASTER_COMMON_H

#include <pthread.h>
#include <stddef.h>
#include <string.h>

#include <klefr/error.h>

/* Copy the caller's options at src over the defaults at dst (lib_size
 * bytes, the struct as this library knows it): the fields within the
 * caller's size. A size below min_size (the struct of 0.2.0) is not an
 * initialised struct. */
static inline klefr_err host_options_take(void *dst, size_t lib_size, const void *src,
                                          size_t min_size)
{
    size_t size;
    memcpy(&size, src, sizeof size);
    if (size < min_size)
        return KLEFR_ERR_INVALID_ARG;
    memcpy(dst, src, size < lib_size ? size : lib_size);
    memcpy(dst, &lib_size, sizeof lib_size);
    return KLEFR_OK;
}

/* Give the caller the options at src (lib_size bytes): the fields within
 * its size; its size stays. */
static inline klefr_err host_options_give(void *dst, const void *src, size_t lib_size,
                                          size_t min_size)
{
    size_t size;
    memcpy(&size, dst, sizeof size);
    if (size < min_size)
        return KLEFR_ERR_INVALID_ARG;
    size_t n = size < lib_size ? size : lib_size;
    memcpy((unsigned char *)dst + sizeof size, (const unsigned char *)src + sizeof size,
           n - sizeof size);
    return KLEFR_OK;
}

/* The size of an option struct up to and including its last 0.2 field. */
#define HOST_OPTIONS_MIN(type, last_field) \
    (offsetof(type, last_field) + sizeof(((type *)0)->last_field))

/* A master's lock: recursive, so that a caller holding the bus with
 * _lock() can still make calls, each of which takes it again. */
static inline klefr_err host_lock_init(pthread_mutex_t *lock)
{
    pthread_mutexattr_t attr;
    if (pthread_mutexattr_init(&attr) != 0)
        return KLEFR_ERR_NO_MEMORY;
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    int rc = pthread_mutex_init(lock, &attr);
    pthread_mutexattr_destroy(&attr);
    return rc == 0 ? KLEFR_OK : KLEFR_ERR_NO_MEMORY;
}

#endif

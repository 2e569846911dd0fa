/* SPDX-License-Identifier: MIT */
/* Wrong-password counting and lockout for programming mode (SPEC 6). */
#include <klefr/iec62056.h>

void klefr_iec_lockout_init(klefr_iec_lockout *l, uint8_t max_failures, uint32_t lock_ms)
{
    if (l == NULL)
        return;
    l->failures = 0;
    l->max_failures = max_failures != 0 ? max_failures : 3u;
    l->locked = false;
    l->lock_ms = lock_ms;
    l->locked_until_ms = 0;
}

uint32_t klefr_iec_lockout_update(klefr_iec_lockout *l, uint32_t now_ms)
{
    if (l == NULL || !l->locked)
        return 0;
    if (klefr_iec_time_is_reached(now_ms, l->locked_until_ms)) {
        l->locked = false;
        l->failures = 0;
        return 0;
    }
    return l->locked_until_ms - now_ms;
}

bool klefr_iec_lockout_is_locked(const klefr_iec_lockout *l, uint32_t now_ms)
{
    return l != NULL && l->locked && !klefr_iec_time_is_reached(now_ms, l->locked_until_ms);
}

klefr_err klefr_iec_lockout_attempt(klefr_iec_lockout *l, bool correct, uint32_t now_ms)
{
    if (l == NULL)
        return KLEFR_ERR_INVALID_ARG;
    if (klefr_iec_lockout_update(l, now_ms) != 0)
        return KLEFR_ERR_LOCKED;
    if (correct) {
        l->failures = 0;
        return KLEFR_OK;
    }
    if (l->failures < 255u)
        l->failures++;
    if (l->failures >= l->max_failures) {
        l->locked = true;
        l->locked_until_ms = now_ms + l->lock_ms;
    }
    return KLEFR_ERR_ACCESS_DENIED;
}

uint32_t klefr_iec_lockout_remaining_ms(const klefr_iec_lockout *l, uint32_t now_ms)
{
    if (!klefr_iec_lockout_is_locked(l, now_ms))
        return 0;
    return l->locked_until_ms - now_ms;
}

void klefr_iec_lockout_restore(klefr_iec_lockout *l, uint8_t failures, uint32_t remaining_ms,
                               uint32_t now_ms)
{
    if (l == NULL)
        return;
    if (remaining_ms > l->lock_ms)
        remaining_ms = l->lock_ms;
    l->locked = remaining_ms > 0;
    l->locked_until_ms = now_ms + remaining_ms;
    if (l->locked)
        l->failures = failures > l->max_failures ? failures : l->max_failures;
    else
        l->failures = failures < l->max_failures ? failures : 0; /* its lock ran out */
}

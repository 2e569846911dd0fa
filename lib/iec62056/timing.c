/* SPDX-License-Identifier: MIT */
/* Mode C timing (IEC 62056-21, 6.3.14 and annex; SPEC section 6). */
#include <klefr/iec62056.h>

void klefr_iec_timing_init(klefr_iec_timing *t)
{
    if (t == NULL)
        return;
    t->reaction_min_ms = KLEFR_IEC_REACTION_MIN_MS;
    t->reaction_max_ms = KLEFR_IEC_REACTION_MAX_MS;
    t->interchar_ms = KLEFR_IEC_INTERCHAR_TIMEOUT_MS;
    t->baud_switch_ms = KLEFR_IEC_BAUD_SWITCH_DELAY_MS;
}

bool klefr_iec_time_is_reached(uint32_t now_ms, uint32_t deadline_ms)
{
    /* Signed difference: correct across the 2^32 wrap for spans < 2^31. */
    return (uint32_t)(now_ms - deadline_ms) < 0x80000000u;
}

static const klefr_iec_timing *or_default(const klefr_iec_timing *t, klefr_iec_timing *tmp)
{
    if (t != NULL)
        return t;
    klefr_iec_timing_init(tmp);
    return tmp;
}

uint32_t klefr_iec_reply_earliest_ms(const klefr_iec_timing *t, uint32_t last_rx_ms)
{
    klefr_iec_timing tmp;
    return last_rx_ms + or_default(t, &tmp)->reaction_min_ms;
}

uint32_t klefr_iec_reply_deadline_ms(const klefr_iec_timing *t, uint32_t last_rx_ms)
{
    klefr_iec_timing tmp;
    return last_rx_ms + or_default(t, &tmp)->reaction_max_ms;
}

bool klefr_iec_interchar_is_expired(const klefr_iec_timing *t, uint32_t last_char_ms,
                                    uint32_t now_ms)
{
    klefr_iec_timing tmp;
    return (uint32_t)(now_ms - last_char_ms) > or_default(t, &tmp)->interchar_ms &&
           klefr_iec_time_is_reached(now_ms, last_char_ms);
}

uint32_t klefr_iec_baud_switch_ready_ms(const klefr_iec_timing *t, uint32_t ack_end_ms)
{
    klefr_iec_timing tmp;
    const klefr_iec_timing *p = or_default(t, &tmp);
    uint32_t wait = p->baud_switch_ms > p->reaction_min_ms ? p->baud_switch_ms : p->reaction_min_ms;
    return ack_end_ms + wait;
}

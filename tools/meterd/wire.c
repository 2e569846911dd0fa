/* SPDX-License-Identifier: MIT */
/* The shared line seen from the meters' side. Untimed, each answer goes
 * out whole, at once, one after another: no wire time is simulated, so a
 * line change (ID, baud, parity) takes effect right after its answer.
 * Timed (--baud-timing), the line is a grid of character slots at the
 * first sender's character time; every sender's byte k lands in the slot
 * where its start bit falls. One sender is one UART: its bytes leave one
 * after another, so an answer it starts while its last one is still going
 * out queues behind it. Bytes of two senders in one slot collide. A
 * collision is rendered as the AND of the bytes: on M-Bus a slave signals
 * a 0 bit by drawing current, so 0 wins; on RS-485 the result is undefined
 * anyway, and AND garbles the CRC just as well. */
#include <string.h>

#include "meterd.h"

void md_wire_init(md_wire *w, md_endpoint *ep, bool timed)
{
    memset(w, 0, sizeof *w);
    w->ep = ep;
    w->timed = timed;
    w->slot = g_byte_array_new();
    w->used = g_byte_array_new();
}

void md_wire_free(md_wire *w)
{
    if (w->slot != NULL)
        g_byte_array_free(w->slot, TRUE);
    if (w->used != NULL)
        g_byte_array_free(w->used, TRUE);
    w->slot = w->used = NULL;
}

/* Timed: every character slot has passed and been handed on. */
static bool slots_done(const md_wire *w, uint64_t now_us)
{
    return now_us >= w->busy_end && w->sent >= w->slot->len;
}

bool md_wire_idle(const md_wire *w, uint64_t now_us)
{
    return (!w->timed || slots_done(w, now_us)) && md_ep_drained(w->ep);
}

/* Slot k holds byte @p b of one more sender. */
static void put_slot(md_wire *w, size_t k, uint8_t b)
{
    if (k >= w->slot->len) {
        size_t old = w->slot->len;
        g_byte_array_set_size(w->slot, (guint)(k + 1));
        g_byte_array_set_size(w->used, (guint)(k + 1));
        memset(w->slot->data + old, 0, k + 1 - old);
        memset(w->used->data + old, 0, k + 1 - old);
    }
    if (w->used->data[k] == 0) {
        w->slot->data[k] = b;
        w->used->data[k] = 1;
        return;
    }
    w->slot->data[k] &= b;
    if (w->used->data[k] == 1)
        w->collisions++;
    w->used->data[k] = 2;
}

void md_wire_send(md_wire *w, md_wire_tx *tx, const klefr_line *line, const uint8_t *d, size_t n,
                  uint64_t now_us)
{
    uint32_t c = klefr_line_char_time_us(line);
    if (c == 0)
        c = 1;
    if (!w->timed) {
        md_ep_write(w->ep, d, n);
        return;
    }
    if (slots_done(w, now_us)) {
        /* A new grid (a slow reader of the endpoint does not matter here). */
        g_byte_array_set_size(w->slot, 0);
        g_byte_array_set_size(w->used, 0);
        w->sent = 0;
        w->grid_us = now_us;
        w->char_us = c;
        w->grid++;
    }
    /* The UART starts this answer once its last byte has left. */
    uint64_t start = now_us > tx->end_us ? now_us : tx->end_us;
    size_t next = tx->grid == w->grid ? tx->next_slot : 0;
    for (size_t j = 0; j < n; j++) {
        uint64_t t = start + (uint64_t)j * c;
        size_t k = (size_t)((t - w->grid_us) / w->char_us);
        if (k < w->sent)
            k = w->sent; /* cannot change what has left */
        if (k < next)
            k = next; /* after this sender's previous byte */
        put_slot(w, k, d[j]);
        next = k + 1;
    }
    tx->next_slot = next;
    tx->grid = w->grid;
    uint64_t end = w->grid_us + (uint64_t)next * w->char_us;
    uint64_t own = start + (uint64_t)n * c;
    tx->end_us = end > own ? end : own;
    end = w->grid_us + (uint64_t)w->slot->len * w->char_us;
    if (end > w->busy_end)
        w->busy_end = end;
}

void md_wire_run(md_wire *w, uint64_t now_us)
{
    if (!w->timed || w->sent >= w->slot->len)
        return;
    uint8_t out[512];
    size_t n = 0;
    while (w->sent < w->slot->len && now_us >= w->grid_us + (uint64_t)(w->sent + 1) * w->char_us) {
        if (w->used->data[w->sent] != 0)
            out[n++] = w->slot->data[w->sent];
        w->sent++;
        if (n == sizeof out) {
            md_ep_write(w->ep, out, n);
            n = 0;
        }
    }
    md_ep_write(w->ep, out, n);
}

int md_wire_timeout_ms(const md_wire *w, uint64_t now_us)
{
    if (!w->timed || w->sent >= w->slot->len)
        return -1;
    uint64_t due = w->grid_us + (uint64_t)(w->sent + 1) * w->char_us;
    return due <= now_us ? 0 : (int)((due - now_us + 999) / 1000);
}

/* SPDX-License-Identifier: MIT */
/* M-Bus bus scans: primary addresses one by one, and the secondary
 * wildcard search that narrows digit by digit where answers collide. */
#include <string.h>

#include "host/mbus_master_internal.h"

/* A collision or noise: something answered, but not one clean frame. */
static bool something_answered(klefr_err err)
{
    return err == KLEFR_ERR_CHECKSUM || err == KLEFR_ERR_FRAME || err == KLEFR_ERR_TRUNCATED ||
           err == KLEFR_ERR_UNEXPECTED || err == KLEFR_ERR_TRAILING_DATA;
}

/* SND_NKE to a, no retries, under the lock (other threads may use the bus
 * between two addresses). */
static klefr_err nke_probe(klefr_mbus_master *m, uint8_t a, bool *busy)
{
    pthread_mutex_lock(&m->base.lock);
    klefr_err err = klefr_mbus_master_snd_nke_locked(m, a, MBUS_EXPECT_ACK, 0);
    *busy = m->line_busy;
    pthread_mutex_unlock(&m->base.lock);
    return err;
}

klefr_err klefr_mbus_master_scan_primary(klefr_mbus_master *m, uint8_t first, uint8_t last,
                                         klefr_mbus_scan_cb progress, void *user, uint8_t *found,
                                         size_t cap, size_t *count)
{
    if (m == NULL || count == NULL || (found == NULL && cap > 0) || first > last ||
        last > KLEFR_MBUS_ADDR_PRIMARY_MAX)
        return KLEFR_ERR_INVALID_ARG;
    *count = 0;
    klefr_err result = KLEFR_OK;
    for (unsigned a = first; a <= last; a++) {
        bool busy = false;
        klefr_err err = nke_probe(m, (uint8_t)a, &busy);
        /* An E5 names no address: a late one from the address before could
         * pass for an answer of this one. Only an address that answers
         * twice counts (the late slave does not answer a frame to another
         * address). */
        if (!busy && (err == KLEFR_OK || something_answered(err)))
            err = nke_probe(m, (uint8_t)a, &busy);
        if (err == KLEFR_ERR_IO)
            return err;
        if (busy) {
            /* Bytes without a pause: noise or a stream, not slaves. */
            if (progress != NULL)
                (void)progress(user, (uint8_t)a, false, err);
            return KLEFR_ERR_FRAME;
        }
        bool hit = err == KLEFR_OK || something_answered(err);
        if (hit) {
            if (*count < cap)
                found[*count] = (uint8_t)a;
            else
                result = KLEFR_ERR_BUFFER_TOO_SMALL;
            (*count)++;
        }
        if (progress != NULL && !progress(user, (uint8_t)a, hit, err))
            break;
    }
    return result;
}

typedef struct search {
    klefr_mbus_master *m;
    klefr_mbus_selection sel; /* manufacturer, version, medium of the base */
    klefr_mbus_search_cb progress;
    void *user;
    klefr_mbus_identity *found;
    size_t cap, count;
    unsigned collisions; /* selections that collided */
    unsigned duplicates; /* full numbers that collided (two slaves, one number) */
    bool stop;
    klefr_err io_err; /* stops the search: transport failed, or not slaves */
} search;

/* Collisions come from slaves: a search that has found n of them can have
 * met at most 8 per slave on the way (one per digit) plus the digits above
 * the next. More than that (capped duplicates counted) is a line answering
 * with noise, which would otherwise be narrowed to 10^8 selections. */
static bool too_many_collisions(const search *s)
{
    unsigned dups = s->duplicates < 8 ? s->duplicates : 8;
    return s->collisions > 8u * ((unsigned)s->count + dups + 2u);
}

/* Index (0 = most significant) of the first wildcard digit, or -1. */
static int first_wildcard(uint32_t pattern)
{
    for (int i = 0; i < 8; i++)
        if (((pattern >> (28 - 4 * i)) & 0xFu) == 0xFu)
            return i;
    return -1;
}

/* Select pattern; on one clean E5 confirm with REQ_UD2 to FD and read the
 * identity from the RSP_UD header. */
static klefr_mbus_probe probe(search *s, uint32_t pattern, klefr_mbus_identity *id)
{
    klefr_mbus_master *m = s->m;
    klefr_mbus_selection sel = s->sel;
    sel.id_pattern = pattern;
    uint8_t tx[32];
    size_t len;
    if (klefr_mbus_selection_encode(&sel, false, tx, sizeof tx, &len) != KLEFR_OK)
        return KLEFR_MBUS_PROBE_ERROR;
    pthread_mutex_lock(&m->base.lock);
    /* Strict: wait for the line to go quiet after the E5; a second E5,
     * noise or any other frame is a collision. No retries: a collision
     * would only repeat. */
    klefr_err err = klefr_mbus_master_exchange_locked(
        m, tx, len, MBUS_EXPECT_ACK, KLEFR_MBUS_ADDR_SECONDARY, 0, true, NULL, 0, NULL);
    klefr_mbus_probe out;
    if (err == KLEFR_ERR_TIMEOUT) {
        out = KLEFR_MBUS_PROBE_NONE;
    } else if (err != KLEFR_OK) {
        out = KLEFR_MBUS_PROBE_COLLISION;
    } else {
        klefr_mbus_master_fcb_reset(m, KLEFR_MBUS_ADDR_SECONDARY);
        uint8_t rsp[KLEFR_MBUS_FRAME_MAX];
        size_t rsp_len;
        err = klefr_mbus_master_req_ud2_locked(m, KLEFR_MBUS_ADDR_SECONDARY, 0, true, rsp,
                                               sizeof rsp, &rsp_len);
        klefr_mbus_frame fr;
        klefr_mbus_header hdr;
        out = KLEFR_MBUS_PROBE_COLLISION;
        if (err == KLEFR_OK && klefr_mbus_frame_decode(rsp, rsp_len, &fr) == KLEFR_OK &&
            klefr_mbus_header_decode(fr.ci, fr.data, fr.data_len, &hdr, NULL) == KLEFR_OK &&
            hdr.ci == KLEFR_MBUS_CI_RSP_LONG && hdr.id_valid) {
            *id = (klefr_mbus_identity){hdr.id, hdr.manufacturer, hdr.version, hdr.medium};
            /* An answer that does not match what was selected came from
             * a slave that did not hear the selection right. */
            if (klefr_mbus_selection_match(&sel, id))
                out = KLEFR_MBUS_PROBE_FOUND;
        }
    }
    bool busy = m->line_busy;
    pthread_mutex_unlock(&m->base.lock);
    if (err == KLEFR_ERR_IO)
        s->io_err = err;
    else if (busy)
        s->io_err = KLEFR_ERR_FRAME; /* bytes without a pause: not slaves */
    if (out == KLEFR_MBUS_PROBE_COLLISION) {
        s->collisions++;
        if (first_wildcard(pattern) < 0)
            s->duplicates++;
        if (too_many_collisions(s))
            s->io_err = KLEFR_ERR_FRAME;
    }
    return out;
}

static void record(search *s, const klefr_mbus_identity *id)
{
    for (size_t i = 0; i < s->count && i < s->cap; i++)
        if (memcmp(&s->found[i], id, sizeof *id) == 0)
            return; /* seen already (a narrower pattern found it again) */
    if (s->count < s->cap)
        s->found[s->count] = *id;
    s->count++;
}

static void report(search *s, uint32_t pattern, klefr_mbus_probe outcome,
                   const klefr_mbus_identity *id)
{
    if (s->progress != NULL && !s->progress(s->user, pattern, outcome, id))
        s->stop = true;
}

/* The bus answered `pattern` with a collision: fix its first wildcard digit
 * to each of 0-9 in turn (EN 13757-3, annex: wildcard search). */
static void narrow(search *s, uint32_t pattern)
{
    int pos = first_wildcard(pattern);
    if (pos < 0) {
        report(s, pattern, KLEFR_MBUS_PROBE_ERROR, NULL);
        return;
    }
    unsigned shift = 28u - 4u * (unsigned)pos;
    unsigned duplicates = 0;
    for (uint32_t d = 0; d <= 9 && !s->stop && s->io_err == KLEFR_OK; d++) {
        uint32_t p = (pattern & ~(0xFu << shift)) | (d << shift);
        klefr_mbus_identity id;
        klefr_mbus_probe outcome = probe(s, p, &id);
        if (s->io_err != KLEFR_OK)
            return;
        if (outcome == KLEFR_MBUS_PROBE_COLLISION && first_wildcard(p) < 0) {
            outcome = KLEFR_MBUS_PROBE_ERROR;
            /* Ten numbers in a row each held by two slaves: noise. */
            if (++duplicates == 10)
                s->io_err = KLEFR_ERR_FRAME;
        }
        if (outcome == KLEFR_MBUS_PROBE_FOUND)
            record(s, &id);
        report(s, p, outcome, outcome == KLEFR_MBUS_PROBE_FOUND ? &id : NULL);
        if (outcome == KLEFR_MBUS_PROBE_COLLISION && !s->stop)
            narrow(s, p);
    }
}

klefr_err klefr_mbus_master_scan_secondary(klefr_mbus_master *m, const klefr_mbus_selection *base,
                                           klefr_mbus_search_cb progress, void *user,
                                           klefr_mbus_identity *found, size_t cap, size_t *count)
{
    if (m == NULL || base == NULL || count == NULL || (found == NULL && cap > 0))
        return KLEFR_ERR_INVALID_ARG;
    for (unsigned i = 0; i < 8; i++) {
        unsigned nib = (base->id_pattern >> (4 * i)) & 0xFu;
        if (nib > 9 && nib != 0xF)
            return KLEFR_ERR_ENCODING;
    }
    search s = {
        .m = m, .sel = *base, .progress = progress, .user = user, .found = found, .cap = cap};
    klefr_mbus_identity id;
    klefr_mbus_probe outcome = probe(&s, base->id_pattern, &id);
    if (outcome == KLEFR_MBUS_PROBE_COLLISION && first_wildcard(base->id_pattern) < 0)
        outcome = KLEFR_MBUS_PROBE_ERROR;
    if (outcome == KLEFR_MBUS_PROBE_FOUND)
        record(&s, &id);
    if (s.io_err == KLEFR_OK)
        report(&s, base->id_pattern, outcome, outcome == KLEFR_MBUS_PROBE_FOUND ? &id : NULL);
    if (outcome == KLEFR_MBUS_PROBE_COLLISION && !s.stop && s.io_err == KLEFR_OK)
        narrow(&s, base->id_pattern);
    *count = s.count;
    if (s.io_err != KLEFR_OK)
        return s.io_err;
    return s.count > cap ? KLEFR_ERR_BUFFER_TOO_SMALL : KLEFR_OK;
}

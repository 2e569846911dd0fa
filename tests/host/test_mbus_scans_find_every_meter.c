/* SPDX-License-Identifier: MIT */
/* Bus scans over a simulated M-Bus: a fake transport holding several
 * meters that answer selections, SND_NKE and REQ_UD2 the way slaves on one
 * pair of wires do. One match answers cleanly; several matches overlap in
 * time and the master sees garbage (or, for identical E5s, one E5 or two).
 * The secondary search must find every meter; the primary scan every
 * address that answers. */
#include <pthread.h>

#include <klefr/mbus_master.h>
#include <klefr/model_mbus.h>

#include "klefr_test.h"

/* 2400 baud 8E1. */
#define CHAR_US 4584u
#define MAX_METERS 16
#define MAX_PENDING 1024

/* How the fake bus renders several slaves answering a selection at once. */
typedef enum collision_style {
    COLLIDE_GARBAGE = 0,  /* overlapping bits: bytes that are no frame */
    COLLIDE_TWO_E5 = 1,   /* the two E5 arrive one after the other */
    COLLIDE_MERGED_E5 = 2 /* identical E5s merge into one clean E5 */
} collision_style;

typedef struct fake_meter {
    uint32_t id;
    uint8_t primary;
    bool selected;
} fake_meter;

typedef struct fake_bus {
    klefr_io io;
    klefr_io_ops ops;
    klefr_clock clock;
    uint64_t now;
    fake_meter meters[MAX_METERS];
    size_t nmeters;
    collision_style style;
    uint8_t pending[MAX_PENDING];
    uint64_t pending_at[MAX_PENDING];
    size_t npending, first;
    size_t selections, frames;
} fake_bus;

static void queue(fake_bus *b, const uint8_t *bytes, size_t len)
{
    /* The answer starts 10 ms after the request left, one character at a time. */
    uint64_t at = b->now + 10000u;
    if (b->first == b->npending)
        b->first = b->npending = 0;
    for (size_t i = 0; i < len && b->npending < MAX_PENDING; i++) {
        at += CHAR_US;
        b->pending[b->npending] = bytes[i];
        b->pending_at[b->npending++] = at;
    }
}

static void collide(fake_bus *b, bool ack)
{
    static const uint8_t garbage[] = {0x65, 0xF5, 0x3C, 0x0B};
    static const uint8_t two_e5[] = {0xE5, 0xE5};
    static const uint8_t e5 = 0xE5;
    if (!ack || b->style == COLLIDE_GARBAGE)
        queue(b, garbage, sizeof garbage);
    else if (b->style == COLLIDE_TWO_E5)
        queue(b, two_e5, sizeof two_e5);
    else
        queue(b, &e5, 1);
}

static void answer_rsp_ud(fake_bus *b, const fake_meter *fm, uint8_t a)
{
    klefr_values v;
    klefr_values_clear(&v);
    for (unsigned q = 0; q < KLEFR_Q_COUNT; q++)
        klefr_values_set(&v, (klefr_quantity)q, 1.0);
    klefr_mbus_model_header hdr = {.address = a, .id = fm->id, .access = 1, .status = 0};
    uint8_t frame[KLEFR_MBUS_FRAME_MAX];
    size_t len;
    ck_assert_int_eq(klefr_model_mbus_rsp_ud_encode(&v, &hdr, frame, sizeof frame, &len), KLEFR_OK);
    queue(b, frame, len);
}

static klefr_mbus_identity identity_of(const fake_meter *fm)
{
    return (klefr_mbus_identity){fm->id, KLEFR_MBUS_MANUFACTURER_INM, KLEFR_MBUS_VERSION,
                                 KLEFR_MBUS_MEDIUM_ELECTRICITY};
}

static void on_frame(fake_bus *b, const uint8_t *buf, size_t len)
{
    klefr_mbus_frame fr;
    if (klefr_mbus_frame_decode(buf, len, &fr) != KLEFR_OK)
        return;
    b->frames++;
    static const uint8_t e5 = 0xE5;
    if (fr.type == KLEFR_MBUS_FRAME_LONG && fr.ci == KLEFR_MBUS_CI_SELECTION) {
        klefr_mbus_selection sel;
        ck_assert_int_eq(klefr_mbus_selection_decode(&fr, &sel), KLEFR_OK);
        b->selections++;
        size_t matches = 0;
        for (size_t i = 0; i < b->nmeters; i++) {
            klefr_mbus_identity id = identity_of(&b->meters[i]);
            b->meters[i].selected = klefr_mbus_selection_match(&sel, &id);
            matches += b->meters[i].selected;
        }
        if (matches == 1)
            queue(b, &e5, 1);
        else if (matches > 1)
            collide(b, true);
        return;
    }
    /* Who is spoken to: the selected meters (FD) or those at a primary address. */
    fake_meter *who[MAX_METERS];
    size_t n = 0;
    for (size_t i = 0; i < b->nmeters; i++) {
        bool hit = fr.a == KLEFR_MBUS_ADDR_SECONDARY ? b->meters[i].selected
                                                     : fr.a == b->meters[i].primary;
        if (hit)
            who[n++] = &b->meters[i];
    }
    if (n == 0)
        return;
    bool nke = fr.type == KLEFR_MBUS_FRAME_SHORT && fr.c == KLEFR_MBUS_C_SND_NKE;
    bool req =
        fr.type == KLEFR_MBUS_FRAME_SHORT && (fr.c & ~KLEFR_MBUS_C_FCB) == KLEFR_MBUS_C_REQ_UD2;
    if (nke && fr.a == KLEFR_MBUS_ADDR_SECONDARY)
        for (size_t i = 0; i < n; i++)
            who[i]->selected = false;
    if (n > 1)
        collide(b, nke);
    else if (nke)
        queue(b, &e5, 1);
    else if (req)
        answer_rsp_ud(b, who[0], fr.a);
}

static ptrdiff_t fb_read(void *ctx, uint8_t *buf, size_t cap, uint32_t timeout_ms)
{
    fake_bus *b = ctx;
    uint64_t limit = b->now + (uint64_t)timeout_ms * 1000u;
    if (b->first == b->npending || b->pending_at[b->first] > limit) {
        b->now = limit;
        return 0;
    }
    if (b->pending_at[b->first] > b->now)
        b->now = b->pending_at[b->first];
    size_t n = 0;
    while (n < cap && b->first < b->npending && b->pending_at[b->first] <= b->now)
        buf[n++] = b->pending[b->first++];
    return (ptrdiff_t)n;
}

static ptrdiff_t fb_write(void *ctx, const uint8_t *buf, size_t len, uint32_t timeout_ms)
{
    (void)timeout_ms;
    fake_bus *b = ctx;
    b->now += len * (uint64_t)CHAR_US;
    on_frame(b, buf, len);
    return (ptrdiff_t)len;
}

static klefr_err fb_flush(void *ctx)
{
    fake_bus *b = ctx;
    while (b->first < b->npending && b->pending_at[b->first] <= b->now)
        b->first++;
    return KLEFR_OK;
}

static uint64_t fb_now(void *ctx)
{
    return ((fake_bus *)ctx)->now;
}

static void fb_sleep(void *ctx, uint64_t us)
{
    ((fake_bus *)ctx)->now += us;
}

static fake_bus *fake_bus_new(collision_style style)
{
    fake_bus *b = calloc(1, sizeof *b);
    b->ops.name = "fake-mbus";
    b->ops.read = fb_read;
    b->ops.write = fb_write;
    b->ops.flush = fb_flush;
    b->io.ops = &b->ops;
    b->io.ctx = b;
    b->clock.now_us = fb_now;
    b->clock.sleep_us = fb_sleep;
    b->clock.ctx = b;
    b->now = 1000000;
    b->style = style;
    return b;
}

static void add_meter(fake_bus *b, uint32_t id, uint8_t primary)
{
    ck_assert_uint_lt(b->nmeters, MAX_METERS);
    b->meters[b->nmeters++] = (fake_meter){id, primary, false};
}

static klefr_mbus_master *master_on(fake_bus *b)
{
    klefr_mbus_master_options o;
    klefr_mbus_master_options_init(&o);
    o.line = (klefr_line){2400, 8, KLEFR_PARITY_EVEN, 1};
    o.clock = &b->clock;
    klefr_mbus_master *m;
    ck_assert_int_eq(klefr_mbus_master_open(&b->io, &o, &m), KLEFR_OK);
    return m;
}

static const klefr_mbus_selection any = {0xFFFFFFFFu, 0xFFFFu, 0xFFu, 0xFFu};

/* Meters whose numbers share prefixes of every length. */
static const uint32_t ids[] = {17060518, 17060519, 17160518, 45230115,
                               45230116, 1,        99999999, 17060528};
#define NIDS (sizeof ids / sizeof ids[0])

typedef struct progress_log {
    size_t calls, found, collisions, errors;
    size_t stop_after; /* 0 = never stop */
} progress_log;

static bool on_probe(void *user, uint32_t pattern, klefr_mbus_probe outcome,
                     const klefr_mbus_identity *identity)
{
    (void)pattern;
    progress_log *log = user;
    log->calls++;
    if (outcome == KLEFR_MBUS_PROBE_FOUND) {
        ck_assert_ptr_nonnull(identity);
        log->found++;
    }
    log->collisions += outcome == KLEFR_MBUS_PROBE_COLLISION;
    log->errors += outcome == KLEFR_MBUS_PROBE_ERROR;
    return log->stop_after == 0 || log->found < log->stop_after;
}

static bool has_id(const klefr_mbus_identity *found, size_t n, uint32_t id)
{
    for (size_t i = 0; i < n; i++)
        if (found[i].id == id)
            return true;
    return false;
}

static void search_finds_all(collision_style style)
{
    fake_bus *b = fake_bus_new(style);
    for (size_t i = 0; i < NIDS; i++)
        add_meter(b, ids[i], 0);
    klefr_mbus_master *m = master_on(b);
    klefr_mbus_identity found[MAX_METERS];
    size_t count = 0;
    progress_log log = {0};
    ck_assert_int_eq(
        klefr_mbus_master_scan_secondary(m, &any, on_probe, &log, found, MAX_METERS, &count),
        KLEFR_OK);
    ck_assert_uint_eq(count, NIDS);
    for (size_t i = 0; i < NIDS; i++) {
        ck_assert_msg(has_id(found, count, ids[i]), "meter %u not found", (unsigned)ids[i]);
    }
    for (size_t i = 0; i < count; i++) {
        ck_assert_uint_eq(found[i].manufacturer, KLEFR_MBUS_MANUFACTURER_INM);
        ck_assert_uint_eq(found[i].medium, KLEFR_MBUS_MEDIUM_ELECTRICITY);
    }
    ck_assert_uint_eq(log.found, NIDS);
    ck_assert_uint_eq(log.errors, 0);
    ck_assert_uint_ge(log.collisions, 1);
    ck_assert_uint_eq(log.calls, b->selections);
    /* Narrowing digit by digit costs far fewer selections than the 10^8
     * numbers: at most 10 per digit level per collision. */
    ck_assert_uint_lt(b->selections, 200);
    klefr_mbus_master_close(m);
    free(b);
}

START_TEST(test_secondary_search_finds_every_meter_when_answers_are_garbage)
{
    search_finds_all(COLLIDE_GARBAGE);
}
END_TEST

START_TEST(test_secondary_search_treats_two_e5_as_a_collision)
{
    search_finds_all(COLLIDE_TWO_E5);
}
END_TEST

START_TEST(test_secondary_search_sees_merged_e5_collide_in_the_rsp_ud)
{
    search_finds_all(COLLIDE_MERGED_E5);
}
END_TEST

START_TEST(test_secondary_search_on_one_meter_needs_one_selection)
{
    fake_bus *b = fake_bus_new(COLLIDE_GARBAGE);
    add_meter(b, 17060518, 0);
    klefr_mbus_master *m = master_on(b);
    klefr_mbus_identity found[2];
    size_t count = 0;
    ck_assert_int_eq(klefr_mbus_master_scan_secondary(m, &any, NULL, NULL, found, 2, &count),
                     KLEFR_OK);
    ck_assert_uint_eq(count, 1);
    ck_assert_uint_eq(found[0].id, 17060518);
    ck_assert_uint_eq(b->selections, 1);
    klefr_mbus_master_close(m);
    free(b);
}
END_TEST

START_TEST(test_secondary_search_on_an_empty_bus_finds_nothing)
{
    fake_bus *b = fake_bus_new(COLLIDE_GARBAGE);
    klefr_mbus_master *m = master_on(b);
    size_t count = 7;
    ck_assert_int_eq(klefr_mbus_master_scan_secondary(m, &any, NULL, NULL, NULL, 0, &count),
                     KLEFR_OK);
    ck_assert_uint_eq(count, 0);
    ck_assert_uint_eq(b->selections, 1);
    klefr_mbus_master_close(m);
    free(b);
}
END_TEST

START_TEST(test_two_meters_with_one_number_are_reported_and_the_rest_found)
{
    fake_bus *b = fake_bus_new(COLLIDE_GARBAGE);
    add_meter(b, 17060518, 0);
    add_meter(b, 17060518, 0);
    add_meter(b, 45230115, 0);
    klefr_mbus_master *m = master_on(b);
    klefr_mbus_identity found[4];
    size_t count = 0;
    progress_log log = {0};
    ck_assert_int_eq(klefr_mbus_master_scan_secondary(m, &any, on_probe, &log, found, 4, &count),
                     KLEFR_OK);
    ck_assert_uint_eq(count, 1);
    ck_assert_uint_eq(found[0].id, 45230115);
    ck_assert_uint_eq(log.errors, 1);
    klefr_mbus_master_close(m);
    free(b);
}
END_TEST

START_TEST(test_secondary_search_stops_when_asked_and_reports_a_small_buffer)
{
    fake_bus *b = fake_bus_new(COLLIDE_GARBAGE);
    for (size_t i = 0; i < NIDS; i++)
        add_meter(b, ids[i], 0);
    klefr_mbus_master *m = master_on(b);
    klefr_mbus_identity found[MAX_METERS];
    size_t count = 0;
    progress_log log = {.stop_after = 2};
    ck_assert_int_eq(
        klefr_mbus_master_scan_secondary(m, &any, on_probe, &log, found, MAX_METERS, &count),
        KLEFR_OK);
    ck_assert_uint_eq(count, 2);
    /* Room for three: all are counted, three are stored. */
    count = 0;
    ck_assert_int_eq(klefr_mbus_master_scan_secondary(m, &any, NULL, NULL, found, 3, &count),
                     KLEFR_ERR_BUFFER_TOO_SMALL);
    ck_assert_uint_eq(count, NIDS);
    /* A base with fixed digits searches below it only. */
    klefr_mbus_selection below = any;
    below.id_pattern = 0x1706FFFFu;
    ck_assert_int_eq(
        klefr_mbus_master_scan_secondary(m, &below, NULL, NULL, found, MAX_METERS, &count),
        KLEFR_OK);
    ck_assert_uint_eq(count, 3); /* 17060518, 17060519, 17060528 */
    below.id_pattern = 0x1706AFFFu;
    ck_assert_int_eq(
        klefr_mbus_master_scan_secondary(m, &below, NULL, NULL, found, MAX_METERS, &count),
        KLEFR_ERR_ENCODING);
    klefr_mbus_master_close(m);
    free(b);
}
END_TEST

typedef struct scan_log {
    size_t calls;
    uint8_t last;
    klefr_err result_at_7;
} scan_log;

static bool on_address(void *user, uint8_t address, bool found, klefr_err result)
{
    scan_log *log = user;
    log->calls++;
    log->last = address;
    if (address == 7) {
        ck_assert(found);
        log->result_at_7 = result;
    }
    return true;
}

START_TEST(test_primary_scan_finds_each_address_that_answers)
{
    fake_bus *b = fake_bus_new(COLLIDE_GARBAGE);
    add_meter(b, 11111111, 0);
    add_meter(b, 22222222, 5);
    add_meter(b, 33333333, 7);
    add_meter(b, 44444444, 7); /* two meters at 7: their E5s collide */
    add_meter(b, 55555555, 250);
    klefr_mbus_master *m = master_on(b);
    uint8_t found[8];
    size_t count = 0;
    scan_log log = {0};
    ck_assert_int_eq(
        klefr_mbus_master_scan_primary(m, 0, 250, on_address, &log, found, sizeof found, &count),
        KLEFR_OK);
    ck_assert_uint_eq(count, 4);
    ck_assert_uint_eq(found[0], 0);
    ck_assert_uint_eq(found[1], 5);
    ck_assert_uint_eq(found[2], 7);
    ck_assert_uint_eq(found[3], 250);
    ck_assert_uint_eq(log.calls, 251);
    ck_assert_uint_eq(log.last, 250);
    ck_assert_int_ne(log.result_at_7, KLEFR_OK);
    /* One SND_NKE per address, no retries; a second one to each of the
     * four that answered, to make sure the answer was theirs. */
    ck_assert_uint_eq(b->frames, 251 + 4);
    ck_assert_int_eq(klefr_mbus_master_scan_primary(m, 0, 251, NULL, NULL, found, 8, &count),
                     KLEFR_ERR_INVALID_ARG);
    klefr_mbus_master_close(m);
    free(b);
}
END_TEST

typedef struct reader {
    klefr_mbus_master *m;
    uint8_t address;
    int ok;
} reader;

static void *read_many(void *arg)
{
    reader *r = arg;
    for (int i = 0; i < 20; i++) {
        uint8_t rsp[KLEFR_MBUS_FRAME_MAX];
        size_t len;
        if (klefr_mbus_master_req_ud2(r->m, r->address, rsp, sizeof rsp, &len) == KLEFR_OK &&
            rsp[5] == r->address)
            r->ok++;
    }
    return NULL;
}

START_TEST(test_threads_sharing_a_bus_never_interleave)
{
    /* The fake bus answers one frame at a time: interleaved requests would
     * mix answers up. Four threads, twenty reads each, all answered. */
    fake_bus *b = fake_bus_new(COLLIDE_GARBAGE);
    for (uint8_t a = 1; a <= 4; a++)
        add_meter(b, 10000000u + a, a);
    klefr_mbus_master *m = master_on(b);
    pthread_t t[4];
    reader r[4];
    for (int i = 0; i < 4; i++) {
        r[i] = (reader){m, (uint8_t)(i + 1), 0};
        ck_assert_int_eq(pthread_create(&t[i], NULL, read_many, &r[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        ck_assert_int_eq(r[i].ok, 20);
    }
    klefr_master_stats st;
    klefr_mbus_master_get_stats(m, &st);
    ck_assert_uint_eq(st.requests, 80);
    ck_assert_uint_eq(st.retries, 0);
    klefr_mbus_master_close(m);
    free(b);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("mbus_scan");
    TCase *tc = tcase_create("secondary");
    tcase_add_test(tc, test_secondary_search_finds_every_meter_when_answers_are_garbage);
    tcase_add_test(tc, test_secondary_search_treats_two_e5_as_a_collision);
    tcase_add_test(tc, test_secondary_search_sees_merged_e5_collide_in_the_rsp_ud);
    tcase_add_test(tc, test_secondary_search_on_one_meter_needs_one_selection);
    tcase_add_test(tc, test_secondary_search_on_an_empty_bus_finds_nothing);
    tcase_add_test(tc, test_two_meters_with_one_number_are_reported_and_the_rest_found);
    tcase_add_test(tc, test_secondary_search_stops_when_asked_and_reports_a_small_buffer);
    suite_add_tcase(s, tc);
    tc = tcase_create("primary");
    tcase_add_test(tc, test_primary_scan_finds_each_address_that_answers);
    suite_add_tcase(s, tc);
    tc = tcase_create("threads");
    tcase_add_test(tc, test_threads_sharing_a_bus_never_interleave);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(suite)

/* SPDX-License-Identifier: MIT */
/* The on-disk queue of readings not yet acknowledged by the broker.
 *
 * Every reading is appended here before it is published, so a broker that
 * is away, a lost connection or a killed gateway loses nothing: what the
 * broker has not acknowledged is published again, in order.
 *
 * Layout (doc/gateway.md): segment files seg-<first sequence, 16 hex>, each
 * a run of records
 *     "KGQ1" | length (u32 LE) | sequence (u64 LE) | CRC-32 (u32 LE) | data
 * with data = topic NUL payload and the CRC over the sequence and the
 * data; and a file "cursor" holding "<sequence> <dropped>": every record up
 * to that sequence is acknowledged or was dropped. The cursor is replaced
 * by rename(), a record is one write() to a file opened O_APPEND, so a kill
 * at any instant leaves at most a torn last record, which the next start
 * cuts off. A segment whose records are all below the cursor is deleted. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gateway.h"

#define SEG_RECORDS 256u
#define HEADER_LEN 20u
#define MAX_RECORD (16u * 1024u * 1024u)

typedef struct qentry {
    guint64 seq;
    char *topic;
    char *payload;
    bool acked;
} qentry;

struct gw_queue {
    char *dir;
    guint max;
    bool fsync;
    GQueue entries; /* above the cursor, ascending */
    guint64 next_seq;
    guint64 cursor;
    guint64 dropped;
    GArray *segments; /* guint64 first sequence of each segment file, ascending */
    int seg_fd;
    guint seg_count;
};

static guint32 crc32_update(guint32 crc, const guint8 *p, size_t n)
{
    /* CRC-32 (IEEE 802.3, reflected 0xEDB88320), bit by bit: records are
     * small and few. */
    crc = ~crc;
    while (n--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

static void put_le(guint8 *p, guint64 v, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = (guint8)(v >> (8 * i));
}

static guint64 get_le(const guint8 *p, int n)
{
    guint64 v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static char *seg_path(const gw_queue *q, guint64 first)
{
    char name[32];
    g_snprintf(name, sizeof name, "seg-%016" G_GINT64_MODIFIER "x", first);
    return g_build_filename(q->dir, name, NULL);
}

static void entry_free(qentry *e)
{
    g_free(e->topic);
    g_free(e->payload);
    g_free(e);
}

static void sync_dir(const gw_queue *q)
{
    int fd = open(q->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

static void save_cursor(gw_queue *q)
{
    char *path = g_build_filename(q->dir, "cursor", NULL);
    char *tmp = g_strconcat(path, ".tmp", NULL);
    char text[64];
    int len = g_snprintf(text, sizeof text, "%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT "\n",
                         q->cursor, q->dropped);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    bool ok = fd >= 0 && write(fd, text, (size_t)len) == len;
    if (ok && q->fsync)
        ok = fdatasync(fd) == 0;
    if (fd >= 0)
        close(fd);
    if (ok && rename(tmp, path) == 0) {
        if (q->fsync)
            sync_dir(q);
    } else {
        gw_log("queue: cannot save %s: %s", path, g_strerror(errno));
    }
    g_free(tmp);
    g_free(path);
}

/* Delete the segments whose every record is below the cursor. */
static void drop_dead_segments(gw_queue *q)
{
    while (q->segments->len >= 2) {
        guint64 next_first = g_array_index(q->segments, guint64, 1);
        if (next_first > q->cursor + 1)
            break;
        char *p = seg_path(q, g_array_index(q->segments, guint64, 0));
        if (unlink(p) != 0 && errno != ENOENT)
            gw_log("queue: cannot delete %s: %s", p, g_strerror(errno));
        g_free(p);
        g_array_remove_index(q->segments, 0);
    }
}

/* Pop acknowledged entries at the head; true if the cursor moved. */
static bool advance(gw_queue *q)
{
    bool moved = false;
    qentry *e;
    while ((e = g_queue_peek_head(&q->entries)) != NULL && e->acked) {
        q->cursor = e->seq;
        entry_free(g_queue_pop_head(&q->entries));
        moved = true;
    }
    return moved;
}

/* Drop the oldest entries beyond the bound, counting them. */
static bool enforce_bound(gw_queue *q)
{
    bool moved = false;
    while (g_queue_get_length(&q->entries) > q->max) {
        qentry *e = g_queue_pop_head(&q->entries);
        if (!e->acked)
            q->dropped++;
        q->cursor = e->seq;
        entry_free(e);
        moved = true;
    }
    return advance(q) || moved;
}

static void load_cursor(gw_queue *q)
{
    char *path = g_build_filename(q->dir, "cursor", NULL);
    char *text = NULL;
    if (g_file_get_contents(path, &text, NULL, NULL)) {
        guint64 c = 0, d = 0;
        if (sscanf(text, "%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT, &c, &d) >= 1) {
            q->cursor = c;
            q->dropped = d;
        } else {
            gw_log("queue: %s is not a cursor; publishing everything queued again", path);
        }
    }
    g_free(text);
    g_free(path);
}

/* Read one segment's records; a damaged tail is cut off (a write the kill
 * interrupted), damage in the middle ends the segment. Returns the highest
 * sequence seen. */
static guint64 load_segment(gw_queue *q, guint64 first, bool last)
{
    char *path = seg_path(q, first);
    char *data = NULL;
    gsize len = 0;
    guint64 top = 0;
    if (!g_file_get_contents(path, &data, &len, NULL)) {
        g_free(path);
        return 0;
    }
    gsize off = 0;
    while (off < len) {
        const guint8 *p = (const guint8 *)data + off;
        if (len - off < HEADER_LEN || memcmp(p, "KGQ1", 4) != 0)
            break;
        guint32 n = (guint32)get_le(p + 4, 4);
        if (n > MAX_RECORD || len - off - HEADER_LEN < n)
            break;
        guint32 crc = crc32_update(crc32_update(0, p + 8, 8), p + HEADER_LEN, n);
        const char *body = (const char *)p + HEADER_LEN;
        const char *nul = memchr(body, '\0', n);
        if (crc != (guint32)get_le(p + 16, 4) || nul == NULL)
            break;
        guint64 seq = get_le(p + 8, 8);
        top = MAX(top, seq);
        if (seq > q->cursor) {
            qentry *e = g_new0(qentry, 1);
            e->seq = seq;
            e->topic = g_strdup(body);
            e->payload = g_strndup(nul + 1, (gsize)(body + n - nul - 1));
            g_queue_push_tail(&q->entries, e);
        }
        off += HEADER_LEN + n;
    }
    if (off < len) {
        gw_log("queue: %s: %s record at byte %" G_GSIZE_FORMAT " dropped", path,
               last ? "incomplete last" : "damaged", off);
        if (last && truncate(path, (off_t)off) != 0)
            gw_log("queue: cannot cut %s: %s", path, g_strerror(errno));
    }
    g_free(data);
    g_free(path);
    return top;
}

static gint cmp_u64(gconstpointer a, gconstpointer b)
{
    guint64 x = *(const guint64 *)a, y = *(const guint64 *)b;
    return x < y ? -1 : x > y;
}

static bool list_segments(gw_queue *q, GError **error)
{
    GDir *d = g_dir_open(q->dir, 0, error);
    if (d == NULL)
        return false;
    const char *name;
    while ((name = g_dir_read_name(d)) != NULL) {
        guint64 first;
        if (strlen(name) == 20 && g_str_has_prefix(name, "seg-") &&
            g_ascii_string_to_unsigned(name + 4, 16, 0, G_MAXUINT64, &first, NULL))
            g_array_append_val(q->segments, first);
    }
    g_dir_close(d);
    g_array_sort(q->segments, cmp_u64);
    return true;
}

gw_queue *gw_queue_open(const char *dir, guint max_entries, bool fsync, GError **error)
{
    if (g_mkdir_with_parents(dir, 0700) != 0) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
                    "cannot create the queue directory %s: %s", dir, g_strerror(errno));
        return NULL;
    }
    gw_queue *q = g_new0(gw_queue, 1);
    q->dir = g_strdup(dir);
    q->max = max_entries;
    q->fsync = fsync;
    q->seg_fd = -1;
    q->segments = g_array_new(FALSE, FALSE, sizeof(guint64));
    g_queue_init(&q->entries);
    load_cursor(q);
    if (!list_segments(q, error)) {
        gw_queue_close(q);
        return NULL;
    }
    guint64 top = q->cursor;
    for (guint i = 0; i < q->segments->len; i++)
        top = MAX(top, load_segment(q, g_array_index(q->segments, guint64, i),
                                    i + 1 == q->segments->len));
    q->next_seq = top + 1;
    if (enforce_bound(q))
        save_cursor(q);
    drop_dead_segments(q);
    return q;
}

void gw_queue_close(gw_queue *q)
{
    if (q == NULL)
        return;
    if (q->seg_fd >= 0)
        close(q->seg_fd);
    g_queue_clear_full(&q->entries, (GDestroyNotify)entry_free);
    g_array_free(q->segments, TRUE);
    g_free(q->dir);
    g_free(q);
}

static bool open_segment(gw_queue *q, GError **error)
{
    if (q->seg_fd >= 0 && q->seg_count < SEG_RECORDS)
        return true;
    if (q->seg_fd >= 0)
        close(q->seg_fd);
    char *path = seg_path(q, q->next_seq);
    q->seg_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (q->seg_fd < 0) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "cannot create %s: %s",
                    path, g_strerror(errno));
        g_free(path);
        return false;
    }
    g_free(path);
    if (q->fsync)
        sync_dir(q);
    guint64 first = q->next_seq;
    if (q->segments->len == 0 || g_array_index(q->segments, guint64, q->segments->len - 1) != first)
        g_array_append_val(q->segments, first);
    q->seg_count = 0;
    return true;
}

guint64 gw_queue_append(gw_queue *q, const char *topic, const char *payload, GError **error)
{
    if (!open_segment(q, error))
        return 0;
    size_t tl = strlen(topic), pl = strlen(payload);
    size_t n = tl + 1 + pl;
    guint8 *rec = g_malloc(HEADER_LEN + n);
    memcpy(rec, "KGQ1", 4);
    put_le(rec + 4, n, 4);
    put_le(rec + 8, q->next_seq, 8);
    memcpy(rec + HEADER_LEN, topic, tl + 1);
    memcpy(rec + HEADER_LEN + tl + 1, payload, pl);
    put_le(rec + 16, crc32_update(crc32_update(0, rec + 8, 8), rec + HEADER_LEN, n), 4);
    ssize_t w = write(q->seg_fd, rec, HEADER_LEN + n);
    g_free(rec);
    if (w != (ssize_t)(HEADER_LEN + n) || (q->fsync && fdatasync(q->seg_fd) != 0)) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
                    "cannot write to the queue in %s: %s", q->dir, g_strerror(errno));
        /* A partial record is cut off at the next start; begin a new file. */
        close(q->seg_fd);
        q->seg_fd = -1;
        return 0;
    }
    q->seg_count++;
    qentry *e = g_new0(qentry, 1);
    e->seq = q->next_seq++;
    e->topic = g_strdup(topic);
    e->payload = g_strdup(payload);
    g_queue_push_tail(&q->entries, e);
    if (enforce_bound(q)) {
        save_cursor(q);
        drop_dead_segments(q);
    }
    return e->seq;
}

gboolean gw_queue_next(gw_queue *q, guint64 after, guint64 *seq, const char **topic,
                       const char **payload)
{
    for (GList *l = q->entries.head; l != NULL; l = l->next) {
        qentry *e = l->data;
        if (e->acked || e->seq <= after)
            continue;
        *seq = e->seq;
        *topic = e->topic;
        *payload = e->payload;
        return TRUE;
    }
    return FALSE;
}

void gw_queue_ack(gw_queue *q, guint64 seq)
{
    for (GList *l = q->entries.head; l != NULL; l = l->next) {
        qentry *e = l->data;
        if (e->seq == seq) {
            e->acked = true;
            break;
        }
        if (e->seq > seq)
            break;
    }
    if (advance(q)) {
        save_cursor(q);
        drop_dead_segments(q);
    }
}

guint gw_queue_length(const gw_queue *q)
{
    guint n = 0;
    for (GList *l = q->entries.head; l != NULL; l = l->next)
        n += !((qentry *)l->data)->acked;
    return n;
}

guint64 gw_queue_dropped(const gw_queue *q)
{
    return q->dropped;
}

guint64 gw_queue_cursor(const gw_queue *q)
{
    return q->cursor;
}

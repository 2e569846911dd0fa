/* SPDX-License-Identifier: MIT */
/* Persistent store (SPEC 8): two banks, each one complete record (a
 * snapshot) with a sequence number and a CRC-32, then a journal. A
 * snapshot always goes to the bank that does not hold the newest one, so a
 * write cut at any byte leaves the newest complete snapshot intact in the
 * other bank; the record holding sequence number n lives in bank n % 2.
 * The save at every 10 Wh writes a 16-byte journal entry instead: the
 * registers' increase since the snapshot, bound to it by its CRC-32 (which
 * covers the snapshot's sequence number), in slot (entry number % slots);
 * the newest valid entry wins, a cut one leaves the one before. A new
 * snapshot is written when a setting changes, at power up and down, and
 * when an increase would not fit its byte. Layout and the wear arithmetic
 * in doc/firmware.md. */
#include <string.h>

#include "common/bytes.h"
#include "fw_internal.h"

#define REC_MAGIC 0x3157464Bu /* "KFW1" */
#define OFF_SEQ 4
#define OFF_FLAGS 8
#define OFF_ENERGY 12 /* 9 registers x (4 quanta + 8 remainder) */
#define OFF_POWER_DOWNS 120
#define OFF_SETTINGS 122
#define OFF_SCROLL 140
#define OFF_JOURNAL 148 /* number of the first journal entry after this record */
/* The IR password lockout (0.2, in bytes older firmware left 0, so its
 * records read as "no wrong password, no lock"): wrong passwords in a row,
 * then the lock time left in whole seconds (rounded up, 24 bits). */
#define OFF_LOCK_FAILURES 152
#define OFF_LOCK_SECONDS 153
#define OFF_CRC (KLEFR_FW_STORE_BANK_SIZE - 4)
#define N_REGS 9
/* Journal entry: entry number (low 16 bits), one increase per register in
 * record order, a zero byte, CRC-32 of the snapshot's sequence number and
 * bytes 0-11. */
#define ENT_DELTA 2
/* Byte 11 (0.2; 0 from older firmware): the IR lockout, coarser than the
 * snapshot's: bits 0-1 wrong passwords in a row (3 at most), bits 2-7 the
 * minutes of lock left, rounded up (63 at most). */
#define ENT_LOCK 11
#define ENT_CRC 12
#define ENT_DELTA_MAX 255u
#define FLAG_CLEAN 0x0001u /* written at an orderly power down */

/* The energy registers in record order. */
static klefr_fw_energy *reg(klefr_fw_meter *m, int i)
{
    return i == 8 ? &m->day : &m->energy[i >> 2][(i >> 1) & 1][i & 1];
}

static void encode(klefr_fw_meter *m, uint32_t seq, uint8_t *r)
{
    memset(r, 0, KLEFR_FW_STORE_BANK_SIZE);
    klefr_put_le(r, REC_MAGIC, 4);
    klefr_put_le(r + OFF_SEQ, seq, 4);
    klefr_put_le16(r + OFF_FLAGS, m->powered ? 0 : FLAG_CLEAN);
    for (int i = 0; i < 9; i++) {
        klefr_put_le(r + OFF_ENERGY + 12 * i, reg(m, i)->q10wh, 4);
        klefr_put_le(r + OFF_ENERGY + 12 * i + 4, reg(m, i)->rem_uj, 8);
    }
    klefr_put_le16(r + OFF_POWER_DOWNS, m->power_downs);
    uint8_t *s = r + OFF_SETTINGS;
    klefr_put_le(s, m->set.secondary_address, 4);
    klefr_put_le(s + 4, m->set.s0_rate_centi, 4);
    klefr_put_le16(s + 8, m->set.baud);
    klefr_put_le16(s + 10, m->set.password);
    s[12] = m->set.bus_address;
    s[13] = m->set.parity;
    s[14] = m->set.calc_code;
    s[15] = m->set.lcd_cycle_s;
    s[16] = m->set.backlight;
    s[17] = m->set.tariff;
    klefr_put_le(r + OFF_SCROLL, m->ui.scroll_set, 8);
    klefr_put_le(r + OFF_JOURNAL, m->journal_seq, 4);
    uint32_t left = klefr_iec_lockout_update(&m->ir.iec.lockout, fw_proto_now(m));
    r[OFF_LOCK_FAILURES] = m->ir.iec.lockout.failures;
    klefr_put_le(r + OFF_LOCK_SECONDS, (left + 999u) / 1000u, 3);
    klefr_put_le(r + OFF_CRC, klefr_fw_crc32(r, OFF_CRC), 4);
}

/* CRC of an entry: the snapshot's sequence number, then its first 12 bytes. */
static uint32_t entry_crc(uint32_t snap_seq, const uint8_t *e)
{
    uint8_t b[4 + ENT_CRC];
    klefr_put_le(b, snap_seq, 4);
    memcpy(b + 4, e, ENT_CRC);
    return klefr_fw_crc32(b, sizeof b);
}

static uint32_t slot_offset(uint32_t entry)
{
    return KLEFR_FW_STORE_JOURNAL_OFFSET +
           (entry % KLEFR_FW_STORE_SLOTS) * KLEFR_FW_STORE_ENTRY_SIZE;
}

static void snapshot_taken(klefr_fw_meter *m)
{
    for (int i = 0; i < N_REGS; i++)
        m->snap_q[i] = reg(m, i)->q10wh;
}

/* The lockout as a journal entry's byte; @p saved_ms receives the lock
 * time a restart will restore from it. */
static uint8_t lock_byte(klefr_fw_meter *m, uint32_t *saved_ms)
{
    const klefr_iec_lockout *l = &m->ir.iec.lockout;
    uint32_t left = klefr_iec_lockout_update(&m->ir.iec.lockout, fw_proto_now(m));
    uint32_t minutes = (left + 59999u) / 60000u;
    if (minutes > 63u)
        minutes = 63u;
    *saved_ms = minutes * 60000u;
    return (uint8_t)(minutes << 2 | (l->failures > 3u ? 3u : l->failures));
}

/* Put a saved lockout back (the time it had left: time without supply
 * does not count, so a supply cycle never buys more guesses). */
static void lock_restore(klefr_fw_meter *m, uint8_t failures, uint32_t left_ms)
{
    uint32_t now = fw_proto_now(m);
    klefr_iec_lockout_restore(&m->ir.iec.lockout, failures, left_ms, now);
    m->ir.lock_saved_ms = klefr_iec_lockout_update(&m->ir.iec.lockout, now);
}

/* The newest entry of the snapshot just loaded, applied: its increases on
 * top of the snapshot. A register that moved restarts its remainder from
 * zero (it was not saved: less than one quantum, never shown). */
static void journal_replay(klefr_fw_meter *m)
{
    uint8_t e[KLEFR_FW_STORE_ENTRY_SIZE], best[KLEFR_FW_STORE_ENTRY_SIZE];
    int32_t newest = -1;
    for (uint32_t slot = 0; slot < KLEFR_FW_STORE_SLOTS; slot++) {
        uint32_t off = KLEFR_FW_STORE_JOURNAL_OFFSET + slot * KLEFR_FW_STORE_ENTRY_SIZE;
        if (m->hal.store_read(m->hal.ctx, off, e, sizeof e) != KLEFR_OK ||
            (uint32_t)klefr_get_le(e + ENT_CRC, 4) != entry_crc(m->store_seq, e))
            continue;
        /* Entries since the snapshot are numbered from its journal number. */
        uint16_t d = (uint16_t)(klefr_get_le16(e) - (uint16_t)m->journal_seq);
        if (d >= 0x8000u || slot_offset(m->journal_seq + d) != off || (int32_t)d <= newest)
            continue;
        newest = d;
        memcpy(best, e, sizeof best);
    }
    if (newest < 0)
        return;
    for (int i = 0; i < N_REGS; i++) {
        uint8_t inc = best[ENT_DELTA + i];
        if (inc != 0) {
            reg(m, i)->q10wh = m->snap_q[i] + inc;
            reg(m, i)->rem_uj = 0;
        }
    }
    m->journal_seq += (uint32_t)newest + 1u;
    uint8_t lock = best[ENT_LOCK];
    lock_restore(m, lock & 3u, (uint32_t)(lock >> 2) * 60000u);
}

/* One entry for the counters now; false when they need a snapshot. */
static bool journal_write(klefr_fw_meter *m, bool *ok)
{
    uint8_t e[KLEFR_FW_STORE_ENTRY_SIZE];
    memset(e, 0, sizeof e);
    klefr_put_le16(e, (uint16_t)m->journal_seq);
    for (int i = 0; i < N_REGS; i++) {
        uint32_t inc = reg(m, i)->q10wh - m->snap_q[i];
        if (inc > ENT_DELTA_MAX)
            return false; /* also a register that went down (day reset) */
        e[ENT_DELTA + i] = (uint8_t)inc;
    }
    uint32_t lock_ms;
    e[ENT_LOCK] = lock_byte(m, &lock_ms);
    klefr_put_le(e + ENT_CRC, entry_crc(m->store_seq, e), 4);
    *ok = m->hal.store_write != NULL &&
          m->hal.store_write(m->hal.ctx, slot_offset(m->journal_seq), e, sizeof e) == KLEFR_OK;
    if (*ok) {
        m->journal_seq++;
        m->ir.lock_saved_ms = lock_ms;
        m->ir.lock_dirty = false;
    } else
        m->store_failures++;
    return true;
}

static void decode(klefr_fw_meter *m, const uint8_t *r)
{
    for (int i = 0; i < 9; i++) {
        klefr_fw_energy *e = reg(m, i);
        e->q10wh = (uint32_t)klefr_get_le(r + OFF_ENERGY + 12 * i, 4);
        e->rem_uj = klefr_get_le(r + OFF_ENERGY + 12 * i + 4, 8);
        /* A remainder of a quantum or more (no firmware writes one) is
         * energy all the same: carried, never dropped. */
        if (e->rem_uj >= FW_UJ_PER_QUANTUM) {
            e->q10wh = (uint32_t)(e->q10wh + e->rem_uj / FW_UJ_PER_QUANTUM);
            e->rem_uj %= FW_UJ_PER_QUANTUM;
        }
    }
    m->power_downs = klefr_get_le16(r + OFF_POWER_DOWNS);
    const uint8_t *s = r + OFF_SETTINGS;
    m->set.secondary_address = (uint32_t)klefr_get_le(s, 4);
    m->set.s0_rate_centi = (uint32_t)klefr_get_le(s + 4, 4);
    m->set.baud = klefr_get_le16(s + 8);
    m->set.password = klefr_get_le16(s + 10);
    m->set.bus_address = s[12];
    m->set.parity = s[13];
    m->set.calc_code = s[14];
    m->set.lcd_cycle_s = s[15];
    m->set.backlight = s[16];
    m->set.tariff = s[17];
    /* A record the CRC accepts may still hold a setting this model does
     * not allow (another firmware wrote it): that setting goes back to its
     * default, the counters stay. */
    (void)fw_settings_sanitize(&m->set, m->cfg.model, m->cfg.serial);
    m->ui.scroll_set = klefr_get_le(r + OFF_SCROLL, 8);
    lock_restore(m, r[OFF_LOCK_FAILURES], (uint32_t)klefr_get_le(r + OFF_LOCK_SECONDS, 3) * 1000u);
}

static bool valid(const uint8_t *r, unsigned bank)
{
    return (uint32_t)klefr_get_le(r, 4) == REC_MAGIC &&
           ((uint32_t)klefr_get_le(r + OFF_SEQ, 4) & 1u) == bank &&
           (uint32_t)klefr_get_le(r + OFF_CRC, 4) == klefr_fw_crc32(r, OFF_CRC);
}

static bool erased(const uint8_t *r)
{
    for (size_t i = 1; i < KLEFR_FW_STORE_BANK_SIZE; i++)
        if (r[i] != r[0])
            return false;
    return r[0] == 0x00 || r[0] == 0xFF;
}

fw_store_state fw_store_load(klefr_fw_meter *m)
{
    uint8_t r[2][KLEFR_FW_STORE_BANK_SIZE];
    bool ok[2], blank = true;
    for (unsigned b = 0; b < 2; b++) {
        ok[b] = m->hal.store_read != NULL &&
                m->hal.store_read(m->hal.ctx, b * KLEFR_FW_STORE_BANK_SIZE, r[b],
                                  KLEFR_FW_STORE_BANK_SIZE) == KLEFR_OK;
        blank = blank && ok[b] && erased(r[b]);
        ok[b] = ok[b] && valid(r[b], b);
    }
    if (!ok[0] && !ok[1])
        return blank ? FW_STORE_BLANK : FW_STORE_CORRUPT;
    unsigned b;
    if (ok[0] && ok[1])
        b = (int32_t)((uint32_t)klefr_get_le(r[1] + OFF_SEQ, 4) -
                      (uint32_t)klefr_get_le(r[0] + OFF_SEQ, 4)) > 0
                ? 1
                : 0;
    else
        b = ok[0] ? 0 : 1;
    decode(m, r[b]);
    m->store_seq = (uint32_t)klefr_get_le(r[b] + OFF_SEQ, 4);
    m->journal_seq = (uint32_t)klefr_get_le(r[b] + OFF_JOURNAL, 4);
    snapshot_taken(m);
    journal_replay(m);
    m->saved_q_sum = fw_energy_sum_q(m);
    /* A record not written at an orderly power down: the meter lost power
     * (or crashed) unseen; count that outage now (SPEC 3). */
    if ((klefr_get_le16(r[b] + OFF_FLAGS) & FLAG_CLEAN) == 0 && m->power_downs < 0xFFFFu)
        m->power_downs++;
    return FW_STORE_OK;
}

klefr_err klefr_fw_store_save(klefr_fw_meter *m)
{
    if (m == NULL)
        return KLEFR_ERR_INVALID_ARG;
    if (m->hal.store_write == NULL)
        return KLEFR_ERR_IO;
    uint8_t r[KLEFR_FW_STORE_BANK_SIZE];
    uint32_t seq = m->store_seq + 1;
    encode(m, seq, r);
    if (m->hal.store_write(m->hal.ctx, (seq & 1u) * KLEFR_FW_STORE_BANK_SIZE, r, sizeof r) !=
        KLEFR_OK) {
        m->store_failures++;
        return KLEFR_ERR_IO;
    }
    m->store_seq = seq;
    snapshot_taken(m);
    m->saved_q_sum = fw_energy_sum_q(m);
    m->ir.lock_saved_ms = (uint32_t)klefr_get_le(r + OFF_LOCK_SECONDS, 3) * 1000u;
    m->ir.lock_dirty = false;
    m->dirty = false;
    return KLEFR_OK;
}

void fw_store_maybe_save(klefr_fw_meter *m)
{
    /* Every change of a 10 Wh quantum is saved before anyone can read it,
     * so no value ever shown or sent is lost by a crash (SPEC 8): as a
     * journal entry, or a snapshot when settings changed or an increase
     * has outgrown its byte. */
    uint32_t sum = fw_energy_sum_q(m);
    if (!m->dirty && sum == m->saved_q_sum && !m->ir.lock_dirty)
        return;
    bool ok;
    if (!m->dirty && journal_write(m, &ok)) {
        if (ok)
            m->saved_q_sum = sum;
        return;
    }
    (void)klefr_fw_store_save(m);
}

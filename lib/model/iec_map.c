/* SPDX-License-Identifier: MIT */
/* The KLEFR IR data set: the IEC column of the register model rendered as
 * a mode-C readout, parsed back from any readout, and served in
 * programming mode (SPEC section 6). The table is walked generically:
 * adding a row with an IEC address adds it here. */
#include <klefr/model_iec.h>

#include <string.h>

#include "model/table.h"

#define VALUE_CAP (KLEFR_IEC_VALUE_MAX + 1u)
#define UNIT_CAP (KLEFR_IEC_UNIT_MAX + 1u)

enum { ST_IDLE = 0, ST_IDENT, ST_READOUT, ST_PROG };

const klefr_quantity_info *klefr_model_iec_lookup(klefr_model model, const char *address,
                                                  size_t address_len)
{
    for (unsigned i = 0; i < KLEFR_Q_COUNT; i++) {
        const klefr_quantity_info *row = klefr_quantity_get((klefr_quantity)i);
        if (row == NULL || row->iec.address == NULL || !klefr_model_has_row(model, row))
            continue;
        if (klefr_iec_address_match(row->iec.address, strlen(row->iec.address), address,
                                    address_len))
            return row;
    }
    return NULL;
}

/* Row of any model whose IEC address matches. Exact text first: only an
 * address with an OBIS A-B: or *F part needs the slower OBIS match. */
static const klefr_quantity_info *find_any(const char *address, size_t address_len)
{
    bool obis = memchr(address, ':', address_len) != NULL ||
                memchr(address, '*', address_len) != NULL ||
                memchr(address, '&', address_len) != NULL;
    for (unsigned i = 0; i < KLEFR_Q_COUNT; i++) {
        const klefr_quantity_info *row = klefr_quantity_get((klefr_quantity)i);
        if (row == NULL || row->iec.address == NULL || row->models == 0)
            continue;
        const char *a = row->iec.address;
        if (obis ? klefr_iec_address_match(a, strlen(a), address, address_len)
                 : strncmp(a, address, address_len) == 0 && a[address_len] == '\0')
            return row;
    }
    return NULL;
}

/* Digits before the point: the 8-digit meter and secondary addresses and
 * the 4-digit password keep their leading zeros. */
static unsigned min_int_digits(klefr_quantity q)
{
    switch (q) {
    case KLEFR_Q_SERIAL_NUMBER:
    case KLEFR_Q_SECONDARY_ADDRESS: return 8;
    case KLEFR_Q_PASSWORD: return 4;
    default: return 1;
    }
}

static bool value_char_ok(char c)
{
    return c > 0x20 && c < 0x7F && strchr("()*/!", c) == NULL;
}

/* @p v cut toward zero to a whole number in [lo, hi], or false. */
static bool whole_in(klefr_number v, int64_t lo, int64_t hi, int64_t *out)
{
#ifdef KLEFR_VALUES_FIXED
    int64_t w = v / 1000000;
#else
    if (!(v >= lo && v <= hi))
        return false;
    int64_t w = (int64_t)v;
#endif
    *out = w;
    return w >= lo && w <= hi;
}

/* NUL-terminated value text of @p v for @p row. */
static klefr_err render_value(const klefr_quantity_info *row, klefr_number v, char out[VALUE_CAP])
{
    size_t len = 0;
    int64_t w;
    if (row->modbus.type == KLEFR_MODBUS_TYPE_ASCII) {
        if (!whole_in(v, 33, 126, &w) || !value_char_ok((char)w))
            return KLEFR_ERR_RANGE;
        out[0] = (char)w;
        out[1] = '\0';
        return KLEFR_OK;
    }
    if (row->modbus.type == KLEFR_MODBUS_TYPE_BITS) {
        if (!whole_in(v, 0, 4294967295, &w))
            return KLEFR_ERR_RANGE;
        uint32_t bits = (uint32_t)w;
        for (int i = 7; i >= 0; i--, bits >>= 4)
            out[i] = "0123456789ABCDEF"[bits & 0xFu];
        out[8] = '\0';
        return KLEFR_OK;
    }
    klefr_err err = klefr_iec_value_format(v, row->iec.decimals, min_int_digits(row->id), out,
                                           VALUE_CAP - 1, &len);
    if (err == KLEFR_ERR_BUFFER_TOO_SMALL)
        return KLEFR_ERR_RANGE;
    if (err != KLEFR_OK)
        return err;
    out[len] = '\0';
    return KLEFR_OK;
}

/* The row's unit, or NULL when the standard cannot carry it. */
static const char *unit_of(const klefr_quantity_info *row)
{
    const char *u = row->unit;
    if (u == NULL || u[0] == '\0' || strlen(u) > KLEFR_IEC_UNIT_MAX)
        return NULL;
    for (const char *p = u; *p != '\0'; p++)
        if (!value_char_ok(*p))
            return NULL;
    return u;
}

/* A data set's unit fits the row when it is absent or exactly the row's
 * unit as the readout sends it (units are case-sensitive: kWh, not KWH).
 * Anything else names another quantity or scale: 2*min is not 2 s. */
static bool unit_fits(const klefr_quantity_info *row, const klefr_iec_dataset *ds)
{
    if (ds->unit_len == 0)
        return true;
    const char *u = unit_of(row);
    return u != NULL && strlen(u) == ds->unit_len && memcmp(u, ds->unit, ds->unit_len) == 0;
}

static klefr_err parse_value(const klefr_quantity_info *row, const char *s, size_t n,
                             klefr_number *out)
{
    if (row->modbus.type == KLEFR_MODBUS_TYPE_ASCII) {
        if (n != 1 || !value_char_ok(s[0]))
            return KLEFR_ERR_ENCODING;
        *out = klefr_number_from_int((unsigned char)s[0], 0);
        return KLEFR_OK;
    }
    if (row->modbus.type == KLEFR_MODBUS_TYPE_BITS) {
        if (n == 0 || n > 8)
            return KLEFR_ERR_ENCODING;
        uint32_t bits = 0;
        for (size_t i = 0; i < n; i++) {
            char c = s[i];
            unsigned d;
            if (c >= '0' && c <= '9')
                d = (unsigned)(c - '0');
            else if (c >= 'A' && c <= 'F')
                d = (unsigned)(c - 'A' + 10);
            else if (c >= 'a' && c <= 'f')
                d = (unsigned)(c - 'a' + 10);
            else
                return KLEFR_ERR_ENCODING;
            bits = bits << 4 | d;
        }
        *out = klefr_number_from_int(bits, 0);
        return KLEFR_OK;
    }
    return klefr_iec_value_parse(s, n, out);
}

static void write_row(klefr_iec_writer *w, const klefr_quantity_info *row,
                      const klefr_values *values)
{
    char text[VALUE_CAP] = "";
    klefr_number v;
    if (klefr_values_get(values, row->id, &v) == KLEFR_OK) {
        klefr_err err = render_value(row, v, text);
        if (err != KLEFR_OK) {
            if (w->err == KLEFR_OK)
                w->err = err;
            return;
        }
    }
    klefr_iec_writer_dataset(w, row->iec.address, text, text[0] != '\0' ? unit_of(row) : NULL);
}

klefr_err klefr_model_iec_ident_encode(klefr_model model, uint8_t *buf, size_t cap, size_t *len)
{
    unsigned n = (unsigned)model;
    if (len == NULL || n < 6911u || n > 6914u)
        return KLEFR_ERR_INVALID_ARG;
    char ident[9] = {'K',
                     'L',
                     'E',
                     'F',
                     'R',
                     (char)('0' + n / 1000),
                     (char)('0' + n / 100 % 10),
                     (char)('0' + n / 10 % 10),
                     (char)('0' + n % 10)};
    klefr_iec_message msg;
    memset(&msg, 0, sizeof msg);
    msg.type = KLEFR_IEC_MSG_IDENTIFICATION;
    msg.manufacturer = KLEFR_IEC_MANUFACTURER;
    msg.baud_char = '5'; /* 9600 */
    msg.ident = ident;
    msg.ident_len = sizeof ident;
    return klefr_iec_message_encode(&msg, buf, cap, len);
}

klefr_err klefr_model_iec_readout_encode(klefr_model model, const klefr_values *values,
                                         uint8_t *buf, size_t cap, size_t *len)
{
    if (values == NULL || len == NULL)
        return KLEFR_ERR_INVALID_ARG;
    klefr_iec_writer w;
    klefr_iec_writer_init(&w, buf, cap);
    klefr_iec_writer_begin(&w, 0, 0);
    for (unsigned i = 0; i < KLEFR_Q_COUNT; i++) {
        const klefr_quantity_info *row = klefr_quantity_get((klefr_quantity)i);
        if (row == NULL || row->iec.address == NULL || !row->iec.in_readout ||
            !klefr_model_has_row(model, row) || !klefr_values_has(values, row->id))
            continue;
        write_row(&w, row, values);
        klefr_iec_writer_line_end(&w);
    }
    klefr_iec_writer_end(&w, true, false);
    return klefr_iec_writer_finish(&w, len);
}

klefr_err klefr_model_iec_readout_decode(const char *data, size_t len, klefr_values *values,
                                         size_t *matched)
{
    if ((data == NULL && len > 0) || values == NULL)
        return KLEFR_ERR_INVALID_ARG;
    size_t count = 0;
    klefr_iec_parser p;
    klefr_iec_parser_init(&p);
    for (;;) {
        klefr_iec_dataset ds;
        bool found = false;
        klefr_err err = klefr_iec_dataset_next(&p, data, len, &ds, &found);
        if (err != KLEFR_OK || !found) {
            if (matched != NULL)
                *matched = count;
            return err;
        }
        if (ds.index != 0 || ds.value_len == 0)
            continue;
        /* The readout is any meter's: match on every row, not one model. */
        const klefr_quantity_info *row = find_any(ds.address, ds.address_len);
        klefr_number v;
        if (row != NULL && unit_fits(row, &ds) &&
            parse_value(row, ds.value, ds.value_len, &v) == KLEFR_OK) {
            klefr_values_set(values, row->id, v);
            count++;
        }
    }
}

/* Is the data set's text what render_value() and unit_of() give for v? */
static bool is_canonical(const klefr_quantity_info *row, klefr_number v,
                         const klefr_iec_dataset *ds)
{
    char text[VALUE_CAP];
    if (render_value(row, v, text) != KLEFR_OK || strlen(text) != ds->value_len ||
        memcmp(text, ds->value, ds->value_len) != 0)
        return false;
    const char *unit = unit_of(row);
    size_t unit_len = unit != NULL ? strlen(unit) : 0;
    return ds->unit_len == unit_len && memcmp(ds->unit, unit != NULL ? unit : "", unit_len) == 0;
}

/* One data set of a KLEFR readout, counted in the report; a value that
 * reads as its row's goes to @p seen and its count to @p times. */
static void take_dataset(const klefr_iec_dataset *ds, klefr_values *seen, uint8_t *times,
                         klefr_decode_report *report)
{
    const klefr_quantity_info *row = ds->index == 0 ? find_any(ds->address, ds->address_len) : NULL;
    klefr_number v;
    if (row == NULL) {
        report->unknown++;
    } else if (ds->value_len == 0 || parse_value(row, ds->value, ds->value_len, &v) != KLEFR_OK) {
        report->dropped++;
    } else if (!is_canonical(row, v, ds)) {
        report->noncanonical++;
    } else {
        (void)klefr_values_set(seen, row->id, v);
        if (times[row->id] < UINT8_MAX)
            times[row->id]++;
    }
}

klefr_err klefr_model_iec_readout_decode_report(const char *data, size_t len, klefr_values *values,
                                                klefr_decode_report *report)
{
    if ((data == NULL && len > 0) || values == NULL || report == NULL)
        return KLEFR_ERR_INVALID_ARG;
    *report = (klefr_decode_report){0};
    klefr_values seen;
    uint8_t times[KLEFR_Q_COUNT] = {0};
    klefr_values_clear(&seen);
    klefr_iec_parser p;
    klefr_iec_parser_init(&p);
    for (;;) {
        klefr_iec_dataset ds;
        bool found = false;
        klefr_err err = klefr_iec_dataset_next(&p, data, len, &ds, &found);
        if (err != KLEFR_OK) {
            *report = (klefr_decode_report){0};
            return err;
        }
        if (!found)
            break;
        take_dataset(&ds, &seen, times, report);
    }
    for (unsigned q = 0; q < KLEFR_Q_COUNT; q++) {
        if (times[q] > 1) {
            report->duplicates += times[q]; /* which one is right? neither */
        } else if (times[q] == 1) {
            (void)klefr_values_set(values, (klefr_quantity)q, seen.value[q]);
            report->stored++;
        }
    }
    return KLEFR_OK;
}

/* ---------------------------------------------------------------- */
/* Meter side: sign-on, option select, readout and programming mode. */

void klefr_iec_slave_init(klefr_iec_slave *m, klefr_model model, uint32_t lock_ms)
{
    if (m == NULL)
        return;
    memset(m, 0, sizeof *m);
    m->model = model;
    klefr_iec_timing_init(&m->timing);
    klefr_iec_lockout_init(&m->lockout, 3, lock_ms != 0 ? lock_ms : KLEFR_IEC_DEFAULT_LOCK_MS);
    m->idle_ms = KLEFR_IEC_DEFAULT_IDLE_MS;
    m->baud = KLEFR_IEC_INITIAL_BAUD;
    m->state = ST_IDLE;
}

bool klefr_iec_slave_is_programming(const klefr_iec_slave *m)
{
    return m != NULL && m->state == ST_PROG;
}

klefr_iec_listen klefr_iec_slave_listen(const klefr_iec_slave *m)
{
    if (m == NULL || m->state == ST_IDLE)
        return KLEFR_IEC_LISTEN_SIGN_ON;
    return m->state == ST_IDENT ? KLEFR_IEC_LISTEN_OPTION_SELECT : KLEFR_IEC_LISTEN_SESSION;
}

void klefr_iec_slave_sent(klefr_iec_slave *m, uint32_t now_ms)
{
    if (m != NULL)
        m->last_ms = now_ms;
}

static void end_session(klefr_iec_slave *m)
{
    m->state = ST_IDLE;
    m->logged_in = false;
    m->baud = KLEFR_IEC_INITIAL_BAUD;
    m->last_tx_len = 0;
}

bool klefr_iec_slave_poll(klefr_iec_slave *m, uint32_t now_ms, uint32_t *baud)
{
    if (m == NULL || m->state == ST_IDLE)
        return false;
    uint32_t limit = m->state == ST_PROG ? m->idle_ms : m->timing.reaction_max_ms;
    if ((uint32_t)(now_ms - m->last_ms) <= limit || !klefr_iec_time_is_reached(now_ms, m->last_ms))
        return false;
    end_session(m);
    if (baud != NULL)
        *baud = m->baud;
    return true;
}

/* Does the sign-on's device address name this meter? Digits compare as
 * numbers, so "0017060518" and "17060518" both match 17060518. */
static bool address_is_ours(const klefr_iec_message *msg, const klefr_values *values)
{
    if (msg->device_address_len == 0)
        return true;
    klefr_number serial;
    if (klefr_values_get(values, KLEFR_Q_SERIAL_NUMBER, &serial) != KLEFR_OK)
        return true;
    uint64_t n = 0;
    for (size_t i = 0; i < msg->device_address_len; i++) {
        char c = msg->device_address[i];
        if (c < '0' || c > '9' || n > 99999999999999999ull)
            return false;
        n = n * 10u + (uint64_t)(c - '0');
    }
#ifdef KLEFR_VALUES_FIXED
    return serial >= 0 && serial % 1000000 == 0 && (uint64_t)(serial / 1000000) == n;
#else
    return serial >= 0 && (double)n == serial;
#endif
}

static klefr_err error_reply(int code, uint8_t *tx, size_t cap, size_t *len)
{
    klefr_iec_message msg;
    memset(&msg, 0, sizeof msg);
    msg.type = KLEFR_IEC_MSG_ERROR;
    msg.error_code = code;
    return klefr_iec_message_encode(&msg, tx, cap, len);
}

static klefr_err single_reply(klefr_iec_msg_type type, uint8_t *tx, size_t cap, size_t *len)
{
    klefr_iec_message msg;
    memset(&msg, 0, sizeof msg);
    msg.type = type;
    return klefr_iec_message_encode(&msg, tx, cap, len);
}

/* First data set of a command's data, or false. */
static bool first_dataset(const klefr_iec_message *msg, klefr_iec_dataset *ds)
{
    if (msg->data == NULL)
        return false;
    klefr_iec_parser p;
    klefr_iec_parser_init(&p);
    bool found = false;
    return klefr_iec_dataset_next(&p, msg->data, msg->data_len, ds, &found) == KLEFR_OK && found;
}

static klefr_err on_password(klefr_iec_slave *m, uint32_t now, const klefr_values *values,
                             const klefr_iec_message *msg, uint8_t *tx, size_t cap, size_t *len)
{
    /* While locked the attempt is refused uncounted, and answered ER02 below. */
    klefr_number stored = 0;
    (void)klefr_values_get(values, KLEFR_Q_PASSWORD, &stored);
    klefr_iec_dataset ds;
    bool correct = false;
    if (first_dataset(msg, &ds) && ds.address_len == 0 && ds.value_len == 4 && ds.unit_len == 0) {
        unsigned n = 0;
        correct = true;
        for (size_t i = 0; i < 4; i++) {
            char c = ds.value[i];
            correct = correct && c >= '0' && c <= '9';
            n = n * 10u + (unsigned)(c - '0');
        }
        correct = correct && klefr_number_from_int(n, 0) == stored;
    }
    klefr_err err = klefr_iec_lockout_attempt(&m->lockout, correct, now);
    if (err == KLEFR_OK) {
        m->logged_in = true;
        return single_reply(KLEFR_IEC_MSG_ACK, tx, cap, len);
    }
    bool locked = klefr_iec_lockout_is_locked(&m->lockout, now);
    return error_reply(locked ? KLEFR_IEC_ER_LOCKED : KLEFR_IEC_ER_PASSWORD, tx, cap, len);
}

static klefr_err on_read(klefr_iec_slave *m, const klefr_values *values,
                         const klefr_iec_message *msg, uint8_t *tx, size_t cap, size_t *len)
{
    klefr_iec_dataset ds;
    if (!first_dataset(msg, &ds))
        return error_reply(KLEFR_IEC_ER_SYNTAX, tx, cap, len);
    const klefr_quantity_info *row = klefr_model_iec_lookup(m->model, ds.address, ds.address_len);
    if (row == NULL)
        return error_reply(KLEFR_IEC_ER_UNKNOWN_ADDRESS, tx, cap, len);
    klefr_iec_writer w;
    klefr_iec_writer_init(&w, tx, cap);
    klefr_iec_writer_begin(&w, 0, 0);
    write_row(&w, row, values);
    klefr_iec_writer_end(&w, false, false);
    return klefr_iec_writer_finish(&w, len);
}

static klefr_err on_write(klefr_iec_slave *m, const klefr_iec_message *msg, uint8_t *tx, size_t cap,
                          size_t *len, klefr_iec_slave_action *action)
{
    klefr_iec_dataset ds;
    if (!first_dataset(msg, &ds))
        return error_reply(KLEFR_IEC_ER_SYNTAX, tx, cap, len);
    const klefr_quantity_info *row = klefr_model_iec_lookup(m->model, ds.address, ds.address_len);
    if (row == NULL)
        return error_reply(KLEFR_IEC_ER_UNKNOWN_ADDRESS, tx, cap, len);
    if (!row->iec.writable)
        return error_reply(KLEFR_IEC_ER_NOT_WRITABLE, tx, cap, len);
    klefr_number v;
    if (parse_value(row, ds.value, ds.value_len, &v) != KLEFR_OK)
        return error_reply(KLEFR_IEC_ER_SYNTAX, tx, cap, len);
    if (!unit_fits(row, &ds))
        return error_reply(KLEFR_IEC_ER_VALUE, tx, cap, len);
    switch (klefr_quantity_validate(m->model, row->id, v)) {
    case KLEFR_OK: break;
    case KLEFR_ERR_NOT_WRITABLE: return error_reply(KLEFR_IEC_ER_NOT_WRITABLE, tx, cap, len);
    case KLEFR_ERR_RANGE: return error_reply(KLEFR_IEC_ER_VALUE, tx, cap, len);
    default: return error_reply(KLEFR_IEC_ER_UNKNOWN_ADDRESS, tx, cap, len);
    }
    action->has_setting = true;
    action->setting.quantity = row->id;
    action->setting.value = v;
    return single_reply(KLEFR_IEC_MSG_ACK, tx, cap, len);
}

static klefr_err on_command(klefr_iec_slave *m, uint32_t now, const klefr_values *values,
                            const klefr_iec_message *msg, uint8_t *tx, size_t cap, size_t *len,
                            klefr_iec_slave_action *action)
{
    char c = msg->command, t = msg->command_type;
    if (c == 'B' && t == '0') {
        end_session(m);
        action->baud = m->baud;
        return KLEFR_OK;
    }
    if (c == 'P' && t == '1')
        return on_password(m, now, values, msg, tx, cap, len);
    if ((c == 'R' || c == 'W') && t == '1') {
        if (!m->logged_in)
            return error_reply(KLEFR_IEC_ER_NOT_LOGGED_IN, tx, cap, len);
        return c == 'R' ? on_read(m, values, msg, tx, cap, len)
                        : on_write(m, msg, tx, cap, len, action);
    }
    return error_reply(KLEFR_IEC_ER_COMMAND, tx, cap, len);
}

static klefr_err on_option_select(klefr_iec_slave *m, uint32_t now, const klefr_values *values,
                                  const klefr_iec_message *msg, uint8_t *tx, size_t cap,
                                  size_t *len, klefr_iec_slave_action *action)
{
    uint32_t baud = 0;
    /* SPEC 6: V=2 / Y=2 (binary mode) are ignored; any rate up to the one
     * offered is honoured. */
    if (msg->protocol != 0 || msg->option > KLEFR_IEC_OPTION_PROGRAMMING ||
        klefr_iec_baud_char_decode(KLEFR_IEC_MODE_C, msg->baud_char, &baud) != KLEFR_OK ||
        baud > KLEFR_IEC_MAX_BAUD) {
        end_session(m);
        return KLEFR_OK;
    }
    m->baud = baud;
    action->baud = baud;
    action->send_at_ms = klefr_iec_baud_switch_ready_ms(&m->timing, now);
    if (msg->option == KLEFR_IEC_OPTION_READOUT) {
        m->state = ST_READOUT;
        return klefr_model_iec_readout_encode(m->model, values, tx, cap, len);
    }
    m->state = ST_PROG;
    m->logged_in = false;
    /* P0 carries the meter address (SPEC 6). */
    const klefr_quantity_info *row = klefr_quantity_get(KLEFR_Q_SERIAL_NUMBER);
    char text[VALUE_CAP] = "";
    klefr_number serial;
    if (row != NULL && klefr_values_get(values, KLEFR_Q_SERIAL_NUMBER, &serial) == KLEFR_OK &&
        render_value(row, serial, text) != KLEFR_OK)
        text[0] = '\0';
    klefr_iec_writer w;
    klefr_iec_writer_init(&w, tx, cap);
    klefr_iec_writer_begin(&w, 'P', '0');
    klefr_iec_writer_dataset(&w, "", text, NULL);
    klefr_iec_writer_end(&w, false, false);
    return klefr_iec_writer_finish(&w, len);
}

klefr_err klefr_iec_slave_receive(klefr_iec_slave *m, uint32_t now_ms, const klefr_values *values,
                                  const uint8_t *rx, size_t rx_len, uint8_t *tx, size_t tx_cap,
                                  size_t *tx_len, klefr_iec_slave_action *action)
{
    if (m == NULL || values == NULL || rx == NULL || tx == NULL || tx_len == NULL || action == NULL)
        return KLEFR_ERR_INVALID_ARG;
    uint32_t ignored;
    (void)klefr_iec_slave_poll(m, now_ms, &ignored);
    memset(action, 0, sizeof *action);
    action->send_at_ms = klefr_iec_reply_earliest_ms(&m->timing, now_ms);
    size_t len = 0;
    klefr_err err = KLEFR_OK;

    klefr_iec_message msg;
    klefr_err dec = klefr_iec_message_decode(rx, rx_len, &msg, NULL);
    if (dec == KLEFR_OK && msg.type == KLEFR_IEC_MSG_REQUEST) {
        end_session(m);
        if (address_is_ours(&msg, values)) {
            err = klefr_model_iec_ident_encode(m->model, tx, tx_cap, &len);
            m->state = ST_IDENT;
        }
    } else if (m->state == ST_IDENT && dec == KLEFR_OK && msg.type == KLEFR_IEC_MSG_OPTION_SELECT) {
        err = on_option_select(m, now_ms, values, &msg, tx, tx_cap, &len, action);
    } else if ((m->state == ST_READOUT || m->state == ST_PROG) && dec == KLEFR_OK &&
               msg.type == KLEFR_IEC_MSG_NAK) {
        action->resend = m->last_tx_len > 0;
        len = m->last_tx_len;
    } else if (m->state == ST_PROG && dec != KLEFR_OK) {
        /* A damaged block in programming mode: ask for it again. */
        err = single_reply(KLEFR_IEC_MSG_NAK, tx, tx_cap, &len);
    } else if (m->state == ST_PROG && msg.type == KLEFR_IEC_MSG_COMMAND) {
        err = on_command(m, now_ms, values, &msg, tx, tx_cap, &len, action);
    }
    /* Anything else is ignored without an answer. */
    if (action->baud == 0)
        action->baud = m->baud;
    m->last_ms = now_ms;
    if (err != KLEFR_OK) {
        *tx_len = 0;
        m->last_tx_len = 0;
        return err;
    }
    *tx_len = len;
    /* Ignored messages keep the previous answer available for a NAK. */
    if (!action->resend && len > 0)
        m->last_tx_len = len;
    return KLEFR_OK;
}

/* ---------------------------------------------------------------- */
/* Client side. */

klefr_err klefr_model_iec_error_decode(int code)
{
    switch (code) {
    case KLEFR_IEC_ER_PASSWORD:
    case KLEFR_IEC_ER_NOT_LOGGED_IN: return KLEFR_ERR_ACCESS_DENIED;
    case KLEFR_IEC_ER_LOCKED: return KLEFR_ERR_LOCKED;
    case KLEFR_IEC_ER_UNKNOWN_ADDRESS: return KLEFR_ERR_NO_SUCH_QUANTITY;
    case KLEFR_IEC_ER_NOT_WRITABLE: return KLEFR_ERR_NOT_WRITABLE;
    case KLEFR_IEC_ER_VALUE: return KLEFR_ERR_RANGE;
    case KLEFR_IEC_ER_SYNTAX: return KLEFR_ERR_ENCODING;
    case KLEFR_IEC_ER_COMMAND: return KLEFR_ERR_UNSUPPORTED;
    case KLEFR_IEC_ER_STORE: return KLEFR_ERR_IO;
    default: return KLEFR_ERR_UNEXPECTED;
    }
}

klefr_err klefr_model_iec_password_encode(const char *password, uint8_t *buf, size_t cap,
                                          size_t *len)
{
    if (password == NULL || len == NULL)
        return KLEFR_ERR_INVALID_ARG;
    for (size_t i = 0; i < 5; i++) {
        bool digit = password[i] >= '0' && password[i] <= '9';
        if (i < 4 ? !digit : password[i] != '\0')
            return KLEFR_ERR_RANGE;
    }
    klefr_iec_writer w;
    klefr_iec_writer_init(&w, buf, cap);
    klefr_iec_writer_begin(&w, 'P', '1');
    klefr_iec_writer_dataset(&w, "", password, NULL);
    klefr_iec_writer_end(&w, false, false);
    return klefr_iec_writer_finish(&w, len);
}

klefr_err klefr_model_iec_read_encode(klefr_quantity q, uint8_t *buf, size_t cap, size_t *len)
{
    const klefr_quantity_info *row = klefr_quantity_get(q);
    if (row == NULL || len == NULL)
        return KLEFR_ERR_INVALID_ARG;
    if (row->iec.address == NULL)
        return KLEFR_ERR_NOT_AVAILABLE;
    klefr_iec_writer w;
    klefr_iec_writer_init(&w, buf, cap);
    klefr_iec_writer_begin(&w, 'R', '1');
    klefr_iec_writer_dataset(&w, row->iec.address, "", NULL);
    klefr_iec_writer_end(&w, false, false);
    return klefr_iec_writer_finish(&w, len);
}

klefr_err klefr_model_iec_write_encode(klefr_model model, klefr_quantity q, klefr_number value,
                                       uint8_t *buf, size_t cap, size_t *len)
{
    const klefr_quantity_info *row = klefr_quantity_get(q);
    if (row == NULL || len == NULL)
        return KLEFR_ERR_INVALID_ARG;
    if (row->iec.address == NULL)
        return KLEFR_ERR_NOT_AVAILABLE;
    klefr_err err = klefr_quantity_validate(model, q, value);
    if (err != KLEFR_OK)
        return err;
    if (!row->iec.writable)
        return KLEFR_ERR_NOT_WRITABLE;
    char text[VALUE_CAP];
    err = render_value(row, value, text);
    if (err != KLEFR_OK)
        return err;
    klefr_iec_writer w;
    klefr_iec_writer_init(&w, buf, cap);
    klefr_iec_writer_begin(&w, 'W', '1');
    klefr_iec_writer_dataset(&w, row->iec.address, text, NULL);
    klefr_iec_writer_end(&w, false, false);
    return klefr_iec_writer_finish(&w, len);
}

/* Decoded answer: NAK and (ERxx) become errors. */
static klefr_err decode_answer(const uint8_t *rx, size_t len, klefr_iec_message *msg)
{
    if (rx == NULL)
        return KLEFR_ERR_INVALID_ARG;
    size_t used = 0;
    klefr_err err = klefr_iec_message_decode(rx, len, msg, &used);
    if (err != KLEFR_OK)
        return err;
    if (used != len)
        return KLEFR_ERR_FRAME; /* an answer and more: which one is the meter's? */
    if (msg->type == KLEFR_IEC_MSG_NAK)
        return KLEFR_ERR_NAK;
    if (msg->type == KLEFR_IEC_MSG_ERROR)
        return klefr_model_iec_error_decode(msg->error_code);
    return KLEFR_OK;
}

klefr_err klefr_model_iec_read_reply_decode(klefr_quantity q, const uint8_t *rx, size_t len,
                                            klefr_number *value)
{
    const klefr_quantity_info *row = klefr_quantity_get(q);
    if (row == NULL || value == NULL || row->iec.address == NULL)
        return KLEFR_ERR_INVALID_ARG;
    klefr_iec_message msg;
    klefr_err err = decode_answer(rx, len, &msg);
    if (err != KLEFR_OK)
        return err;
    klefr_iec_dataset ds;
    if (msg.type != KLEFR_IEC_MSG_DATA || !first_dataset(&msg, &ds))
        return KLEFR_ERR_UNEXPECTED;
    if (ds.address_len > 0 && !klefr_iec_address_match(row->iec.address, strlen(row->iec.address),
                                                       ds.address, ds.address_len))
        return KLEFR_ERR_UNEXPECTED;
    if (ds.value_len == 0)
        return KLEFR_ERR_NOT_AVAILABLE;
    if (!unit_fits(row, &ds))
        return KLEFR_ERR_UNEXPECTED; /* another quantity or scale */
    return parse_value(row, ds.value, ds.value_len, value);
}

klefr_err klefr_model_iec_ack_decode(const uint8_t *rx, size_t len)
{
    klefr_iec_message msg;
    klefr_err err = decode_answer(rx, len, &msg);
    if (err != KLEFR_OK)
        return err;
    return msg.type == KLEFR_IEC_MSG_ACK ? KLEFR_OK : KLEFR_ERR_UNEXPECTED;
}

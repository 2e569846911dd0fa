/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the EN 13757-3 header and record decoder over arbitrary
 * bytes, decode -> encode -> decode of the data records it accepts, the
 * exact text of every integer value, and the fixed data structure read in
 * both byte orders. */
#include <klefr/mbus.h>
#include <klefr/mbus_records.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* klefr_mbus_value_format() against printf of the integer: the same
 * digits, and exactly the zeros or fraction digits the exponent asks for. */
static void check_format(const klefr_mbus_value *v)
{
    char text[96];
    size_t len = 0;
    klefr_err err = klefr_mbus_value_format(v, text, sizeof text, &len);
    if (v->type != KLEFR_MBUS_VALUE_INTEGER) {
        if (err != KLEFR_ERR_UNSUPPORTED)
            abort();
        return;
    }
    if (err == KLEFR_ERR_BUFFER_TOO_SMALL && len + 1 > sizeof text)
        return;
    if (err != KLEFR_OK || strlen(text) != len)
        abort();
    unsigned long long mag =
        v->integer < 0 ? 0ull - (unsigned long long)v->integer : (unsigned long long)v->integer;
    char digits[24], want[128], zeros[100];
    snprintf(digits, sizeof digits, "%llu", mag);
    int nd = (int)strlen(digits), e = v->exponent, frac = e < 0 ? -e : 0;
    memset(zeros, '0', sizeof zeros - 1);
    zeros[sizeof zeros - 1] = '\0';
    const char *sign = v->integer < 0 ? "-" : "";
    if (mag == 0 && e >= 0)
        snprintf(want, sizeof want, "0");
    else if (e >= 0)
        snprintf(want, sizeof want, "%s%s%.*s", sign, digits, e, zeros);
    else if (nd > frac)
        snprintf(want, sizeof want, "%s%.*s.%s", sign, nd - frac, digits, digits + nd - frac);
    else
        snprintf(want, sizeof want, "%s0.%.*s%s", sign, frac - nd, zeros, digits);
    if (strcmp(text, want) != 0)
        abort();
}

/* Reverse each multi-byte field of a 16-byte fixed structure: the CI 77
 * form of a CI 73 telegram, which must decode to the same values. */
static void check_fixed(const uint8_t *p, size_t n)
{
    klefr_mbus_fixed lsb, msb;
    klefr_err err = klefr_mbus_fixed_decode(0x73, p, n, &lsb);
    if ((err == KLEFR_OK) != (n == KLEFR_MBUS_FIXED_LEN))
        abort();
    if (err != KLEFR_OK)
        return;
    static const uint8_t order[16] = {3, 2, 1, 0, 4, 5, 7, 6, 11, 10, 9, 8, 15, 14, 13, 12};
    uint8_t rev[16];
    for (size_t i = 0; i < 16; i++)
        rev[i] = p[order[i]];
    if (klefr_mbus_fixed_decode(0x77, rev, 16, &msb) != KLEFR_OK || msb.id_bcd != lsb.id_bcd ||
        msb.id != lsb.id || msb.medium != lsb.medium || msb.status != lsb.status || lsb.medium > 15)
        abort();
    for (unsigned i = 0; i < 2; i++) {
        const klefr_mbus_fixed_counter *a = &lsb.counter[i], *b = &msb.counter[i];
        if (a->integer != b->integer || a->exponent != b->exponent || a->unit != b->unit ||
            a->quantity != b->quantity || a->value_error != b->value_error || a->unit_code > 0x3F ||
            a->quantity == NULL || a->unit == NULL)
            abort();
        klefr_mbus_value v = {
            .type = KLEFR_MBUS_VALUE_INTEGER, .integer = a->integer, .exponent = a->exponent};
        check_format(&v);
    }
    (void)klefr_mbus_fixed_medium_name(lsb.medium);
}

static void check_record(const klefr_mbus_record *r, const uint8_t *base, size_t size)
{
    /* Every pointer stays inside the input. */
    if (r->raw < base || r->raw + r->raw_len > base + size)
        abort();
    if (r->data != NULL && (r->data < r->raw || r->data + r->data_len > r->raw + r->raw_len))
        abort();
    if (r->vib != NULL && r->vib + r->vib_len > r->raw + r->raw_len)
        abort();
    double d;
    (void)klefr_mbus_value_to_double(&r->value, &d);
    check_format(&r->value);
    if (r->table == KLEFR_MBUS_VIF_UNKNOWN && r->value.type != KLEFR_MBUS_VALUE_BYTES &&
        r->value.type != KLEFR_MBUS_VALUE_NONE)
        abort(); /* no number is made of an unknown VIF's bytes */
    char text[256];
    if (r->value.type == KLEFR_MBUS_VALUE_STRING)
        (void)klefr_mbus_string_copy(r->value.bytes, r->value.bytes_len, text, sizeof text);
    if (r->quantity == NULL || r->unit == NULL)
        abort();
    for (size_t i = 0; i < r->vife_len; i++)
        if (klefr_mbus_vife_name(r->vife[i], false) == NULL)
            abort();

    /* A binary LVAR number (E9-EF, F0-F6) re-encodes with the same LVAR
     * and bytes. */
    if (r->kind == KLEFR_MBUS_RECORD_DATA && r->coding == KLEFR_MBUS_DATA_LVAR &&
        r->value.type == KLEFR_MBUS_VALUE_BYTES && r->table != KLEFR_MBUS_VIF_UNKNOWN) {
        klefr_mbus_record_spec s = {.coding = r->coding,
                                    .function = r->function,
                                    .storage = r->storage,
                                    .tariff = r->tariff,
                                    .subunit = r->subunit,
                                    .vib = r->vib,
                                    .vib_len = r->vib_len,
                                    .value = r->value};
        uint8_t out[300];
        size_t len;
        klefr_mbus_record back;
        size_t used;
        if (klefr_mbus_record_encode(&s, out, sizeof out, &len) != KLEFR_OK ||
            klefr_mbus_record_decode(out, len, &back, &used) != KLEFR_OK || used != len ||
            back.lvar != r->lvar || back.value.bytes_len != r->value.bytes_len ||
            memcmp(back.value.bytes, r->value.bytes, r->value.bytes_len) != 0)
            abort();
    }

    /* An integer record re-encodes to the same bytes when its DIB is minimal. */
    if (r->kind == KLEFR_MBUS_RECORD_DATA && r->value.type == KLEFR_MBUS_VALUE_INTEGER &&
        r->coding != KLEFR_MBUS_DATA_LVAR && r->vib != NULL) {
        klefr_mbus_record_spec s = {.coding = r->coding,
                                    .function = r->function,
                                    .storage = r->storage,
                                    .tariff = r->tariff,
                                    .subunit = r->subunit,
                                    .vib = r->vib,
                                    .vib_len = r->vib_len,
                                    .value = r->value};
        uint8_t out[64];
        size_t len;
        if (klefr_mbus_record_encode(&s, out, sizeof out, &len) == KLEFR_OK) {
            klefr_mbus_record back;
            size_t used;
            if (klefr_mbus_record_decode(out, len, &back, &used) != KLEFR_OK || used != len ||
                back.value.type != r->value.type || back.value.integer != r->value.integer)
                abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    /* First byte picks the CI of the header; the rest is the data block. */
    static const uint8_t cis[8] = {0x72, 0x7A, 0x78, 0x51, 0x73, 0x77, 0x70, 0x72};
    uint8_t ci = cis[data[0] & 7u];
    const uint8_t *p = data + 1;
    size_t n = size - 1;
    /* Copy into an exactly sized heap block so ASan sees any overread. */
    uint8_t *copy = malloc(n > 0 ? n : 1);
    if (copy == NULL)
        return 0;
    memcpy(copy, p, n);

    if (ci == KLEFR_MBUS_CI_RSP_FIXED || ci == KLEFR_MBUS_CI_RSP_FIXED_MSB) {
        check_fixed(copy, n);
        free(copy);
        return 0;
    }
    if (ci == KLEFR_MBUS_CI_APP_ERROR) {
        uint8_t code;
        if (klefr_mbus_app_error_decode(ci, copy, n, &code) != KLEFR_OK ||
            code != (n > 0 ? copy[0] : 0) || klefr_mbus_app_error_name(code) == NULL)
            abort();
        free(copy);
        return 0;
    }
    size_t hl = 0;
    klefr_mbus_header h;
    if (ci != 0x51 && klefr_mbus_header_decode(ci, copy, n, &h, &hl) != KLEFR_OK)
        hl = 0;
    klefr_mbus_record_iter it;
    klefr_mbus_record r;
    klefr_mbus_record_iter_init(&it, copy + hl, n - hl);
    while (klefr_mbus_record_next(&it, &r))
        check_record(&r, copy, n);
    klefr_mbus_record arr[8];
    size_t count;
    (void)klefr_mbus_records_decode(copy, n, arr, 8, &count);
    free(copy);
    return 0;
}

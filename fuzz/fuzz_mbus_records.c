/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the EN 13757-3 header and record decoder over arbitrary
 * bytes, and decode -> encode -> decode of the data records it accepts. */
#include <klefr/mbus.h>
#include <klefr/mbus_records.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
    char text[256];
    if (r->value.type == KLEFR_MBUS_VALUE_STRING)
        (void)klefr_mbus_string_copy(r->value.bytes, r->value.bytes_len, text, sizeof text);
    if (r->quantity == NULL || r->unit == NULL)
        abort();
    for (size_t i = 0; i < r->vife_len; i++)
        if (klefr_mbus_vife_name(r->vife[i], false) == NULL)
            abort();

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
    static const uint8_t cis[4] = {0x72, 0x7A, 0x78, 0x51};
    uint8_t ci = cis[data[0] & 3u];
    const uint8_t *p = data + 1;
    size_t n = size - 1;
    /* Copy into an exactly sized heap block so ASan sees any overread. */
    uint8_t *copy = malloc(n > 0 ? n : 1);
    if (copy == NULL)
        return 0;
    memcpy(copy, p, n);

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

/* SPDX-License-Identifier: MIT */
/* Decode the RSP_UD of any M-Bus meter (heat, water, electricity...) given
 * as hex on the command line or stdin, and print each record's value, unit
 * and meaning. Only the public header is used.
 *   mbus_decode 68 4B 4B 68 08 00 72 ... 7C 16 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <klefr/klefr.h>

static size_t parse_hex(const char *text, uint8_t *out, size_t cap, int *odd)
{
    size_t n = 0;
    int hi = -1;
    for (const char *p = text; *p != '\0' && n < cap; p++) {
        int v = (*p >= '0' && *p <= '9')   ? *p - '0'
                : (*p >= 'a' && *p <= 'f') ? *p - 'a' + 10
                : (*p >= 'A' && *p <= 'F') ? *p - 'A' + 10
                                           : -1;
        if (v < 0)
            continue;
        if (hi < 0) {
            hi = v;
        } else {
            out[n++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    *odd = hi >= 0;
    return n;
}

/* A float with the fewest digits that read back as the same float. */
static void print_float(float f)
{
    char text[32];
    for (int p = 1; p <= 9; p++) {
        snprintf(text, sizeof text, "%.*g", p, (double)f);
        if (strtof(text, NULL) == f)
            break;
    }
    printf("%s", text);
}

static void print_value(const klefr_mbus_record *r)
{
    char text[256];
    const klefr_mbus_datetime *t = &r->value.datetime;
    switch (r->value.type) {
    case KLEFR_MBUS_VALUE_INTEGER:
        /* Exact: the integer's digits and the exponent's point, no double. */
        if (klefr_mbus_value_format(&r->value, text, sizeof text, NULL) == KLEFR_OK)
            printf("%s %s", text, r->unit);
        break;
    case KLEFR_MBUS_VALUE_REAL:
        print_float(r->value.real);
        if (r->value.exponent != 0)
            printf(" x 10^%d", r->value.exponent);
        printf(" %s", r->unit);
        break;
    case KLEFR_MBUS_VALUE_DATETIME:
        printf("%04u-%02u-%02u %02u:%02u:%02u", t->year, t->month, t->day, t->hour, t->minute,
               t->second);
        break;
    case KLEFR_MBUS_VALUE_STRING:
        if (klefr_mbus_string_copy(r->value.bytes, r->value.bytes_len, text, sizeof text) ==
            KLEFR_OK)
            printf("\"%s\"", text);
        break;
    case KLEFR_MBUS_VALUE_BYTES: printf("%zu bytes", r->value.bytes_len); break;
    case KLEFR_MBUS_VALUE_INVALID: printf("invalid (%s)", klefr_strerror(r->value_error)); break;
    default: printf("-"); break;
    }
}

/* CI 73/77: the older fixed structure, two counters. */
static int print_fixed(const klefr_mbus_frame *f)
{
    klefr_mbus_fixed x;
    klefr_err err = klefr_mbus_fixed_decode(f->ci, f->data, f->data_len, &x);
    if (err != KLEFR_OK) {
        fprintf(stderr, "mbus_decode: fixed data: %s\n", klefr_strerror(err));
        return 1;
    }
    printf("address %u, id %08X, medium %s, access %u, status %02X (fixed structure)\n", f->a,
           (unsigned)x.id_bcd, klefr_mbus_fixed_medium_name(x.medium), x.access, x.status);
    for (unsigned i = 0; i < 2; i++) {
        const klefr_mbus_fixed_counter *c = &x.counter[i];
        klefr_mbus_value v = {
            .type = KLEFR_MBUS_VALUE_INTEGER, .integer = c->integer, .exponent = c->exponent};
        char text[64];
        printf("  counter %u, %s%s: ", i + 1, c->quantity, c->historic ? " (historic)" : "");
        if (c->value_error != KLEFR_OK)
            printf("invalid (%s)\n", klefr_strerror(c->value_error));
        else if (klefr_mbus_value_format(&v, text, sizeof text, NULL) == KLEFR_OK)
            printf("%s %s\n", text, c->unit);
    }
    return 0;
}

int main(int argc, char **argv)
{
    static char text[8192];
    size_t used = 0;
    if (argc > 1) {
        for (int i = 1; i < argc && used < sizeof text - 1; i++)
            used += (size_t)snprintf(text + used, sizeof text - used, "%s ", argv[i]);
    } else {
        used = fread(text, 1, sizeof text - 1, stdin);
    }
    text[used] = '\0';

    uint8_t frame[512];
    int odd;
    size_t n = parse_hex(text, frame, sizeof frame, &odd);
    klefr_mbus_frame f;
    klefr_mbus_header h;
    size_t header_len = 0;
    klefr_err err = odd ? KLEFR_ERR_ENCODING : klefr_mbus_frame_decode(frame, n, &f);
    uint8_t code;
    if (err == KLEFR_OK &&
        klefr_mbus_app_error_decode(f.ci, f.data, f.data_len, &code) == KLEFR_OK) {
        printf("address %u: application error %u, %s\n", f.a, code,
               klefr_mbus_app_error_name(code));
        return 1;
    }
    if (err == KLEFR_OK && (f.ci == KLEFR_MBUS_CI_RSP_FIXED || f.ci == KLEFR_MBUS_CI_RSP_FIXED_MSB))
        return print_fixed(&f);
    if (err == KLEFR_OK)
        err = klefr_mbus_header_decode(f.ci, f.data, f.data_len, &h, &header_len);
    if (err != KLEFR_OK) {
        fprintf(stderr, "mbus_decode: %s\n", klefr_strerror(err));
        return 1;
    }
    char man[4] = "?";
    klefr_mbus_manufacturer_decode(h.manufacturer, man);
    printf("address %u, id %08X, manufacturer %s, version %u, medium %s, access %u, status %02X\n",
           f.a, (unsigned)h.id_bcd, man, h.version, klefr_mbus_medium_name(h.medium), h.access,
           h.status);

    static const char *functions[] = {"", " (maximum)", " (minimum)", " (during error)"};
    klefr_mbus_record_iter it;
    klefr_mbus_record r;
    klefr_mbus_record_iter_init(&it, f.data + header_len, f.data_len - header_len);
    while (klefr_mbus_record_next(&it, &r)) {
        printf("  %s%s", r.quantity, functions[r.function & 3]);
        if (r.storage || r.tariff || r.subunit)
            printf(" [storage %llu, tariff %u, subunit %u]", (unsigned long long)r.storage,
                   (unsigned)r.tariff, (unsigned)r.subunit);
        printf(": ");
        print_value(&r);
        printf("\n");
    }
    if (it.error != KLEFR_OK) {
        fprintf(stderr, "mbus_decode: record: %s\n", klefr_strerror(it.error));
        return 1;
    }
    return 0;
}

/* SPDX-License-Identifier: MIT */
/* Decode sample frames of the two other protocols with the public API: the
 * manual's M-Bus RSP_UD record by record (as any M-Bus meter's), then the
 * same frame and an IEC 62056-21 readout through the KLEFR register model. */
#include <stdio.h>
#include <string.h>

#include <klefr/klefr.h>

/* Manual appendix 2: the answer of a 6913 at primary address 0 to REQ_UD2. */
static const uint8_t rsp_ud[] = {
    0x68, 0x4B, 0x4B, 0x68, 0x08, 0x00, 0x72, 0x00, 0x00, 0x00, 0x00, 0xCD, 0x25, 0x01,
    0x02, 0x02, 0x00, 0x00, 0x00, 0x0C, 0x04, 0x14, 0x48, 0x60, 0x01, 0x8C, 0x10, 0x04,
    0x23, 0x80, 0x35, 0x00, 0x8C, 0x20, 0x04, 0x91, 0x67, 0x24, 0x01, 0x1C, 0x04, 0x46,
    0x13, 0x69, 0x00, 0x9C, 0x10, 0x04, 0x56, 0x34, 0x12, 0x00, 0x9C, 0x20, 0x04, 0x90,
    0x78, 0x56, 0x00, 0x2C, 0x04, 0x68, 0x34, 0x91, 0x00, 0xAC, 0x10, 0x04, 0x67, 0x45,
    0x23, 0x00, 0xAC, 0x20, 0x04, 0x01, 0x89, 0x67, 0x00, 0x7C, 0x16};

/* A mode-C readout as a meter sends it after STX (lines abridged). */
static const char readout[] = "0.0.0(17060518)\r\n"
                              "0.2.0(2.18)\r\n"
                              "1.8.0(00006913.46*kWh)\r\n"
                              "1.8.1(00001234.56*kWh)\r\n"
                              "1.8.2(00005678.90*kWh)\r\n"
                              "2.8.0(00009134.68*kWh)\r\n"
                              "32.7.0(230.1*V)\r\n"
                              "31.7.0(4.35*A)\r\n"
                              "1.7.0(0.998*kW)\r\n"
                              "C.7.0(6)\r\n"
                              "F.F(0)\r\n"
                              "!\r\n";

static const char *function_name(klefr_mbus_function f)
{
    static const char *names[] = {"instantaneous", "maximum", "minimum", "during error"};
    return names[f & 3];
}

static void print_values(const klefr_values *v)
{
    for (unsigned q = 0; q < KLEFR_Q_COUNT; q++) {
        const klefr_quantity_info *info = klefr_quantity_get((klefr_quantity)q);
        double value;
        /* The data set's decimals are the meter's own resolution. */
        int decimals = info->iec.address != NULL ? info->iec.decimals : 2;
        if (klefr_values_get(v, (klefr_quantity)q, &value) == KLEFR_OK)
            printf("  %-32s %12.*f %s\n", info->label, decimals, value, info->unit);
    }
}

int main(void)
{
    klefr_mbus_frame frame;
    klefr_mbus_header hdr;
    size_t header_len = 0;
    klefr_err err = klefr_mbus_frame_decode(rsp_ud, sizeof rsp_ud, &frame);
    if (err == KLEFR_OK)
        err = klefr_mbus_header_decode(frame.ci, frame.data, frame.data_len, &hdr, &header_len);
    if (err != KLEFR_OK) {
        fprintf(stderr, "M-Bus frame: %s\n", klefr_strerror(err));
        return 1;
    }
    char man[4];
    klefr_mbus_manufacturer_decode(hdr.manufacturer, man);
    printf("M-Bus RSP_UD: id %08u, manufacturer %s, medium %s, access %u\n", (unsigned)hdr.id, man,
           klefr_mbus_medium_name(hdr.medium), hdr.access);

    klefr_mbus_record_iter it;
    klefr_mbus_record r;
    klefr_mbus_record_iter_init(&it, frame.data + header_len, frame.data_len - header_len);
    while (klefr_mbus_record_next(&it, &r)) {
        char value[32]; /* exact: the BCD digits and the VIF's power of ten */
        if (klefr_mbus_value_format(&r.value, value, sizeof value, NULL) == KLEFR_OK)
            printf("  %-7s %-13s tariff %u  %12s %s\n", r.quantity, function_name(r.function),
                   (unsigned)r.tariff, value, r.unit);
    }

    klefr_values v;
    klefr_values_clear(&v);
    if ((err = klefr_model_mbus_rsp_ud_decode(rsp_ud, sizeof rsp_ud, &v, NULL)) != KLEFR_OK) {
        fprintf(stderr, "KLEFR M-Bus map: %s\n", klefr_strerror(err));
        return 1;
    }
    printf("\nThe same frame through the KLEFR register model:\n");
    print_values(&v);

    klefr_values_clear(&v);
    size_t matched = 0;
    err = klefr_model_iec_readout_decode(readout, strlen(readout), &v, &matched);
    if (err != KLEFR_OK) {
        fprintf(stderr, "IEC readout: %s\n", klefr_strerror(err));
        return 1;
    }
    printf("\nIEC 62056-21 readout, %zu data sets matched:\n", matched);
    print_values(&v);
    return 0;
}

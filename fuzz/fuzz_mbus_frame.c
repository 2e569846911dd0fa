/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the M-Bus frame detector and frame decoder. Invariants:
 * the detector always makes progress and a COMPLETE frame decodes; the
 * decoder never reads past the input. */
#include <klefr/mbus.h>
#include <klefr/mbus_records.h>
#include <klefr/model_mbus.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Walk the input like a reader: drop garbage, take complete frames. */
    size_t pos = 0;
    while (pos < size) {
        klefr_frame_scan s;
        if (klefr_mbus_frame_detect(data + pos, size - pos, &s) != KLEFR_OK)
            abort();
        if (s.state == KLEFR_FRAME_NEED_MORE)
            break;
        if (s.length == 0 || s.length > size - pos)
            abort();
        if (s.state == KLEFR_FRAME_COMPLETE) {
            klefr_mbus_frame f;
            if (klefr_mbus_frame_decode(data + pos, s.length, &f) != KLEFR_OK)
                abort();
            klefr_mbus_control ctl;
            (void)klefr_mbus_control_decode(f.c, &ctl);
            klefr_mbus_selection sel;
            (void)klefr_mbus_selection_decode(&f, &sel);
            /* What the CI announces: a header, the fixed structure or an
             * application error; each refuses the others' CIs. */
            klefr_mbus_header h;
            size_t hl;
            if (klefr_mbus_header_decode(f.ci, f.data, f.data_len, &h, &hl) == KLEFR_OK &&
                hl > f.data_len)
                abort();
            klefr_mbus_fixed fixed;
            if (klefr_mbus_fixed_decode(f.ci, f.data, f.data_len, &fixed) == KLEFR_OK &&
                (f.data_len != KLEFR_MBUS_FIXED_LEN || (f.ci != 0x73 && f.ci != 0x77)))
                abort();
            uint8_t code;
            if (klefr_mbus_app_error_decode(f.ci, f.data, f.data_len, &code) == KLEFR_OK &&
                f.ci != KLEFR_MBUS_CI_APP_ERROR)
                abort();
            /* The KLEFR map on top: a master parsing an answer, a slave
             * parsing a write. */
            klefr_values values;
            klefr_values_clear(&values);
            (void)klefr_model_mbus_rsp_ud_decode(data + pos, s.length, &values, NULL);
            /* The strict decoder agrees on what is a frame, and stores no
             * more than it counts. */
            klefr_values strict;
            klefr_decode_report rep;
            klefr_values_clear(&strict);
            klefr_err lenient = klefr_model_mbus_rsp_ud_decode(data + pos, s.length, &strict, NULL);
            klefr_values_clear(&strict);
            klefr_err err =
                klefr_model_mbus_rsp_ud_decode_report(data + pos, s.length, &strict, NULL, &rep);
            if (err != lenient)
                abort();
            size_t stored = 0;
            for (unsigned q = 0; q < KLEFR_Q_COUNT; q++)
                stored += klefr_values_has(&strict, (klefr_quantity)q);
            if (stored != rep.stored)
                abort();
            klefr_setting settings[8];
            size_t n_settings;
            if (klefr_model_mbus_write_decode(data + pos, s.length, settings, 8, &n_settings) ==
                    KLEFR_OK &&
                n_settings > 8)
                abort();
            /* Re-encoding a decoded frame gives the same bytes. */
            uint8_t out[KLEFR_MBUS_FRAME_MAX];
            size_t len;
            if (klefr_mbus_frame_encode(&f, out, sizeof out, &len) != KLEFR_OK || len != s.length ||
                memcmp(out, data + pos, len) != 0)
                abort();
        }
        pos += s.length;
    }
    /* The whole input as one frame: any error is fine, a crash is not. */
    klefr_mbus_frame f;
    if (size > 0)
        (void)klefr_mbus_frame_decode(data, size, &f);
    return 0;
}

/* SPDX-License-Identifier: MIT */
/* Read a meter's IR port with the IEC 62056-21 master (mode C readout) and
 * show every byte on the wire with a tracing transport in front of the port:
 *   iec_readout PORT
 * The trace goes to stderr, the values the register model found to stdout. */
#include <stdio.h>

#include <klefr/klefr.h>

static void trace(void *user, const klefr_io_trace_record *r)
{
    FILE *out = user;
    if (r->event == KLEFR_IO_TRACE_LINE) {
        fprintf(out, "%10llu us line %u baud\n", (unsigned long long)r->time_us,
                (unsigned)r->line->baud);
        return;
    }
    if (r->event != KLEFR_IO_TRACE_TX && r->event != KLEFR_IO_TRACE_RX)
        return;
    fprintf(out, "%10llu us %s", (unsigned long long)r->time_us,
            r->event == KLEFR_IO_TRACE_TX ? "->" : "<-");
    for (size_t i = 0; i < r->len; i++)
        fprintf(out, " %02X", r->data[i]);
    fputc('\n', out);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s PORT\n", argv[0]);
        return 2;
    }
    static char readout[4096];
    klefr_io *port = NULL, *traced = NULL;
    klefr_iec_master_options opts;
    klefr_iec_master *m = NULL;
    klefr_iec_ident ident;
    klefr_values values;
    size_t len = 0, matched = 0;
    klefr_values_clear(&values);
    klefr_iec_master_options_init(&opts); /* 300 baud 7E1, then the meter's speed */
    klefr_err err = klefr_io_open(argv[1], NULL, &port);
    if (err == KLEFR_OK) /* closing the trace closes the port too */
        err = klefr_io_trace_wrap(port, true, trace, stderr, NULL, &traced);
    if (err != KLEFR_OK)
        klefr_io_close(port);
    if (err == KLEFR_OK)
        err = klefr_iec_master_open(traced, &opts, &m);
    if (err == KLEFR_OK)
        err = klefr_iec_master_readout(m, NULL, &ident, readout, sizeof readout, &len);
    if (err == KLEFR_OK)
        err = klefr_model_iec_readout_decode(readout, len, &values, &matched);
    klefr_iec_master_close(m);
    klefr_io_close(traced);
    if (err != KLEFR_OK) {
        fprintf(stderr, "iec_readout: %s\n", klefr_strerror(err));
        return 1;
    }
    printf("%s %s at %u baud: %zu data sets of the model\n", ident.manufacturer, ident.ident,
           (unsigned)ident.session_baud, matched);
    for (unsigned i = 0; i < KLEFR_Q_COUNT; i++) {
        const klefr_quantity_info *q = klefr_quantity_get((klefr_quantity)i);
        double v;
        if (q->iec.address != NULL && klefr_values_get(&values, q->id, &v) == KLEFR_OK)
            printf("%s(%.*f%s%s)\n", q->iec.address, q->iec.decimals, v, *q->unit ? "*" : "",
                   q->unit);
    }
    return 0;
}

/* SPDX-License-Identifier: MIT */
/* One klefr_meter, one protocol behind a small table (internal). Each
 * protocol lives in its own file: meter_modbus.c, meter_mbus.c,
 * meter_iec.c; the checked read shared by all is meter_read.c. */
#ifndef KLEFR_HOST_METER_INTERNAL_H
#define KLEFR_HOST_METER_INTERNAL_H

#include <klefr/iec_master.h>
#include <klefr/mbus_master.h>
#include <klefr/meter.h>
#include <klefr/model_check.h>

typedef struct klefr_meter_ops {
    /* Model whose rules validate writes over this protocol. */
    klefr_model model;
    /* NULL: klefr_quantity_validate(model, ...). */
    klefr_err (*validate)(klefr_meter *meter, klefr_quantity q, double value);
    bool (*can_read)(klefr_quantity q);
    bool (*can_write)(klefr_quantity q);
    /* One exchange: fill values (cleared by the caller) with at least the
     * n quantities of want (want NULL: everything the protocol carries),
     * and report what the answer held besides (zeroed by the caller). */
    klefr_err (*read)(klefr_meter *meter, const klefr_quantity *want, size_t n,
                      klefr_values *values, klefr_decode_report *report);
    /* value already validated; q already known to be writable here. */
    klefr_err (*write)(klefr_meter *meter, klefr_quantity q, double value);
    /* A read was refused or failed: trust no session state (NULL: none). */
    void (*distrust)(klefr_meter *meter);
    const klefr_clock *(*clock)(const klefr_meter *meter);
    void (*close)(klefr_meter *meter);
} klefr_meter_ops;

struct klefr_meter {
    klefr_protocol protocol;
    const klefr_meter_ops *ops;
    klefr_meter_address address;
    klefr_modbus_master *bus; /* Modbus */
    bool own_bus;
    klefr_mbus_master *mbus; /* M-Bus */
    bool own_mbus;
    bool mbus_started;     /* SND_NKE sent: the slave's FCB state is known */
    klefr_iec_master *iec; /* IEC 62056-21 */
    bool own_iec;
    klefr_model iec_model; /* from the identification, 0 until known */
    char password[5];      /* for programming mode, "0000" by default */
    /* The checked read (meter_read.c). */
    unsigned retries;
    klefr_meter_stats stats;
    bool missing[KLEFR_Q_COUNT]; /* of the last read */
    bool checks_off;             /* test hook: read as before issue 11 */
    klefr_check_failure failure; /* why the last read (or ops->read) refused */
    bool has_failure;
    /* History: the last accepted value of each quantity, and the start of
     * the exchange it came from (the meter's snapshot is no earlier). */
    klefr_values last;
    uint64_t last_at_us[KLEFR_Q_COUNT];
    double time_scale;
};

/* An answer is no KLEFR meter's: what ops->read says with
 * KLEFR_ERR_IMPLAUSIBLE (the header, the identification). */
klefr_err klefr_meter_refuse(klefr_meter *meter, klefr_check_rule rule, klefr_quantity q,
                             double value, double expected);

/* A written setting is expected to change: the history takes it. */
void klefr_meter_history_written(klefr_meter *meter, klefr_quantity q, double value);

/* The model whose quantities the meter has: fixed by the protocol, or
 * learned from the IR identification (0 until then). */
klefr_model klefr_meter_model(const klefr_meter *meter);

/* --- the checked read, shared by meter_read.c, meter_verdict.c and
 * meter_history.c ------------------------------------------------------ */

/* One exchange's answer and when it was fetched. */
typedef struct klefr_meter_answer {
    klefr_values values;
    uint64_t start_us, end_us; /* the meter's snapshot lies in between */
} klefr_meter_answer;

/* meter_verdict.c: what an answer must be on its own. */
bool klefr_meter_expects(const klefr_meter *meter, klefr_quantity q);
klefr_err klefr_meter_judge_completeness(klefr_meter *meter, const bool *want,
                                         const klefr_values *got,
                                         const klefr_decode_report *report);
klefr_err klefr_meter_check_alone(klefr_meter *meter, const klefr_meter_answer *a);
uint64_t klefr_meter_now_us(const klefr_meter *meter);

/* meter_history.c: what it must be after the last reading. */
bool klefr_meter_has_history(const klefr_meter *meter);
klefr_err klefr_meter_check_history(klefr_meter *meter, const klefr_meter_answer *a);
klefr_err klefr_meter_check_follows(klefr_meter *meter, const klefr_values *before,
                                    uint64_t before_us, const klefr_meter_answer *now);
void klefr_meter_history_take(klefr_meter *meter, const klefr_meter_answer *a);

/* meter_modbus.c */
extern const klefr_meter_ops klefr_meter_modbus_ops;
/* meter_mbus.c */
extern const klefr_meter_ops klefr_meter_mbus_ops;
/* meter_iec.c */
extern const klefr_meter_ops klefr_meter_iec_ops;

/* Test hook, not in the public API: with @p on false the meter reads as it
 * did before the checks of issue 11 (lenient decoders, no header,
 * identification or completeness checks), so that a test can show what
 * the checks catch. */
void klefr_meter_test_set_checks(klefr_meter *meter, bool on);

/* Default of klefr_meter_set_retries(). */
#define KLEFR_METER_DEFAULT_RETRIES 2u

#endif

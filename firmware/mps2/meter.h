/* SPDX-License-Identifier: MIT */
/* One KLEFR meter on the MPS2 board: the firmware core, its three UARTs
 * (bus, IR, control), the EEPROM, and the stand-ins for the terminals the
 * host drives through the control UART (measured load, tariff input,
 * supply). */
#ifndef KLEFR_MPS2_METER_H
#define KLEFR_MPS2_METER_H

#include <stdbool.h>
#include <stdint.h>

#include "eeprom.h"
#include "klefr_fw.h"
#include "uart.h"

#ifdef MPS2_SELFTEST
/* Bytes the test harness can catch instead of the UART (selftest.c). */
typedef struct mps2_capture {
    uint8_t *buf;
    uint16_t cap;
    uint16_t len;
} mps2_capture;
#endif

typedef struct mps2_meter {
    klefr_fw_meter fw;
    mps2_uart bus; /* UART0: Modbus (6914) or M-Bus (6913) */
    mps2_uart ir;  /* UART1: IEC 62056-21, 7E1 as bit 7 of each byte */
    mps2_uart ctl; /* UART2: control lines (klefr_fw_control.h) */
    mps2_eeprom eeprom;
#ifdef MPS2_SELFTEST
    mps2_capture *capture; /* non-NULL: answers go here (self-test image) */
#endif
    klefr_fw_load held;     /* the load set by the control UART */
    uint32_t skew_ms;       /* metrology time added by the control commands advance and speed */
    uint32_t proto_skew_ms; /* protocol time added by the self-test (it runs in no time) */
    uint32_t speed;         /* the control command speed: 1 real time */
    uint32_t real_last_ms;  /* board time when speed last added */
    uint32_t s0_width_us;   /* of the last S0 pulse */
    uint32_t s0_off_ms;     /* when the S0 output falls again */
    klefr_iec_parity_rx ir_parity; /* 7E1 as 8-bit bytes, learnt from the IR peer */
    bool s0_on;
    bool tariff_pin;
    bool supply_off;
    bool quit;         /* the control command quit: power down and stop */
    bool ctl_overlong; /* the control line being received is too long */
    uint8_t ctl_len;
    char ctl_line[64];
} mps2_meter;

/* The core's HAL on this board. */
void mps2_meter_hal(mps2_meter *m, klefr_fw_hal *hal);
/* Metrology time: protocol time plus what advance and speed added. */
uint32_t mps2_meter_now(const mps2_meter *m);
/* Protocol time: the board counter (plus the self-test's steps). */
uint32_t mps2_meter_protocol_now(const mps2_meter *m);
/* Give the core the load in effect (the held one; 0 V with the supply cut). */
void mps2_meter_apply_load(mps2_meter *m);
/* Let --speed time pass: the real time since the last call, times speed - 1,
 * on the metrology clock only (klefr-meterd's rule: protocol time stays
 * real). */
void mps2_meter_accelerate(mps2_meter *m);
/* End an S0 pulse whose time is up. */
void mps2_meter_outputs(mps2_meter *m);

/* The control UART (control.c): serve whatever lines have arrived. */
void mps2_control_poll(mps2_meter *m);

#endif

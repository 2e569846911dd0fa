/* SPDX-License-Identifier: MIT */
/** @file klefr_fw.h
 * @brief The meter firmware core: one KLEFR 6911-6914 as a plain struct.
 *
 * Portable C11 with no OS, no heap and no mutable globals. The platform is a
 * ::klefr_fw_hal (callbacks plus a context pointer, with two clocks:
 * metrology time and protocol time); all state lives in one
 * ::klefr_fw_meter that the caller owns. The caller drives it:
 * - klefr_fw_init() once, then klefr_fw_boot() (reads the store);
 * - klefr_fw_set_load() whenever the measured V, I, P, Q, f change;
 * - klefr_fw_tick() often (every few ms): integrates energy up to "now",
 *   emits S0/LED pulses, saves the store, scrolls the LCD, applies pending
 *   bus line changes;
 * - klefr_fw_bus_feed() with the bytes received on the bus port;
 * - klefr_fw_ir_feed() with the characters received on the IR port (its
 *   answers leave from klefr_fw_tick() once their reaction time is over);
 * - klefr_fw_button() with each button press and its duration.
 * Decisions where the manual is silent: doc/firmware.md.
 */
#ifndef KLEFR_FW_H
#define KLEFR_FW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <klefr/error.h>
#include <klefr/line.h>
#include <klefr/mbus.h>
#include <klefr/model.h>
#include <klefr/model_iec.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The two serial ports of a meter. */
typedef enum klefr_fw_port {
    KLEFR_FW_PORT_BUS = 0, /**< Terminals 23/24: Modbus (6914) or M-Bus (6913). */
    KLEFR_FW_PORT_IR = 1   /**< Optical port, IEC 62056-21 (every model). */
} klefr_fw_port;

/** Length of the 6913's RSP_UD: 68 L L 68, C A CI, 12-byte header, nine
 * records (three of 6 bytes, six of 7), CS 16 (manual A2.2). */
#define KLEFR_FW_MBUS_RSP_MAX 81u

/** The persistent store: a 4 KiB EEPROM. Two banks of one full record
 * each (a snapshot), then a journal of small entries, each the counters'
 * increase since the snapshot: a save at every 10 Wh writes one entry, so
 * the writes spread over the whole chip (doc/firmware.md, "Store").
 * @since 0.2 for the journal; the banks are where they were. */
#define KLEFR_FW_STORE_BANK_SIZE 160u
#define KLEFR_FW_STORE_ENTRY_SIZE 16u
#define KLEFR_FW_STORE_SIZE 4096u
#define KLEFR_FW_STORE_JOURNAL_OFFSET (2u * KLEFR_FW_STORE_BANK_SIZE)
#define KLEFR_FW_STORE_SLOTS \
    ((KLEFR_FW_STORE_SIZE - KLEFR_FW_STORE_JOURNAL_OFFSET) / KLEFR_FW_STORE_ENTRY_SIZE)

/** The platform. Callbacks marked optional may be NULL. Every callback gets
 * @c ctx as its first argument. */
typedef struct klefr_fw_hal {
    void *ctx;
    /** Metrology time: monotonic milliseconds that energy is integrated
     * over (and S0/LED pulses and store saves follow); may wrap at 2^32
     * (differences are used). */
    uint32_t (*now_ms)(void *ctx);
    /** Protocol time: monotonic milliseconds of real time for everything a
     * peer or a person can time: t3.5 and M-Bus silences, IEC reply delays
     * and session timeouts, the password lockout, the LCD and the button.
     * Optional: NULL uses now_ms. A HAL that runs metrology faster than
     * real time (an emulator's time acceleration) keeps this one real.
     * @since 0.2 */
    uint32_t (*protocol_ms)(void *ctx);
    /** Send bytes on a port (the HAL queues them). Optional. */
    void (*uart_write)(void *ctx, klefr_fw_port port, const uint8_t *data, size_t len);
    /** Change baud and character format of a port. Optional. */
    void (*uart_set_line)(void *ctx, klefr_fw_port port, const klefr_line *line);
    /** True once every byte written to @p port has left the wire. Optional:
     * without it the firmware waits the bytes' time on the line. */
    bool (*uart_drained)(void *ctx, klefr_fw_port port);
    /** Read @p len bytes at @p offset of the persistent store: ::KLEFR_OK,
     * or an error (::KLEFR_ERR_IO; ::KLEFR_ERR_INVALID_ARG for a range
     * outside the store). @since 0.2 (an @c int, 0 on success, in 0.1) */
    klefr_err (*store_read)(void *ctx, uint32_t offset, uint8_t *data, size_t len);
    /** Write @p len bytes at @p offset (in order; may be cut by power loss
     * at any byte): ::KLEFR_OK, or an error as for @c store_read.
     * @since 0.2 */
    klefr_err (*store_write)(void *ctx, uint32_t offset, const uint8_t *data, size_t len);
    /** Tariff input 23/24 (6912): true when 230 V AC is present. Optional. */
    bool (*tariff_input)(void *ctx);
    /** One S0 pulse of @p width_us starts now; the HAL ends it. Optional. */
    void (*s0_pulse)(void *ctx, uint32_t width_us);
    /** One flash of the 10 000 imp/kWh LED. Optional. */
    void (*led_pulse)(void *ctx);
    /** The LCD shows @p text (NUL-terminated); called when it changes.
     * @p blinking: the value is being edited. Optional. */
    void (*lcd_show)(void *ctx, const char *text, bool blinking, bool backlight);
} klefr_fw_hal;

/** Fixed facts of one meter, given at init. */
typedef struct klefr_fw_config {
    klefr_model model;             /**< 6911-6914. */
    uint32_t serial;               /**< 8 decimal digits. */
    uint32_t program_crc;          /**< CRC-32 of the program image as computed at boot. */
    uint32_t program_crc_expected; /**< The CRC-32 recorded at build time. */
} klefr_fw_config;

/** The measured inputs (SPEC 3). Powers are signed: P > 0 import. */
typedef struct klefr_fw_load {
    uint32_t voltage_mv;    /**< RMS voltage, mV. */
    uint32_t current_ma;    /**< RMS current, mA. */
    int32_t active_mw;      /**< Active power, mW (> 0 forward). */
    int32_t reactive_mvar;  /**< Reactive power, mvar (> 0 inductive). */
    uint32_t frequency_mhz; /**< Grid frequency, mHz. */
} klefr_fw_load;

/** Fill @p load from V, I, phase angle (hundredths of a degree, current
 * lagging positive) and f: P = V I cos(phi), Q = V I sin(phi), rounded. */
void klefr_fw_load_from_angle(klefr_fw_load *load, uint32_t voltage_mv, uint32_t current_ma,
                              int32_t angle_cdeg, uint32_t frequency_mhz);

/** Settings: one struct, written only by klefr_fw_settings_apply(). */
typedef struct klefr_fw_settings {
    uint32_t secondary_address; /**< M-Bus identification number. */
    uint32_t s0_rate_centi;     /**< S0 rate in 0.01 imp/kWh (1000000 = 10000 imp/kWh). */
    uint16_t baud;              /**< Bus baud rate. */
    uint16_t password;          /**< 0-9999. */
    uint8_t bus_address;        /**< Modbus ID or M-Bus primary address. */
    uint8_t parity;             /**< 1 even, 2 none, 3 odd. */
    uint8_t calc_code;          /**< 1, 4, 5, 6, 9, 10. */
    uint8_t lcd_cycle_s;        /**< 1-30. */
    uint8_t backlight;          /**< 0 off, 1 on, 2 button. */
    uint8_t tariff;             /**< Saved tariff 1 or 2 (6913/6914). */
} klefr_fw_settings;

/** One energy register: whole 10 Wh quanta plus the exact remainder in
 * mW x ms (1 mW ms = 1 uJ; 10 Wh = 36 000 000 000). */
typedef struct klefr_fw_energy {
    uint64_t rem_uj; /**< Below one quantum. */
    uint32_t q10wh;  /**< 10 Wh (0.01 kWh) quanta. */
} klefr_fw_energy;

/** Energy registers: [kind][direction][tariff]. */
enum { KLEFR_FW_ACTIVE = 0, KLEFR_FW_REACTIVE = 1 };
enum { KLEFR_FW_FORWARD = 0, KLEFR_FW_REVERSE = 1 };

/** The LCD pages (manual 7.7). */
typedef enum klefr_fw_page {
    /* Main menu */
    KLEFR_FW_PG_M_DIRECTION = 0,
    KLEFR_FW_PG_M_ACTIVE,
    KLEFR_FW_PG_M_REACTIVE,
    KLEFR_FW_PG_M_POWER,
    KLEFR_FW_PG_M_DAY,
    KLEFR_FW_PG_M_PROG1,
    KLEFR_FW_PG_M_PROG2,
    KLEFR_FW_PG_M_PROG3,
    /* Sub-menu pages that may join the automatic scroll */
    KLEFR_FW_PG_DIRECTION,
    KLEFR_FW_PG_CHECKSUM,
    KLEFR_FW_PG_SERIAL,
    KLEFR_FW_PG_TOTAL_ACTIVE,
    KLEFR_FW_PG_FWD_ACTIVE,
    KLEFR_FW_PG_REV_ACTIVE,
    KLEFR_FW_PG_T1_FWD_ACTIVE,
    KLEFR_FW_PG_T1_REV_ACTIVE,
    KLEFR_FW_PG_T2_FWD_ACTIVE,
    KLEFR_FW_PG_T2_REV_ACTIVE,
    KLEFR_FW_PG_TOTAL_REACTIVE,
    KLEFR_FW_PG_FWD_REACTIVE,
    KLEFR_FW_PG_REV_REACTIVE,
    KLEFR_FW_PG_T1_FWD_REACTIVE,
    KLEFR_FW_PG_T1_REV_REACTIVE,
    KLEFR_FW_PG_T2_FWD_REACTIVE,
    KLEFR_FW_PG_T2_REV_REACTIVE,
    KLEFR_FW_PG_VOLTAGE,
    KLEFR_FW_PG_CURRENT,
    KLEFR_FW_PG_FREQUENCY,
    KLEFR_FW_PG_ACTIVE_POWER,
    KLEFR_FW_PG_REACTIVE_POWER,
    KLEFR_FW_PG_APPARENT_POWER,
    KLEFR_FW_PG_POWER_FACTOR,
    /* Settings pages (program modes 1-3) */
    KLEFR_FW_PG_LCD_CYCLE,
    KLEFR_FW_PG_BACKLIGHT,
    KLEFR_FW_PG_S0,
    KLEFR_FW_PG_CALC_CODE,
    KLEFR_FW_PG_BUS_ID,
    KLEFR_FW_PG_BAUD,
    KLEFR_FW_PG_PARITY,
    KLEFR_FW_PG_POWER_DOWN,
    KLEFR_FW_PG_PASSWORD,
    /* Day counter in its own sub-menu (reset by holding 5 s) */
    KLEFR_FW_PG_DAY,
    KLEFR_FW_PG_COUNT
} klefr_fw_page;

/** UI state (LCD + button). */
typedef struct klefr_fw_ui {
    uint64_t scroll_set;    /**< Bit per klefr_fw_page in the automatic scroll (saved). */
    uint32_t last_input_ms; /**< Last button press. */
    uint32_t page_since_ms; /**< When the automatic page was shown. */
    uint32_t msg_until_ms;  /**< "OK" and friends shown until then. */
    uint32_t shown_crc;     /**< CRC-32 of the text last given to the HAL. */
    uint16_t edit_value;    /**< Value being edited (or digits entered). */
    uint8_t mode;           /**< Internal: auto, button, sub-menu, edit, password. */
    uint8_t page;           /**< Current klefr_fw_page. */
    uint8_t menu;           /**< Main-menu page the sub-menu belongs to. */
    uint8_t digit;          /**< Digit being entered (0 = leftmost). */
    uint8_t msg;            /**< Message shown (0 none). */
    uint8_t auto_page;      /**< Current page of the automatic scroll. */
} klefr_fw_ui;

/** The Modbus RTU slave's state (6914). */
typedef struct klefr_fw_modbus {
    uint8_t rx[256];
    uint16_t rx_len;
    uint32_t last_rx_ms; /**< Time of the last byte received. */
    uint32_t requests;   /**< Frames addressed to us (statistics). */
    bool frame_ready;    /**< rx is one complete frame waiting for t3.5 of silence. */
    bool discard;        /**< More bytes followed a frame: drop all until t3.5 of silence. */
} klefr_fw_modbus;

/** The M-Bus slave's state (6913). Shares storage with ::klefr_fw_modbus:
 * a meter has one bus protocol. */
typedef struct klefr_fw_mbus {
    uint8_t rx[KLEFR_MBUS_FRAME_MAX];
    uint16_t rx_len;
    uint8_t last_rsp_len; /**< Length of last_rsp, 0 before the first RSP_UD. */
    uint8_t access;       /**< Access number of the last RSP_UD. */
    uint32_t last_rx_ms;  /**< Time of the last byte received. */
    bool fcb_valid;       /**< A REQ_UD2 has been answered since the last reset. */
    bool fcb;             /**< FCB of that REQ_UD2. */
    bool selected;        /**< Selected by secondary address (answers at FD). */
    uint8_t last_a;       /**< Address the last RSP_UD answered (a repeat needs the same). */
    /** The last RSP_UD, repeated unchanged when the FCB did not toggle. */
    uint8_t last_rsp[KLEFR_FW_MBUS_RSP_MAX];
} klefr_fw_mbus;

/** Bytes kept for one IR answer: the longest readout of any model with
 * every value at its widest. Smaller builds may lower it; a readout that
 * does not fit is then not answered. */
#ifndef KLEFR_FW_IR_TX_MAX
#define KLEFR_FW_IR_TX_MAX 1024u
#endif
/** Longest message a meter receives on the IR port (a W1 with a full
 * address and value is about 60 characters). */
#define KLEFR_FW_IR_RX_MAX 80u

/** The IEC 62056-21 slave's state (IR port, every model). */
typedef struct klefr_fw_ir {
    klefr_iec_slave iec;    /**< Session, timing and password lockout (survives sign-ons). */
    uint32_t baud;          /**< Line in effect on the IR port. */
    uint32_t last_rx_ms;    /**< Time of the last character received. */
    uint32_t send_at_ms;    /**< Earliest time of the pending answer. */
    uint32_t tx_done_ms;    /**< When the last answer has left the wire (by byte time). */
    uint32_t lock_saved_ms; /**< Password lock time left as last saved (0: none). */
    bool lock_dirty;        /**< The lockout changed since it was last saved. */
    uint16_t rx_len;
    uint16_t tx_len; /**< Bytes in tx (kept for a resend on NAK). */
    bool tx_pending; /**< tx waits for send_at_ms. */
    uint8_t rx[KLEFR_FW_IR_RX_MAX];
    uint8_t tx[KLEFR_FW_IR_TX_MAX];
} klefr_fw_ir;

/** One meter. Declare it anywhere (static, stack); fill with klefr_fw_init(). */
typedef struct klefr_fw_meter {
    klefr_fw_hal hal;
    klefr_fw_config cfg;
    klefr_fw_settings set;           /**< Configured settings (saved). */
    klefr_fw_load load;              /**< Latest inputs. */
    klefr_fw_energy energy[2][2][2]; /**< [kind][direction][tariff]. */
    klefr_fw_energy day;             /**< Resettable day counter (forward active). */
    uint64_t s0_acc_uj;              /**< Active energy since the last S0 pulse was owed. */
    uint64_t led_acc_uj;             /**< Same, for the LED. */
    uint32_t s0_count;               /**< S0 pulses emitted. */
    uint32_t s0_owed;                /**< S0 pulses due but not yet emitted. */
    uint32_t s0_next_ms;             /**< Earliest start of the next S0 pulse. */
    uint32_t led_count;              /**< LED flashes. */
    uint32_t last_ms;                /**< Integration time base. */
    uint32_t store_seq;              /**< Sequence number of the newest record. */
    uint32_t journal_seq;            /**< Number of the next journal entry. */
    uint32_t snap_q[9];              /**< Quanta of the registers in the newest record. */
    uint32_t saved_q_sum;            /**< Sum of quanta at the last save. */
    uint32_t store_failures;         /**< Failed store writes. */
    uint32_t
        bus_tx_done_ms;   /**< When the last answer on the bus has left the wire (by byte time). */
    uint16_t power_downs; /**< Power-down counter. */
    uint16_t bus_baud;    /**< Line in effect on the bus port. */
    uint8_t bus_address;  /**< Address in effect on the bus port. */
    uint8_t bus_parity;   /**< Parity in effect (1 even, 2 none, 3 odd). */
    uint8_t tariff_volatile; /**< 1/2 set by 11/12 (not saved), 0 none. */
    uint8_t error_code;      /**< 0, 1 (Err 01) or 2 (Err 02). */
    bool powered;            /**< Voltage within the operating window. */
    bool booted;
    bool dirty; /**< Settings or counters changed since the last save. */
    klefr_fw_ui ui;
    union {
        klefr_fw_modbus mb; /**< 6914. */
        klefr_fw_mbus mbus; /**< 6913. */
    };
    klefr_fw_ir ir; /**< IR port (every model). */
} klefr_fw_meter;

/** Reset @p m to a powered-off meter of @p cfg with factory settings.
 * @retval KLEFR_ERR_INVALID_ARG NULL, unknown model or now_ms missing. */
klefr_err klefr_fw_init(klefr_fw_meter *m, const klefr_fw_hal *hal, const klefr_fw_config *cfg);

/** Power on: read the store (Err 01 and defaults if no bank is readable),
 * check the program checksum (Err 02), set the bus line. A meter that was
 * not powered down in order (crash, SIGKILL) counts the outage here.
 * @retval KLEFR_OK running (possibly with Err 02, see error_code).
 * @retval KLEFR_ERR_CHECKSUM the store was unrecoverable: Err 01, running
 *         on factory defaults. */
klefr_err klefr_fw_boot(klefr_fw_meter *m);

/** New measured inputs. Energy up to now is integrated with the old ones
 * first. A voltage below 195 V powers the meter down (counted, saved);
 * back in the window it powers up again. */
void klefr_fw_set_load(klefr_fw_meter *m, const klefr_fw_load *load);

/** Run the meter up to the HAL's now. */
void klefr_fw_tick(klefr_fw_meter *m);

/** Bytes received on the bus port: Modbus RTU on the 6914, M-Bus on the
 * 6913, ignored on the others. */
void klefr_fw_bus_feed(klefr_fw_meter *m, const uint8_t *data, size_t len);

/** Characters received on the IR port (IEC 62056-21, every model). The HAL
 * carries the line as 7E1 (klefr_fw_hal::uart_set_line asks for 7 data
 * bits, even parity) and delivers 7-bit characters with the parity bit
 * removed; it adds parity to what the firmware writes. A HAL on a link
 * without hardware parity (pseudo-terminal, TCP) does that with
 * klefr_iec_parity_strip() / klefr_iec_parity_add() and drops characters
 * whose parity is wrong. Answers leave from klefr_fw_tick() once their
 * reaction time (or the baud switch delay) has passed. */
void klefr_fw_ir_feed(klefr_fw_meter *m, const uint8_t *data, size_t len);

/** A button press of @p duration_ms that ended now. */
void klefr_fw_button(klefr_fw_meter *m, uint32_t duration_ms);

/** Apply @p n setting changes from any protocol or the button, all or
 * nothing: checked with klefr_quantity_validate(), then saved.
 * @retval KLEFR_ERR_RANGE / KLEFR_ERR_NOT_WRITABLE / KLEFR_ERR_NOT_AVAILABLE
 *         refused (nothing changed).
 * @retval KLEFR_ERR_IO the store failed (nothing changed). */
klefr_err klefr_fw_settings_apply(klefr_fw_meter *m, const klefr_setting *s, size_t n);

/** Every quantity of the meter now, as one snapshot. */
void klefr_fw_values(klefr_fw_meter *m, klefr_values *out);

/** Tariff in effect now (1 or 2). */
unsigned klefr_fw_tariff(const klefr_fw_meter *m);

/** Sum of an energy register over both tariffs, in 10 Wh quanta. */
uint32_t klefr_fw_energy_q(const klefr_fw_meter *m, int kind, int direction);

/** Total active energy by the calculation code, in 10 Wh quanta (signed). */
int64_t klefr_fw_total_active_q(const klefr_fw_meter *m);

/** Exact energy of one register in mW ms (uJ). */
uint64_t klefr_fw_energy_uj(const klefr_fw_energy *e);

/** Present quadrant 1-4 from the signs of P and Q. */
unsigned klefr_fw_quadrant(const klefr_fw_meter *m);

/** Render the LCD into @p buf (at least 32 bytes). Returns @p buf. */
const char *klefr_fw_lcd_text(klefr_fw_meter *m, char *buf, size_t cap);

/** True while the LCD value blinks (editing). */
bool klefr_fw_lcd_blinking(const klefr_fw_meter *m);

/** Save now (also done automatically). @retval KLEFR_ERR_IO write failed. */
klefr_err klefr_fw_store_save(klefr_fw_meter *m);

/** CRC-32 (IEEE 802.3, reflected 0xEDB88320, init and xorout 0xFFFFFFFF). */
uint32_t klefr_fw_crc32(const uint8_t *data, size_t len);

#ifdef __cplusplus
}
#endif
#endif

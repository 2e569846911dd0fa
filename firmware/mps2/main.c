/* SPDX-License-Identifier: MIT */
/* The meter firmware on the MPS2 board: one model per image
 * (KLEFR_FW_MODEL). Set-up from the semihosting command line
 * ("eeprom=PATH serial=N", both optional), then the main loop: received
 * bytes to the core, control lines, the core's tick, and WFI until the
 * next interrupt (a byte, or the 1 ms SysTick). The self-test image
 * (MPS2_SELFTEST) is the same meter that also knows the word "selftest":
 * then it runs its checks after boot and exits. */
#include <string.h>

#include <klefr/iec62056.h>

#include "board.h"
#include "clock.h"
#include "fw_control_text.h"
#include "meter.h"
#include "semihost.h"
#ifdef MPS2_SELFTEST
#include "selftest.h"
#endif

#ifndef KLEFR_FW_MODEL
#error "KLEFR_FW_MODEL names the model this image is for"
#endif

/* klefr-meterd's default serial number, so both answer alike. */
#define DEFAULT_SERIAL 17060518u
#define DEFAULT_EEPROM "klefr-eeprom.bin"

static mps2_meter meter;
/* Small rings: a full one holds the sender back (QEMU keeps its bytes). */
static uint8_t bus_ring[64];
static uint8_t ir_ring[32];
static uint8_t ctl_ring[32];

void mps2_uart0_irq(void);
void mps2_uart1_irq(void);
void mps2_uart2_irq(void);

void mps2_uart0_irq(void)
{
    mps2_uart_isr(&meter.bus);
}

void mps2_uart1_irq(void)
{
    mps2_uart_isr(&meter.ir);
}

void mps2_uart2_irq(void)
{
    mps2_uart_isr(&meter.ctl);
}

/* The program checksum recorded after the link (image_crc.py), and the
 * image it covers: everything in flash before it. */
__attribute__((section(".image_crc"), used)) static const volatile uint32_t image_crc_expected;
extern const uint8_t _image_start[], _image_crc[];

typedef struct boot_args {
    uint32_t serial;
    bool selftest;
} boot_args;

/* Parse the command line and open the EEPROM it names. Not inlined: its
 * buffers leave the stack before the main loop starts. */
__attribute__((noinline)) static void setup_from_cmdline(mps2_meter *m, boot_args *a)
{
    char line[160];
    const char *eeprom = DEFAULT_EEPROM;
    a->serial = DEFAULT_SERIAL;
    a->selftest = false;
    if (sh_cmdline(line, sizeof line) == 0) {
        fw_word w[8];
        size_t n = fw_words_split(line, strlen(line), w, 8);
        for (size_t i = 0; i < n && i < 8; i++) {
            fw_word v = {w[i].p + 7, w[i].n > 7 ? w[i].n - 7 : 0};
            int64_t serial;
            if (w[i].n > 7 && memcmp(w[i].p, "eeprom=", 7) == 0) {
                ((char *)v.p)[v.n] = '\0'; /* the word ends at a space or the end */
                eeprom = v.p;
            } else if (w[i].n > 7 && memcmp(w[i].p, "serial=", 7) == 0 &&
                       fw_word_fixed(&v, 0, 0, 99999999, &serial)) {
                a->serial = (uint32_t)serial;
            }
#ifdef MPS2_SELFTEST
            else if (fw_word_is(&w[i], "selftest")) {
                a->selftest = true;
            }
#endif
        }
    }
    (void)mps2_eeprom_open(&m->eeprom, eeprom);
}

/* 7E1 carried in 8-bit bytes (a pseudo-terminal has no parity), the rule
 * of klefr-meterd's --ir-parity auto (klefr_iec_parity_rx): the peer shows
 * whether it sends the parity bit, and with it a character of bad parity
 * is dropped as a UART would, and answers carry it too. Returns the 7-bit
 * characters left in @p buf. */
static size_t ir_rx_filter(mps2_meter *m, uint8_t *buf, size_t n)
{
    size_t k = 0;
    (void)klefr_iec_parity_rx_decode(&m->ir_parity, buf, n, buf, &k);
    return k;
}

static void serve(mps2_meter *m)
{
    uint8_t buf[32];
    size_t n;
    mps2_meter_accelerate(m);
    while ((n = mps2_uart_read(&m->bus, buf, sizeof buf)) > 0)
        klefr_fw_bus_feed(&m->fw, buf, n);
    while ((n = mps2_uart_read(&m->ir, buf, sizeof buf)) > 0)
        klefr_fw_ir_feed(&m->fw, buf, ir_rx_filter(m, buf, n));
    mps2_control_poll(m);
    klefr_fw_tick(&m->fw);
    mps2_meter_outputs(m);
}

static bool idle(const mps2_meter *m)
{
    return !mps2_uart_pending(&m->bus) && !mps2_uart_pending(&m->ir) && !mps2_uart_pending(&m->ctl);
}

/* Init and boot, in a frame of its own (the store's buffers). */
__attribute__((noinline)) static void boot(mps2_meter *m, const boot_args *args)
{
    mps2_uart_init(&m->bus, MPS2_UART0_BASE, MPS2_UART0_RX_IRQ, bus_ring, sizeof bus_ring);
    mps2_uart_init(&m->ir, MPS2_UART1_BASE, MPS2_UART1_RX_IRQ, ir_ring, sizeof ir_ring);
    mps2_uart_init(&m->ctl, MPS2_UART2_BASE, MPS2_UART2_RX_IRQ, ctl_ring, sizeof ctl_ring);
    klefr_iec_parity_rx_init(&m->ir_parity, KLEFR_IEC_PARITY_MODE_AUTO);

    klefr_fw_hal hal;
    mps2_meter_hal(m, &hal);
    klefr_fw_config cfg = {
        .model = (klefr_model)KLEFR_FW_MODEL,
        .serial = args->serial,
        .program_crc = klefr_fw_crc32(_image_start, (size_t)(_image_crc - _image_start)),
        .program_crc_expected = image_crc_expected,
    };
    if (klefr_fw_init(&m->fw, &hal, &cfg) != KLEFR_OK)
        sh_exit(100);
    m->held = m->fw.load;
    m->speed = 1;
    (void)klefr_fw_boot(&m->fw);
}

int main(void)
{
    mps2_meter *m = &meter;
    mps2_clock_init();
    boot_args args;
    setup_from_cmdline(m, &args);
    boot(m, &args);
#ifdef MPS2_SELFTEST
    if (args.selftest)
        sh_exit(mps2_selftest(m));
#endif

    while (!m->quit) {
        serve(m);
        __asm__ volatile("cpsid i");
        if (idle(m))
            __asm__ volatile("wfi"); /* a pending interrupt wakes it even masked */
        __asm__ volatile("cpsie i");
    }
    /* quit: an orderly power down (saved as clean), then the emulator ends. */
    m->supply_off = true;
    mps2_meter_apply_load(m);
    sh_exit(0);
}

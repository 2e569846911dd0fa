/* SPDX-License-Identifier: MIT */
/* Self-test of a booted image (selftest.h). The checks, in order:
 * 1 the program checksum matches and the store was readable (no Err);
 * 2 an IEC 62056-21 sign-on gets the model's identification;
 * 3 the bus protocol of the model answers a known request with known
 *   bytes (6914: Modbus read of the meter code; 6913: SND_NKE -> E5 and a
 *   REQ_UD2 that starts like the manual's) and a 6911/6912 stays silent;
 * 4 an hour at 230 V 10 A, cos phi 1, registers exactly 2300 W x the
 *   milliseconds that passed (230 quanta for the hour itself);
 * 5 the store takes a save;
 * 6 the image's own runtime (runtime.c) gives known answers;
 * 7 the stack never reached its last 64 bytes.
 * The result goes to the host's console through semihosting. */
#include <string.h>

#include "fw_control_text.h"
#include "selftest.h"
#include "semihost.h"
#include "stack.h"

static bool starts(const mps2_capture *c, const uint8_t *want, size_t n)
{
    return c->len >= n && memcmp(c->buf, want, n) == 0;
}

/* Feed @p req to a port and run the core until an answer has come (or a
 * second of firmware time has passed). */
static void exchange(mps2_meter *m, klefr_fw_port port, const uint8_t *req, size_t n,
                     mps2_capture *c)
{
    c->len = 0;
    if (port == KLEFR_FW_PORT_BUS)
        klefr_fw_bus_feed(&m->fw, req, n);
    else
        klefr_fw_ir_feed(&m->fw, req, n);
    for (int ms = 0; ms < 2000 && c->len == 0; ms += 10) {
        m->proto_skew_ms += 10; /* both clocks: the reply delay and t3.5 */
        klefr_fw_tick(&m->fw);
    }
}

static bool check_ir(mps2_meter *m, mps2_capture *c)
{
    static const uint8_t sign_on[] = "/?!\r\n";
    exchange(m, KLEFR_FW_PORT_IR, sign_on, sizeof sign_on - 1, c);
    /* "/INM5KLEFR69xx" CR LF; the parity bit is in bit 7 on this line. */
    char want[] = "/INM5KLEFR0000\r\n";
    uint32_t model = (uint32_t)m->fw.cfg.model;
    for (int i = 13; i >= 10; i--, model /= 10)
        want[i] = (char)('0' + model % 10);
    if (c->len != sizeof want - 1)
        return false;
    for (size_t i = 0; i < c->len; i++)
        if ((c->buf[i] & 0x7Fu) != (uint8_t)want[i])
            return false;
    return true;
}

static bool check_bus(mps2_meter *m, mps2_capture *c)
{
    static const uint8_t mb_req[] = {0x01, 0x03, 0x40, 0x02, 0x00, 0x01, 0x30, 0x0A};
    static const uint8_t mb_rsp[] = {0x01, 0x03, 0x02, 0x69, 0x14, 0x96, 0x1B};
    static const uint8_t snd_nke[] = {0x10, 0x40, 0x00, 0x40, 0x16};
    static const uint8_t req_ud2[] = {0x10, 0x5B, 0x00, 0x5B, 0x16};
    static const uint8_t rsp_ud[] = {0x68, 0x4B, 0x4B, 0x68, 0x08, 0x00, 0x72};
    static const uint8_t e5[] = {0xE5};
    switch (m->fw.cfg.model) {
    case KLEFR_MODEL_6914:
        exchange(m, KLEFR_FW_PORT_BUS, mb_req, sizeof mb_req, c);
        return c->len == sizeof mb_rsp && starts(c, mb_rsp, sizeof mb_rsp);
    case KLEFR_MODEL_6913:
        exchange(m, KLEFR_FW_PORT_BUS, snd_nke, sizeof snd_nke, c);
        if (c->len != 1 || !starts(c, e5, 1))
            return false;
        exchange(m, KLEFR_FW_PORT_BUS, req_ud2, sizeof req_ud2, c);
        return c->len == 0x4Bu + 6u && starts(c, rsp_ud, sizeof rsp_ud) &&
               c->buf[c->len - 1] == 0x16;
    default:
        exchange(m, KLEFR_FW_PORT_BUS, mb_req, sizeof mb_req, c);
        if (c->len != 0)
            return false;
        exchange(m, KLEFR_FW_PORT_BUS, req_ud2, sizeof req_ud2, c);
        return c->len == 0;
    }
}

/* An hour at 230 V 10 A, cos phi 1: exactly 2300 W x the milliseconds the
 * core saw, not a microjoule more or less. QEMU's clock is the host's, so
 * a few real milliseconds may pass between setting the load and the tick
 * (the store's save is a semihosting write): they count too, and the
 * energy must be whole milliseconds at 2300 W, at least the hour and at
 * most the time that passed. */
static bool check_metrology(mps2_meter *m)
{
    const uint64_t uj_per_quantum = 36000000000u, uj_per_ms = 2300000u;
    const klefr_fw_energy *t1 = &m->fw.energy[KLEFR_FW_ACTIVE][KLEFR_FW_FORWARD][0];
    uint64_t before = t1->q10wh * uj_per_quantum + t1->rem_uj;
    klefr_fw_load l;
    klefr_fw_load_from_angle(&l, 230000, 10000, 0, 50000);
    m->held = l;
    uint32_t start = mps2_meter_now(m);
    mps2_meter_apply_load(m);
    m->skew_ms += 3600000u;
    klefr_fw_tick(&m->fw);
    uint32_t passed = mps2_meter_now(m) - start;
    uint64_t added = t1->q10wh * uj_per_quantum + t1->rem_uj - before;
    return added % uj_per_ms == 0 && added / uj_per_ms >= 3600000u && added / uj_per_ms <= passed;
}

/* runtime.c against answers worked out apart from it: 64-bit quotients
 * and remainders (the quick 32-bit way, the long way, signs), overlapping
 * moves both ways, and the string look-ups. Volatile operands keep the
 * compiler from working them out itself. */
static bool check_runtime(void)
{
    static const struct {
        uint64_t n, d, q, r;
    } u[] = {
        {100u, 7u, 14u, 2u},
        {UINT64_MAX, 10u, 1844674407370955161u, 5u},
        {(uint64_t)1 << 63, 3u, 3074457345618258602u, 2u},
        {10000000000000000000u, 0x100000001u, 2328306435u, 4280343805u},
        {36000000000u * 5u + 123u, 36000000000u, 5u, 123u},
        {5u, 36000000000u, 0u, 5u},
    };
    for (size_t i = 0; i < sizeof u / sizeof u[0]; i++) {
        volatile uint64_t n = u[i].n, d = u[i].d;
        if (n / d != u[i].q || n % d != u[i].r)
            return false;
    }
    volatile int64_t a = -7, b = 2, lo = INT64_MIN, ten = 10;
    if (a / b != -3 || a % b != -1 || -a / -b != -3 || -a % -b != 1 || a / -b != 3 ||
        a % -b != -1 || lo / ten != -922337203685477580 || lo % ten != -8)
        return false;
    char s[] = "0123456789";
    memmove(s + 2, s, 5); /* forward over itself */
    if (memcmp(s, "0101234789", 10) != 0)
        return false;
    memmove(s, s + 3, 6); /* backward over itself */
    if (memcmp(s, "1234784789", 10) != 0 || memcmp("a", "b", 1) >= 0 || memcmp("b", "a", 1) <= 0)
        return false;
    return strchr(s, '7') == s + 4 && strchr(s, '\0') == s + 10 && strchr(s, 'x') == NULL &&
           memchr(s, '9', 10) == s + 9 && memchr(s, '9', 9) == NULL && strlen(s) == 10;
}

__attribute__((noinline)) static void report(mps2_meter *m, uint32_t failed)
{
    char text[160];
    fw_text t;
    fw_text_init(&t, text, sizeof text);
    fw_text_put(&t, "selftest ");
    fw_text_put_u64(&t, (uint64_t)m->fw.cfg.model);
    fw_text_put(&t, failed == 0 ? ": pass" : ": FAIL at check ");
    if (failed != 0)
        fw_text_put_u64(&t, failed);
    fw_text_put(&t, " stack_used=");
    fw_text_put_u64(&t, mps2_stack_used());
    fw_text_put(&t, " stack_size=");
    fw_text_put_u64(&t, mps2_stack_size());
    fw_text_put(&t, " meter_bytes=");
    fw_text_put_u64(&t, sizeof m->fw);
    fw_text_put(&t, "\n");
    int32_t out = sh_open(":tt", 4u); /* the host's console, "w" */
    if (out >= 0)
        (void)sh_write(out, text, t.len);
}

uint32_t mps2_selftest(mps2_meter *m)
{
    uint8_t buf[KLEFR_FW_MBUS_RSP_MAX];
    mps2_capture c = {buf, sizeof buf, 0};
    uint32_t failed = 0;
    m->capture = &c;
    if (m->fw.error_code != 0)
        failed = 1;
    else if (!check_ir(m, &c))
        failed = 2;
    else if (!check_bus(m, &c))
        failed = 3;
    else if (!check_metrology(m))
        failed = 4;
    else if (klefr_fw_store_save(&m->fw) != KLEFR_OK)
        failed = 5;
    else if (!check_runtime())
        failed = 6;
    else if (mps2_stack_used() > mps2_stack_size() - 64u)
        failed = 7;
    m->capture = NULL;
    report(m, failed);
    return failed;
}

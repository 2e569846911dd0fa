/* SPDX-License-Identifier: MIT */
/* Encode the manual's Modbus write commands (SPEC 9) and decode a read of
 * the voltage register: the master side of a KLEFR 6914, one header. */
#include <stdio.h>

#include <klefr/klefr.h>

static void print_hex(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        printf("%02X%c", p[i], i + 1 < n ? ' ' : '\n');
}

int main(void)
{
    /* Register, value: ID 10, 9600 Bd, code 10, LCD 25 s, parity none,
     * reset power-down counter, tariff 2. */
    static const uint16_t fc06[][2] = {{0x4003, 0x000A}, {0x4004, 0x2580}, {0x400F, 0x000A},
                                       {0x4010, 0x0025}, {0x4011, 0x0002}, {0x4016, 0x0000},
                                       {0x6048, 0x0002}};
    uint8_t adu[KLEFR_MODBUS_ADU_MAX];
    uint16_t regs[2];
    size_t len;
    for (size_t i = 0; i < sizeof fc06 / sizeof fc06[0]; i++) {
        klefr_modbus_write_single_request_encode(1, KLEFR_MODBUS_WRITE_SINGLE_REGISTER, fc06[i][0],
                                                 fc06[i][1], adu, sizeof adu, &len);
        print_hex(adu, len);
    }
    klefr_modbus_float_encode(10.0f, regs); /* S0 rate 10 imp/kWh */
    klefr_modbus_write_registers_request_encode(1, 0x400D, regs, 2, adu, sizeof adu, &len);
    print_hex(adu, len);
    klefr_modbus_float_encode(0.0f, regs); /* reset the day counter */
    klefr_modbus_write_registers_request_encode(1, 0x6049, regs, 2, adu, sizeof adu, &len);
    print_hex(adu, len);

    /* The answer to 01 03 5000 0002 (read the voltage). */
    static const uint8_t rsp[] = {0x01, 0x03, 0x04, 0x43, 0x66, 0x80, 0x00, 0x6E, 0x68};
    const klefr_modbus_request req = {.unit = 1,
                                      .function = KLEFR_MODBUS_READ_HOLDING_REGISTERS,
                                      .address = 0x5000,
                                      .quantity = 2};
    klefr_modbus_response r;
    klefr_values values;
    klefr_values_clear(&values);
    klefr_err err = klefr_modbus_response_decode(&req, rsp, sizeof rsp, &r);
    if (err == KLEFR_OK)
        err = klefr_modbus_response_registers_get(&r, regs, 2, &len);
    if (err == KLEFR_OK)
        err = klefr_model_modbus_values_decode(KLEFR_MODEL_6914, req.address, regs, len, &values);
    if (err != KLEFR_OK) {
        fprintf(stderr, "read response: %s\n", klefr_strerror(err));
        return 1;
    }
    printf("%s: %.1f %s\n", klefr_quantity_get(KLEFR_Q_VOLTAGE)->label,
           values.value[KLEFR_Q_VOLTAGE], klefr_quantity_get(KLEFR_Q_VOLTAGE)->unit);
    return 0;
}

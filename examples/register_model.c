/* SPDX-License-Identifier: MIT */
/* The register model without a meter: a quantity's row and where each
 * protocol keeps it, a setting checked before it is sent, and a reading
 * whose tariffs do not add up to its total, as the model's checks see it.
 *   register_model [NAME VALUE]     e.g. register_model baud_rate 600 */
#include <stdio.h>
#include <string.h>

#include <klefr/klefr.h>

static void show_row(const klefr_quantity_info *q)
{
    printf("%s: \"%s\" in %s\n", q->name, q->label, *q->unit ? q->unit : "(no unit)");
    if (q->modbus.length != 0)
        printf("  Modbus register 0x%04X\n", (unsigned)q->modbus.address);
    if (q->iec.address != NULL)
        printf("  IEC data set %s, %u decimals\n", q->iec.address, (unsigned)q->iec.decimals);
}

int main(int argc, char **argv)
{
    const char *name = argc == 3 ? argv[1] : "lcd_cycle_time";
    const char *text = argc == 3 ? argv[2] : "25";
    const klefr_quantity_info *q = klefr_quantity_by_name(name);
    if (q == NULL) {
        fprintf(stderr, "register_model: no quantity %s\n", name);
        return 2;
    }
    show_row(q);

    /* Text to a value of the row's resolution, then the model's rule for
     * each meter: what a tool checks before it writes anything. */
    klefr_number value;
    klefr_err err = klefr_quantity_parse(q->id, text, strlen(text), &value);
    printf("%s = %s: %s\n", name, text, err == KLEFR_OK ? "a number" : klefr_strerror(err));
    for (klefr_model model = KLEFR_MODEL_6911; err == KLEFR_OK && model <= KLEFR_MODEL_6914;
         model++)
        printf("  on a %d: %s\n", (int)model,
               klefr_strerror(klefr_quantity_validate(model, q->id, value)));

    /* The serial number travels as packed BCD (Modbus "HEX" type, M-Bus). */
    uint64_t bcd = 0;
    if (klefr_bcd_pack(17060518, 8, &bcd) == KLEFR_OK)
        printf("serial number 17060518 as BCD: 0x%08llX\n", (unsigned long long)bcd);

    /* Which quantity does Modbus register 0x5000 of a 6914 hold? */
    const klefr_quantity_info *at = klefr_model_modbus_lookup(KLEFR_MODEL_6914, 0x5000);
    printf("register 0x5000: %s\n", at != NULL ? at->name : "none");

    /* T1 + T2 must make the total: 1.50 + 2.00 is not 3.00 kWh. */
    klefr_values reading;
    klefr_check_failure why;
    klefr_values_clear(&reading);
    klefr_values_set(&reading, KLEFR_Q_T1_TOTAL_ACTIVE_ENERGY, klefr_number_from_int(150, -2));
    klefr_values_set(&reading, KLEFR_Q_T2_TOTAL_ACTIVE_ENERGY, klefr_number_from_int(200, -2));
    klefr_values_set(&reading, KLEFR_Q_TOTAL_ACTIVE_ENERGY, klefr_number_from_int(300, -2));
    err = klefr_model_check_reading(KLEFR_MODEL_6914, KLEFR_PROTOCOL_MODBUS, &reading, &why);
    if (err == KLEFR_ERR_IMPLAUSIBLE)
        printf("reading: %s broken at %s (%g, expected %g)\n", klefr_check_rule_name(why.rule),
               klefr_quantity_get(why.quantity)->name, why.value, why.expected);
    else
        printf("reading: %s\n", klefr_strerror(err));
    return 0;
}

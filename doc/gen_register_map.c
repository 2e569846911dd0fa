/* SPDX-License-Identifier: MIT */
/* Render the KLEFR register map as Markdown from the register table itself,
 * so the document cannot disagree with the code.
 *
 *   gen_register_map [OUT.md]        write the map (stdout without OUT.md)
 *   gen_register_map --check DOC.md  regenerate and compare with DOC.md;
 *                                    exit 1 and say where they differ
 *
 * Host tool: uses stdio, linked against the static library. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <klefr/klefr.h>

/* The bus-dependent value sets of the 6913 (not reachable through a row). */
#include "model/table.h"

static const char *type_name(klefr_modbus_type t)
{
    switch (t) {
    case KLEFR_MODBUS_TYPE_HEX: return "HEX (decimal digits)";
    case KLEFR_MODBUS_TYPE_SIGNED: return "Signed";
    case KLEFR_MODBUS_TYPE_FLOAT: return "Float ABCD";
    case KLEFR_MODBUS_TYPE_ASCII: return "ASCII";
    case KLEFR_MODBUS_TYPE_BITS: return "HEX (raw bits)";
    default: return "-";
    }
}

static const char *group_name(klefr_group g)
{
    switch (g) {
    case KLEFR_GROUP_ENERGY: return "energy";
    case KLEFR_GROUP_INSTANTANEOUS: return "instantaneous";
    case KLEFR_GROUP_IDENTIFICATION: return "identification";
    case KLEFR_GROUP_SETTINGS: return "settings";
    case KLEFR_GROUP_STATUS: return "status";
    default: return "?";
    }
}

static const char *unit_or_dash(const char *unit)
{
    return unit != NULL && unit[0] != '\0' ? unit : "-";
}

static void print_models(FILE *out, uint8_t models)
{
    if ((models & KLEFR_MODELS_ALL) == KLEFR_MODELS_ALL) {
        fputs("all", out);
        return;
    }
    const char *sep = "";
    for (unsigned m = KLEFR_MODEL_6911; m <= KLEFR_MODEL_6914; m++) {
        if (models & KLEFR_MODEL_BIT(m)) {
            fprintf(out, "%s%u", sep, m);
            sep = ", ";
        }
    }
}

static void print_valid(FILE *out, const klefr_valid_values *v)
{
    if (v == NULL) {
        fputs("any", out);
    } else if (v->list != NULL) {
        for (size_t i = 0; i < v->list_len; i++)
            fprintf(out, "%s%.15g", i ? ", " : "", v->list[i]);
    } else {
        fprintf(out, "%.15g to %.15g", v->min, v->max);
    }
}

/* The value set of a row on one model: the bus settings of the 6913 have
 * their own (the same choice klefr_quantity_validate() makes). */
static const klefr_valid_values *valid_on(unsigned model, const klefr_quantity_info *r)
{
    if (model == KLEFR_MODEL_6913 && r->id == KLEFR_Q_BUS_ADDRESS)
        return &klefr_valid_bus_address_mbus;
    if (model == KLEFR_MODEL_6913 && r->id == KLEFR_Q_BAUD_RATE)
        return &klefr_valid_baud_mbus;
    return r->valid;
}

static void print_bytes(FILE *out, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%s%02X", i ? " " : "", p[i]);
}

/* Rows that are on Modbus, in register order. */
static size_t modbus_rows(const klefr_quantity_info **rows)
{
    size_t n = 0;
    for (int q = 0; q < KLEFR_Q_COUNT; q++) {
        const klefr_quantity_info *row = klefr_quantity_get((klefr_quantity)q);
        if (row->modbus.length == 0)
            continue;
        size_t i = n++;
        while (i > 0 && rows[i - 1]->modbus.address > row->modbus.address) {
            rows[i] = rows[i - 1];
            i--;
        }
        rows[i] = row;
    }
    return n;
}

static void render_modbus(FILE *out)
{
    const klefr_quantity_info *rows[KLEFR_Q_COUNT];
    size_t n = modbus_rows(rows);
    fputs("## Modbus RTU (6914)\n\n"
          "Holding registers, read with function 03 (SPEC section 4). Registers\n"
          "marked three-phase exist and always read 0 on these single-phase meters.\n\n"
          "| Address | Regs | Type | Unit | Write | Three-phase | Quantity | Name |\n"
          "|---|---|---|---|---|---|---|---|\n",
          out);
    for (size_t i = 0; i < n; i++) {
        const klefr_quantity_info *r = rows[i];
        fprintf(out, "| %04X | %u | %s | %s | ", r->modbus.address, r->modbus.length,
                type_name(r->modbus.type), unit_or_dash(r->unit));
        if (r->modbus.write_function != 0)
            fprintf(out, "FC%02u", r->modbus.write_function);
        else
            fputs("read-only", out);
        fprintf(out, " | %s | %s | `%s` |\n", (r->flags & KLEFR_QF_THREE_PHASE) ? "yes" : "-",
                r->label, r->name);
    }

    klefr_modbus_block blocks[16];
    size_t nb;
    if (klefr_model_modbus_blocks_get(KLEFR_MODEL_6914, blocks, 16, &nb) == KLEFR_OK) {
        fputs("\nA master reads the whole map with these function-03 requests:\n\n", out);
        for (size_t i = 0; i < nb; i++)
            fprintf(out, "- %04X, %u registers\n", blocks[i].start, blocks[i].count);
    }
}

static void render_mbus(FILE *out)
{
    fputs("\n## M-Bus (6913)\n\n"
          "Records of the RSP_UD to REQ_UD2 (value = raw x 10^scale in the unit):\n\n"
          "| Quantity | Unit | DIF | DIFE | VIF | Scale |\n"
          "|---|---|---|---|---|---|\n",
          out);
    for (int q = 0; q < KLEFR_Q_COUNT; q++) {
        const klefr_quantity_info *r = klefr_quantity_get((klefr_quantity)q);
        const klefr_mbus_column *m = &r->mbus;
        if (m->dif == 0)
            continue;
        fprintf(out, "| %s | %s | %02X | ", r->label, unit_or_dash(r->unit), m->dif);
        if (m->dife != 0)
            fprintf(out, "%02X", m->dife);
        else
            fputs("-", out);
        fprintf(out, " | %02X | %d |\n", m->vif, m->scale);
    }

    fputs("\nSettings written with SND_UD (record header, then the value):\n\n"
          "| Quantity | Unit | Record header (DIF VIF VIFE...) | Scale |\n"
          "|---|---|---|---|\n",
          out);
    for (int q = 0; q < KLEFR_Q_COUNT; q++) {
        const klefr_quantity_info *r = klefr_quantity_get((klefr_quantity)q);
        const klefr_mbus_column *m = &r->mbus;
        if (m->write_len == 0)
            continue;
        fprintf(out, "| %s | %s | ", r->label, unit_or_dash(r->unit));
        print_bytes(out, m->write, m->write_len);
        fprintf(out, " | %d |\n", m->scale);
    }
}

static void render_iec(FILE *out)
{
    fputs("\n## IEC 62056-21 (IR port, every model)\n\n"
          "| Address | Quantity | Unit | Decimals | In readout | Writable (W1) |\n"
          "|---|---|---|---|---|---|\n",
          out);
    for (int q = 0; q < KLEFR_Q_COUNT; q++) {
        const klefr_quantity_info *r = klefr_quantity_get((klefr_quantity)q);
        if (r->iec.address == NULL)
            continue;
        fprintf(out, "| %s | %s | %s | %u | %s | %s |\n", r->iec.address, r->label,
                unit_or_dash(r->unit), r->iec.decimals, r->iec.in_readout ? "yes" : "-",
                r->iec.writable ? "yes" : "-");
    }
}

static void render_settings(FILE *out)
{
    fputs("\n## Writable settings and their valid values\n\n"
          "Checked once, for every protocol, by `klefr_quantity_validate()`.\n\n"
          "| Quantity | Unit | Models | Valid values | Notes |\n"
          "|---|---|---|---|---|\n",
          out);
    for (int q = 0; q < KLEFR_Q_COUNT; q++) {
        const klefr_quantity_info *r = klefr_quantity_get((klefr_quantity)q);
        if ((r->flags & KLEFR_QF_WRITABLE) == 0)
            continue;
        fprintf(out, "| %s | %s | ", r->label, unit_or_dash(r->unit));
        print_models(out, r->models);
        fputs(" | ", out);
        print_valid(out, r->valid);
        fputs(" | ", out);
        const char *sep = "";
        if (r->flags & KLEFR_QF_RESET_ONLY) {
            fputs("a write resets it", out);
            sep = "; ";
        }
        if (r->flags & KLEFR_QF_INTEGER) {
            fprintf(out, "%swhole numbers", sep);
            sep = "; ";
        }
        if ((r->models & KLEFR_MODEL_BIT(KLEFR_MODEL_6913)) &&
            valid_on(KLEFR_MODEL_6913, r) != r->valid) {
            fprintf(out, "%son M-Bus (6913): ", sep);
            print_valid(out, valid_on(KLEFR_MODEL_6913, r));
            sep = "; ";
        }
        /* Rules outside the value sets (the tariff of the 6911/6912):
         * ask the validator with a value that is otherwise allowed. */
        const char *ro = "read-only on ";
        for (unsigned m = KLEFR_MODEL_6911; m <= KLEFR_MODEL_6914; m++) {
            if ((r->models & KLEFR_MODEL_BIT(m)) == 0)
                continue;
            const klefr_valid_values *v = valid_on(m, r);
            double probe = v == NULL ? 0 : v->list != NULL ? v->list[0] : v->min;
            if (klefr_quantity_validate((klefr_model)m, (klefr_quantity)q, probe) ==
                KLEFR_ERR_NOT_WRITABLE) {
                fprintf(out, "%s%s%u", sep, ro, m);
                sep = ", ";
                ro = "";
            }
        }
        fputs(*sep == '\0' ? "- |\n" : " |\n", out);
    }
}

static void render_quantities(FILE *out)
{
    fputs("\n## Every quantity\n\n"
          "| # | Name | Quantity | Unit | Group | Models |\n"
          "|---|---|---|---|---|---|\n",
          out);
    for (int q = 0; q < KLEFR_Q_COUNT; q++) {
        const klefr_quantity_info *r = klefr_quantity_get((klefr_quantity)q);
        fprintf(out, "| %d | `%s` | %s | %s | %s | ", q, r->name, r->label, unit_or_dash(r->unit),
                group_name(r->group));
        print_models(out, r->models);
        fputs(" |\n", out);
    }
}

static void render(FILE *out)
{
    fputs("# KLEFR register map\n\n"
          "Generated from the register table (`lib/model/quantities.c`) by\n"
          "`doc/gen_register_map.c`: do not edit by hand. The test\n"
          "`register_map_doc_is_current` fails when this file is out of date.\n"
          "Decisions behind the table are in `doc/register-model.md`.\n\n",
          out);
    render_modbus(out);
    render_mbus(out);
    render_iec(out);
    render_settings(out);
    render_quantities(out);
}

/* Compare the regenerated map with the committed one, line by line. */
static int check(const char *path)
{
    FILE *doc = fopen(path, "r");
    FILE *fresh = tmpfile();
    if (doc == NULL || fresh == NULL) {
        perror(doc == NULL ? path : "tmpfile");
        return 1;
    }
    render(fresh);
    rewind(fresh);
    char a[1024], b[1024];
    unsigned line = 0;
    int result = 0;
    for (;;) {
        char *ga = fgets(a, sizeof a, fresh);
        char *gb = fgets(b, sizeof b, doc);
        line++;
        if (ga == NULL && gb == NULL)
            break;
        if (ga == NULL || gb == NULL || strcmp(a, b) != 0) {
            fprintf(stderr,
                    "%s is out of date: line %u differs from the register table.\n"
                    "  table: %s  file:  %s"
                    "Regenerate it: ninja -C <builddir> doc/register-map.md && "
                    "cp <builddir>/doc/register-map.md doc/register-map.md\n",
                    path, line, ga ? a : "(end of file)\n", gb ? b : "(end of file)\n");
            result = 1;
            break;
        }
    }
    fclose(doc);
    fclose(fresh);
    if (result == 0)
        printf("%s matches the register table\n", path);
    return result;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--check") == 0)
        return check(argv[2]);
    if (argc > 2) {
        fprintf(stderr, "usage: %s [OUT.md] | --check DOC.md\n", argv[0]);
        return 2;
    }
    FILE *out = argc == 2 ? fopen(argv[1], "w") : stdout;
    if (out == NULL) {
        perror(argv[1]);
        return 1;
    }
    render(out);
    if (out != stdout && fclose(out) != 0) {
        perror(argv[1]);
        return 1;
    }
    return 0;
}

/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the manufacturer code of EN 13757-3 (three letters of
 * 5 bits, 'A' = 1, the FLAG association's codes) in both directions.
 * Input: 2 bytes of the 16-bit field as sent (least significant first),
 * then optional text to encode. Invariants: a code decodes to three
 * capitals that encode back to it, or to "???" with ENCODING exactly when
 * bit 15 is set or a group is 0 or over 26; text encodes only if it is
 * three capitals and then decodes back to itself. */
#include <klefr/mbus.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool letters_valid(uint16_t code)
{
    if (code & 0x8000u)
        return false;
    for (unsigned shift = 0; shift <= 10; shift += 5) {
        unsigned g = (code >> shift) & 0x1Fu;
        if (g == 0 || g > 26)
            return false;
    }
    return true;
}

static void check_code(uint16_t code)
{
    char letters[4] = {'x', 'x', 'x', 'x'};
    klefr_err err = klefr_mbus_manufacturer_decode(code, letters);
    if (letters[3] != '\0')
        abort();
    if (!letters_valid(code)) {
        if (err != KLEFR_ERR_ENCODING || strcmp(letters, "???") != 0)
            abort();
        return;
    }
    uint16_t back = 0;
    if (err != KLEFR_OK || klefr_mbus_manufacturer_encode(letters, &back) != KLEFR_OK ||
        back != code)
        abort();
    for (unsigned i = 0; i < 3; i++)
        if (letters[i] != (char)('A' - 1 + ((code >> (10 - 5 * i)) & 0x1Fu)))
            abort();
}

static void check_text(const uint8_t *p, size_t n)
{
    char text[8] = {0};
    memcpy(text, p, n < 7 ? n : 7);
    uint16_t code = 0xFFFF;
    klefr_err err = klefr_mbus_manufacturer_encode(text, &code);
    bool capitals = strlen(text) == 3;
    for (unsigned i = 0; capitals && i < 3; i++)
        capitals = text[i] >= 'A' && text[i] <= 'Z';
    if ((err == KLEFR_OK) != capitals)
        abort();
    if (err != KLEFR_OK) {
        if (code != 0xFFFF || err != KLEFR_ERR_ENCODING)
            abort(); /* nothing written on error */
        return;
    }
    char back[4];
    if (klefr_mbus_manufacturer_decode(code, back) != KLEFR_OK || strcmp(back, text) != 0 ||
        code < 0x0421 || code > 0x6B5A)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    check_code((uint16_t)(data[0] | data[1] << 8));
    if (size > 2)
        check_text(data + 2, size - 2);
    return 0;
}

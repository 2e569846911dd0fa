/* SPDX-License-Identifier: MIT */
/* klefr decode: hex frames from the command line, a file or stdin, each
 * taken apart by the protocol's codec (auto-detected or forced). */
#include <errno.h>
#include <string.h>

#include "klefr_cli.h"

typedef enum { PROTO_AUTO, PROTO_MODBUS, PROTO_MBUS, PROTO_IEC } decode_proto;

void hex_append(GString *s, const uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i++)
        g_string_append_printf(s, i ? " %02X" : "%02X", buf[i]);
}

/* Hex digits with any spacing, ':', ',', '-' or a 0x prefix between bytes.
 * Returns false (with a message) on another character or an odd count. */
static bool parse_hex(const char *text, GByteArray *out)
{
    int hi = -1;
    for (const char *p = text; *p != '\0'; p++) {
        if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && hi < 0) {
            p++;
            continue;
        }
        if (g_ascii_isspace(*p) || *p == ':' || *p == ',' || *p == '-')
            continue;
        int v = g_ascii_xdigit_value(*p);
        if (v < 0) {
            cli_error("'%c' is not a hex digit (frames are given in hex: 01 03 40 00 ...)", *p);
            return false;
        }
        if (hi < 0) {
            hi = v;
        } else {
            uint8_t b = (uint8_t)(hi << 4 | v);
            g_byte_array_append(out, &b, 1);
            hi = -1;
        }
    }
    if (hi >= 0) {
        cli_error("odd number of hex digits");
        return false;
    }
    return true;
}

/* IEC 62056-21 on an 8-bit link keeps 7E1 parity in bit 7: strip it when
 * every byte has even parity and stripping changed something, so captures
 * from ptys and TCP decode and plain 7-bit text stays as it is. */
static bool strip_parity(const uint8_t *buf, size_t len, uint8_t *out)
{
    memcpy(out, buf, len);
    if (klefr_iec_parity_strip_buf(out, len, NULL) == KLEFR_OK && memcmp(out, buf, len) != 0)
        return true;
    memcpy(out, buf, len);
    return false;
}

static decode_proto guess(const uint8_t *buf, size_t len)
{
    klefr_protocol p = KLEFR_PROTOCOL_MODBUS;
    (void)klefr_frame_protocol_guess(buf, len, &p, NULL); /* len > 0 here */
    return p == KLEFR_PROTOCOL_MBUS  ? PROTO_MBUS
           : p == KLEFR_PROTOCOL_IEC ? PROTO_IEC
                                     : PROTO_MODBUS;
}

typedef struct decode_run {
    decode_proto forced;
    cli_dir dir;
    bool json;
    size_t frames;
    size_t failed;
    GString *json_items;
} decode_run;

static void emit(decode_run *r, cli_out *o)
{
    if (r->json) {
        if (r->json_items->len > 0)
            g_string_append_c(r->json_items, ',');
        g_string_append(r->json_items, o->s->str);
        g_string_free(o->s, TRUE);
    } else {
        if (r->frames > 1)
            fputc('\n', stdout);
        out_print(o, stdout);
    }
}

/* Decode every frame of the input. Frames are split where each one ends,
 * so a frame may run over several lines (a wrapped hex dump); a stretch
 * that is no frame ends at the end of its line, @p ends (ascending). */
static void decode_bytes(decode_run *r, const uint8_t *buf, size_t len, const size_t *ends,
                         size_t nends)
{
    size_t pos = 0;
    while (pos < len) {
        const uint8_t *p = buf + pos;
        size_t rest = len - pos;
        decode_proto proto = r->forced != PROTO_AUTO ? r->forced : guess(p, rest);
        uint8_t *clean = g_malloc(rest);
        bool stripped = false;
        size_t n = 0;
        switch (proto) {
        case PROTO_MBUS: n = frame_len_mbus(p, rest); break;
        case PROTO_MODBUS: n = frame_len_modbus(p, rest, r->dir); break;
        default:
            stripped = strip_parity(p, rest, clean);
            n = frame_len_iec(clean, rest);
            break;
        }
        if (n == 0 || n > rest) {
            /* Not a whole frame: up to the end of its line goes to the
             * decoder, which says why. */
            n = rest;
            for (size_t i = 0; i < nends; i++) {
                if (ends[i] > pos) {
                    n = ends[i] - pos;
                    break;
                }
            }
        }
        cli_out o;
        out_init(&o, r->json);
        out_begin(&o, NULL);
        if (!r->json)
            out_str(&o, "frame", "%zu", r->frames + 1);
        klefr_err err;
        switch (proto) {
        case PROTO_MBUS: err = decode_mbus(&o, p, n); break;
        case PROTO_MODBUS: err = decode_modbus(&o, p, n, r->dir); break;
        default:
            if (stripped)
                out_bool(&o, "parity_7e1_stripped", true);
            err = decode_iec(&o, clean, n);
            break;
        }
        out_end(&o);
        r->frames++;
        char detail[sizeof o.detail];
        g_strlcpy(detail, o.detail, sizeof detail);
        emit(r, &o);
        if (err != KLEFR_OK) {
            r->failed++;
            cli_error("frame %zu: %s%s%s%s", r->frames, klefr_strerror(err), detail[0] ? " (" : "",
                      detail, detail[0] ? ")" : "");
        }
        g_free(clean);
        pos += n;
    }
}

static bool decode_text(decode_run *r, const char *text)
{
    char **lines = g_strsplit(text, "\n", -1);
    GByteArray *bytes = g_byte_array_new();
    GArray *ends = g_array_new(FALSE, FALSE, sizeof(size_t));
    bool ok = true;
    for (size_t i = 0; lines[i] != NULL && ok; i++) {
        char *hash = strchr(lines[i], '#');
        if (hash != NULL)
            *hash = '\0';
        size_t before = bytes->len;
        ok = parse_hex(lines[i], bytes);
        if (bytes->len > before) {
            size_t end = bytes->len;
            g_array_append_val(ends, end);
        }
    }
    if (ok && bytes->len > 0)
        decode_bytes(r, bytes->data, bytes->len, (const size_t *)(void *)ends->data, ends->len);
    g_array_free(ends, TRUE);
    g_byte_array_free(bytes, TRUE);
    g_strfreev(lines);
    return ok;
}

static char *read_stream(FILE *f)
{
    GString *s = g_string_new(NULL);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        g_string_append_len(s, buf, (gssize)n);
    return g_string_free(s, FALSE);
}

int cmd_decode(int argc, char **argv)
{
    /* Static: GOption allocates these and main() frees them after the command. */
    static char *protocol = NULL, *file = NULL, *direction = NULL;
    gboolean json = FALSE;
    const GOptionEntry entries[] = {
        {"protocol", 'P', 0, G_OPTION_ARG_STRING, &protocol,
         "modbus, mbus or iec (default: detected per frame)", "PROTO"},
        {"json", 'j', 0, G_OPTION_ARG_NONE, &json,
         "JSON: one object per frame (an array when there are several)", NULL},
        {"file", 'f', 0, G_OPTION_ARG_FILENAME, &file,
         "Read hex frames from FILE ('-' for stdin): one or more a line, or one over several "
         "lines; '#' starts a comment",
         "FILE"},
        {"direction", 'd', 0, G_OPTION_ARG_STRING, &direction,
         "Modbus: read frames as request or response (default: whichever they are)", "DIR"},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    if (!cli_parse("[HEX...] - decode Modbus RTU, M-Bus and IEC 62056-21 frames",
                   "Decodes frames given in hex (spaces optional) on the command line, in a\n"
                   "file or on stdin: every field, record, unit and checksum. Several frames\n"
                   "in one input are split at their ends. M-Bus frames of any meter decode.\n"
                   "Example: klefr decode 01 03 40 00 00 02 D1 CB",
                   entries, NULL, &argc, &argv))
        return CLI_EXIT_USAGE;
    decode_run r = {.forced = PROTO_AUTO, .dir = DIR_ANY, .json = json};
    if (protocol != NULL) {
        if (strcmp(protocol, "modbus") == 0)
            r.forced = PROTO_MODBUS;
        else if (strcmp(protocol, "mbus") == 0)
            r.forced = PROTO_MBUS;
        else if (strcmp(protocol, "iec") == 0)
            r.forced = PROTO_IEC;
        else if (strcmp(protocol, "auto") != 0) {
            cli_error("unknown protocol '%s' (modbus, mbus, iec or auto)", protocol);
            return CLI_EXIT_USAGE;
        }
    }
    if (direction != NULL) {
        if (strcmp(direction, "request") == 0)
            r.dir = DIR_REQUEST;
        else if (strcmp(direction, "response") == 0)
            r.dir = DIR_RESPONSE;
        else {
            cli_error("--direction is request or response");
            return CLI_EXIT_USAGE;
        }
    }
    bool ok = true;
    if (file != NULL) {
        FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
        if (f == NULL) {
            cli_error("cannot read %s: %s", file, g_strerror(errno));
            return CLI_EXIT_USAGE;
        }
        r.json_items = g_string_new(NULL);
        char *text = read_stream(f);
        if (f != stdin)
            fclose(f);
        ok = decode_text(&r, text);
        g_free(text);
    } else if (argc > 1 && !(argc == 2 && strcmp(argv[1], "-") == 0)) {
        r.json_items = g_string_new(NULL);
        char *joined = g_strjoinv(" ", argv + 1);
        ok = decode_text(&r, joined);
        g_free(joined);
    } else {
        r.json_items = g_string_new(NULL);
        char *text = read_stream(stdin);
        ok = decode_text(&r, text);
        g_free(text);
    }
    if (r.json && r.frames > 0)
        printf(r.frames > 1 ? "[%s]\n" : "%s\n", r.json_items->str);
    g_string_free(r.json_items, TRUE);
    if (!ok)
        return CLI_EXIT_USAGE;
    if (r.frames == 0) {
        cli_error("no frame given (hex on the command line, --file or stdin)");
        return CLI_EXIT_USAGE;
    }
    return r.failed > 0 ? CLI_EXIT_PROTOCOL : CLI_EXIT_OK;
}

/* SPDX-License-Identifier: MIT */
/* The klefr command-line tool: what the command files share. Everything on
 * the wire goes through the public libklefr API; this tool parses no frame
 * itself. */
#ifndef KLEFR_CLI_H
#define KLEFR_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include <glib.h>

#include <klefr/iec_master.h>
#include <klefr/klefr.h>
#include <klefr/mbus_master.h>

#include "json_text.h"
#include "number_text.h"
#include "protocol_names.h"
#include "value_names.h"

/* Exit status, one per class of failure (doc/klefr.1, EXIT STATUS). */
enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_USAGE = 1,       /* bad command line, unknown quantity, bad hex */
    CLI_EXIT_PORT = 2,        /* the port or host cannot be opened */
    CLI_EXIT_NO_RESPONSE = 3, /* timeout: no answer */
    CLI_EXIT_PROTOCOL = 4,    /* corrupt answer, CRC/checksum, garbage to decode */
    CLI_EXIT_REFUSED = 5,     /* the device said no: exception, NAK, password */
    CLI_EXIT_VALUE = 6        /* value refused before sending, or not writable */
};

/* ---- main.c ---- */
/* The name of the running command ("read") for messages. */
extern const char *cli_command;
/* "klefr read: <message>" on stderr. */
void cli_error(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
/* Exit status for a library error met while talking to a meter. */
int cli_exit_for(klefr_err err);
/* Parse a command's options (plus the connection options when @p conn is
 * not NULL; then the port may also come as the first argument, when it
 * looks like one: a path, a URL, fd:N; it is taken out of argv). On a usage error print it
 * and return false. */
typedef struct cli_conn_opts cli_conn_opts;
bool cli_parse(const char *params, const char *summary, const GOptionEntry *entries,
               cli_conn_opts *conn, int *argc, char ***argv);
/* For commands without arguments: after cli_parse(), print an error and
 * return false if anything but options was given. */
bool cli_no_arguments(int argc, char **argv);
/* For commands that talk to meters and take no arguments: cli_parse() with
 * the connection options, cli_conn_check(), cli_no_arguments(), in that
 * order. CLI_EXIT_OK, or the exit status (the error printed). */
int cli_parse_connection(const char *params, const char *summary, const GOptionEntry *entries,
                         cli_conn_opts *conn, int *argc, char ***argv);
/* The value @p text of option @p option ("--timeout") as a whole decimal
 * number lo..hi into @p out. Otherwise print "--timeout takes WHAT, not
 * 'TEXT'" and return false (the caller exits with CLI_EXIT_USAGE). */
bool cli_option_number(const char *option, const char *text, long lo, long hi, const char *what,
                       long *out);

/* ---- conn.c: the shared connection options and opening meters ---- */
struct cli_conn_opts {
    char *port; /* --port, or the first argument (cli_parse) */
    char *protocol_name;
    char **ids; /* --id/--address, repeatable, comma lists allowed */
    char *baud_text;
    char *parity;
    char *timeout_text;
    char *retries_text;
    gboolean verbose;
    char *password; /* IEC programming mode */
    char *speed_text;
    /* After cli_conn_check(): */
    klefr_protocol protocol;
    long baud;       /* 0: the protocol's default */
    long timeout_ms; /* 0: derived from the line */
    long retries;    /* -1: the master's default (2) */
    long speed;      /* --meter-speed: meter time per real time (1) */
};

/* An open bus: the transport (maybe wrapped by the --verbose logger) and,
 * for Modbus, one master shared by every meter on it. */
typedef struct cli_iolog cli_iolog; /* --verbose logger (iolog.c) */

typedef struct cli_conn {
    cli_conn_opts *opts;
    klefr_io *port_io; /* what klefr_io_open gave */
    klefr_io *io;      /* what the masters use */
    cli_iolog *log;    /* the logger, or NULL */
    klefr_modbus_master *modbus;
    klefr_mbus_master *mbus;
    klefr_iec_master *iec;
} cli_conn;

/* A meter address as given on the command line. */
typedef struct cli_target {
    char text[40];
    klefr_meter_address address;
} cli_target;

/* Append the connection entries to a NULL-terminated GOptionEntry array. */
GArray *cli_conn_entries(cli_conn_opts *o);
/* Set defaults (before parsing). */
void cli_conn_defaults(cli_conn_opts *o);
/* Check the parsed options; prints and returns an exit status != 0 on error. */
int cli_conn_check(cli_conn_opts *o);
/* Parse --id values into targets; the default when none was given. */
int cli_targets(const cli_conn_opts *o, cli_target **out, size_t *count);
/* Open the port; prints and returns an exit status on error. */
int cli_conn_open(cli_conn_opts *o, cli_conn *c);
/* A meter on the open bus. Prints and returns an exit status on error. */
int cli_meter_open(cli_conn *c, const cli_target *t, klefr_meter **out);
void cli_conn_close(cli_conn *c);
/* "Modbus ID 1 on /dev/pts/3" for messages. */
char *cli_describe(const cli_conn *c, const cli_target *t);

/* ---- iolog.c: --verbose, a transport that prints every frame ---- */
/* NULL if out of memory. Closing cli_iolog_io() frees the logger. */
cli_iolog *cli_iolog_wrap(klefr_io *inner, klefr_protocol protocol, FILE *out);
klefr_io *cli_iolog_io(cli_iolog *log);
/* Print what is still buffered (end of a transaction). */
void cli_iolog_flush(cli_iolog *log);

/* ---- output.c ---- */
/* A tree printer: the same calls give an indented text breakdown or JSON.
 * Keys are ignored inside JSON lists; in text they title the item. */
typedef struct cli_out {
    bool json;
    GString *s;
    int depth;
    bool first[32];
    bool list[32];
    char detail[160]; /* what made a frame invalid, for the error line */
} cli_out;

void out_init(cli_out *o, bool json);
void out_begin(cli_out *o, const char *key);
void out_end(cli_out *o);
void out_list_begin(cli_out *o, const char *key);
void out_list_end(cli_out *o);
void out_str(cli_out *o, const char *key, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
/* A double as a number: whole numbers in full, others with the fewest
 * digits that read back as the same double; null if not finite. */
void out_num(cli_out *o, const char *key, double v);
/* A number already rendered as text (a JSON number), printed as it is. */
void out_number(cli_out *o, const char *key, const char *text);
void out_int(cli_out *o, const char *key, long long v);
void out_bool(cli_out *o, const char *key, bool v);
void out_null(cli_out *o, const char *key);
/* Write to @p f and release. */
void out_print(cli_out *o, FILE *f);

/* @p v as out_num() prints it ("null" if not finite). */
void cli_double_text(double v, char *buf, size_t cap);
/* @p f x 10^@p exponent with the float's own shortest digits (230.1f, not
 * 230.100006), as exact decimal text. False if @p f is not finite or the
 * text does not fit. */
bool cli_float_text(float f, int exponent, char *buf, size_t cap);
/* A value for people: enums named, serials padded, checksums in hex. */
void cli_value_text(const klefr_quantity_info *info, double v, char *buf, size_t cap);
/* Every value present in @p v as a list @p key of {name, value, text}
 * entries; nothing at all when none is present. */
void out_values(cli_out *o, const char *key, const klefr_values *v);
const char *cli_group_name(klefr_group g);
/* Print "allowed: ..." for @p q on @p model into @p s. */
void cli_allowed_values(klefr_model model, klefr_quantity q, GString *s);
/* Quantities of --only (comma lists, repeatable); NULL = all. Prints and
 * returns false on an unknown name. */
bool cli_parse_only(char **only, bool selected[KLEFR_Q_COUNT]);
/* Render one reading: table, JSON or CSV. */
typedef enum { CLI_FMT_TABLE, CLI_FMT_JSON, CLI_FMT_CSV } cli_format;
void cli_print_values(FILE *f, cli_format fmt, const klefr_values *v, const bool *selected,
                      bool all, const char *meter_name, klefr_protocol protocol);
/* The values as one JSON object {"name": number, ...} appended to @p s. */
void cli_values_json(GString *s, const klefr_values *v, const bool *selected, bool all);
/* Is @p q shown by default (not three-phase) or with --all. */
bool cli_shown(klefr_quantity q, const bool *selected, bool all);

/* ---- reading.c ---- */
/* Read @p m: the quantities set in @p selected only (klefr_meter_read_quantities:
 * over Modbus only their registers), or everything when it is NULL. */
klefr_err cli_read_meter(klefr_meter *m, const bool *selected, klefr_values *v);
/* What went wrong with a read, for people (g_free it): the missing
 * quantities of an incomplete answer, the broken rule of an implausible one. */
char *cli_read_failure(klefr_meter *m, klefr_err err);

/* ---- decode_*.c: frame breakdowns for `decode` and --verbose ---- */
typedef enum { DIR_ANY, DIR_REQUEST, DIR_RESPONSE } cli_dir;
/* Each decodes the one frame at @p buf (@p len bytes: exactly the frame)
 * into @p o and returns the library's verdict. */
klefr_err decode_modbus(cli_out *o, const uint8_t *buf, size_t len, cli_dir dir);
klefr_err decode_mbus(cli_out *o, const uint8_t *buf, size_t len);
klefr_err decode_iec(cli_out *o, const uint8_t *buf, size_t len);
/* Length of the first frame of the protocol at @p buf, 0 if none starts there. */
size_t frame_len_modbus(const uint8_t *buf, size_t len, cli_dir dir);
size_t frame_len_mbus(const uint8_t *buf, size_t len);
size_t frame_len_iec(const uint8_t *buf, size_t len);
/* One-line summaries for --verbose. */
void brief_modbus(GString *s, const uint8_t *buf, size_t len, cli_dir dir);
void brief_mbus(GString *s, const uint8_t *buf, size_t len);
void brief_iec(GString *s, const uint8_t *buf, size_t len);
void hex_append(GString *s, const uint8_t *buf, size_t len);

/* ---- the commands ---- */
int cmd_ports(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_read(int argc, char **argv);
int cmd_write(int argc, char **argv);
int cmd_watch(int argc, char **argv);
int cmd_decode(int argc, char **argv);
int cmd_emulate(int argc, char **argv);

#endif

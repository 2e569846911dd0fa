/* SPDX-License-Identifier: MIT */
/* The encoders of the three protocols for klefr.modbus, klefr.mbus and
 * klefr.iec (%included by klefr.i after the codec headers).
 *
 * Every encoder here returns (err, bytes) to Python: the bytes written, or
 * None when err is not KLEFR_OK; the Python layer turns err into its
 * exception. The output buffer belongs to the wrapper:
 * - frames with a bound (a Modbus ADU is at most 256 bytes, an M-Bus frame
 *   261, an IEC message of the register model a few dozen) go through the
 *   (buf, cap, len) typemap of klefr.i, a 1 KiB buffer on the C stack;
 * - IEC messages whose data the caller chooses, and the readout, have no
 *   such bound: their helpers size the message first (every IEC encoder
 *   counts when given no buffer) and write it straight into a bytes
 *   object of that size.
 * Encoders that take a struct in C take its fields as arguments here, so
 * that Python never has to hand C a pointer into a bytes object it might
 * drop before the call. */

/* --- bytes in, under the names these encoders use ----------------------- */
%apply (const uint8_t *BYTES, size_t LEN) {
    (const uint8_t *bits, size_t bits_len), (const uint8_t *payload, size_t payload_len),
    (const uint8_t *vib, size_t vib_len), (const uint8_t *records, size_t records_len),
    (const uint8_t *text, size_t text_len), (const uint8_t *rtu, size_t rtu_len),
    (const uint8_t *frame, size_t len), (const uint8_t *rx, size_t len)
};

/* bytes or None (None: a NULL pointer, e.g. an IEC command without data). */
%typemap(in) (const uint8_t *OPT_BYTES, size_t OPT_LEN) (char *p = NULL, Py_ssize_t n = 0) {
    if ($input != Py_None && PyBytes_AsStringAndSize($input, &p, &n) < 0)
        SWIG_fail;
    $1 = ($1_ltype)p;
    $2 = (size_t)n;
}
%typemap(typecheck) (const uint8_t *OPT_BYTES, size_t OPT_LEN) {
    $1 = $input == Py_None || PyBytes_Check($input);
}
%apply (const uint8_t *OPT_BYTES, size_t OPT_LEN) {
    (const uint8_t *opt_data, size_t opt_len), (const uint8_t *device, size_t device_len),
    (const uint8_t *manufacturer, size_t manufacturer_len),
    (const uint8_t *ident, size_t ident_len)
};

/* --- registers out: klefr_model_modbus_values_encode() ------------------ */
%typemap(in) (uint16_t *regs, size_t count) (uint16_t tmp[KLEFR_MODBUS_MAX_READ_REGISTERS]) {
    unsigned long n = PyLong_AsUnsignedLong($input);
    if (PyErr_Occurred())
        SWIG_fail;
    if (n > KLEFR_MODBUS_MAX_READ_REGISTERS)
        SWIG_exception_fail(SWIG_ValueError, "at most 125 registers");
    $1 = tmp;
    $2 = (size_t)n;
}
%typemap(argout) (uint16_t *regs, size_t count) {
    PyObject *list = NULL;
    if (result == KLEFR_OK) {
        list = PyList_New((Py_ssize_t)$2);
        for (size_t i = 0; list != NULL && i < $2; i++)
            PyList_SET_ITEM(list, (Py_ssize_t)i, PyLong_FromLong((long)$1[i]));
    } else {
        Py_INCREF(Py_None);
        list = Py_None;
    }
    $result = SWIG_Python_AppendOutput($result, list);
}

/* --- registers in, as klefr_model_modbus_values_decode() takes them ------ */
%typemap(in) (const uint16_t *regs, size_t count) (uint16_t tmp[KLEFR_MODBUS_MAX_READ_REGISTERS]) {
    PyObject *seq = PySequence_Fast($input, "registers must be a sequence of ints");
    if (seq == NULL)
        SWIG_fail;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    if (n > KLEFR_MODBUS_MAX_READ_REGISTERS) {
        Py_DECREF(seq);
        SWIG_exception_fail(SWIG_ValueError, "at most 125 registers");
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        long v = PyLong_AsLong(PySequence_Fast_GET_ITEM(seq, i));
        if ((v == -1 && PyErr_Occurred()) || v < 0 || v > 0xFFFF) {
            Py_DECREF(seq);
            SWIG_exception_fail(SWIG_ValueError, "a register is an int 0-65535");
        }
        tmp[i] = (uint16_t)v;
    }
    Py_DECREF(seq);
    $1 = tmp;
    $2 = (size_t)n;
}

/* One C field byte (klefr_mbus_control_encode()), a baud character. */
%apply unsigned char *OUTPUT { uint8_t *c_field };
%apply unsigned int *OUTPUT { uint32_t *baud_out };
%typemap(in, numinputs = 0) char *baud_char_out (char tmp = 0) { $1 = &tmp; }
%typemap(argout) char *baud_char_out {
    $result = SWIG_Python_AppendOutput($result, PyUnicode_FromStringAndSize($1, 1));
}

/* What klefr.i leaves out and the encoders need: the register model's
 * columns per protocol (the meter side of IEC included: it is plain data
 * and harmless), Modbus TCP's header. */
%ignore klefr_modbus_tcp_to_rtu;          /* (hdr, rtu, cap, len): no typemap fits */
%ignore klefr_iec_slave_receive;          /* the meter's state machine: not a codec */
%ignore klefr_model_modbus_write_decode;  /* out array of settings: not wrapped */
%ignore klefr_model_mbus_write_decode;    /* wrapped as klefr_py_model_mbus_write_decode */
%include <klefr/modbus_tcp.h>
%include <klefr/model_modbus.h>
%include <klefr/model_mbus.h>
%include <klefr/model_iec.h>

%inline %{
/* --- Modbus ------------------------------------------------------------ */

/* Function 15 from packed coils: the C encoder reads ceil(quantity / 8)
 * bytes at @p bits, so fewer bytes than that are refused here. */
klefr_err klefr_py_modbus_write_coils_encode(uint8_t unit, uint16_t address, const uint8_t *bits,
                                             size_t bits_len, uint16_t quantity, uint8_t *buf,
                                             size_t cap, size_t *len)
{
    if (bits_len < ((size_t)quantity + 7u) / 8u || bits_len == 0)
        return KLEFR_ERR_INVALID_ARG;
    return klefr_modbus_write_coils_request_encode(unit, address, bits, quantity, buf, cap, len);
}

/* klefr_modbus_request_encode() of the fields of a klefr_modbus_request. */
klefr_err klefr_py_modbus_request_encode(uint8_t unit, uint8_t function, uint16_t address,
                                         uint16_t quantity, uint16_t value,
                                         const uint8_t *payload, size_t payload_len, uint8_t *buf,
                                         size_t cap, size_t *len)
{
    klefr_modbus_request q = {.unit = unit,
                              .function = function,
                              .address = address,
                              .quantity = quantity,
                              .value = value,
                              .data = payload_len ? payload : NULL,
                              .data_len = payload_len};
    return klefr_modbus_request_encode(&q, buf, cap, len);
}

/* klefr_modbus_response_encode() of the fields of a klefr_modbus_response. */
klefr_err klefr_py_modbus_response_encode(uint8_t unit, uint8_t function, uint8_t exception,
                                          uint16_t address, uint16_t quantity, uint16_t value,
                                          const uint8_t *payload, size_t payload_len,
                                          uint8_t *buf, size_t cap, size_t *len)
{
    klefr_modbus_response r = {.unit = unit,
                               .function = function,
                               .exception = exception,
                               .address = address,
                               .quantity = quantity,
                               .value = value,
                               .data = payload_len ? payload : NULL,
                               .data_len = payload_len};
    return klefr_modbus_response_encode(&r, buf, cap, len);
}

/* The 7 bytes of an MBAP header (klefr_modbus_mbap_encode() has no length
 * out-parameter: it is always KLEFR_MODBUS_MBAP_LEN). */
klefr_err klefr_py_modbus_mbap_encode(uint16_t transaction, uint16_t protocol, uint16_t length,
                                      uint8_t unit, uint8_t *buf, size_t cap, size_t *len)
{
    klefr_modbus_mbap h = {
        .transaction = transaction, .protocol = protocol, .length = length, .unit = unit};
    klefr_err err = klefr_modbus_mbap_encode(&h, buf, cap);
    *len = err == KLEFR_OK ? KLEFR_MODBUS_MBAP_LEN : 0;
    return err;
}

/* --- M-Bus ------------------------------------------------------------- */

/* klefr_mbus_frame_encode() of the fields of a klefr_mbus_frame. */
klefr_err klefr_py_mbus_frame_encode(int type, uint8_t c, uint8_t a, uint8_t ci,
                                     const uint8_t *payload, size_t payload_len, uint8_t *buf,
                                     size_t cap, size_t *len)
{
    klefr_mbus_frame f = {.type = (klefr_mbus_frame_type)type,
                          .c = c,
                          .a = a,
                          .ci = ci,
                          .data = payload_len ? payload : NULL,
                          .data_len = payload_len};
    return klefr_mbus_frame_encode(&f, buf, cap, len);
}

/* The C field of a link function (klefr_mbus_control_encode()). */
klefr_err klefr_py_mbus_control_encode(int function, bool fcb, bool fcv, bool acd, bool dfc,
                                       uint8_t *c_field)
{
    klefr_mbus_control ctl = {.function = (klefr_mbus_link_function)function,
                              .from_master = function != KLEFR_MBUS_RSP_UD,
                              .fcb = fcb,
                              .fcv = fcv,
                              .acd = acd,
                              .dfc = dfc};
    *c_field = 0;
    return klefr_mbus_control_encode(&ctl, c_field);
}

/* Selection frame of the fields of a klefr_mbus_selection. */
klefr_err klefr_py_mbus_selection_encode(uint32_t id_pattern, uint16_t manufacturer,
                                         uint8_t version, uint8_t medium, bool fcb, uint8_t *buf,
                                         size_t cap, size_t *len)
{
    klefr_mbus_selection s = {
        .id_pattern = id_pattern, .manufacturer = manufacturer, .version = version, .medium = medium};
    return klefr_mbus_selection_encode(&s, fcb, buf, cap, len);
}

/* One data record (klefr_mbus_record_encode()). The value is @p integer
 * for INTEGER, @p real for REAL, @p text for STRING (reading order) and
 * BYTES; date/time values are not offered to Python. */
klefr_err klefr_py_mbus_record_encode(int coding, int function, unsigned long long storage,
                                      uint32_t tariff, uint16_t subunit, const uint8_t *vib,
                                      size_t vib_len, int value_type, long long integer,
                                      double real, const uint8_t *text, size_t text_len,
                                      uint8_t *buf, size_t cap, size_t *len)
{
    if (vib_len == 0)
        return KLEFR_ERR_INVALID_ARG;
    klefr_mbus_record_spec spec = {.coding = (klefr_mbus_coding)coding,
                                   .function = (klefr_mbus_function)function,
                                   .storage = storage,
                                   .tariff = tariff,
                                   .subunit = subunit,
                                   .vib = vib,
                                   .vib_len = vib_len};
    spec.value.type = (klefr_mbus_value_type)value_type;
    spec.value.integer = integer;
    spec.value.real = (float)real;
    spec.value.bytes = text_len ? text : NULL;
    spec.value.bytes_len = text_len;
    return klefr_mbus_record_encode(&spec, buf, cap, len);
}

/* A RSP_UD with the header of these fields (CI 72, 7A or 78) and the
 * encoded @p records after it. */
klefr_err klefr_py_mbus_rsp_ud_encode(uint8_t a, bool acd, bool dfc, uint8_t ci, uint32_t id,
                                      uint16_t manufacturer, uint8_t version, uint8_t medium,
                                      uint8_t access, uint8_t status, uint16_t signature,
                                      const uint8_t *records, size_t records_len, uint8_t *buf,
                                      size_t cap, size_t *len)
{
    klefr_mbus_header h = {.ci = ci,
                           .id = id,
                           .id_valid = true,
                           .manufacturer = manufacturer,
                           .version = version,
                           .medium = medium,
                           .access = access,
                           .status = status,
                           .signature = signature};
    klefr_mbus_writer w;
    klefr_err err = klefr_mbus_writer_begin_rsp_ud(&w, buf, cap, a, acd, dfc, &h);
    if (err == KLEFR_ERR_INVALID_ARG)
        return err;
    if (records_len > 0)
        klefr_mbus_writer_bytes(&w, records, records_len);
    return klefr_mbus_writer_finish(&w, len);
}

/* A SND_UD (CI 51) carrying the encoded @p records. */
klefr_err klefr_py_mbus_snd_ud_encode(uint8_t a, bool fcb, const uint8_t *records,
                                      size_t records_len, uint8_t *buf, size_t cap, size_t *len)
{
    klefr_mbus_writer w;
    klefr_mbus_writer_begin_snd_ud(&w, buf, cap, a, fcb);
    if (records_len > 0)
        klefr_mbus_writer_bytes(&w, records, records_len);
    return klefr_mbus_writer_finish(&w, len);
}
%}

/* --- IEC 62056-21 ---------------------------------------------------------
 * Helpers that build Python objects hold the GIL (%nothread). */
%nothread;
%{
/* An encoder with its arguments bound: called once to size, once to write. */
typedef klefr_err (*klefr_py_encoder)(const void *ctx, uint8_t *buf, size_t cap, size_t *len);

/* (err, bytes) from @p enc: the length first (no buffer), then the bytes
 * into a bytes object of exactly that length. */
static PyObject *klefr_py_encode_sized(klefr_py_encoder enc, const void *ctx)
{
    size_t n = 0;
    klefr_err err = enc(ctx, NULL, 0, &n);
    if (err != KLEFR_OK)
        return Py_BuildValue("(iO)", (int)err, Py_None);
    PyObject *out = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)n);
    if (out == NULL)
        return NULL;
    size_t written = 0;
    err = enc(ctx, (uint8_t *)PyBytes_AS_STRING(out), n, &written);
    if (err != KLEFR_OK || written != n) {
        Py_DECREF(out);
        return Py_BuildValue("(iO)", (int)(err != KLEFR_OK ? err : KLEFR_ERR_STATE), Py_None);
    }
    return Py_BuildValue("(iN)", 0, out);
}

static klefr_err klefr_py_iec_message_cb(const void *ctx, uint8_t *buf, size_t cap, size_t *len)
{
    return klefr_iec_message_encode((const klefr_iec_message *)ctx, buf, cap, len);
}

typedef struct klefr_py_iec_command {
    char command, type;
    const char *data;
    size_t data_len;
} klefr_py_iec_command;

static klefr_err klefr_py_iec_command_cb(const void *ctx, uint8_t *buf, size_t cap, size_t *len)
{
    const klefr_py_iec_command *c = ctx;
    return klefr_iec_command_encode(c->command, c->type, c->data, c->data_len, buf, cap, len);
}

typedef struct klefr_py_iec_readout {
    klefr_model model;
    const klefr_values *values;
} klefr_py_iec_readout;

static klefr_err klefr_py_iec_readout_cb(const void *ctx, uint8_t *buf, size_t cap, size_t *len)
{
    const klefr_py_iec_readout *r = ctx;
    return klefr_model_iec_readout_encode(r->model, r->values, buf, cap, len);
}
%}

%inline %{
/* klefr_iec_message_encode() of the fields of a klefr_iec_message that
 * @p type reads; @p opt_data None is a NULL data pointer (B0). */
PyObject *klefr_py_iec_message_encode(int type, const uint8_t *device, size_t device_len,
                                      const uint8_t *manufacturer, size_t manufacturer_len,
                                      unsigned escapes, const uint8_t *ident, size_t ident_len,
                                      char baud_char, unsigned protocol, unsigned option,
                                      char command, char command_type, const uint8_t *opt_data,
                                      size_t opt_len, bool partial, int error_code)
{
    if (type == KLEFR_IEC_MSG_IDENTIFICATION && manufacturer_len != 3)
        return Py_BuildValue("(iO)", (int)KLEFR_ERR_RANGE, Py_None);
    klefr_iec_message m = {.type = (klefr_iec_msg_type)type,
                           .device_address = (const char *)device,
                           .device_address_len = device_len,
                           .manufacturer = (const char *)manufacturer,
                           .escapes = (uint16_t)escapes,
                           .ident = (const char *)ident,
                           .ident_len = ident_len,
                           .baud_char = baud_char,
                           .protocol = (uint8_t)(protocol > 255 ? 255 : protocol),
                           .option = (uint8_t)(option > 255 ? 255 : option),
                           .command = command,
                           .command_type = command_type,
                           .data = (const char *)opt_data,
                           .data_len = opt_len,
                           .partial = partial,
                           .error_code = error_code};
    return klefr_py_encode_sized(klefr_py_iec_message_cb, &m);
}

/* klefr_iec_command_encode(): SOH C D STX data ETX BCC, or SOH B 0 ETX BCC
 * for @p opt_data None. */
PyObject *klefr_py_iec_command_encode(char command, char type, const uint8_t *opt_data,
                                      size_t opt_len)
{
    klefr_py_iec_command c = {command, type, (const char *)opt_data, opt_len};
    return klefr_py_encode_sized(klefr_py_iec_command_cb, &c);
}

/* klefr_model_iec_readout_encode(): the mode-C readout of @p values. */
PyObject *klefr_py_model_iec_readout_encode(klefr_model model, const klefr_values *values)
{
    klefr_py_iec_readout r = {model, values};
    return klefr_py_encode_sized(klefr_py_iec_readout_cb, &r);
}

/* klefr_model_mbus_write_decode() as a list of (quantity, value). */
PyObject *klefr_py_model_mbus_write_decode(const uint8_t *payload, size_t payload_len)
{
    klefr_setting s[16];
    size_t n = 0;
    klefr_err err = klefr_model_mbus_write_decode(payload, payload_len, s, 16, &n);
    if (err != KLEFR_OK)
        return Py_BuildValue("(iO)", (int)err, Py_None);
    PyObject *list = PyList_New((Py_ssize_t)n);
    for (size_t i = 0; list != NULL && i < n; i++)
        PyList_SET_ITEM(list, (Py_ssize_t)i,
                        Py_BuildValue("(id)", (int)s[i].quantity, (double)s[i].value));
    return list == NULL ? NULL : Py_BuildValue("(iN)", 0, list);
}
%}
%thread;

/* The baud character of @p baud in @p mode (klefr_iec_baud_char_encode()),
 * and back (klefr_iec_baud_char_decode()), with the outputs returned. */
%inline %{
klefr_err klefr_py_iec_baud_char_encode(int mode, uint32_t baud, char *baud_char_out)
{
    return klefr_iec_baud_char_encode((klefr_iec_mode)mode, baud, baud_char_out);
}
klefr_err klefr_py_iec_baud_char_decode(int mode, char c, uint32_t *baud_out)
{
    *baud_out = 0;
    return klefr_iec_baud_char_decode((klefr_iec_mode)mode, c, baud_out);
}
%}

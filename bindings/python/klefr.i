/* SPDX-License-Identifier: MIT */
/* The SWIG view of the public C API (klefr._capi). Kept thin on purpose:
 * the headers are wrapped as they are, plus the typemaps that turn bytes
 * in and out-parameters into Python values. The Pythonic package
 * (bindings/python/klefr/) is written over klefr/_c.py, the one file that
 * names C symbols, so that a rename in the C API costs one line there.
 *
 * Built with -threads: every wrapped call releases the GIL while the C
 * function runs (blocking reads of a meter included). Helpers that build
 * Python objects are marked %nothread. */
%module(package="klefr") capi

%{
#include <klefr/klefr.h>
%}

%include <stdint.i>
%include <typemaps.i>

/* --- bytes in ----------------------------------------------------------
 * A read-only (pointer, length) pair takes a Python bytes object. The
 * pointer stays valid only while that bytes object lives: decoded structs
 * point into it, so the Python layer keeps the object for as long as it
 * reads them. */
%typemap(in) (const uint8_t *BYTES, size_t LEN) (char *p = NULL, Py_ssize_t n = 0) {
    if (PyBytes_AsStringAndSize($input, &p, &n) < 0)
        SWIG_fail;
    $1 = ($1_ltype)p;
    $2 = (size_t)n;
}
%typemap(typecheck) (const uint8_t *BYTES, size_t LEN) { $1 = PyBytes_Check($input); }
%apply (const uint8_t *BYTES, size_t LEN) {
    (const uint8_t *buf, size_t len), (const uint8_t *adu, size_t len),
    (const uint8_t *data, size_t len), (const char *data, size_t len),
    (const char *s, size_t len), (const char *text, size_t len)
};

/* --- scalar out-parameters: appended to the result ---------------------- */
%apply size_t *OUTPUT {
    size_t *used, size_t *count, size_t *consumed, size_t *out_len, size_t *header_len,
    size_t *not_available, size_t *bad_index
};
%apply bool *OUTPUT { bool *complete, bool *found };
%apply double *OUTPUT { double *out, klefr_number *out };

%define KLEFR_ENUM_OUT(TYPE, NAME)
%typemap(in, numinputs = 0) TYPE *NAME (TYPE temp = (TYPE)0) { $1 = &temp; }
%typemap(argout) TYPE *NAME { $result = SWIG_Python_AppendOutput($result, PyLong_FromLong((long)*$1)); }
%enddef
KLEFR_ENUM_OUT(klefr_protocol, out)
KLEFR_ENUM_OUT(klefr_iec_parse_event, event)

/* Handles created through an out-pointer (klefr_io **out...). */
%define KLEFR_HANDLE_OUT(TYPE)
%typemap(in, numinputs = 0) TYPE **out (TYPE *temp = NULL) { $1 = &temp; }
%typemap(argout) TYPE **out {
    $result = SWIG_Python_AppendOutput($result, SWIG_NewPointerObj(*$1, $*1_descriptor, 0));
}
%enddef
KLEFR_HANDLE_OUT(klefr_io)
KLEFR_HANDLE_OUT(klefr_meter)
KLEFR_HANDLE_OUT(klefr_modbus_master)
KLEFR_HANDLE_OUT(klefr_mbus_master)
KLEFR_HANDLE_OUT(klefr_iec_master)

/* --- bytes out: encoders writing (buf, cap, len) ------------------------
 * The encoder writes into a buffer of the wrapper; the result gets the
 * bytes written, or None when the encoder failed (its error is the first
 * item of the result). 1 KiB holds every frame of the three protocols. */
%typemap(in, numinputs = 0) (uint8_t *buf, size_t cap, size_t *len)
    (uint8_t tmp[1024], size_t n = 0) {
    $1 = tmp;
    $2 = sizeof tmp;
    $3 = &n;
}
%typemap(argout) (uint8_t *buf, size_t cap, size_t *len) {
    PyObject *o;
    if (result == KLEFR_OK) {
        o = PyBytes_FromStringAndSize((const char *)tmp$argnum, (Py_ssize_t)n$argnum);
    } else {
        Py_INCREF(Py_None);
        o = Py_None;
    }
    $result = SWIG_Python_AppendOutput($result, o);
}

/* --- quantities in and out (klefr_meter_read_quantities, _missing) ------ */
%typemap(in) (const klefr_quantity *want, size_t n) (klefr_quantity tmp[KLEFR_Q_COUNT]) {
    PyObject *seq = PySequence_Fast($input, "quantities must be a sequence of ints");
    if (seq == NULL)
        SWIG_fail;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    if (n > (Py_ssize_t)KLEFR_Q_COUNT) {
        Py_DECREF(seq);
        SWIG_exception_fail(SWIG_ValueError, "too many quantities");
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        long v = PyLong_AsLong(PySequence_Fast_GET_ITEM(seq, i));
        if (v == -1 && PyErr_Occurred()) {
            Py_DECREF(seq);
            SWIG_fail;
        }
        tmp[i] = (klefr_quantity)v;
    }
    Py_DECREF(seq);
    $1 = tmp;
    $2 = (size_t)n;
}
%typemap(in, numinputs = 0) (klefr_quantity *out, size_t cap) (klefr_quantity tmp[KLEFR_Q_COUNT]) {
    $1 = tmp;
    $2 = KLEFR_Q_COUNT;
}
%typemap(argout) (klefr_quantity *out, size_t cap) {
    size_t k = result < $2 ? result : $2;
    PyObject *list = PyList_New((Py_ssize_t)k);
    for (size_t i = 0; list != NULL && i < k; i++)
        PyList_SET_ITEM(list, (Py_ssize_t)i, PyLong_FromLong((long)$1[i]));
    $result = SWIG_Python_AppendOutput($result, list);
}

/* --- registers in: a sequence of ints 0-65535 --------------------------- */
%typemap(in) (const uint16_t *regs, uint16_t quantity) (uint16_t tmp[256]) {
    PyObject *seq = PySequence_Fast($input, "registers must be a sequence of ints");
    if (seq == NULL)
        SWIG_fail;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    if (n > 256) {
        Py_DECREF(seq);
        SWIG_exception_fail(SWIG_ValueError, "more than 256 registers");
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
    $2 = (uint16_t)n;
}

/* Room kept for later ABI growth is not part of the Python API (and SWIG
 * cannot assign an array of function pointers). */
%ignore reserved;

/* --- the headers whose names are settled --------------------------------- */
%include <klefr/export.h>
%include <klefr/error.h>
%include <klefr/line.h>
%include <klefr/number.h>
%include <klefr/frame.h>
%include <klefr/model.h>
%include <klefr/modbus.h>
%include <klefr/mbus.h>
%include <klefr/mbus_records.h>
%include <klefr/iec62056.h>
%include <klefr/io.h>
%include <klefr/master.h>
%include <klefr/modbus_master.h>
%include <klefr/mbus_master.h>
%include <klefr/iec_master.h>
%include <klefr/model_check.h>
%include <klefr/meter.h>
%include <klefr/version.h>

/* --- the encoders of klefr.modbus, klefr.mbus, klefr.iec ------------------ */
%include "codecs.i"

/* --- helpers for what a header gives as raw memory ---------------------- */
%nothread;
%inline %{
/* @p n bytes at @p p (a field of a decoded struct) as Python bytes. */
PyObject *klefr_py_bytes_at(const uint8_t *p, size_t n)
{
    if (p == NULL)
        return PyBytes_FromStringAndSize("", 0);
    return PyBytes_FromStringAndSize((const char *)p, (Py_ssize_t)n);
}
/* The data field of a decoded IEC message as bytes (SWIG would read a
 * char pointer member up to a NUL, and the field is not terminated). */
PyObject *klefr_py_iec_message_data(const klefr_iec_message *m)
{
    if (m->data == NULL) {
        Py_INCREF(Py_None);
        return Py_None;
    }
    return PyBytes_FromStringAndSize(m->data, (Py_ssize_t)m->data_len);
}
/* A copy of @p data with the 7E1 parity bit taken off every byte
 * (klefr_iec_parity_strip_buf()), or None when a byte has odd parity. */
PyObject *klefr_py_iec_parity_strip(const uint8_t *data, size_t len)
{
    PyObject *out = PyBytes_FromStringAndSize((const char *)data, (Py_ssize_t)len);
    if (out == NULL)
        return NULL;
    if (klefr_iec_parity_strip_buf((uint8_t *)PyBytes_AS_STRING(out), len, NULL) != KLEFR_OK) {
        Py_DECREF(out);
        Py_RETURN_NONE;
    }
    return out;
}
/* The three letters of M-Bus manufacturer code @p code
 * (klefr_mbus_manufacturer_decode(): "???" for a code no letters make). */
PyObject *klefr_py_mbus_manufacturer_decode(unsigned code)
{
    char out[4] = "???";
    if (code <= 0xFFFFu)
        (void)klefr_mbus_manufacturer_decode((uint16_t)code, out);
    return PyUnicode_FromString(out);
}
/* (err, code) of three upper-case letters (klefr_mbus_manufacturer_encode()). */
PyObject *klefr_py_mbus_manufacturer_encode(const char *letters)
{
    uint16_t code = 0;
    klefr_err err = klefr_mbus_manufacturer_encode(letters, &code);
    return Py_BuildValue("(ii)", (int)err, (int)code);
}
%}
%thread;
%inline %{
/* Item @p i of a list of numbers (klefr_valid_values::list). */
double klefr_py_number_at(const klefr_number *list, size_t i) { return (double)list[i]; }
/* Byte @p i of a fixed array member (klefr_mbus_column::write). */
unsigned klefr_py_byte_at(const uint8_t *p, size_t i) { return p[i]; }
/* Number of quantities (KLEFR_Q_COUNT is an enum member; kept as a call
 * so that the Python side need not know where the count lives). */
unsigned klefr_py_quantity_count(void) { return (unsigned)KLEFR_Q_COUNT; }
%}


/* --- the meter layer (klefr.Meter, klefr.scan) -------------------------- */
%nothread;
%inline %{
/* The present values of a reading as a list of (quantity, value): one
 * call instead of one per row of the model. */
PyObject *klefr_py_values_items(const klefr_values *v)
{
    PyObject *list = PyList_New(0);
    for (unsigned q = 0; list != NULL && q < (unsigned)KLEFR_Q_COUNT; q++) {
        klefr_number x;
        if (klefr_values_get(v, (klefr_quantity)q, &x) != KLEFR_OK)
            continue;
        PyObject *item = Py_BuildValue("(Id)", q, (double)x);
        if (item == NULL || PyList_Append(list, item) < 0) {
            Py_XDECREF(item);
            Py_DECREF(list);
            return NULL;
        }
        Py_DECREF(item);
    }
    return list;
}
%}
%thread;
%{
/* The secondary search calls back into Python from the thread that runs
 * it, with the GIL released around the search: take it for the call. A
 * callback that raises stops the search; the Python layer's callback
 * catches its own exceptions, so this only guards against a bug there. */
static bool klefr_py_search_cb(void *user, uint32_t pattern, klefr_mbus_probe outcome,
                               const klefr_mbus_identity *id)
{
    PyGILState_STATE g = PyGILState_Ensure();
    PyObject *r;
    if (outcome == KLEFR_MBUS_PROBE_FOUND && id != NULL)
        r = PyObject_CallFunction((PyObject *)user, "kikIII", (unsigned long)pattern, (int)outcome,
                                  (unsigned long)id->id, (unsigned)id->manufacturer,
                                  (unsigned)id->version, (unsigned)id->medium);
    else
        r = PyObject_CallFunction((PyObject *)user, "kiOOOO", (unsigned long)pattern,
                                  (int)outcome, Py_None, Py_None, Py_None, Py_None);
    bool go = r != NULL && PyObject_IsTrue(r) == 1;
    if (r == NULL)
        PyErr_WriteUnraisable((PyObject *)user);
    Py_XDECREF(r);
    PyGILState_Release(g);
    return go;
}
%}
%inline %{
/* One address of a Modbus scan (klefr_modbus_master_scan() of one unit),
 * so that the Python generator can yield a meter as soon as it answers. */
klefr_err klefr_py_modbus_probe(klefr_modbus_master *m, uint8_t unit, uint16_t probe_address,
                                bool *found)
{
    uint8_t units[1];
    size_t count = 0;
    klefr_err err = klefr_modbus_master_scan(m, unit, unit, probe_address, NULL, NULL, units, 1,
                                             &count);
    *found = count > 0;
    return err;
}
/* One address of an M-Bus primary scan (klefr_mbus_master_scan_primary()). */
klefr_err klefr_py_mbus_probe(klefr_mbus_master *m, uint8_t address, bool *found)
{
    uint8_t addresses[1];
    size_t count = 0;
    klefr_err err = klefr_mbus_master_scan_primary(m, address, address, NULL, NULL, addresses, 1,
                                                   &count);
    *found = count > 0;
    return err;
}
/* The secondary search from all wildcards; @p callback(pattern, outcome,
 * id, manufacturer, version, medium) is called for every selection tried
 * (the last four None unless outcome is FOUND) and returns whether to go
 * on. The slaves are reported through the callback only. */
klefr_err klefr_py_mbus_search(klefr_mbus_master *m, PyObject *callback)
{
    klefr_mbus_selection any = {.id_pattern = 0xFFFFFFFFu,
                                .manufacturer = 0xFFFFu,
                                .version = KLEFR_MBUS_WILDCARD_BYTE,
                                .medium = KLEFR_MBUS_WILDCARD_BYTE};
    klefr_mbus_identity found[64];
    size_t count = 0;
    klefr_err err = klefr_mbus_master_scan_secondary(m, &any, klefr_py_search_cb, callback, found,
                                                     64, &count);
    return err == KLEFR_ERR_BUFFER_TOO_SMALL ? KLEFR_OK : err;
}
%}

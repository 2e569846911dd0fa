/* SPDX-License-Identifier: MIT */
/* The public requests of the master (one per function code), the generic
 * request and the bus scan. Each builds its ADU with the codec, takes the
 * bus lock for one transaction and copies the answer out. */
#include <string.h>

#include "host/modbus_master_internal.h"

/* Decode the ADU we just encoded: the transaction needs both forms, and the
 * decoded request is what the answer is checked against. */
static klefr_err run(klefr_modbus_master *m, const uint8_t *adu, size_t adu_len, unsigned retries,
                     uint8_t *rsp, size_t cap, size_t *rsp_len, klefr_modbus_response *resp)
{
    klefr_modbus_request req;
    if (klefr_modbus_request_decode(adu, adu_len, &req) != KLEFR_OK)
        return KLEFR_ERR_INVALID_ARG;
    pthread_mutex_lock(&m->base.lock);
    klefr_err err = klefr_modbus_master_transact_locked(m, &req, adu, adu_len, retries, rsp, cap,
                                                        rsp_len, resp);
    pthread_mutex_unlock(&m->base.lock);
    return err;
}

static unsigned retries_of(klefr_modbus_master *m)
{
    pthread_mutex_lock(&m->base.lock);
    unsigned r = m->o.retries;
    pthread_mutex_unlock(&m->base.lock);
    return r;
}

/* Send an ADU the codec has just built (encoded: what the encoder said; a
 * refusal means the caller's arguments were wrong) with the master's
 * retries. */
static klefr_err run_encoded(klefr_modbus_master *m, klefr_err encoded, const uint8_t *adu,
                             size_t len, uint8_t *rsp, size_t cap, size_t *rsp_len,
                             klefr_modbus_response *resp)
{
    if (encoded != KLEFR_OK)
        return KLEFR_ERR_INVALID_ARG;
    return run(m, adu, len, retries_of(m), rsp, cap, rsp_len, resp);
}

klefr_err klefr_modbus_master_request(klefr_modbus_master *m, const klefr_modbus_request *req,
                                      uint8_t *rsp, size_t cap, size_t *rsp_len,
                                      klefr_modbus_response *resp)
{
    if (m == NULL || req == NULL)
        return KLEFR_ERR_INVALID_ARG;
    uint8_t adu[KLEFR_MODBUS_ADU_MAX];
    size_t len = 0;
    klefr_err err = klefr_modbus_request_encode(req, adu, sizeof adu, &len);
    return run_encoded(m, err, adu, len, rsp, cap, rsp_len, resp);
}

/* FC 1-4: bits (coils, inputs) or registers, whichever is not NULL. */
static klefr_err read_data(klefr_modbus_master *m, uint8_t function, uint8_t unit, uint16_t address,
                           uint16_t quantity, uint8_t *bits, uint16_t *regs)
{
    if (m == NULL || (bits == NULL && regs == NULL))
        return KLEFR_ERR_INVALID_ARG;
    uint8_t adu[KLEFR_MODBUS_ADU_MAX], rsp[KLEFR_MODBUS_ADU_MAX];
    size_t len = 0, rsp_len, count;
    klefr_err err =
        klefr_modbus_read_request_encode(unit, function, address, quantity, adu, sizeof adu, &len);
    klefr_modbus_response resp;
    err = run_encoded(m, err, adu, len, rsp, sizeof rsp, &rsp_len, &resp);
    if (err != KLEFR_OK)
        return err;
    if (bits != NULL) {
        memcpy(bits, resp.data, resp.data_len);
        return KLEFR_OK;
    }
    return klefr_modbus_response_registers_get(&resp, regs, quantity, &count);
}

klefr_err klefr_modbus_master_read_coils(klefr_modbus_master *m, uint8_t unit, uint16_t address,
                                         uint16_t quantity, uint8_t *bits)
{
    return read_data(m, KLEFR_MODBUS_READ_COILS, unit, address, quantity, bits, NULL);
}

klefr_err klefr_modbus_master_read_discrete_inputs(klefr_modbus_master *m, uint8_t unit,
                                                   uint16_t address, uint16_t quantity,
                                                   uint8_t *bits)
{
    return read_data(m, KLEFR_MODBUS_READ_DISCRETE_INPUTS, unit, address, quantity, bits, NULL);
}

klefr_err klefr_modbus_master_read_holding_registers(klefr_modbus_master *m, uint8_t unit,
                                                     uint16_t address, uint16_t quantity,
                                                     uint16_t *regs)
{
    return read_data(m, KLEFR_MODBUS_READ_HOLDING_REGISTERS, unit, address, quantity, NULL, regs);
}

klefr_err klefr_modbus_master_read_input_registers(klefr_modbus_master *m, uint8_t unit,
                                                   uint16_t address, uint16_t quantity,
                                                   uint16_t *regs)
{
    return read_data(m, KLEFR_MODBUS_READ_INPUT_REGISTERS, unit, address, quantity, NULL, regs);
}

static klefr_err write_single(klefr_modbus_master *m, uint8_t function, uint8_t unit,
                              uint16_t address, uint16_t value)
{
    if (m == NULL)
        return KLEFR_ERR_INVALID_ARG;
    uint8_t adu[KLEFR_MODBUS_ADU_MAX];
    size_t len = 0;
    klefr_err err = klefr_modbus_write_single_request_encode(unit, function, address, value, adu,
                                                             sizeof adu, &len);
    return run_encoded(m, err, adu, len, NULL, 0, NULL, NULL);
}

klefr_err klefr_modbus_master_write_single_coil(klefr_modbus_master *m, uint8_t unit,
                                                uint16_t address, bool on)
{
    return write_single(m, KLEFR_MODBUS_WRITE_SINGLE_COIL, unit, address, on ? 0xFF00u : 0x0000u);
}

klefr_err klefr_modbus_master_write_single_register(klefr_modbus_master *m, uint8_t unit,
                                                    uint16_t address, uint16_t value)
{
    return write_single(m, KLEFR_MODBUS_WRITE_SINGLE_REGISTER, unit, address, value);
}

/* FC 15 or 16: coils from bits or registers from regs, whichever is not
 * NULL. */
static klefr_err write_multiple(klefr_modbus_master *m, uint8_t unit, uint16_t address,
                                uint16_t quantity, const uint8_t *bits, const uint16_t *regs)
{
    if (m == NULL || (bits == NULL && regs == NULL))
        return KLEFR_ERR_INVALID_ARG;
    uint8_t adu[KLEFR_MODBUS_ADU_MAX];
    size_t len = 0;
    klefr_err err = bits != NULL
                        ? klefr_modbus_write_coils_request_encode(unit, address, bits, quantity,
                                                                  adu, sizeof adu, &len)
                        : klefr_modbus_write_registers_request_encode(unit, address, regs, quantity,
                                                                      adu, sizeof adu, &len);
    return run_encoded(m, err, adu, len, NULL, 0, NULL, NULL);
}

klefr_err klefr_modbus_master_write_multiple_coils(klefr_modbus_master *m, uint8_t unit,
                                                   uint16_t address, uint16_t quantity,
                                                   const uint8_t *bits)
{
    return write_multiple(m, unit, address, quantity, bits, NULL);
}

klefr_err klefr_modbus_master_write_multiple_registers(klefr_modbus_master *m, uint8_t unit,
                                                       uint16_t address, uint16_t quantity,
                                                       const uint16_t *regs)
{
    return write_multiple(m, unit, address, quantity, NULL, regs);
}

static bool line_busy(klefr_modbus_master *m)
{
    pthread_mutex_lock(&m->base.lock);
    bool busy = m->line_busy;
    pthread_mutex_unlock(&m->base.lock);
    return busy;
}

/* Something answered, but not cleanly: worth another try in a scan. */
static bool scan_retries(klefr_err err)
{
    return err == KLEFR_ERR_CHECKSUM || err == KLEFR_ERR_FRAME || err == KLEFR_ERR_TRUNCATED ||
           err == KLEFR_ERR_TRAILING_DATA;
}

klefr_err klefr_modbus_master_scan(klefr_modbus_master *m, uint8_t first, uint8_t last,
                                   uint16_t probe_address, klefr_modbus_scan_cb progress,
                                   void *user, uint8_t *found, size_t cap, size_t *count)
{
    if (m == NULL || count == NULL || (found == NULL && cap != 0) || first == 0 || first > last ||
        last > KLEFR_MODBUS_ADDRESS_MAX)
        return KLEFR_ERR_INVALID_ARG;
    size_t n = 0;
    for (unsigned unit = first; unit <= last; unit++) {
        uint8_t adu[KLEFR_MODBUS_ADU_MAX];
        size_t len;
        (void)klefr_modbus_read_request_encode((uint8_t)unit, KLEFR_MODBUS_READ_HOLDING_REGISTERS,
                                               probe_address, 1, adu, sizeof adu, &len);
        /* One try per silent address: a scan must not take 3 x 247
         * timeouts. A corrupt answer says a device is there: that one is
         * tried again like any request. The lock is taken per attempt, so
         * other users of the bus get turns. An answer carries its unit id,
         * so a late answer of another address is skipped, never counted. */
        klefr_err err = run(m, adu, len, 0, NULL, 0, NULL, NULL);
        for (unsigned again = retries_of(m); again > 0 && scan_retries(err); again--) {
            pthread_mutex_lock(&m->base.lock);
            m->base.stats.retries++;
            pthread_mutex_unlock(&m->base.lock);
            err = run(m, adu, len, 0, NULL, 0, NULL, NULL);
        }
        if (err == KLEFR_ERR_IO || line_busy(m)) {
            /* A line that never pauses (noise, a stream) is no device:
             * waiting it out at every address would take minutes. */
            *count = n;
            if (progress != NULL)
                (void)progress(user, (uint8_t)unit, false, err);
            return err == KLEFR_ERR_IO ? err : KLEFR_ERR_FRAME;
        }
        bool answered = err >= 0;
        if (answered) {
            if (n < cap)
                found[n] = (uint8_t)unit;
            n++;
        }
        if (progress != NULL && !progress(user, (uint8_t)unit, answered, err))
            break;
    }
    *count = n;
    return n <= cap ? KLEFR_OK : KLEFR_ERR_BUFFER_TOO_SMALL;
}

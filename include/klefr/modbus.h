/* SPDX-License-Identifier: MIT */
/** @file klefr/modbus.h
 * @brief Modbus RTU codec: CRC, ADU encode/decode, frame detection, timing
 * and the data types of the KLEFR map.
 *
 * @defgroup modbus Modbus RTU codec
 * Pure functions over caller-provided buffers (Modbus over serial line
 * V1.02; application protocol V1.1b3). An ADU is address + PDU + CRC
 * (low byte first). Decoded frames point into the caller's bytes.
 *
 * Error convention: negative ::klefr_err values are local errors (bad CRC,
 * truncated...). A positive value is a Modbus exception code: from
 * klefr_modbus_response_decode() it means the device answered with that
 * exception; from klefr_modbus_request_decode() it means a slave must answer
 * with that exception.
 * @{
 */
#ifndef KLEFR_MODBUS_H
#define KLEFR_MODBUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <klefr/error.h>
#include <klefr/export.h>
#include <klefr/frame.h>
#include <klefr/line.h>

KLEFR_BEGIN_DECLS

/** Largest RTU ADU: address + 253-byte PDU + CRC. */
#define KLEFR_MODBUS_ADU_MAX 256
/** Smallest RTU ADU: address + function + CRC. */
#define KLEFR_MODBUS_ADU_MIN 4
/** Broadcast address: every slave executes writes, none answers. */
#define KLEFR_MODBUS_BROADCAST 0
/** Highest individual slave address. */
#define KLEFR_MODBUS_ADDRESS_MAX 247
/** Most registers in one read (function 03/04). */
#define KLEFR_MODBUS_MAX_READ_REGISTERS 125
/** Most registers in one write (function 16). */
#define KLEFR_MODBUS_MAX_WRITE_REGISTERS 123
/** Most coils/inputs in one read (function 01/02). */
#define KLEFR_MODBUS_MAX_READ_BITS 2000
/** Most coils in one write (function 15). */
#define KLEFR_MODBUS_MAX_WRITE_BITS 1968
/** Bit set in the function code of an exception response. */
#define KLEFR_MODBUS_EXCEPTION_BIT 0x80u

/** Function codes of the codec. @since 0.1 */
typedef enum klefr_modbus_function {
    KLEFR_MODBUS_READ_COILS = 0x01,
    KLEFR_MODBUS_READ_DISCRETE_INPUTS = 0x02,
    KLEFR_MODBUS_READ_HOLDING_REGISTERS = 0x03,
    KLEFR_MODBUS_READ_INPUT_REGISTERS = 0x04,
    KLEFR_MODBUS_WRITE_SINGLE_COIL = 0x05,
    KLEFR_MODBUS_WRITE_SINGLE_REGISTER = 0x06,
    KLEFR_MODBUS_WRITE_MULTIPLE_COILS = 0x0F,
    KLEFR_MODBUS_WRITE_MULTIPLE_REGISTERS = 0x10
} klefr_modbus_function;

/** True if @p function is one of the eight function codes above. @since 0.2 */
KLEFR_API bool klefr_modbus_function_is_supported(uint8_t function);

/** @name CRC-16/MODBUS (poly 0xA001 reflected, init 0xFFFF)
 * @{ */
/** CRC of @p len bytes. The ADU carries it low byte first. @since 0.1 */
KLEFR_API uint16_t klefr_modbus_crc16(const uint8_t *data, size_t len);
/** Continue a CRC over more bytes (start with 0xFFFF). @since 0.1 */
KLEFR_API uint16_t klefr_modbus_crc16_update(uint16_t crc, const uint8_t *data, size_t len);

/** The CRC of a whole RTU ADU @p adu (the last two bytes, low byte first)
 * as received and as computed over the bytes before it.
 * @param[in] adu   The frame, CRC included.
 * @param[in] len   Its length.
 * @param[out] out  Filled on OK and on KLEFR_ERR_CHECKSUM.
 * @retval KLEFR_OK the CRC matches.
 * @retval KLEFR_ERR_CHECKSUM it does not; @p out says both values.
 * @retval KLEFR_ERR_TRUNCATED fewer than 4 bytes (address, function, CRC).
 * @retval KLEFR_ERR_INVALID_ARG NULL argument.
 * @since 0.2 */
KLEFR_API klefr_err klefr_modbus_crc_decode(const uint8_t *adu, size_t len, klefr_checksum *out);
/** @} */

/** A request, decoded or to encode. Which fields matter depends on the
 * function:
 * - 01-04: @c address, @c quantity.
 * - 05: @c address, @c value (0xFF00 on, 0x0000 off).
 * - 06: @c address, @c value.
 * - 15: @c address, @c quantity, @c data = packed coils (LSB first),
 *   @c data_len = ceil(quantity / 8).
 * - 16: @c address, @c quantity, @c data = registers big-endian,
 *   @c data_len = 2 x quantity.
 * When decoded, @c data points into the caller's ADU.
 * @since 0.1 */
typedef struct klefr_modbus_request {
    uint8_t unit;        /**< Slave address, 0 = broadcast. */
    uint8_t function;    /**< ::klefr_modbus_function. */
    uint16_t address;    /**< First coil/register (0-based PDU address). */
    uint16_t quantity;   /**< Coils or registers. */
    uint16_t value;      /**< Single write value (05, 06). */
    const uint8_t *data; /**< Write payload (15, 16). */
    size_t data_len;     /**< Bytes at @c data. */
} klefr_modbus_request;

/** A response, decoded or to encode.
 * - exception: @c exception != 0; nothing else but unit/function.
 * - 01-04: @c data = the payload after the byte count (bits packed LSB
 *   first, or registers big-endian), @c data_len = byte count.
 * - 05, 06: @c address and @c value echoed.
 * - 15, 16: @c address and @c quantity echoed.
 * @since 0.1 */
typedef struct klefr_modbus_response {
    uint8_t unit;        /**< Slave address. */
    uint8_t function;    /**< Function code without the exception bit. */
    uint8_t exception;   /**< Exception code, 0 = normal response. */
    uint16_t address;    /**< Echoed address (05, 06, 15, 16). */
    uint16_t quantity;   /**< Echoed quantity (15, 16). */
    uint16_t value;      /**< Echoed value (05, 06). */
    const uint8_t *data; /**< Read payload (01-04), points into the ADU. */
    size_t data_len;     /**< Bytes at @c data. */
} klefr_modbus_response;

/** @name Encoders
 * Each writes a complete ADU (CRC included) into @p buf of @p cap bytes and
 * stores its length in @p len. With @p buf NULL only @p len is computed.
 * @retval KLEFR_ERR_INVALID_ARG a required pointer is NULL, or the
 *         request is impossible (quantity 0 or over the function's limit,
 *         unknown function, data_len inconsistent with quantity, unit over
 *         247, broadcast read, exception code 0).
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL @p cap too small; @p buf unchanged.
 * @{ */
/** Encode a request described by @p req.
 * @retval KLEFR_ERR_INVALID_ARG NULL @p req or @p len, @c unit over 247, an
 *         unknown @c function, a read to the broadcast address, @c quantity 0
 *         or over the function's limit or running past address 0xFFFF, a
 *         coil @c value not 0xFF00 or 0x0000, or (15, 16) NULL @c data or
 *         @c data_len not the one @c quantity needs.
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL @p buf not NULL and @p cap too small;
 *         @p buf unchanged, @p len holds the size needed.
 * @since 0.1 */
KLEFR_API klefr_err klefr_modbus_request_encode(const klefr_modbus_request *req, uint8_t *buf,
                                                size_t cap, size_t *len);
/** Encode a read request (01-04).
 * @retval KLEFR_ERR_INVALID_ARG NULL @p len, @p function not 01-04, @p unit
 *         0 (broadcast) or over 247, @p quantity 0 or over the function's
 *         limit (2000 bits, 125 registers) or running past address 0xFFFF.
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL @p buf not NULL and @p cap too small;
 *         @p buf unchanged, @p len holds the size needed.
 * @since 0.2 */
KLEFR_API klefr_err klefr_modbus_read_request_encode(uint8_t unit, uint8_t function,
                                                     uint16_t address, uint16_t quantity,
                                                     uint8_t *buf, size_t cap, size_t *len);
/** Encode a single write (05 or 06). @p unit 0 is a broadcast.
 * @retval KLEFR_ERR_INVALID_ARG NULL @p len, @p function not 05 or 06,
 *         @p unit over 247, or (05) @p value not 0xFF00 or 0x0000.
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL @p buf not NULL and @p cap too small;
 *         @p buf unchanged, @p len holds the size needed.
 * @since 0.2 */
KLEFR_API klefr_err klefr_modbus_write_single_request_encode(uint8_t unit, uint8_t function,
                                                             uint16_t address, uint16_t value,
                                                             uint8_t *buf, size_t cap, size_t *len);
/** Encode function 16 from host-order register values. @p unit 0 is a
 * broadcast.
 * @retval KLEFR_ERR_INVALID_ARG NULL @p regs or @p len (@p regs also when
 *         only sizing), @p unit over 247, @p quantity 0 or over 123 or
 *         running past address 0xFFFF.
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL @p buf not NULL and @p cap too small;
 *         @p buf unchanged, @p len holds the size needed.
 * @since 0.2 */
KLEFR_API klefr_err klefr_modbus_write_registers_request_encode(uint8_t unit, uint16_t address,
                                                                const uint16_t *regs,
                                                                uint16_t quantity, uint8_t *buf,
                                                                size_t cap, size_t *len);
/** Encode function 15 from packed coil bits (LSB of byte 0 = first coil).
 * @p unit 0 is a broadcast.
 * @retval KLEFR_ERR_INVALID_ARG NULL @p bits or @p len (@p bits also when
 *         only sizing), @p unit over 247, @p quantity 0 or over 1968 or
 *         running past address 0xFFFF.
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL @p buf not NULL and @p cap too small;
 *         @p buf unchanged, @p len holds the size needed.
 * @since 0.2 */
KLEFR_API klefr_err klefr_modbus_write_coils_request_encode(uint8_t unit, uint16_t address,
                                                            const uint8_t *bits, uint16_t quantity,
                                                            uint8_t *buf, size_t cap, size_t *len);
/** Encode a response described by @p resp (slave side). With @c exception
 * not 0 this is klefr_modbus_exception_response_encode(). The echoed fields
 * of 05, 06, 15 and 16 are written as given, unchecked.
 * @retval KLEFR_ERR_INVALID_ARG NULL @p resp or @p len, @c unit 0 or over
 *         247, an unknown @c function, (01-04) NULL @c data, @c data_len 0
 *         or over 250 or (03, 04) odd, or an impossible exception (see
 *         klefr_modbus_exception_response_encode()).
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL @p buf not NULL and @p cap too small;
 *         @p buf unchanged, @p len holds the size needed.
 * @since 0.1 */
KLEFR_API klefr_err klefr_modbus_response_encode(const klefr_modbus_response *resp, uint8_t *buf,
                                                 size_t cap, size_t *len);
/** Encode the answer to a register read (03/04) from host-order values.
 * @retval KLEFR_ERR_INVALID_ARG NULL @p regs or @p len, @p unit 0 or over
 *         247, @p function not 03 or 04, @p quantity 0 or over 125.
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL @p buf not NULL and @p cap too small;
 *         @p buf unchanged, @p len holds the size needed.
 * @since 0.2 */
KLEFR_API klefr_err klefr_modbus_read_registers_response_encode(uint8_t unit, uint8_t function,
                                                                const uint16_t *regs,
                                                                uint16_t quantity, uint8_t *buf,
                                                                size_t cap, size_t *len);
/** Encode an exception response (function | 0x80, code). Any @p code but
 * 0 is taken, known to ::klefr_err or not.
 * @retval KLEFR_ERR_INVALID_ARG NULL @p len, @p unit 0 or over 247, @p code
 *         0, @p function 0 or with bit 0x80 set.
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL @p buf not NULL and @p cap too small;
 *         @p buf unchanged, @p len holds the size needed.
 * @since 0.2 */
KLEFR_API klefr_err klefr_modbus_exception_response_encode(uint8_t unit, uint8_t function,
                                                           uint8_t code, uint8_t *buf, size_t cap,
                                                           size_t *len);
/** @} */

/** Decode a request ADU of exactly @p len bytes (slave side).
 * Structure is checked in this order: length, CRC, function, fields.
 * @retval KLEFR_OK @p req filled.
 * @retval KLEFR_ERR_TRUNCATED / KLEFR_ERR_FRAME too short / wrong length for
 *         the function: drop silently.
 * @retval KLEFR_ERR_CHECKSUM bad CRC: drop silently.
 * @retval KLEFR_EXC_ILLEGAL_FUNCTION unknown function: @p req holds unit and
 *         function; answer with exception 01.
 * @retval KLEFR_EXC_ILLEGAL_DATA_VALUE quantity out of range, byte count
 *         inconsistent, or coil value other than 0xFF00/0x0000: answer 03.
 * On a negative error @p req is unchanged.
 * @since 0.1 */
KLEFR_API klefr_err klefr_modbus_request_decode(const uint8_t *adu, size_t len,
                                                klefr_modbus_request *req);

/** Register @p index (0-based) of a decoded write request, host order: the
 * value of a function 06 at index 0, the registers of a function 16. The
 * slave's and a tool's way to the payload, instead of reading @c data.
 * @param[in] req   A request from klefr_modbus_request_decode().
 * @param[in] index Which register.
 * @return The register, or 0 if @p index is outside the request's registers
 *         (also for other functions, and a function 16 whose byte count is
 *         not twice its quantity).
 * @since 0.2 */
KLEFR_API uint16_t klefr_modbus_request_register_get(const klefr_modbus_request *req, size_t index);

/** Copy the registers a decoded write request carries to host order: one
 * for function 06, @c quantity for function 16, none for the others.
 * @param[in] req    A request from klefr_modbus_request_decode().
 * @param[out] regs  Receives the registers; may be NULL if @p cap is 0.
 * @param[in] cap    Slots at @p regs.
 * @param[out] count Receives the number of registers (also on
 *                   KLEFR_ERR_BUFFER_TOO_SMALL).
 * @retval KLEFR_OK @p regs and @p count filled.
 * @retval KLEFR_ERR_FRAME a function 16 whose byte count is not twice its
 *         quantity (a request the decoder answered with exception 03);
 *         @p regs and @p count unchanged. A quantity of 0 gives 0 registers:
 *         the decoder refuses it too, and so does the register model.
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL fewer than @p count slots; @p regs
 *         unchanged.
 * @retval KLEFR_ERR_INVALID_ARG NULL argument.
 * @since 0.2 */
KLEFR_API klefr_err klefr_modbus_request_registers_get(const klefr_modbus_request *req,
                                                       uint16_t *regs, size_t cap, size_t *count);

/** Decode a response ADU of exactly @p len bytes (master side). If @p req is
 * not NULL the response is also checked against it: same unit and function,
 * byte count matching the quantity asked, echo equal to the request.
 * @retval KLEFR_OK @p resp filled.
 * @retval >0 exception response: the code (also in resp->exception).
 * @retval KLEFR_ERR_CHECKSUM, KLEFR_ERR_TRUNCATED, KLEFR_ERR_FRAME corrupt.
 * @retval KLEFR_ERR_UNEXPECTED valid frame that does not answer @p req.
 * @retval KLEFR_ERR_UNSUPPORTED unknown function code.
 * On a negative error @p resp is unchanged.
 * @since 0.1 */
KLEFR_API klefr_err klefr_modbus_response_decode(const klefr_modbus_request *req,
                                                 const uint8_t *adu, size_t len,
                                                 klefr_modbus_response *resp);

/** Register @p index (0-based) of a decoded read response, host order.
 * Returns 0 if @p index is outside the payload.
 * @since 0.2 */
KLEFR_API uint16_t klefr_modbus_response_register_get(const klefr_modbus_response *resp,
                                                      size_t index);

/** Copy the registers of a decoded read response to host order.
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL fewer than data_len / 2 slots.
 * @since 0.2 */
KLEFR_API klefr_err klefr_modbus_response_registers_get(const klefr_modbus_response *resp,
                                                        uint16_t *regs, size_t cap, size_t *count);

/** @name Streaming frame detection
 * @{ */
/** Which side's frames a detector looks for. @since 0.1 */
typedef enum klefr_modbus_direction {
    KLEFR_MODBUS_REQUESTS = 0, /**< Master to slave (a slave listening). */
    KLEFR_MODBUS_RESPONSES = 1 /**< Slave to master (a master waiting). */
} klefr_modbus_direction;

/** Look at the bytes received so far and say whether they hold a complete
 * frame, need more bytes or start with garbage.
 *
 * The length is predicted from the function code and byte count (as the
 * fastest masters do), so a reader can stop at the last byte instead of
 * waiting for a 3.5-character silence. A frame is COMPLETE only when its CRC
 * checks. A byte that cannot start a frame (unknown function, address over
 * 247, failing CRC at the predicted length), or a later complete valid frame
 * while the first would still need more bytes, gives GARBAGE with the number
 * of bytes to drop: resynchronisation after noise.
 * @param dir   Requests or responses.
 * @param unit  Only accept frames of this address, or -1 for any.
 * @param buf   Bytes received, oldest first; may be NULL if @p len is 0.
 * @param len   Number of bytes.
 * @param out   The answer.
 * @retval KLEFR_ERR_INVALID_ARG @p out is NULL.
 * @since 0.1 */
KLEFR_API klefr_err klefr_modbus_frame_detect(klefr_modbus_direction dir, int unit,
                                              const uint8_t *buf, size_t len,
                                              klefr_frame_scan *out);
/** @} */

/** @name Timing (Modbus over serial line 2.5.1.1)
 * @{ */
/** The silences of a line, in microseconds. @since 0.1 */
typedef struct klefr_modbus_timing {
    uint32_t char_us; /**< One character on the wire. */
    uint32_t t15_us;  /**< Longest gap inside a frame (1.5 characters). */
    uint32_t t35_us;  /**< Silence between frames (3.5 characters). */
} klefr_modbus_timing;

/** Character time, t1.5 and t3.5 for @p line. Above 19200 baud t1.5 and
 * t3.5 are fixed at 750 us and 1750 us, as the spec recommends.
 * @retval KLEFR_ERR_INVALID_ARG NULL pointer or baud 0.
 * @since 0.2 */
KLEFR_API klefr_err klefr_modbus_timing_get(const klefr_line *line, klefr_modbus_timing *out);
/** @} */

/** @name Data types of the KLEFR map (SPEC section 4)
 * @{ */
/** Float ABCD: IEEE 754 single in two registers, high word first. @since 0.2 */
KLEFR_API float klefr_modbus_float_decode(const uint16_t regs[2]);
/** Store @p value as Float ABCD in @p regs (high word first).
 * @param[in]  value The number.
 * @param[out] regs  Receives the two registers.
 * @since 0.2 */
KLEFR_API void klefr_modbus_float_encode(float value, uint16_t regs[2]);
/** Signed: a register as int16. @since 0.2 */
KLEFR_API int16_t klefr_modbus_signed_decode(uint16_t reg);
/** "HEX": decimal digits as hex digits, 1 or 2 registers (4 or 8 digits).
 * 0x1706 0x0518 gives 17060518.
 * @retval KLEFR_ERR_ENCODING a nibble is A-F (@p out unchanged).
 * @since 0.2 */
KLEFR_API klefr_err klefr_modbus_hex_decode(const uint16_t *regs, size_t count, uint32_t *out);
/** Store @p value as "HEX" in @p count registers (1 or 2).
 * @param[in]  value The number, at most 4 x @p count decimal digits.
 * @param[out] regs  Receives @p count registers (unchanged on error).
 * @param[in]  count 1 or 2.
 * @retval KLEFR_OK stored.
 * @retval KLEFR_ERR_RANGE more digits than 4 x @p count (@p regs unchanged).
 * @retval KLEFR_ERR_INVALID_ARG NULL @p regs, or @p count not 1 or 2.
 * @since 0.2 */
KLEFR_API klefr_err klefr_modbus_hex_encode(uint32_t value, uint16_t *regs, size_t count);
/** @} */

KLEFR_END_DECLS

/** @} */
#endif

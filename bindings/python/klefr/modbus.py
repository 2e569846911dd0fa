# SPDX-License-Identifier: MIT
"""Modbus RTU frames as bytes, both directions: the requests and responses
of the eight function codes of libklefr's codec (CRC appended), Modbus
TCP's MBAP header, and the register model's writes and register blocks
(the 6914's map, manual appendix A3.2).

>>> klefr.modbus.write_register(1, 0x4010, 0x0025).hex(" ")
'01 06 40 10 00 25 5c 14'
>>> klefr.modbus.write_request("lcd_cycle_time", 25)   # the same frame, from the model

Decoders: :func:`decode` (a request or a response, as klefr.decode_modbus
tells them apart), :func:`decode_request`, :func:`decode_response`.
Arguments the C codec refuses (a register count of 0 or over 123, a unit
over 247, a read to the broadcast address...) raise
:class:`klefr.InvalidArgument`, a ValueError.
"""

from typing import Dict, Iterable, List, Mapping, Sequence, Tuple, Union

from . import _c
from ._encode import BytesLike, QuantityKey, byte, encoded, integer, values_struct, word
from .decode import ModbusRequest, ModbusResponse, decode_modbus
from .enums import ErrorCode, Model, ModbusFunction
from .errors import InvalidArgument, NotWritable, check
from .model import SettingValue, lookup, quantities

BROADCAST = 0
"""Unit 0: every slave executes a write, none answers."""
ADDRESS_MAX: int = _c.MODBUS_ADDRESS_MAX
MAX_READ_REGISTERS: int = _c.MODBUS_MAX_READ_REGISTERS
MAX_WRITE_REGISTERS: int = _c.MODBUS_MAX_WRITE_REGISTERS
MAX_READ_BITS: int = _c.MODBUS_MAX_READ_BITS
MAX_WRITE_BITS: int = _c.MODBUS_MAX_WRITE_BITS

ModbusFrame = Union[ModbusRequest, ModbusResponse]


# --- requests -----------------------------------------------------------------

def read_request(unit: int, address: int, count: int, *,
                 function: int = ModbusFunction.READ_HOLDING_REGISTERS) -> bytes:
    """A read of @p count registers (03, 04) or bits (01, 02) from
    @p address (0-based PDU address) of slave @p unit (1-247)."""
    return encoded(_c.modbus_read_request_encode(byte("unit", unit), byte("function", function),
                                                 word("address", address), word("count", count)),
                   f"Modbus read request (unit {unit}, {count} from {address:#06x})")


def write_register(unit: int, address: int, value: int) -> bytes:
    """Function 06: @p value (0-65535) into register @p address; unit 0
    is a broadcast."""
    return encoded(_c.modbus_write_single_encode(byte("unit", unit), 6, word("address", address),
                                                 word("value", value)),
                   f"Modbus write single register (unit {unit}, {address:#06x})")


def write_coil(unit: int, address: int, on: bool) -> bytes:
    """Function 05: coil @p address on (FF00) or off (0000)."""
    return encoded(_c.modbus_write_single_encode(byte("unit", unit), 5, word("address", address),
                                                 0xFF00 if on else 0),
                   f"Modbus write single coil (unit {unit}, {address:#06x})")


def _registers(registers: Sequence[int]) -> List[int]:
    """@p registers as a list of ints 0-65535, at most 256 (the most the
    wrapper takes; the C encoders set the functions' own limits)."""
    regs = [word("register", r) for r in registers]
    if len(regs) > 256:
        raise InvalidArgument(ErrorCode.ERR_INVALID_ARG, f"{len(regs)} registers")
    return regs


def write_registers(unit: int, address: int, registers: Sequence[int]) -> bytes:
    """Function 16: @p registers (1-123 ints 0-65535) from @p address."""
    regs = _registers(registers)
    return encoded(_c.modbus_write_registers_encode(byte("unit", unit), word("address", address),
                                                    regs),
                   f"Modbus write multiple registers (unit {unit}, {len(regs)} from "
                   f"{address:#06x})")


def write_coils(unit: int, address: int, coils: Sequence[bool]) -> bytes:
    """Function 15: @p coils (1-1968 truth values) from @p address."""
    bits = _pack(coils)
    return encoded(_c.modbus_write_coils_encode(byte("unit", unit), word("address", address),
                                                bits, word("count", len(coils))),
                   f"Modbus write multiple coils (unit {unit}, {len(coils)} from {address:#06x})")


def request(unit: int, function: int, *, address: int = 0, quantity: int = 0, value: int = 0,
            data: BytesLike = b"") -> bytes:
    """Any request from its fields, as klefr.ModbusRequest has them
    (klefr_modbus_request_encode): @p data is the payload of 15 and 16."""
    return encoded(_c.modbus_request_encode(byte("unit", unit), byte("function", function),
                                            word("address", address),
                                            word("quantity", quantity), word("value", value),
                                            bytes(data)),
                   f"Modbus request (unit {unit}, function {function})")


# --- responses ----------------------------------------------------------------

def read_registers_response(unit: int, registers: Sequence[int], *,
                            function: int = ModbusFunction.READ_HOLDING_REGISTERS) -> bytes:
    """The answer to a register read (03 or 04) carrying @p registers."""
    regs = _registers(registers)
    return encoded(_c.modbus_read_registers_response_encode(byte("unit", unit),
                                                            byte("function", function), regs),
                   f"Modbus read registers response (unit {unit}, {len(regs)} registers)")


def read_bits_response(unit: int, bits: Sequence[bool], *,
                       function: int = ModbusFunction.READ_COILS) -> bytes:
    """The answer to a coil or discrete input read (01 or 02)."""
    return response(unit, function, data=_pack(bits))


def exception_response(unit: int, function: int, code: int) -> bytes:
    """Exception @p code (1-255) to @p function: function | 0x80, code."""
    return encoded(_c.modbus_exception_response_encode(byte("unit", unit),
                                                       byte("function", function),
                                                       byte("code", code)),
                   f"Modbus exception response (unit {unit}, function {function})")


def response(unit: int, function: int, *, exception: int = 0, address: int = 0,
             quantity: int = 0, value: int = 0, data: BytesLike = b"") -> bytes:
    """Any response from its fields, as klefr.ModbusResponse has them
    (klefr_modbus_response_encode): @p data is the payload of 01-04, the
    echo of 05, 06 is @p address and @p value, of 15, 16 @p address and
    @p quantity."""
    return encoded(_c.modbus_response_encode(byte("unit", unit), byte("function", function),
                                             byte("exception", exception),
                                             word("address", address),
                                             word("quantity", quantity), word("value", value),
                                             bytes(data)),
                   f"Modbus response (unit {unit}, function {function})")


def encode(frame: ModbusFrame) -> bytes:
    """The bytes of a decoded request or response: ``encode(decode(b)) == b``."""
    if isinstance(frame, ModbusResponse):
        return response(frame.unit, frame.function, exception=frame.exception,
                        address=frame.address, quantity=frame.quantity, value=frame.value,
                        data=frame.data)
    if isinstance(frame, ModbusRequest):
        return request(frame.unit, frame.function, address=frame.address,
                       quantity=frame.quantity, value=frame.value, data=frame.data)
    raise TypeError(f"a klefr.ModbusRequest or ModbusResponse, not {type(frame).__name__}")


# --- Modbus TCP -----------------------------------------------------------------

def mbap(transaction: int, unit: int, length: int, *, protocol: int = 0) -> bytes:
    """The 7-byte MBAP header: @p length counts the unit id and the PDU."""
    return encoded(_c.modbus_mbap_encode(word("transaction", transaction),
                                         word("protocol", protocol), word("length", length),
                                         byte("unit", unit)), "MBAP header")


def tcp_from_rtu(adu: BytesLike, transaction: int) -> bytes:
    """The Modbus TCP frame of RTU @p adu (its CRC checked and dropped)."""
    return encoded(_c.modbus_tcp_from_rtu(word("transaction", transaction), bytes(adu)),
                   "Modbus TCP frame")


# --- the register model (the 6914's map) ------------------------------------------

def registers(values: Mapping[QuantityKey, float], address: int, count: int, *,
              model: Union[Model, int] = Model.M6914) -> Tuple[int, ...]:
    """The @p count registers from @p address that a meter holding
    @p values answers (klefr_model_modbus_values_encode): absent values
    read 0. A register off @p model's map raises DeviceRefused (exception
    02, as the meter answers)."""
    err, regs = _c.model_modbus_values_encode(int(model), values_struct(values),
                                              word("address", address),
                                              integer("count", count, 0, MAX_READ_REGISTERS))
    check(err, f"registers {address:#06x}+{count} of the {int(model)}")
    return tuple(regs)


def values_of(registers: Sequence[int], address: int, *,
              model: Union[Model, int] = Model.M6914) -> Dict[str, float]:
    """The quantities held wholly in @p registers read from @p address
    (klefr_model_modbus_values_decode), by name."""
    v = _c.Values()
    _c.values_clear(v)
    regs = _registers(registers)
    if len(regs) > MAX_READ_REGISTERS:
        raise InvalidArgument(ErrorCode.ERR_INVALID_ARG, f"{len(regs)} registers (at most 125)")
    check(_c.model_modbus_values_decode(int(model), word("address", address), regs, v),
          "Modbus registers")
    return {quantities[q].name: x for q, x in _c.values_items(v)}


def write_request(name: QuantityKey, value: SettingValue, *, unit: int = 1,
                  model: Union[Model, int] = Model.M6914) -> bytes:
    """The write of setting @p name to @p value as the 6914 takes it: the
    value checked against the model (InvalidValue with what is allowed),
    rendered in the register's data type, sent with the row's function
    (06 or 16)."""
    row = lookup(name)
    reg = row.modbus
    if reg is None or reg.write_function == 0:
        raise NotWritable(ErrorCode.ERR_NOT_WRITABLE, f"{row.name} over Modbus")
    number = row.validate(model, value)
    regs = registers({row.name: number}, reg.address, reg.length, model=model)
    if reg.write_function == ModbusFunction.WRITE_SINGLE_REGISTER and reg.length == 1:
        return write_register(unit, reg.address, regs[0])
    return write_registers(unit, reg.address, regs)


def values_response(unit: int, values: Mapping[QuantityKey, float], address: int, count: int,
                    *, model: Union[Model, int] = Model.M6914) -> bytes:
    """A meter's answer (function 03) to a read of @p count registers from
    @p address, holding @p values."""
    return read_registers_response(unit, registers(values, address, count, model=model))


# --- decoders -----------------------------------------------------------------------

def decode(data: BytesLike) -> ModbusFrame:
    """A Modbus RTU ADU (klefr.decode_modbus): a request when the bytes are
    exactly one, else a response."""
    return decode_modbus(bytes(data))


def decode_request(data: BytesLike) -> ModbusRequest:
    """A Modbus RTU request (slave side)."""
    frame = decode_modbus(bytes(data), response=False)
    assert isinstance(frame, ModbusRequest)
    return frame


def decode_response(data: BytesLike) -> ModbusResponse:
    """A Modbus RTU response (master side); an exception response is a
    ModbusResponse with ``exception`` set, not an error."""
    frame = decode_modbus(bytes(data), response=True)
    assert isinstance(frame, ModbusResponse)
    return frame


def _pack(bits: Iterable[bool]) -> bytes:
    """Coils packed LSB first (the first coil in bit 0 of byte 0)."""
    out = bytearray()
    for i, b in enumerate(bits):
        if i % 8 == 0:
            out.append(0)
        if b:
            out[-1] |= 1 << (i % 8)
    return bytes(out)


__all__ = ["read_request", "write_register", "write_coil", "write_registers", "write_coils",
           "request", "read_registers_response", "read_bits_response", "exception_response",
           "response", "encode", "mbap", "tcp_from_rtu", "registers", "values_of",
           "write_request", "values_response", "decode", "decode_request", "decode_response",
           "BROADCAST", "ADDRESS_MAX", "MAX_READ_REGISTERS", "MAX_WRITE_REGISTERS",
           "MAX_READ_BITS", "MAX_WRITE_BITS", "ModbusFrame"]

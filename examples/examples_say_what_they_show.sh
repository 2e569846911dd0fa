#!/bin/sh
# SPDX-License-Identifier: MIT
# The examples that need no meter print what their comments promise.
# Usage: SCRIPT SPLIT_STREAM REGISTER_MODEL
set -u
out=$(mktemp)
trap 'rm -f "$out"' EXIT
expect() { # pattern
    grep -q -- "$1" "$out" || { echo "FAIL: no '$1' in:"; cat "$out"; exit 1; }
}
"$1" >"$out" || exit 1
expect '^ 0: noise 1 bytes$'
expect '^ 1: Modbus RTU 9 bytes$'
expect '^10: M-Bus 5 bytes$'
expect '^15: IEC 62056-21 5 bytes$'
expect '^20: Modbus RTU frame cut short, 5 more bytes needed$'
expect '9600 8E1: 4011 us$'
"$2" baud_rate 600 >"$out" || exit 1
expect '^  Modbus register 0x4004$'
expect '^  on a 6913: success$'
expect '^  on a 6914: value out of range$'
expect '^serial number 17060518 as BCD: 0x17060518$'
expect '^register 0x5000: voltage$'
expect '^reading: tariff_sum broken at total_active_energy (3, expected 3.5)$'
if "$2" no_such_quantity 1 >"$out" 2>&1; then
    echo "FAIL: an unknown quantity accepted"; exit 1
fi
echo pass

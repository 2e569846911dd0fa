#!/bin/sh
# SPDX-License-Identifier: MIT
# Our own masters (the klefr CLI) against every emulated model: klefr-meterd
# --model 6911, 6912, 6913 and 6914, each with its IR port and a serial
# number of its own, read over every protocol the model has (IEC 62056-21
# on the IR port for all four, M-Bus for the 6913, Modbus for the 6914) and
# found silent on the protocols it does not have. The serial number and the
# meter code come back in each answer that carries them. A 6911 refuses a
# tariff write (it has no bus tariff: the CLI knows the model from the
# identification, logs in and stops before W1, exit 6, and the tariff stays
# 1); a 6914 accepts one over Modbus and the IR readout shows it.
# Usage: our_masters_read_every_model.sh KLEFR_METERD KLEFR
. "$(dirname "$0")/meterd_lib.sh"
klefr=${1:-}
[ -x "$klefr" ] || { echo "klefr CLI not built: skipped"; exit 77; }
py=/usr/bin/python3
[ -x "$py" ] || py=python3
need "$py"

# cli EXPECTED_STATUS ARGS...: runs klefr, stdout in $tmp/out, stderr in $tmp/err.
cli() {
    want=$1
    shift
    "$klefr" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    got=$?
    if [ "$got" -ne "$want" ]; then
        sed 's/^/stdout: /' "$tmp/out"
        sed 's/^/stderr: /' "$tmp/err"
        fail "klefr $* exited $got, expected $want"
    fi
}

# json_is PYTHON_EXPRESSION: the JSON on stdout (as d) satisfies it.
json_is() {
    "$py" -c '
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2]) else 1)' "$tmp/out" "$1" || {
        sed 's/^/stdout: /' "$tmp/out"
        fail "$label: JSON check failed: $1"
    }
}

# silent PROTOCOL: nobody answers PROTOCOL on the bus (exit 3, no response).
# Short timeout, no retries: the emulator answers within a few ms.
silent() {
    label="$model bus $1"
    cli 3 read --port "$bus" --protocol "$1" --retries 0 --timeout 300 --json
}

for model in 6911 6912 6913 6914; do
    serial=2026$model
    start_meterd --model "$model" --ir pty --serial "$serial"

    # IR, every model: identification and readout.
    label="$model IR"
    cli 0 read --port "$ir" --protocol iec --json
    json_is "d['protocol'] == 'iec' and d['values']['serial_number'] == $serial and d['values']['meter_code'] == $model"
    json_is "d['values']['voltage'] == 230 and d['units']['forward_active_energy'] == 'kWh'"
    json_is "d['values']['tariff'] == 1"
    echo "$model IR: serial $serial, meter code $model"

    case $model in
    6911 | 6912)
        silent modbus
        silent mbus
        ;;
    6913)
        label="$model M-Bus"
        cli 0 read --port "$bus" --protocol mbus --json
        # M-Bus carries the secondary address (preset to the serial number),
        # not the serial number or the meter code.
        json_is "d['protocol'] == 'mbus' and d['values']['secondary_address'] == $serial and 'forward_active_energy' in d['values']"
        cli 0 scan --port "$bus" --protocol mbus --secondary --json
        json_is "len(d) == 1 and d[0]['secondary_address'] == '$serial' and d[0]['manufacturer'] == 'INM' and d[0]['medium'] == 'Electricity'"
        echo "$model M-Bus: secondary address $serial, manufacturer INM"
        silent modbus
        ;;
    6914)
        label="$model Modbus"
        cli 0 read --port "$bus" --protocol modbus --json
        json_is "d['protocol'] == 'modbus' and d['values']['serial_number'] == $serial and d['values']['meter_code'] == $model"
        echo "$model Modbus: serial $serial, meter code $model"
        silent mbus
        ;;
    esac

    if [ "$model" = 6911 ]; then
        # The tariff input is the 6911's only tariff source: the write is
        # refused before anything is written, and the tariff stays 1.
        label="$model IR tariff write"
        cli 6 write --port "$ir" --protocol iec -v tariff 2
        grep -q 'not writable' "$tmp/err" || fail "$label: stderr lacks 'not writable'"
        if grep -q 'command W1' "$tmp/err"; then fail "$label: a W1 went out"; fi
        cli 0 read --port "$ir" --protocol iec --only tariff --json
        json_is "d['values']['tariff'] == 1"
        echo "$model: tariff write refused (exit 6), tariff still 1"
    fi
    if [ "$model" = 6914 ]; then
        label="$model Modbus tariff write"
        cli 0 write --port "$bus" --protocol modbus --json tariff 2
        cli 0 read --port "$bus" --protocol modbus --only tariff --json
        json_is "d['values']['tariff'] == 2"
        # The same setting, seen by the IR slave of the same firmware.
        label="$model IR after the Modbus tariff write"
        cli 0 read --port "$ir" --protocol iec --only tariff --json
        json_is "d['values']['tariff'] == 2"
        echo "$model: tariff 2 written over Modbus, read back over Modbus and IR"
    fi
    stop_meterd
done
echo pass

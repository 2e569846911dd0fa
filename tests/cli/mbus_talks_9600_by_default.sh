#!/bin/sh
# SPDX-License-Identifier: MIT
# `klefr --protocol mbus` talks 9600 baud unless --baud says else: the
# meter's default (manual A2.1, SPEC 5) and the library's (issue 11: the
# CLI talked 2400 to a 9600 meter). The fake meter hears only frames sent
# at its own baud, which it reads from the pty's settings.
# Usage: SCRIPT KLEFR FAKE_MBUS_METER_PY
. "$(dirname "$0")/cli_lib.sh"
meter=$1
need python3

spawn fake-mbus python3 "$meter" 9600 20 # stopped by cli_lib's cleanup
await_line 10 "$spawned_pid" "$spawned_out" '^tty: ' "fake_mbus_meter.py printed no tty"
tty=$(sed -n 's/^tty: //p' "$spawned_out")

run 0 read "$tty" --protocol mbus --json
json_check 'd["values"]["total_active_energy"] == 16048.14'
run 0 scan "$tty" --protocol mbus --to 2
out_has '^address 0: secondary_address 00000000'
# Another baud: the meter does not hear it.
run 3 read "$tty" --protocol mbus --baud 2400 --retries 0
run 0 read --help
out_has 'default 9600, Modbus and M-Bus'
echo pass

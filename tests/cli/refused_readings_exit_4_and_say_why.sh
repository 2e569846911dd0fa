#!/bin/sh
# SPDX-License-Identifier: MIT
# A reading the checksum let through but the register model refuses is not
# shown as good (issue 11). An implausible one (the M-Bus sum missed two
# bit flips that cancel: the total no longer T1 + T2) exits 4 and names
# the broken rule; an incomplete one (a record whose VIF was damaged)
# prints what was read, names the missing quantity, and exits 4 too.
# Usage: SCRIPT KLEFR FAKE_MBUS_METER_PY
. "$(dirname "$0")/cli_lib.sh"
fake=$1
need python3

start_fake() {
    spawn fake-mbus python3 "$fake" 9600 0 "$1"
    fake_pid=$spawned_pid
    await_line 10 "$fake_pid" "$spawned_out" '^tty: ' "fake_mbus_meter.py $1 printed no tty"
    tty=$(sed -n 's/^tty: //p' "$spawned_out")
}

start_fake good
run 0 read "$tty" --protocol mbus --json
json_check 'd["values"]["total_active_energy"] == 16048.14'
spawn_stop "$fake_pid"

start_fake flips
run 4 read "$tty" --protocol mbus --json
err_has 'implausible reading, rule tariff_sum broken: total_active_energy is 16058.04'
[ -s "$tmp/out" ] && fail "an implausible reading was printed"
run 4 watch "$tty" --protocol mbus --count 1
out_has '"error":"implausible reading, rule tariff_sum broken'
spawn_stop "$fake_pid"

start_fake lostvif
run 4 read "$tty" --protocol mbus --json
err_has 'incomplete answer, missing t1_total_active_energy (the other values were read)'
json_check '"t1_total_active_energy" not in d["values"] and d["values"]["t2_total_active_energy"] == 12467.91'
echo pass

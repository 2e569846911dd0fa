#!/bin/sh
# $p, $m, $i hold several options: split on purpose.
# shellcheck disable=SC2086
# SPDX-License-Identifier: MIT
# An emulated 6913 with its IR port: read over M-Bus (primary and secondary
# address), both M-Bus scans, a write over M-Bus, and a readout and a
# programming-mode write over IEC 62056-21, with a wrong password refused.
# Usage: SCRIPT KLEFR KLEFR_METERD
. "$(dirname "$0")/cli_lib.sh"
meterd=$1
[ -x "$meterd" ] || { echo "klefr-meterd not built: skipped"; exit 77; }

start_meterd "$meterd" --model 6913 --ir pty
m="--port $bus --protocol mbus"

run 0 read $m --json
json_check 'd["protocol"] == "mbus" and "total_active_energy" in d["values"] and d["units"]["total_active_energy"] == "kWh"'
run 0 read $m --only total_active_energy,serial_number
err_has 'serial_number is not carried over mbus'
run 1 read $m --only serial_number,voltage
err_has 'voltage is not carried over mbus'
run 0 scan $m --to 5
out_has 'address 0: secondary_address 17060518, manufacturer INM'
run 0 scan $m --secondary --json
json_check 'd[0]["secondary_address"] == "17060518" and d[0]["medium"] == "Electricity"'
run 0 read $m --id 17060518 --json
json_check '"total_active_energy" in d["values"]'
run 0 write $m --id 0 tariff 2
out_has 'Tariff (tariff)'

if [ -n "$ir" ]; then
    i="--port $ir --protocol iec"
    run 0 read $i --json
    json_check 'd["values"]["serial_number"] == 17060518 and d["protocol"] == "iec"'
    run 0 write $i lcd_cycle_time 20
    out_has 'LCD cycle time (lcd_cycle_time): 20 s'
    run 5 write $i --password 1234 lcd_cycle_time 21
    err_has 'access denied'
fi

# Issue 11: over IR a value only another model takes (the tariff, on a
# 6911 with T1 only) is refused once the identification said which model
# faces the head, before programming mode: no session, no password sent.
stop_meterd
start_meterd "$meterd" --model 6911 --ir pty
if [ -n "$ir" ]; then
    run 6 write --port "$ir" --protocol iec --verbose tariff 2
    err_has 'not writable'
    err_has 'option select: baud char 5, mode 0'
    if grep -q 'mode 1' "$tmp/err"; then fail "programming mode was opened"; fi
    if grep -q -- '-> .* 50 B1 82' "$tmp/err"; then fail "a P1 (password) was sent"; fi
fi
echo pass

#!/bin/sh
# $p, $m, $i hold several options: split on purpose.
# shellcheck disable=SC2086
# SPDX-License-Identifier: MIT
# Two emulated 6914s on one pseudo-terminal, started with `klefr emulate`:
# every command and output format against them (JSON parsed, CSV parsed),
# a setting written and read back, a value refused before anything is
# sent, a silent ID, a scan, and watch until --count and until SIGINT.
# Usage: SCRIPT KLEFR KLEFR_METERD
. "$(dirname "$0")/cli_lib.sh"
meterd=$1
[ -x "$meterd" ] || { echo "klefr-meterd not built: skipped"; exit 77; }

start_meterd "$klefr" emulate --meter 6914:1 --meter 6914:7 --load 230,5,0,50
p="--port $bus"

# read: table, JSON, CSV.
run 0 read $p
out_has '^energy'
out_has '^instantaneous'
out_has '^identification'
out_has '^settings'
out_has '^status'
out_has 'Serial number  *17060518'
out_has 'Voltage  *230 V'
grep -q 'L2 voltage' "$tmp/out" && fail "three-phase rows shown without --all"
run 0 read $p --all
out_has 'L2 voltage'
run 0 read $p --json
json_check 'd["values"]["serial_number"] == 17060518 and d["values"]["meter_code"] == 6914'
json_check 'd["values"]["voltage"] == 230 and d["units"]["voltage"] == "V" and d["protocol"] == "modbus"'
json_check '"l2_voltage" not in d["values"]'
run 0 read $p --id 1,7 --json
json_check 'len(d) == 2 and d[1]["values"]["serial_number"] == 17060519'
run 0 read $p --csv
/usr/bin/python3 -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
v = {r["name"]: r for r in rows}
assert v["voltage"]["value"] == "230" and v["voltage"]["unit"] == "V", v["voltage"]
assert v["serial_number"]["group"] == "identification"
' "$tmp/out" || fail "CSV"
run 0 read $p --only voltage,lcd_cycle_time --json
json_check 'sorted(d["values"]) == ["lcd_cycle_time", "voltage"]'

# --verbose: each frame on stderr, in hex and decoded. --only voltage reads
# its two registers and nothing else (issue 11: it used to read the map).
run 0 read $p --only voltage --verbose
err_has '^\[.*\] -> 01 03 50 00 00 02'
err_has 'read holding registers'
err_has '<- 01 03 04'
[ "$(grep -c -- '-> ' "$tmp/err")" -eq 1 ] || fail "--only voltage sent more than one request"
run 0 read $p --verbose
err_has '^\[.*\] -> 01 03 40 00 00 20'
err_has '<- 01 03 40'

# write: read back and shown; resets; refused values never leave.
run 0 write $p lcd_cycle_time 25
out_has 'LCD cycle time (lcd_cycle_time): 25 s'
run 0 read $p --only lcd_cycle_time --json
json_check 'd["values"]["lcd_cycle_time"] == 25'
run 0 write $p --json tariff 12
json_check 'd["written"] == 12 and d["read_back"] == 2'
run 0 write $p --reset day_counter
out_has 'day_counter): 0.00 kWh'
run 6 write $p --verbose lcd_cycle_time 31
err_has 'allowed 1 to 30 s'
grep -q -- '->' "$tmp/err" && fail "a refused value was sent"
run 0 write $p --id 7 parity none
out_has 'new line settings'
run 0 write $p --id 7 parity even

# No answer, and the wrong protocol for this bus.
run 3 read $p --id 9 --timeout 100 --retries 0
err_has 'reading Modbus ID 9 on .*: no response (timeout)'
"$klefr" read $p --protocol mbus --timeout 200 --retries 0 >"$tmp/out" 2>"$tmp/err"
st=$?
[ $st -eq 3 ] || [ $st -eq 4 ] || fail "M-Bus to a Modbus meter exited $st"

# scan: the two IDs and who they are; nothing in a silent range.
run 0 scan $p --to 10
out_has 'id 1: meter_code 6914, serial_number 17060518'
out_has 'id 7: meter_code 6914, serial_number 17060519'
run 0 scan $p --to 10 --json
json_check '[m["id"] for m in d] == [1, 7] and d[0]["software_version"] == 2.18'
run 3 scan $p --from 20 --to 22
err_has 'no meter answered'

# watch: NDJSON when not a terminal; a silent meter fails its polls and
# the others go on.
run 0 watch $p --id 1,9 --count 2 --interval 0.2 --timeout 100 --retries 0
[ "$(wc -l <"$tmp/out")" -eq 4 ] || fail "watch printed $(wc -l <"$tmp/out") lines, not 4"
/usr/bin/python3 -c '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert [l["poll"] for l in lines] == [1, 1, 2, 2]
assert lines[0]["values"]["voltage"] == 230 and "error" in lines[1]
' "$tmp/out" || fail "watch NDJSON"
err_has 'poll 2 of Modbus ID 9'
# Until SIGINT.
"$klefr" watch $p --interval 0.2 >"$tmp/out" 2>"$tmp/err" &
watch_pid=$!
sleep 1
kill -INT $watch_pid
wait $watch_pid
st=$?
[ $st -eq 0 ] || fail "watch exited $st after SIGINT"
[ "$(wc -l <"$tmp/out")" -ge 2 ] || fail "watch polled less than twice in a second"
echo pass

#!/bin/sh
# SPDX-License-Identifier: MIT
# Every command that talks to a meter takes the port as its first argument
# as well as with --port, as mbpoll and libmbus users type it (issue 11):
# read, scan, watch and write against an emulated 6914, and the errors for
# two ports or none.
# Usage: SCRIPT KLEFR KLEFR_METERD
. "$(dirname "$0")/cli_lib.sh"
meterd=$1
[ -x "$meterd" ] || { echo "klefr-meterd not built: skipped"; exit 77; }

start_meterd "$meterd" --model 6914

run 0 read "$bus" --json
json_check 'd["values"]["serial_number"] == 17060518'
run 0 read --json "$bus" --id 1
json_check 'd["values"]["meter_code"] == 6914'
run 0 scan "$bus" --to 2
out_has '^id 1: meter_code 6914'
run 0 watch "$bus" --count 1 --json
json_check 'd["values"]["serial_number"] == 17060518'
run 0 write "$bus" lcd_cycle_time 20
out_has 'LCD cycle time (lcd_cycle_time): 20 s'
run 0 write "$bus" --reset day_counter
# The setting's name is never taken for a port.
run 0 write lcd_cycle_time 21 --port "$bus"
out_has 'LCD cycle time (lcd_cycle_time): 21 s'

run 1 read "$bus" --port "$bus"
err_has "two ports given: --port $bus and '$bus'"
run 1 write lcd_cycle_time 22
err_has 'no port given: give it first or with --port'
run 2 read /dev/klefr-no-such-port
err_has 'cannot open port /dev/klefr-no-such-port'
run 2 scan tcp://127.0.0.1:1 --retries 0
err_has 'cannot open port tcp://127.0.0.1:1'
echo pass

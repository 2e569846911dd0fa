#!/bin/sh
# SPDX-License-Identifier: MIT
# Every numeric option of every command takes a whole decimal number in its
# range, or the command exits 1 with a message naming the option and what
# it takes, before any port is opened (issue 11: `klefr scan --id 300` was
# accepted and ignored, `--from -1` accepted). The port given does not
# exist: status 1, not 2, proves nothing was opened.
. "$(dirname "$0")/cli_lib.sh"
p=/dev/klefr-no-such-port

# bad COMMAND-AND-OPTIONS... MESSAGE: exits 1 and stderr has MESSAGE.
bad() {
    msg=$1
    shift
    run 1 "$@"
    err_has "$msg"
}

for cmd in read scan watch; do
    bad "--baud 12345 is not a baud rate for modbus" $cmd $p --baud 12345
    bad "--baud takes a baud rate, not '-9600'" $cmd $p --baud -9600
    bad "--baud takes a baud rate, not '0x2580'" $cmd $p --baud 0x2580
    bad "--timeout takes 1 to 60000 milliseconds, not '0'" $cmd $p --timeout 0
    bad "--timeout takes 1 to 60000 milliseconds, not '-5'" $cmd $p -t -5
    bad "--timeout takes 1 to 60000 milliseconds, not '60001'" $cmd $p --timeout 60001
    bad "--timeout takes 1 to 60000 milliseconds, not '1e3'" $cmd $p --timeout 1e3
    bad "--retries takes 0 to 20, not '-1'" $cmd $p --retries -1
    bad "--retries takes 0 to 20, not '21'" $cmd $p -r 21
    bad "--retries takes 0 to 20, not 'two'" $cmd $p --retries two
    bad "--password takes 4 digits, not '12345'" $cmd $p --password 12345
done
bad "--baud 38400 is not a baud rate for iec" read $p --protocol iec --baud 38400
bad "--baud 57600 is not a baud rate for mbus" read $p --protocol mbus --baud 57600
bad "--baud 12345 is not a baud rate for modbus" write $p --baud 12345 lcd_cycle_time 25
bad "--retries takes 0 to 20, not '-1'" write $p -r -1 lcd_cycle_time 25

# Addresses: --id everywhere it is taken, --from/--to for scans.
bad "Modbus ID '300' is not 1 to 247" read $p --id 300
bad "Modbus ID '0' is not 1 to 247" watch $p --id 0
bad "M-Bus address '251' is neither" read $p --protocol mbus --id 251
bad "scan tries every address: give the range with --from and --to, not --id" scan $p --id 300
bad "--from takes a Modbus address 1 to 247, not '-1'" scan $p --from -1
bad "--from takes a Modbus address 1 to 247, not '0'" scan $p --from 0
bad "--to takes a Modbus address 1 to 247, not '248'" scan $p --to 248
bad "--to takes an M-Bus address 0 to 250, not '251'" scan $p --protocol mbus --to 251
bad "--from takes a Modbus address 1 to 247, not '1.5'" scan $p --from 1.5
bad "scan range 9-3 is empty" scan $p --from 9 --to 3
bad "--from and --to are primary addresses" scan $p --protocol mbus --secondary --from 3
bad "--secondary searches M-Bus secondary addresses" scan $p --secondary

# watch: --count and --interval.
bad "--count takes 1 to 1000000000 polls, not '0'" watch $p --count 0
bad "--count takes 1 to 1000000000 polls, not '-3'" watch $p -c -3
bad "--count takes 1 to 1000000000 polls, not '3x'" watch $p --count 3x
bad "--interval takes 0.05 to 86400 seconds" watch $p --interval 0.01
bad "--interval takes 0.05 to 86400 seconds" watch $p --interval -1
bad "--interval takes 0.05 to 86400 seconds" watch $p --interval nan
bad "--interval takes 0.05 to 86400 seconds, not 'soon'" watch $p --interval soon
bad "--interval takes 0.05 to 86400 seconds, not '0x10'" watch $p --interval 0x10
bad "--interval takes 0.05 to 86400 seconds, not '1e1'" watch $p --interval 1e1
bad "--interval takes 0.05 to 86400 seconds, not 'inf'" watch $p --interval inf

# A valid number gets as far as the port.
run 2 read $p --timeout 250 --retries 0 --baud 19200
err_has "cannot open port $p"
run 2 scan $p --protocol mbus --from 0 --to 250 --baud 2400
echo pass

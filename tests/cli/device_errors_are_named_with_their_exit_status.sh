#!/bin/sh
# SPDX-License-Identifier: MIT
# Against a fake slave on a socat pty pair: a Modbus exception exits 5 and
# names the exception ("exception 02: illegal data address"), an answer
# with a bad CRC exits 4 and says so, silence exits 3.
# Usage: SCRIPT KLEFR FAKE_SLAVE_PY
. "$(dirname "$0")/cli_lib.sh"
need socat
slave=$1
[ -x /usr/bin/python3 ] || { echo "python3 not found: skipped"; exit 77; }

# start_slave MODE: a new pty pair, the slave on one end; sets $port.
start_slave() {
    spawn_stop_all
    spawn_pty_pair
    spawn slave /usr/bin/python3 "$slave" "$pty_b" "$1"
    slave_pid=$spawned_pid
    await_line 10 "$slave_pid" "$spawned_out" '^ready$' "fake slave ($1) on $pty_b"
    port=$pty_a
}

start_slave exception
run 5 read --port "$port" --timeout 300
err_has 'reading Modbus ID 1 on .*: Modbus exception 02: illegal data address'
run 5 write --port "$port" --timeout 300 lcd_cycle_time 25
err_has 'writing lcd_cycle_time to Modbus ID 1 on .*: Modbus exception 02: illegal data address'

start_slave badcrc
run 4 read --port "$port" --timeout 300 --retries 1
err_has 'reading Modbus ID 1 on .*: checksum mismatch'

run 3 read --port "$port" --id 2 --timeout 100 --retries 0
err_has 'no response (timeout)'
echo pass

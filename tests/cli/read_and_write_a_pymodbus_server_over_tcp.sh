#!/bin/sh
# SPDX-License-Identifier: MIT
# Against a peer we did not write: the pymodbus server of tests/interop,
# serving a KLEFR map by hand, reached as RTU over TCP (tcp://) and as
# Modbus TCP (modbus-tcp://): read --json gives its values, write reads back.
# Usage: SCRIPT KLEFR SERVER_PY
. "$(dirname "$0")/cli_lib.sh"
server_py=$1
/usr/bin/python3 -c 'import pymodbus.server' >/dev/null 2>&1 ||
    { echo "pymodbus not found: skipped"; exit 77; }

free_port() {
    /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

for mode in rtu-tcp mbap; do
    port=$(free_port)
    spawn server /usr/bin/python3 "$server_py" "$mode:$port"
    server_pid=$spawned_pid
    await 20 "$server_pid" "pymodbus server ($mode) listening on $port" \
        /usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.5).close()"
    scheme=tcp
    [ "$mode" = mbap ] && scheme=modbus-tcp
    run 0 read --port "$scheme://127.0.0.1:$port" --json
    json_check 'd["values"]["serial_number"] == 17060518 and d["values"]["voltage"] == 230'
    json_check 'd["values"]["t2_forward_active_energy"] == 234.5 and d["values"]["lcd_cycle_time"] == 10'
    run 0 write --port "$scheme://127.0.0.1:$port" lcd_cycle_time 25
    out_has '25 s'
    spawn_stop "$server_pid"
done
echo pass

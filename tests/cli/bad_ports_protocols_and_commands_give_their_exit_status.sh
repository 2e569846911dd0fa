#!/bin/sh
# SPDX-License-Identifier: MIT
# Each class of failure has its exit status and one line naming it:
# 1 usage (unknown command, option, protocol, no port), 2 port.
. "$(dirname "$0")/cli_lib.sh"

run 2 read --port /dev/klefr-no-such-port
err_has 'cannot open port /dev/klefr-no-such-port: No such file or directory'
run 2 read --port tcp://127.0.0.1:1
err_has 'cannot open port tcp://127.0.0.1:1'
run 2 read --port bogus://x
run 1 read --port /dev/null --protocol foo
err_has "unknown protocol 'foo'"
run 1 read
err_has 'no port given'
run 1 read --port /dev/null --id 300
err_has "Modbus ID '300' is not 1 to 247"
run 1 read --port /dev/null --protocol mbus --id 251
run 1 read --port /dev/null --only no_such_quantity
err_has "unknown quantity 'no_such_quantity'"
run 1 read --port /dev/null --parity mark
run 1 read --no-such-option
err_has 'Unknown option'
run 1 no-such-command
err_has "unknown command 'no-such-command'"
run 1
echo pass

#!/bin/sh
# SPDX-License-Identifier: MIT
# `klefr write` asks the register model before the port is opened: a value
# out of range exits 6 naming the allowed values, though the port given
# does not even exist (so nothing can have been sent); read-only and
# unknown quantities are refused the same way.
. "$(dirname "$0")/cli_lib.sh"

run 6 write --port /dev/klefr-no-such-port lcd_cycle_time 31
err_has 'allowed 1 to 30 s'
run 6 write --port /dev/klefr-no-such-port parity 7
err_has 'allowed 1, 2, 3'
run 6 write --port /dev/klefr-no-such-port bus_address 248
err_has 'allowed 1 to 247'
run 6 write --port /dev/klefr-no-such-port --protocol mbus bus_address 251
err_has 'allowed 0 to 250'
run 6 write --port /dev/klefr-no-such-port baud_rate 300
err_has 'allowed 1200, 2400, 4800, 9600'
run 6 write --port /dev/klefr-no-such-port lcd_cycle_time ten
err_has 'not a number'
# Parsed exactly: 1e-400 is not 0 (it used to set secondary address
# 00000000), 25.5 s is no LCD cycle time, 0.015 imp/kWh is no S0 rate.
run 6 write --port /dev/klefr-no-such-port --protocol mbus secondary_address 1e-400
err_has "'1e-400' is not exactly a value secondary_address can hold"
run 6 write --port /dev/klefr-no-such-port --protocol iec secondary_address 1e-400
err_has 'not exactly a value'
run 6 write --port /dev/klefr-no-such-port lcd_cycle_time 25.5
err_has 'not exactly a value'
run 6 write --port /dev/klefr-no-such-port s0_rate 0.015
err_has 'not exactly a value'
run 6 write --port /dev/klefr-no-such-port lcd_cycle_time 0x19
err_has 'not a number'
run 6 write --port /dev/klefr-no-such-port serial_number 1
err_has 'read-only'
run 6 write --port /dev/klefr-no-such-port --reset lcd_cycle_time
err_has 'not a counter that can be reset'
run 6 write --port /dev/klefr-no-such-port --protocol modbus secondary_address 12345678
run 1 write --port /dev/klefr-no-such-port no_such_setting 1
err_has "unknown quantity 'no_such_setting'"
run 1 write --port /dev/klefr-no-such-port lcd_cycle_time
# A valid value gets as far as the port, which does not exist.
run 2 write --port /dev/klefr-no-such-port lcd_cycle_time 25
err_has 'cannot open port /dev/klefr-no-such-port'
echo pass

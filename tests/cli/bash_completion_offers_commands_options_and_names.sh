#!/bin/sh
# SPDX-License-Identifier: MIT
# The bash completion installed with klefr completes commands, options,
# protocol names and the quantity names it gets from `klefr read --list`.
# Usage: SCRIPT KLEFR COMPLETION_FILE
. "$(dirname "$0")/cli_lib.sh"
need bash
completion=$1
PATH=$(dirname "$klefr"):$PATH bash -c '
. "$1"
t() {
    want=$1
    shift
    COMP_WORDS=("$@")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMPREPLY=()
    _klefr klefr 2>/dev/null
    case " ${COMPREPLY[*]} " in
    *" $want "*) ;;
    *) echo "FAIL: [$*] gave [${COMPREPLY[*]}], not $want"; exit 1 ;;
    esac
}
t read klefr re
t --protocol klefr read --pro
t mbus klefr read --protocol ""
t voltage klefr read --only volt
t voltage,frequency klefr read --only voltage,freq
t lcd_cycle_time klefr write --port /dev/null lcd
t odd klefr write parity ""
t power_down_counter klefr write --reset ""
t --direction klefr decode --
t tcp:// klefr scan --port tc
t tcp:// klefr read tc
t modbus-tcp:// klefr watch --json mod
t lcd_cycle_time klefr write /dev/null lcd
t lcd_cycle_time klefr write lcd
t odd klefr write /dev/null parity ""
t --json klefr read /dev/null --js
' sh "$completion" || exit 1
echo pass

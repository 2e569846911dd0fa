#!/bin/sh
# SPDX-License-Identifier: MIT
# `klefr --help`, `klefr help CMD` and `klefr CMD --help` for each command;
# the quantity list that --only and write take names from.
. "$(dirname "$0")/cli_lib.sh"

run 0 --help
for c in ports scan read write watch decode; do
    out_has "$c"
done
run 0 --version
out_has '^klefr '
for c in ports scan read write watch decode; do
    run 0 "$c" --help
    out_has "klefr $c"
    out_has 'Exit status'
done
run 0 read --help
out_has -- '--port'
out_has -- '--protocol'
out_has -- '--timeout'
out_has -- '--verbose'
run 0 help write
out_has 'NAME VALUE'
run 0 read --list
out_has 'lcd_cycle_time'
out_has 'allowed\|writable: 1 to 30'
out_has 'day_counter'
echo pass

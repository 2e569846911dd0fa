#!/bin/sh
# SPDX-License-Identifier: MIT
# Frames that are not frames: `klefr decode` says in one line what is wrong
# (the CRC it got and the one it computed, a short M-Bus frame, a bad BCC,
# a frame of another protocol) and exits 4; input that is not hex exits 1.
. "$(dirname "$0")/cli_lib.sh"

run 4 decode 01 03 40 00 00 02 D1 CC
err_has 'checksum mismatch (CRC 0xCCD1 received, 0xCBD1 computed)'
out_has 'ok: false'
run 4 decode --json 01 03 40 00 00 02 D1 CC
json_check 'd["type"] == "invalid" and not d["crc"]["ok"]'

run 4 decode 68 4B 4B 68 08 00 72 00 16
err_has 'input truncated (the frame announces 81 bytes, 9 given)'
run 4 decode 10 5B 00 5C 16
err_has 'checksum'

# The right frame, the wrong protocol.
run 4 decode --protocol mbus 01 03 40 00 00 02 D1 CB
err_has 'not an M-Bus frame'
run 4 decode --protocol modbus 10 5B 00 5B 16
run 4 decode --protocol iec 01 03 40 00 00 02 D1 CB

run 4 decode 02 30 28 31 29 03 00
err_has 'BCC 0x00 received, 0x03 computed'
run 4 decode DEADBEEF

# A function 16 whose byte count (2) is not twice its quantity (127): the
# slave's answer is exception 03, and the 6914's reading of its registers
# is not shown (there are not 127 of them to read).
run 0 decode --json 01 10 40 0D 00 7F 02 41 20 CF 29
json_check 'd["quantity"] == 127 and d["slave_answer"].startswith("Modbus exception 03") and "klefr_6914" not in d'

# A good frame followed by garbage: the good one decodes, the status says no.
run 4 decode 10 5B 00 5B 16 FF FF
out_has 'REQ_UD2'

run 1 decode zz
err_has "'z' is not a hex digit"
run 1 decode 0 1 0
err_has 'odd number of hex digits'
run_in 1 /dev/null decode
err_has 'no frame given'
run 1 decode --protocol foo 00
echo pass

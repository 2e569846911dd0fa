#!/bin/sh
# SPDX-License-Identifier: MIT
# Hex comes with or without spaces, 0x prefixes or colons, from arguments,
# a file (one or more frames a line, # comments) or stdin.
. "$(dirname "$0")/cli_lib.sh"

run 0 decode 0103400000 02D1CB
out_has 'read holding registers'
run 0 decode 0x01 0x03 0x40 0x00 0x00 0x02 0xD1 0xCB
out_has 'address: 0x4000'
run 0 decode 01:03:40:00:00:02:D1:CB
out_has 'quantity: 2'
printf '# a capture\n10 5B 00 5B 16\n\nE5\n01 83 02 C0 F1  # exception\n' >"$tmp/cap.hex"
run 0 decode --file "$tmp/cap.hex"
out_has 'frame: 3'
out_has 'illegal data address'
run_in 0 "$tmp/cap.hex" decode
out_has 'frame: 3'
run_in 0 "$tmp/cap.hex" decode --json -
json_check 'len(d) == 3 and d[1]["protocol"] == "mbus" and d[2]["exception"]["code"] == 2'
# A frame wrapped over lines (a hex dump) is one frame; a line that is no
# frame stays one line, and the frames after it still decode.
cat >"$tmp/dump.hex" <<'HEX'
68 4B 4B 68 08 00 72 00 00 00 00 CD 25 01 02 02 00 00 00 0C 04 14 48 60 01 8C 10 04 23
80 35 00 8C 20 04 91 67 24 01 1C 04 46 13 69 00 9C 10 04 56 34 12 00 9C 20 04 90 78 56 00
2C 04 68 34 91 00 AC 10 04 67 45 23 00 AC 20 04 01 89 67 00 7C 16
01 03 40 00 00 02 D1 CC
10 5B 00 5B 16
HEX
run 4 decode --json --file "$tmp/dump.hex"
json_check 'len(d) == 3 and len(d[0]["records"]) == 9 and d[1]["type"] == "invalid"'
json_check 'd[2]["c"]["function"].startswith("REQ_UD2")'
err_has 'frame 2: checksum mismatch'
run 1 decode --file "$tmp/missing.hex"
err_has 'cannot read'
echo pass

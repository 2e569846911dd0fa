#!/bin/sh
# SPDX-License-Identifier: MIT
# `klefr decode` on M-Bus telegrams of other meters: a header cut short is
# an error (status 4), not raw data; CI 70, 73 and 77 are decoded and
# named; numbers come out with exactly the digits the meter sent.
. "$(dirname "$0")/cli_lib.sh"

# CI 72 with 4 of its 12 header bytes, CI 7A with 3 of 4 (checksums right).
run 4 decode 68 07 07 68 08 05 72 21 43 65 87 CF 16
err_has 'input truncated (CI 0x72 announces a 12-byte header, 4 data bytes given)'
out_has 'error: input truncated'
run 4 decode --json 68 06 06 68 08 05 7A 2E 00 00 B5 16
json_check 'd["error"] == "input truncated" and "header" not in d'
err_has 'CI 0x7A announces a 4-byte header, 3 data bytes given'

# Built by hand (L 0x29, CS 0xAE): header id 87654321, then
#   0E 03 56 34 12 90 78 56   12-digit BCD energy: 567890123456 Wh
#   0C 13 10 48 60 01         8-digit BCD volume 10^-3 m^3: 1604.810 m^3
#   05 2B 9A 19 66 43         32-bit real power in W: 230.1f
#   04 7B 01 02 03 04         VIF 7B without extension bit: unknown, 4 bytes
rsp="68 29 29 68 08 05 72 21 43 65 87 A5 11 01 02 2E 00 00 00 0E 03 56 34 12 90 78 56
0C 13 10 48 60 01 05 2B 9A 19 66 43 04 7B 01 02 03 04 AE 16"
run 0 decode --json "$rsp"
json_check 'd["records"][0]["value"] == 567890123456 and type(d["records"][0]["value"]) is int'
out_has '"value":567890123456,'
out_has '"value":1604.810,'
out_has '"value":230.1,'
json_check 'd["records"][3]["quantity"] == "Unknown VIF" and d["records"][3]["value"] == "01 02 03 04"'
run 0 decode "$rsp"
out_has 'value: 567890123456$'
out_has 'value: 1604.810$'

# CI 70: the slave's application error, its status byte named.
run 0 decode --json 68 04 04 68 08 01 70 08 81 16
json_check 'd["application_error"]["code"] == 8 and "busy" in d["application_error"]["meaning"]'

# CI 73 and CI 77: one heat meter, least or most significant byte first:
# 00123456 kWh and 789 m^3, medium 4 (heat) from the unit bytes' top bits.
for fixed in "68 13 13 68 08 05 73 21 43 65 87 2A 00 05 6C 56 34 12 00 89 07 00 00 97 16" \
    "68 13 13 68 08 05 77 87 65 43 21 2A 00 6C 05 00 12 34 56 00 00 07 89 9B 16"; do
    run 0 decode --json "$fixed"
    json_check 'd["header"]["id"] == "87654321" and d["header"]["medium"] == "4 Heat"'
    json_check 'd["counters"][0]["value"] == 123456000 and d["counters"][0]["unit"] == "Wh"'
    json_check 'd["counters"][1]["value"] == 789 and d["counters"][1]["unit"] == "m^3"'
done
# The fixed structure is 16 bytes: 15 is an error.
run 4 decode 68 12 12 68 08 05 73 21 43 65 87 2A 00 05 6C 56 34 12 00 89 07 00 97 16
err_has 'the fixed data structure has 16 bytes after the CI, 15 given'

# A file that cannot be read: status 1, a reason, nothing leaked (the
# sanitizer build runs this script too).
run 1 decode --file "$tmp/missing"
err_has 'cannot read'
run 1 decode --json --file "$tmp/missing"
echo pass

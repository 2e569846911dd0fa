#!/bin/sh
# SPDX-License-Identifier: MIT
# `klefr decode` on the frames of the KLEFR manual (appendix 2 M-Bus,
# appendix 3 Modbus) and an IEC 62056-21 session: the text breakdown names
# the fields, records, units and checksums, and --json parses and carries
# the same numbers.
. "$(dirname "$0")/cli_lib.sh"

# Appendix 3: set the LCD cycle time to 25 s (01 06 4010 0025).
run 0 decode 01 06 40 10 00 25 5C 14
out_has 'write single register'
out_has 'lcd_cycle_time'
out_has '25 s'
out_has 'ok: true'
run 0 decode --json 01064010 0025 5C14
json_check 'd["protocol"] == "modbus-rtu" and d["crc"]["ok"] and d["klefr_6914"]["settings"][0]["value"] == 25'

# A read and its answer in one input: the answer's registers get names.
run 0 decode 01 03 40 00 00 02 D1 CB 01 03 04 17 06 05 18 1C DC
out_has 'klefr_values'
out_has '17060518'
run 0 decode --json 0103400000 02D1CB 01030417060518 1CDC
json_check 'len(d) == 2 and d[0]["type"] == "request" and d[1]["klefr_values"][0]["value"] == 17060518'

# An exception response: 02 illegal data address.
run 0 decode 01 83 02 C0 F1
out_has 'illegal data address'

# Appendix 2: the 6913's RSP_UD, every record with its unit and value.
rsp="68 4B 4B 68 08 00 72 00 00 00 00 CD 25 01 02 02 00 00 00 0C 04 14 48 60 01 8C 10 04 23
80 35 00 8C 20 04 91 67 24 01 1C 04 46 13 69 00 9C 10 04 56 34 12 00 9C 20 04 90 78 56 00
2C 04 68 34 91 00 AC 10 04 67 45 23 00 AC 20 04 01 89 67 00 7C 16"
run 0 decode "$rsp"
out_has 'RSP_UD'
out_has 'manufacturer: INM'
out_has 'medium: 0x02 Electricity'
out_has 'value: 16048140'
out_has 'unit: Wh'
out_has 'tariff: 2'
out_has 'klefr_6913'
run 0 decode --json "$rsp"
json_check 'len(d["records"]) == 9 and d["records"][0]["value"] == 16048140 and d["checksum"]["ok"]'
json_check '{v["name"]: v["value"] for v in d["klefr_6913"]}["total_active_energy"] == 16048.14'

# Appendix 2 writes: primary address 1, baud rate 2400; REQ_UD2; E5.
run 0 decode 68 06 06 68 53 01 51 01 7A 01 21 16
out_has 'bus_address'
run 0 decode 68 03 03 68 53 01 BB 0F 16
out_has 'new_baud: 2400'
run 0 decode --json 10 5B 00 5B 16
json_check 'd["c"]["function"].startswith("REQ_UD2") and d["checksum"]["ok"]'
run 0 decode E5
out_has 'acknowledgement'

# Any maker's meter: a water meter telegram put together for this test
# (manufacturer ABB, BCD volume, type F date, flow, a storage-1 value, error
# flags, manufacturer data).
water="68 2D 2D 68 08 05 72 21 43 65 87 42 04 10 07 11 00 00 00 0C 13 78 56 34 12 04 6D 2D 02
59 3B 02 3B 2C 01 44 13 10 27 00 00 01 FD 17 00 0F 01 02 03 C6 16"
run 0 decode "$water"
out_has 'medium: 0x07 Water'
out_has 'value: 2026-11-25 02:45:00'
out_has 'unit: m^3/h'
out_has 'kind: manufacturer specific data'
grep -q klefr_6913 "$tmp/out" && fail "a water meter read as a KLEFR 6913"
run 0 decode --json "$water"
json_check 'd["header"]["id"] == "87654321" and d["header"]["manufacturer"].startswith("ABB")'
json_check 'd["records"][0]["value"] == 12345.678 and d["records"][0]["unit"] == "m^3"'
json_check 'd["records"][3]["storage"] == 1 and len(d["records"]) == 6'

# IEC 62056-21: sign-on, identification, option select, a readout block,
# a W1 programming command.
cat >"$tmp/iec.hex" <<'HEX'
2F 3F 21 0D 0A
2F 49 4E 4D 35 4B 4C 45 46 52 36 39 31 34 0D 0A
06 30 35 30 0D 0A
02 30 2E 30 2E 30 28 31 37 30 36 30 35 31 38 29 0D 0A 31 2E 38 2E 30 28 30 30 30 30 36 39 31 33 2E 34 36 2A 6B 57 68 29 0D 0A 33 32 2E 37 2E 30 28 32 33 30 2E 31 2A 56 29 0D 0A 21 0D 0A 03 2D
01 57 31 02 31 32 38 2E 31 2E 34 28 32 35 29 03 5F
HEX
run 0 decode --file "$tmp/iec.hex"
out_has 'request (sign-on)'
out_has 'identification: KLEFR6914'
out_has 'mode: 0 data readout'
out_has 'klefr_quantity: forward_active_energy'
out_has 'command: W1 write'
run 0 decode --json --file "$tmp/iec.hex"
json_check 'len(d) == 5 and d[3]["bcc"]["ok"] and d[3]["datasets"][1]["number"] == 6913.46'
json_check 'd[4]["datasets"][0]["klefr_quantity"] == "lcd_cycle_time"'
# The same readout with 7E1 parity bits still in bit 7 (a pty capture).
run 0 decode --protocol iec 82 30 2E 30 2E 30 28 B1 B7 30 36 30 35 B1 B8 A9 8D 0A 21 8D 0A 03 9F
out_has 'parity_7e1_stripped'
# A readout copied without STX/ETX/BCC: the codec's data set parser takes
# all of it, so the data sets are shown as a bare block.
#   1.8.0(000123.45*kWh) CR LF 2.8.0(000001.00*kWh) CR LF ! CR LF
run 0 decode --protocol iec --json 31 2E 38 2E 30 28 30 30 30 31 32 33 2E 34 35 2A 6B 57 68 29 0D 0A \
    32 2E 38 2E 30 28 30 30 30 30 30 31 2E 30 30 2A 6B 57 68 29 0D 0A 21 0D 0A
json_check 'd["type"] == "data block without framing" and d["datasets"][0]["number"] == 123.45 and d["datasets"][1]["klefr_quantity"] == "reverse_active_energy"'
# What the parser does not take is no data block: a control character as
# the address (SOH "(x)" CR LF), a data set never closed ("AB(CD").
run 4 decode --protocol iec --json 01 28 78 29 0D 0A
json_check 'd["type"] == "invalid"'
run 4 decode --protocol iec --json 41 42 28 43 44
json_check 'd["type"] == "invalid"'
# 7-bit text whose bytes all happen to have even parity is left as it is
# ("30 33": '0' and '3'), not "stripped".
run 4 decode --protocol iec --json 30 33
json_check '"parity_7e1_stripped" not in d'
echo pass

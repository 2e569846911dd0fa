/* SPDX-License-Identifier: MIT */
/* Frames of the KLEFR manual, appendix A2.2 (checksums verified by hand:
 * the RSP_UD's 7C is the byte sum of 08 .. 00 modulo 256). */
#ifndef KLEFR_TEST_MBUS_MANUAL_FRAMES_H
#define KLEFR_TEST_MBUS_MANUAL_FRAMES_H

#define MANUAL_RSP_UD                                          \
    "68 4B 4B 68 08 00 72 00 00 00 00 CD 25 01 02 02 00 00 00" \
    " 0C 04 14 48 60 01"                                       \
    " 8C 10 04 23 80 35 00"                                    \
    " 8C 20 04 91 67 24 01"                                    \
    " 1C 04 46 13 69 00"                                       \
    " 9C 10 04 56 34 12 00"                                    \
    " 9C 20 04 90 78 56 00"                                    \
    " 2C 04 68 34 91 00"                                       \
    " AC 10 04 67 45 23 00"                                    \
    " AC 20 04 01 89 67 00"                                    \
    " 7C 16"

/* Writes of the A2.2 table to primary address 01 (C = 53). */
#define MANUAL_WRITE_BAUD_2400 "68 03 03 68 53 01 BB 0F 16"
#define MANUAL_WRITE_PRIMARY_1 "68 06 06 68 53 01 51 01 7A 01 21 16"
#define MANUAL_WRITE_SECONDARY "68 09 09 68 53 01 51 0C 79 15 01 23 45 A8 16"
#define MANUAL_WRITE_TARIFF_2 "68 08 08 68 53 01 51 09 7C 01 54 02 81 16"
#define MANUAL_WRITE_CODE_5 "68 07 07 68 53 01 51 09 FD 3A 05 EA 16"
#define MANUAL_WRITE_S0_100 "68 0A 0A 68 53 01 51 0C FD 3A 00 00 01 00 E9 16"
#define MANUAL_WRITE_RESET_KWH "68 09 09 68 53 01 51 0C 04 00 00 00 00 B5 16"
#define MANUAL_WRITE_RESET_PDC "68 08 08 68 53 01 51 0A FD 60 00 00 0C 16"

#endif

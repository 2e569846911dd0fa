/* SPDX-License-Identifier: MIT */
/** @file klefr/klefr.h
 * @brief Umbrella header: includes every public libklefr header.
 *
 * libklefr speaks to KLEFR 6911-6914 energy meters over Modbus RTU, M-Bus
 * (EN 13757-2/-3) and IEC 62056-21. The codecs are pure functions over
 * caller-provided buffers; see the module headers for each protocol.
 */
#ifndef KLEFR_KLEFR_H
#define KLEFR_KLEFR_H

#include <klefr/bcd.h>
#include <klefr/error.h>
#include <klefr/export.h>
#include <klefr/frame.h>
#include <klefr/iec62056.h>
#include <klefr/iec_master.h>
#include <klefr/io.h>
#include <klefr/line.h>
#include <klefr/master.h>
#include <klefr/mbus.h>
#include <klefr/mbus_master.h>
#include <klefr/mbus_records.h>
#include <klefr/meter.h>
#include <klefr/modbus.h>
#include <klefr/modbus_master.h>
#include <klefr/modbus_tcp.h>
#include <klefr/model.h>
#include <klefr/model_check.h>
#include <klefr/model_iec.h>
#include <klefr/model_mbus.h>
#include <klefr/model_modbus.h>
#include <klefr/number.h>
#include <klefr/version.h>

#endif

# SPDX-License-Identifier: MIT
"""klefr-gateway against emulated buses (three 6914s on Modbus, three 6913s
on M-Bus, a 6912 on its IR port) and a real mosquitto: every discovery
config has what Home Assistant requires for its entity type, unique ids
are the same after a restart, the state of every meter equals a `klefr
read --json` of it with the emulators' loads held still, and the bus status
counts transactions and wire utilisation."""
import re

from gwtest import (Broker, Gateway, Meterd, Subscriber, check, finish, klefr_read,
                    mqtt_section, states, wait_for)
import time

broker = Broker()
# Real byte timing on the Modbus line: its wire utilisation is then real.
rtu = Meterd("rtu", ["6914:1", "6914:2", "6914:3"], 10000001,
             ["--speed", "3600", "--baud-timing"])
mbus = Meterd("mbus", ["6913:1", "6913:2", "6913:3"], 20000001, ["--speed", "3600"])
ir = Meterd("ir", ["6912:1"], 30000001, ["--ir", "pty", "--speed", "3600"])
time.sleep(1.0)  # an hour of metrology: energies that are not zero
for m, n in ((rtu, 3), (mbus, 3), (ir, 1)):
    for k in range(1, n + 1):
        m.control("meter %d load 230.5 0 0 50" % k)  # no current: nothing moves any more

conf = mqtt_section(broker, "gw1", "allow_writes = true\n") + """
[bus rtu]
port = %s
protocol = modbus
meters = 1, 2, 3
interval = 1

[bus mbus]
port = %s
protocol = mbus
meters = 1, 2, 3
interval = 1

[bus ir]
port = %s
protocol = iec
password = 0000
interval = 2
""" % (rtu.bus, mbus.bus, ir.ir[0])

METERS = ["10000001", "10000002", "10000003", "20000001", "20000002", "20000003", "30000001"]

sub = Subscriber(broker)
gw = Gateway("gw", conf)
wait_for(lambda: all(len(states(sub).get(i, [])) >= 2 for i in METERS), 30,
         "two states of every meter")


def configs(msgs, live_only=False):
    out = {}
    for _, topic, payload, retained in msgs:
        if topic.startswith("homeassistant/") and topic.endswith("/config"):
            if live_only and retained:
                continue
            out[topic] = json.loads(payload) if payload else None
    return {t: c for t, c in out.items() if c is not None}


import json  # noqa: E402

first = configs(sub.messages())
check(len(first) > 100, "only %d discovery configs" % len(first))
REQUIRED = {
    "sensor": ["state_topic"],
    "number": ["command_topic", "min", "max", "step"],
    "select": ["command_topic", "options"],
    "button": ["command_topic"],
}
uids = set()
gateway_ids = None
st = states(sub)
for topic, c in first.items():
    component = topic.split("/")[1]
    check(component in REQUIRED, "unexpected component in " + topic)
    for key in REQUIRED[component] + ["unique_id", "name", "device", "availability"]:
        check(key in c, "%s lacks %s" % (topic, key))
    check(c["unique_id"] not in uids, "unique_id %s twice" % c["unique_id"])
    uids.add(c["unique_id"])
    dev = c["device"]
    check(dev.get("identifiers"), topic + ": device without identifiers")
    for a in c["availability"]:
        check(a["topic"].startswith("klefr/"), topic + ": availability " + a["topic"])
    if dev["identifiers"][0].startswith("klefr_gateway_"):
        gateway_ids = dev["identifiers"]
        continue
    ident = dev["identifiers"][0][len("klefr_"):]
    check(ident in METERS, topic + ": device " + ident)
    check(dev.get("manufacturer") == "KLEFR" and dev.get("model") in ("6912", "6913", "6914"),
          topic + ": manufacturer/model " + str(dev))
    check(dev.get("via_device") == "klefr_gateway_gw1", topic + ": via_device")
    check(c.get("availability_mode") == "all" and len(c["availability"]) == 2,
          topic + ": availability of gateway and meter")
    # The template names a quantity the state carries, and a select's
    # rendered state is one of its options.
    m = re.fullmatch(r"\{\{ value_json\.quantities\.(\w+)\.(value|text) \}\}",
                     c.get("value_template", ""))
    check(m is not None, topic + ": value_template " + c.get("value_template", ""))
    q, field = m.group(1), m.group(2)
    state = st[ident][-1]
    check(c["state_topic"] == "klefr/%s/state" % ident, topic + ": state_topic")
    check(q in state["quantities"] and field in state["quantities"][q],
          "%s: the state has no %s.%s" % (topic, q, field))
    shown = state["quantities"][q][field]
    if component == "select":
        check(str(shown) in c["options"], "%s: %s not in options %s" % (topic, shown,
                                                                          c["options"]))
    if component == "number":
        check(c["min"] <= shown <= c["max"], topic + ": state outside min/max")
    unit = state["quantities"][q]["unit"]
    if component == "sensor" and unit == "kWh":
        check(c.get("device_class") == "energy" and c.get("unit_of_measurement") == "kWh",
              topic + ": energy without device_class/unit")
        want = "total_increasing"
        if q in ("total_active_energy", "t1_total_active_energy", "t2_total_active_energy"):
            # Over Modbus and IR the calculation code is read (05: F+R never
            # falls); M-Bus does not carry it, so the total may fall.
            want = "total" if state["protocol"] == "mbus" else "total_increasing"
        check(c.get("state_class") == want, "%s: state_class %s, want %s"
              % (topic, c.get("state_class"), want))
    if component == "sensor" and q in ("serial_number", "software_version", "meter_code"):
        check(c.get("entity_category") == "diagnostic", topic + ": identification not diagnostic")
check(gateway_ids == ["klefr_gateway_gw1"], "no gateway device")
for ident in METERS:
    n = sum(1 for c in first.values() if c["device"]["identifiers"] == ["klefr_" + ident])
    check(n >= 9, "meter %s has %d entities" % (ident, n))
    check(sub.last("klefr/%s/availability" % ident) == "online", ident + " not online")
# Writable settings, with allow_writes: lcd cycle time is a number, the
# calculation code a select, the day counter a button; not the address.
check("homeassistant/number/klefr_10000001/lcd_cycle_time/config" in first, "no number entity")
check("homeassistant/select/klefr_10000001/calculation_code/config" in first, "no select entity")
check("homeassistant/button/klefr_10000001/day_counter_reset/config" in first, "no reset button")
check("homeassistant/number/klefr_30000001/lcd_cycle_time/config" in first,
      "no number entity over IR with the password")
check(not any("bus_address" in t and "/sensor/" not in t for t in first),
      "the bus address must not be writable")
check(sub.last("klefr/gateway/gw1/availability") == "online", "gateway not online")
for bus in ("rtu", "mbus", "ir"):
    s = sub.last_json("klefr/gateway/gw1/bus/%s/status" % bus)
    check(s is not None and s["open"] and s["transactions"] > 0 and s["readings"] > 0,
          "bus %s status %s" % (bus, s))
    # Without --baud-timing a pty moves bytes faster than the line would.
    check(s["utilisation"] > 0 and s["last_cycle_s"] > 0, "bus %s utilisation %s" % (bus, s))
    if bus == "rtu":
        # The requests cross the pty at once; only the answers are timed.
        check(0.5 < s["utilisation"] < 1.1, "bus rtu utilisation %s" % s["utilisation"])
    check(s["bytes_tx"] > 0 and s["bytes_rx"] > s["bytes_tx"], "bus %s bytes %s" % (bus, s))

# Restart: the same unique ids, published again.
check(gw.stop() == 0, "the gateway did not exit 0 on SIGTERM")
check(sub.last("klefr/gateway/gw1/availability") == "offline" or
      wait_for(lambda: sub.last("klefr/gateway/gw1/availability") == "offline", 5, "offline"),
      "no offline on SIGTERM")
mark = len(sub.messages())
gw = Gateway("gw2", conf)
wait_for(lambda: len(configs(sub.messages()[mark:], True)) >= len(first), 30,
         "discovery after a restart")
again = configs(sub.messages()[mark:], True)
check({c["unique_id"] for c in again.values()} == uids, "unique ids changed across a restart")
wait_for(lambda: all(len(states(sub).get(i, [])) >= 4 for i in METERS), 30, "states again")
gw.stop()

# With the loads held still, what the gateway published is what klefr reads.
last = states(sub)
reads = {
    "10000001": klefr_read(rtu.bus, "modbus", 1), "10000002": klefr_read(rtu.bus, "modbus", 2),
    "10000003": klefr_read(rtu.bus, "modbus", 3), "20000001": klefr_read(mbus.bus, "mbus", 1),
    "20000002": klefr_read(mbus.bus, "mbus", 2), "20000003": klefr_read(mbus.bus, "mbus", 3),
    "30000001": klefr_read(ir.ir[0], "iec"),
}
for ident, r in reads.items():
    state = last[ident][-1]
    check(state["id"] == ident and state["address"] != "" or state["protocol"] == "iec",
          "state identity " + str(state))
    check(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", state["timestamp"]) is not None,
          "timestamp " + state["timestamp"])
    compared = 0
    for q, v in state["quantities"].items():
        check(q in r["values"], "%s: klefr read lacks %s" % (ident, q))
        check(v["value"] == r["values"][q], "%s %s: gateway %s, klefr read %s"
              % (ident, q, v["value"], r["values"][q]))
        check(v["unit"] == r.get("units", {}).get(q, ""), "%s %s: unit %s" % (ident, q, v["unit"]))
        compared += 1
    check(compared >= 9, "%s: only %d quantities" % (ident, compared))
    energy = state["quantities"]["forward_active_energy"]["value"]
    check(energy > 0.5, "%s: forward energy %s, the emulator ran an hour" % (ident, energy))
finish()

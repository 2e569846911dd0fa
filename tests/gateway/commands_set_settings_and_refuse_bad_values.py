# SPDX-License-Identifier: MIT
"""Commands from MQTT (allow_writes = true): a number, a select and a reset
button change the emulated meter (seen independently on its IR port); a
value the register model refuses is answered "invalid" with the allowed
values and nothing is sent on the bus; the meter's own refusal (a wrong IR
password) is "refused"; a new calculation code turns the total energy's
state_class from total_increasing into total."""
import json
import time

from gwtest import (Broker, Gateway, Meterd, Subscriber, check, finish, klefr_read,
                    mqtt_section, wait_for)

broker = Broker()
rtu = Meterd("rtu", ["6914:1"], 12000001, ["--ir", "pty"])
ir_ok = Meterd("irok", ["6912:1"], 32000001, ["--ir", "pty"])
ir_bad = Meterd("irbad", ["6911:1"], 33000001, ["--ir", "pty"])
mbus = Meterd("mbus", ["6913:5"], 22000001)
conf = mqtt_section(broker, "gwc", "allow_writes = true\n") + """
[bus rtu]
port = %s
meters = 1
interval = 3600

[bus irok]
port = %s
protocol = iec
password = 0000
interval = 3600

[bus irbad]
port = %s
protocol = iec
password = 1234
interval = 3600

[bus mbus]
port = %s
protocol = mbus
meters = 5
interval = 3600
""" % (rtu.bus, ir_ok.ir[0], ir_bad.ir[0], mbus.bus)

sub = Subscriber(broker)
gw = Gateway("gw", conf)
for ident in ("12000001", "32000001", "33000001", "22000001"):
    wait_for(lambda: sub.last("klefr/%s/state" % ident), 20, "the state of " + ident)
RTU_STATUS = "klefr/gateway/gwc/bus/rtu/status"
ENERGY_CONFIG = "homeassistant/sensor/klefr_12000001/total_active_energy/config"
wait_for(lambda: sub.last_json(RTU_STATUS), 10, "the rtu bus status")
check(sub.last_json(ENERGY_CONFIG)["state_class"] == "total_increasing",
      "code 05: total_increasing")


def command(ident, quantity, value):
    """Publish a command and return its result."""
    topic = "klefr/%s/result" % ident
    n = len([m for m in sub.messages() if m[1] == topic])
    sub.c.publish("klefr/%s/set/%s" % (ident, quantity), value, qos=1)
    wait_for(lambda: len([m for m in sub.messages() if m[1] == topic]) > n, 20,
             "the result of %s = %s" % (quantity, value))
    r = json.loads([m for m in sub.messages() if m[1] == topic][-1][2])
    check(r["quantity"] == quantity, "result for %s: %s" % (quantity, r))
    return r


def ir_value(port, q):
    return klefr_read(port, "iec")["values"][q]


# A number: done, and the meter has it.
r = command("12000001", "lcd_cycle_time", "25")
check(r["result"] == "done", "lcd_cycle_time 25: %s" % r)
check(ir_value(rtu.ir[0], "lcd_cycle_time") == 25, "the meter did not take 25 s")
wait_for(lambda: json.loads(sub.last("klefr/12000001/state"))["quantities"]["lcd_cycle_time"]
         ["value"] == 25, 10, "the state read back after the write")

# Invalid values: refused before the bus, with what is allowed.
time.sleep(0.5)
before = sub.last_json(RTU_STATUS)["transactions"]
r = command("12000001", "lcd_cycle_time", "99")
check(r["result"] == "invalid" and r["allowed"] == {"min": 1, "max": 30}, "99 s: %s" % r)
r = command("12000001", "calculation_code", "07")
check(r["result"] == "invalid" and r["allowed"] == {"values": [1, 4, 5, 6, 9, 10]},
      "code 07: %s" % r)
r = command("12000001", "lcd_cycle_time", "ten")
check(r["result"] == "invalid", "ten: %s" % r)
# Parsed exactly: 1e-400 is not rounded to 0, 25.5 s not to 25 or 26.
r = command("12000001", "lcd_cycle_time", "1e-400")
check(r["result"] == "invalid", "1e-400: %s" % r)
r = command("12000001", "lcd_cycle_time", "25.5")
check(r["result"] == "invalid", "25.5: %s" % r)
r = command("12000001", "bus_address", "5")
check(r["result"] == "invalid" and "not writable" in r["error"], "bus_address: %s" % r)
check(ir_value(rtu.ir[0], "lcd_cycle_time") == 25, "an invalid value reached the meter")
# The next valid write is the only transaction since (FC 06, no retry):
# nothing was sent for the refused ones.
r = command("12000001", "lcd_cycle_time", "20")
check(r["result"] == "done", "lcd_cycle_time 20: %s" % r)
wait_for(lambda: sub.last_json(RTU_STATUS)["transactions"] > before, 10, "the status")
after = [json.loads(m[2])["transactions"] for m in sub.messages() if m[1] == RTU_STATUS]
check(before + 1 in after, "transactions went %d -> %s: something else was sent" % (before, after))

# A select by its option text, and the discovery config follows the code.
r = command("12000001", "calculation_code", "06 R-F")
check(r["result"] == "done", "code 06: %s" % r)
wait_for(lambda: sub.last_json(ENERGY_CONFIG)["state_class"] == "total", 10,
         "state_class total under code 06")
check(ir_value(rtu.ir[0], "calculation_code") == 6, "the meter did not take code 06")
# A reset button.
r = command("12000001", "day_counter", "0")
check(r["result"] == "done", "day counter reset: %s" % r)

# Over IR, with the right password and with a wrong one.
r = command("32000001", "lcd_cycle_time", "12")
check(r["result"] == "done", "IR lcd_cycle_time 12: %s" % r)
# The gateway reads the meter back over the same IR head: after that
# readout the head is free for ours.
wait_for(lambda: json.loads(sub.last("klefr/32000001/state"))["quantities"]["lcd_cycle_time"]
         ["value"] == 12, 20, "the IR state read back after the write")
check(ir_value(ir_ok.ir[0], "lcd_cycle_time") == 12, "the 6912 did not take 12 s")
r = command("33000001", "lcd_cycle_time", "12")
check(r["result"] == "refused", "a wrong IR password: %s" % r)
# A setting the model lacks on this model: the 6911 has no tariff input.
r = command("33000001", "tariff", "2")
check(r["result"] in ("invalid",), "tariff on a 6911: %s" % r)

# Over M-Bus.
r = command("22000001", "tariff", "2")
check(r["result"] == "done", "M-Bus tariff 2: %s" % r)
r = command("22000001", "tariff", "3")
check(r["result"] == "invalid", "M-Bus tariff 3: %s" % r)
check(gw.stop() == 0, "exit status")
finish()

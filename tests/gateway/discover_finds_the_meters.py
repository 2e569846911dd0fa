# SPDX-License-Identifier: MIT
"""discover = true: at start the gateway finds the Modbus meters of a
scan range and the M-Bus meters by secondary address, and publishes them
like configured ones; a message on the bus's scan topic scans again."""
from gwtest import Broker, Gateway, Meterd, Subscriber, check, finish, mqtt_section, states, \
    wait_for

broker = Broker()
rtu = Meterd("rtu", ["6914:2", "6914:4"], 16500001)
mbus = Meterd("mbus", ["6913:0", "6913:0", "6913:0"], 26500001)  # all at primary address 0
conf = mqtt_section(broker, "gwd") + """
[bus rtu]
port = %s
discover = true
scan_range = 1-6
scan_timeout = 50
interval = 1

[bus mbus]
port = %s
protocol = mbus
discover = true
interval = 1
""" % (rtu.bus, mbus.bus)
sub = Subscriber(broker)
gw = Gateway("gw", conf)
METERS = ("16500001", "16500002", "26500001", "26500002", "26500003")
wait_for(lambda: all(states(sub).get(i) for i in METERS), 40, "every meter found and read")
addr = {i: states(sub)[i][-1]["address"] for i in METERS}
check(addr == {"16500001": "2", "16500002": "4", "26500001": "26500001",
               "26500002": "26500002", "26500003": "26500003"}, "addresses: %s" % addr)
check(sub.last("homeassistant/button/klefr_gateway_gwd/rtu_scan/config"), "no scan button")
sub.c.publish("klefr/gateway/gwd/bus/rtu/scan", "", qos=1)
wait_for(lambda: gw.err().count("bus rtu: scan found 2 meter(s)") >= 2, 20, "a second scan")
check("bus rtu: scan found 2 meter(s), 0 new" in gw.err(), "the second scan: " + gw.err())
gw.stop()
finish()

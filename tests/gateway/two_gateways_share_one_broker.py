# SPDX-License-Identifier: MIT
"""Scale-out (doc/scaling.md): two gateways with their own buses and
distinct client ids publish to one broker; a subscriber sees the meters
and the availability of both, and neither pushes the other off."""
import time

from gwtest import Broker, Gateway, Meterd, Subscriber, check, finish, mqtt_section, states, \
    wait_for

broker = Broker()
east = Meterd("east", ["6914:1", "6914:2"], 15000001)
west = Meterd("west", ["6913:1", "6913:2"], 25000001)
sub = Subscriber(broker)
ga = Gateway("gwa", mqtt_section(broker, "east") +
             "\n[bus rs485]\nport = %s\nmeters = 1, 2\ninterval = 0.5\n" % east.bus)
gb = Gateway("gwb", mqtt_section(broker, "west") +
             "\n[bus mbus]\nport = %s\nprotocol = mbus\nmeters = 1, 2\ninterval = 0.5\n"
             % west.bus)
METERS = ("15000001", "15000002", "25000001", "25000002")
wait_for(lambda: all(len(states(sub).get(i, [])) >= 2 for i in METERS), 20, "both gateways")
counts = {i: len(states(sub)[i]) for i in METERS}
time.sleep(3)
for i in METERS:
    check(len(states(sub)[i]) >= counts[i] + 3, "meter %s stopped being published" % i)
for gw in ("east", "west"):
    check(sub.last("klefr/gateway/%s/availability" % gw) == "online", gw + " not online")
    check(sub.last_json("klefr/gateway/%s/bus/%s/status" % (gw, "rs485" if gw == "east" else
                                                          "mbus"))["readings"] > 0,
          gw + ": no bus status")
via = {i: sub.last_json("homeassistant/sensor/klefr_%s/forward_active_energy/config" % i)
       ["device"]["via_device"] for i in METERS}
check(via == {"15000001": "klefr_gateway_east", "15000002": "klefr_gateway_east",
              "25000001": "klefr_gateway_west", "25000002": "klefr_gateway_west"},
      "via_device: %s" % via)
log = broker.log()
check("as klefr-gateway-east " in log and "as klefr-gateway-west " in log, "client ids")
check("already connected" not in log, "one gateway pushed the other off")
ga.stop()
gb.stop()
finish()

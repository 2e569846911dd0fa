# SPDX-License-Identifier: MIT
"""A meter that stops answering (its supply cut on the emulated bus) is
published offline after offline_after failed polls while its neighbour
goes on, and online again at its next good reading."""
import json

from gwtest import Broker, Gateway, Meterd, Subscriber, check, finish, mqtt_section, wait_for

broker = Broker()
rtu = Meterd("rtu", ["6914:1", "6914:2"], 13000001)
conf = mqtt_section(broker, "gwm") + """
[bus rtu]
port = %s
meters = 1, 2
interval = 0.5
offline_after = 2
timeout = 100
retries = 0
""" % rtu.bus
sub = Subscriber(broker)
gw = Gateway("gw", conf)
A1, A2 = "klefr/13000001/availability", "klefr/13000002/availability"
wait_for(lambda: sub.last(A1) == "online" and sub.last(A2) == "online", 20, "both online")

rtu.control("meter 2 power off")
wait_for(lambda: sub.last(A2) == "offline", 10, "meter 2 offline")
check(sub.last(A1) == "online", "meter 1 went offline with meter 2")
n1 = len([m for m in sub.messages() if m[1] == "klefr/13000001/state"])
n2 = len([m for m in sub.messages() if m[1] == "klefr/13000002/state"])
wait_for(lambda: len([m for m in sub.messages() if m[1] == "klefr/13000001/state"]) > n1 + 2,
         10, "meter 1 still read")
check(len([m for m in sub.messages() if m[1] == "klefr/13000002/state"]) == n2,
      "a state for a meter that does not answer")
status = sub.last_json("klefr/gateway/gwm/bus/rtu/status")
check(status["timeouts"] > 0 and status["failed_polls"] >= 2, "bus status %s" % status)

rtu.control("meter 2 power on")
wait_for(lambda: sub.last(A2) == "online", 10, "meter 2 online again")
wait_for(lambda: len([m for m in sub.messages() if m[1] == "klefr/13000002/state"]) > n2, 10,
         "meter 2 read again")
changes = [m[2] for m in sub.messages() if m[1] == A2]
check(changes[-3:] == ["online", "offline", "online"], "availability of meter 2: %s" % changes)
state = json.loads(sub.last("klefr/13000002/state"))
check(state["id"] == "13000002", "state after coming back: %s" % state)
gw.stop()
finish()

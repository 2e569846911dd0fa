# SPDX-License-Identifier: MIT
"""SIGHUP reloads the configuration (a bus added, a meter removed) on the
same broker connection; a broken file is refused and the running
configuration stays; SIGTERM publishes the gateway offline, retained, and
exits 0."""
import os
import signal
import time

from gwtest import (Broker, Gateway, Meterd, Subscriber, check, finish, mqtt_section, states,
                    wait_for)

broker = Broker()
a = Meterd("a", ["6914:1", "6914:2"], 14000001)
b = Meterd("b", ["6914:7"], 14100001)
head = mqtt_section(broker, "gwh")
bus_a = "\n[bus a]\nport = %s\nmeters = 1, 2\ninterval = 0.5\n" % a.bus
bus_a1 = "\n[bus a]\nport = %s\nmeters = 1\ninterval = 0.5\n" % a.bus
bus_b = "\n[bus b]\nport = %s\nmeters = 7\ninterval = 0.5\n" % b.bus
sub = Subscriber(broker)
gw = Gateway("gw", head + bus_a)
AV = "klefr/gateway/gwh/availability"
wait_for(lambda: len(states(sub).get("14000002", [])) >= 2, 20, "bus a read")
check(sub.last("homeassistant/sensor/klefr_14000002/voltage/config"), "no discovery for a/2")


def rewrite(text):
    with open(gw.conf + ".new", "w") as f:
        f.write(text)
    os.rename(gw.conf + ".new", gw.conf)
    gw.p.send_signal(signal.SIGHUP)


rewrite(head + bus_a1 + bus_b)
wait_for(lambda: len(states(sub).get("14100001", [])) >= 2, 20, "bus b after SIGHUP")
# Meter a/2 is gone: offline, its entities removed (empty retained configs).
wait_for(lambda: sub.last("klefr/14000002/availability") == "offline", 10, "a/2 offline")
check(sub.last("homeassistant/sensor/klefr_14000002/voltage/config") == "",
      "the removed meter's entities stay")
n = len(states(sub).get("14000002", []))

# A broken file: refused, nothing changes.
rewrite(head + bus_a1 + bus_b + "\n[bus c]\nport = /dev/null\nbaud = fast\n")
wait_for(lambda: "reload refused" in gw.err(), 10, "the refusal")
check(":%d: [bus c] baud:" % (len((head + bus_a1 + bus_b).splitlines()) + 4) in gw.err(),
      "the refusal does not name the line: " + gw.err())
m1 = len(states(sub).get("14100001", []))
wait_for(lambda: len(states(sub).get("14100001", [])) > m1 + 2, 10, "bus b still read")
check(len(states(sub).get("14000002", [])) == n, "the removed meter is read again")

# One connection all along: no second CONNECT, one "online".
connects = broker.log().count("as klefr-gateway-gwh ")
check(connects == 1, "the gateway connected %d times" % connects)
check([m[2] for m in sub.messages() if m[1] == AV] == ["online"], "availability changes")

t = time.time()
check(gw.stop() == 0, "SIGTERM: exit status")
check(time.time() - t < 8, "SIGTERM took %.1f s" % (time.time() - t))
wait_for(lambda: sub.last(AV) == "offline", 5, "offline on SIGTERM")
late = Subscriber(broker, topics=(AV,))
wait_for(lambda: late.last(AV) == "offline", 5, "offline retained")
check("Client klefr-gateway-gwh disconnected." in broker.log(),
      "not a clean disconnect: " + broker.log()[-500:])
finish()

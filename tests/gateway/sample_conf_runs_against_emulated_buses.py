# SPDX-License-Identifier: MIT
"""The shipped sample configuration, as it is but for the ports the test's
emulators and broker got: klefr-gateway -c sample.conf publishes discovery
and state of both buses to mosquitto."""
import os
import re

from gwtest import TMP, Broker, Gateway, Meterd, Subscriber, check, finish, states, wait_for

SAMPLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools",
                      "gateway", "sample.conf")
broker = Broker()
rs485 = Meterd("rs485", ["6914:1", "6914:2", "6914:3"], 19000001,
               ["--listen", "tcp:127.0.0.1:0"])
mbus = Meterd("mbus", ["6913:1", "6913:2"], 29000001, ["--listen", "tcp:127.0.0.1:0"])
text = open(SAMPLE).read()
check("tcp://127.0.0.1:5020" in text and "tcp://127.0.0.1:5021" in text, "sample ports")
text = text.replace("tcp://127.0.0.1:5020", "tcp://" + rs485.bus[4:])
text = text.replace("tcp://127.0.0.1:5021", "tcp://" + mbus.bus[4:])
text = re.sub(r"(?m)^host = localhost$", "host = 127.0.0.1\nport = %d" % broker.port, text)
text = text.replace("#queue = /var/lib/klefr-gateway/queue", "queue = " + os.path.join(TMP, "q"))
sub = Subscriber(broker)
gw = Gateway("gw", text)
METERS = ("19000001", "19000002", "19000003", "29000001", "29000002")
wait_for(lambda: all(states(sub).get(i) for i in METERS), 30, "a state of every meter")
for i in METERS:
    check(sub.last("homeassistant/sensor/klefr_%s/forward_active_energy/config" % i),
          "no discovery for " + i)
    check(sub.last("klefr/%s/availability" % i) == "online", i + " not online")
check(sub.last("klefr/gateway/demo/availability") == "online", "the gateway is not online")
check(gw.stop() == 0, "exit status")
finish()

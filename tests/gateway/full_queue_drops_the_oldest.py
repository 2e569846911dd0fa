# SPDX-License-Identifier: MIT
"""A full queue drops the oldest readings and counts them: with the broker
away and queue_max = 5, only the newest five readings arrive once it is
back, in order, and the gateway status says how many were dropped."""
import json
import time

from gwtest import Broker, Gateway, Meterd, Subscriber, check, finish, mqtt_section, states, \
    wait_for

broker = Broker()
rtu = Meterd("rtu", ["6914:1"], 16700001)
conf = mqtt_section(broker, "gwq").replace("queue_fsync = false", "queue_fsync = false\n"
                                           "queue_max = 5")
conf += "\n[bus rtu]\nport = %s\nmeters = 1\ninterval = 0.2\nquantities = energy\n" % rtu.bus
sub = Subscriber(broker, topics=("klefr/+/state", "klefr/gateway/gwq/status"),
                 client_id="queue-sub")
broker.stop()
gw = Gateway("gw", conf)
time.sleep(3)  # about 15 readings, 5 kept
broker.start()
wait_for(lambda: sub.connected.is_set(), 20, "the subscriber back")
wait_for(lambda: len(states(sub).get("16700001", [])) >= 6, 20, "the kept readings and a new one")
got = [s["timestamp"] for s in states(sub)["16700001"]]
first = got[:5]
check(first == sorted(first), "out of order: %s" % first)
st = None


def status():
    global st
    ms = [json.loads(m[2]) for m in sub.messages("klefr/gateway/gwq/status")]
    st = ms[-1] if ms else None
    return st and st["queue_dropped"] > 0


wait_for(status, 15, "the status with the dropped count")
check(st["queue_dropped"] >= 5, "dropped: %s" % st)
check(gw.stop() == 0, "exit status")
# Before the restart only readings from the last ~1 s before it survived.
print("dropped: %d" % st["queue_dropped"])
finish()

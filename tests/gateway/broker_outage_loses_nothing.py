# SPDX-License-Identifier: MIT
"""The broker goes away for 60 s while the gateway keeps polling, then
comes back: every reading taken meanwhile arrives at a subscriber with a
persistent session, in order, and once (QoS 1 may duplicate a message, so
distinct timestamps are counted), and their number is the gateway's own
count of readings."""
import os
import time

from gwtest import (Broker, Gateway, Meterd, Subscriber, check, finish, mqtt_section, states,
                    wait_for)
import json

OUTAGE_S = float(os.environ.get("KLEFR_GW_OUTAGE_S", "60"))

broker = Broker()
rtu = Meterd("rtu", ["6914:1", "6914:2", "6914:3"], 11000001)
mbus = Meterd("mbus", ["6913:1", "6913:2"], 21000001)
conf = mqtt_section(broker, "gwo") + """
[bus rtu]
port = %s
meters = 1, 2, 3
interval = 1
quantities = energy, voltage

[bus mbus]
port = %s
protocol = mbus
meters = 1, 2
interval = 1
""" % (rtu.bus, mbus.bus)
BUS_OF = {"11000001": "rtu", "11000002": "rtu", "11000003": "rtu",
          "21000001": "mbus", "21000002": "mbus"}

sub = Subscriber(broker, topics=("klefr/+/state", "klefr/gateway/#"), client_id="outage-sub")
gw = Gateway("gw", conf)
wait_for(lambda: all(len(states(sub).get(i, [])) >= 2 for i in BUS_OF), 20, "states flowing")

broker.stop()
t_down = time.time()
time.sleep(OUTAGE_S)
check(gw.alive(), "the gateway died while the broker was away")
t_up = time.time()
broker.start()


def bus_readings():
    out = {}
    for _, topic, payload, _ in sub.messages("klefr/gateway/gwo/bus/"):
        s = json.loads(payload)
        out[s["bus"]] = s["readings"]
    return out


def distinct():
    per_bus = {"rtu": 0, "mbus": 0}
    for ident, ss in states(sub).items():
        per_bus[BUS_OF[ident]] += len({s["timestamp"] for s in ss})
    return per_bus


def reading_time(s):
    return time.mktime(time.strptime(s["timestamp"][:19], "%Y-%m-%dT%H:%M:%S")) - time.timezone


# Everything queued drains once both are back: the queue is first in,
# first out, so a reading taken after the restart comes after all of it.
wait_for(lambda: sub.connected.is_set(), 20, "the subscriber back")
wait_for(lambda: all(any(reading_time(s) > t_up + 1 for s in states(sub).get(i, []))
                     for i in BUS_OF), 40, "readings taken after the broker came back")
check(gw.stop() == 0, "the gateway did not exit 0")
time.sleep(0.5)
final = bus_readings()
got = distinct()
def gaps():
    out = []
    for ident, ss in states(sub).items():
        ts = sorted({reading_time(s) + int(s["timestamp"][20:23]) / 1000 for s in ss})
        out += ["%s %s+%.1fs" % (ident, time.strftime("%H:%M:%S", time.gmtime(a)), b - a)
                for a, b in zip(ts, ts[1:]) if b - a > 1.5]
    return out


for bus in ("rtu", "mbus"):
    check(got[bus] == final[bus], "bus %s: the gateway read %d times, %d distinct readings "
          "arrived; gaps: %s (down %s, up %s)" % (bus, final[bus], got[bus], gaps(),
                                               time.strftime("%H:%M:%S", time.gmtime(t_down)),
                                               time.strftime("%H:%M:%S", time.gmtime(t_up))))
dups = 0
for ident, ss in states(sub).items():
    seen = []
    for s in ss:
        if s["timestamp"] in seen:
            dups += 1
            continue
        check(not seen or s["timestamp"] > seen[-1],
              "%s: %s arrived after %s" % (ident, s["timestamp"], seen[-1] if seen else ""))
        seen.append(s["timestamp"])
    during = [t for t in seen if t_down + 1 < reading_time({"timestamp": t}) < t_up - 1]
    check(len(during) >= OUTAGE_S * 0.6, "%s: only %d readings from the outage (%s to %s) "
          "arrived: %s" % (ident, len(during), time.strftime("%H:%M:%S", time.gmtime(t_down)),
                           time.strftime("%H:%M:%S", time.gmtime(t_up)), seen))
print("readings: %s, duplicates: %d" % (got, dups))
finish()

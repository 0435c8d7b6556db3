"""Discrete-event simulation of customers queueing for bank tellers,
comparing one shared queue with one queue per teller.

Exercises: random.Random(seed) expovariate/uniform/random, heapq event
queue with tie-breaking counters (itertools.count), deque queues,
Enum event kinds, classes with __slots__ and __lt__, inheritance with
super().__init__, statistics.mean/median/pstdev/quantiles, dict of
lists via defaultdict, global statement for a module-level counter,
min with key, rounding.
"""

import heapq
import itertools
import random
import statistics
from collections import defaultdict, deque
from enum import Enum

EVENTS_PROCESSED = 0


class Kind(Enum):
    ARRIVAL = 1
    DEPARTURE = 2


class Customer:
    __slots__ = ("cid", "arrived", "service", "started", "teller")

    def __init__(self, cid, arrived, service):
        self.cid = cid
        self.arrived = arrived
        self.service = service
        self.started = None
        self.teller = None

    @property
    def wait(self):
        return self.started - self.arrived

    def __lt__(self, other):
        return self.cid < other.cid


class Teller:
    def __init__(self, tid, speed=1.0):
        self.tid = tid
        self.speed = speed
        self.busy_until = 0.0
        self.busy_time = 0.0
        self.served = 0
        self.current = None

    def start(self, customer, now):
        duration = customer.service / self.speed
        customer.started = now
        customer.teller = self.tid
        self.current = customer
        self.busy_time += duration
        self.served += 1
        return now + duration


class Simulation:
    name = "base"

    def __init__(self, tellers, seed=1234, arrivals=200, mean_gap=1.0, mean_service=2.6):
        self.rng = random.Random(seed)
        self.tellers = tellers
        self.clock = 0.0
        self._events = []
        self._tie = itertools.count()
        self.done = []
        self.max_queue = 0
        t = 0.0
        for cid in range(arrivals):
            t += self.rng.expovariate(1.0 / mean_gap)
            service = self.rng.uniform(0.5, 2 * mean_service - 0.5)
            self._schedule(t, Kind.ARRIVAL, Customer(cid, t, service))

    def _schedule(self, when, kind, payload):
        heapq.heappush(self._events, (when, next(self._tie), kind, payload))

    def _queue_for(self, customer):
        raise NotImplementedError

    def _next_from(self, teller):
        raise NotImplementedError

    def _queue_lengths(self):
        raise NotImplementedError

    def run(self):
        global EVENTS_PROCESSED
        while self._events:
            self.clock, _, kind, payload = heapq.heappop(self._events)
            EVENTS_PROCESSED += 1
            if kind is Kind.ARRIVAL:
                self._queue_for(payload).append(payload)
            else:
                teller = payload
                self.done.append(teller.current)
                teller.current = None
            self._dispatch()
            self.max_queue = max(self.max_queue, max(self._queue_lengths()))
        return self

    def _dispatch(self):
        for teller in self.tellers:
            if teller.current is None:
                customer = self._next_from(teller)
                if customer is not None:
                    finish = teller.start(customer, self.clock)
                    self._schedule(finish, Kind.DEPARTURE, teller)

    def summary(self):
        waits = [c.wait for c in self.done]
        q = statistics.quantiles(waits, n=10)
        per_teller = defaultdict(list)
        for c in self.done:
            per_teller[c.teller].append(c.wait)
        return {
            "served": len(self.done),
            "mean_wait": round(statistics.mean(waits), 4),
            "median_wait": round(statistics.median(waits), 4),
            "stdev_wait": round(statistics.pstdev(waits), 4),
            "p90_wait": round(q[-1], 4),
            "max_queue": self.max_queue,
            "end_time": round(self.clock, 3),
            "utilisation": [round(t.busy_time / self.clock, 3) for t in self.tellers],
            "served_by": [t.served for t in self.tellers],
            "zero_wait": sum(1 for w in waits if w == 0),
            "teller_mean_wait": {
                str(k): round(statistics.mean(v), 3) for k, v in sorted(per_teller.items())
            },
        }


class SharedQueue(Simulation):
    name = "shared"

    def __init__(self, tellers, **kwargs):
        super().__init__(tellers, **kwargs)
        self.queue = deque()

    def _queue_for(self, customer):
        return self.queue

    def _next_from(self, teller):
        return self.queue.popleft() if self.queue else None

    def _queue_lengths(self):
        return [len(self.queue)]


class PerTellerQueues(Simulation):
    name = "per-teller"

    def __init__(self, tellers, **kwargs):
        Simulation.__init__(self, tellers, **kwargs)
        self.queues = {t.tid: deque() for t in tellers}
        self.jockeys = 0

    def _queue_for(self, customer):
        def load(t):
            return len(self.queues[t.tid]) + (t.current is not None)

        best = min(self.tellers, key=lambda t: (load(t), t.tid))
        return self.queues[best.tid]

    def _next_from(self, teller):
        own = self.queues[teller.tid]
        if own:
            return own.popleft()
        longest = max(self.queues.values(), key=len)
        if len(longest) > 1:
            self.jockeys += 1
            return longest.pop()
        return None

    def _queue_lengths(self):
        return [len(q) for q in self.queues.values()]

    def summary(self):
        result = super().summary()
        result["jockeys"] = self.jockeys
        return result


def make_tellers():
    return [Teller(0, 1.0), Teller(1, 1.0), Teller(2, 0.8)]


def main() -> object:
    global EVENTS_PROCESSED
    EVENTS_PROCESSED = 0
    results = {}
    for cls in (SharedQueue, PerTellerQueues):
        sim = cls(make_tellers(), seed=1234, arrivals=250).run()
        results[sim.name] = sim.summary()
    busy = SharedQueue(make_tellers(), seed=99, arrivals=150, mean_gap=0.7).run().summary()
    return {"results": results, "busy_day": busy, "events_processed": EVENTS_PROCESSED}

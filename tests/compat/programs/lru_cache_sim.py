"""Simulate cache replacement policies (LRU, LFU, FIFO) over a seeded
synthetic access trace and compare hit rates; also memoise a function
with a home-made decorator and functools.lru_cache.

Exercises: OrderedDict.move_to_end/popitem, class inheritance with
super().__init__ and Base.__init__, abstract-ish base methods raising
NotImplementedError, __len__/__contains__/__getitem__/__setitem__/__repr__,
a stats dataclass, decorators built with functools.wraps and closures,
functools.lru_cache/cache with cache_info/cache_clear, function
attributes, random.Random(seed) with choice/random/randint, Counter,
deque(maxlen=...), class attributes overridden in subclasses.
"""

import random
from collections import Counter, OrderedDict, deque
from dataclasses import dataclass
from functools import cache, lru_cache, wraps


@dataclass
class Stats:
    hits: int = 0
    misses: int = 0
    evictions: int = 0

    @property
    def hit_rate(self) -> float:
        total = self.hits + self.misses
        return round(self.hits / total, 4) if total else 0.0


class Cache:
    name = "base"

    def __init__(self, capacity: int):
        if capacity <= 0:
            raise ValueError("capacity must be positive")
        self.capacity = capacity
        self.stats = Stats()
        self._data = OrderedDict()

    def __len__(self):
        return len(self._data)

    def __contains__(self, key):
        return key in self._data

    def __repr__(self):
        return f"{self.name}(capacity={self.capacity}, size={len(self)})"

    def _touch(self, key):
        pass

    def _evict(self):
        raise NotImplementedError

    def __getitem__(self, key):
        if key in self._data:
            self.stats.hits += 1
            self._touch(key)
            return self._data[key]
        self.stats.misses += 1
        raise KeyError(key)

    def __setitem__(self, key, value):
        if key not in self._data and len(self._data) >= self.capacity:
            self._evict()
            self.stats.evictions += 1
        self._data[key] = value
        self._touch(key)

    def get_or_load(self, key, loader):
        try:
            return self[key]
        except KeyError:
            value = self[key] = loader(key)
            return value


class LRUCache(Cache):
    name = "lru"

    def _touch(self, key):
        self._data.move_to_end(key)

    def _evict(self):
        self._data.popitem(last=False)


class FIFOCache(Cache):
    name = "fifo"

    def _evict(self):
        self._data.popitem(last=False)


class LFUCache(Cache):
    name = "lfu"

    def __init__(self, capacity):
        Cache.__init__(self, capacity)
        self._freq = Counter()
        self._tick = 0
        self._last = {}

    def _touch(self, key):
        self._tick += 1
        self._freq[key] += 1
        self._last[key] = self._tick

    def _evict(self):
        victim = min(self._data, key=lambda k: (self._freq[k], self._last[k]))
        del self._data[victim]
        del self._freq[victim]


class WindowedLRU(LRUCache):
    """LRU that also remembers the last few evicted keys ("ghost" entries)."""

    name = "lru+ghost"

    def __init__(self, capacity, ghosts=4):
        super().__init__(capacity)
        self.ghosts = deque(maxlen=ghosts)
        self.ghost_hits = 0

    def _evict(self):
        key, _ = self._data.popitem(last=False)
        self.ghosts.append(key)

    def __getitem__(self, key):
        if key not in self._data and key in self.ghosts:
            self.ghost_hits += 1
        return super().__getitem__(key)


def make_trace(seed: int, length: int = 1500):
    rng = random.Random(seed)
    hot = [f"k{i}" for i in range(8)]
    cold = [f"k{i}" for i in range(8, 80)]
    trace = []
    for step in range(length):
        if step % 200 < 30:  # periodic scan
            trace.append(cold[(step // 3) % len(cold)])
        elif rng.random() < 0.7:
            trace.append(rng.choice(hot))
        else:
            trace.append(cold[rng.randint(0, len(cold) - 1)])
    return trace


def counted(func):
    calls = 0

    @wraps(func)
    def wrapper(*args, **kwargs):
        nonlocal calls
        calls += 1
        wrapper.calls = calls
        return func(*args, **kwargs)

    wrapper.calls = 0
    return wrapper


@counted
def slow_square(key: str) -> int:
    n = int(key[1:])
    return n * n


@lru_cache(maxsize=32)
def partitions(n: int, k: int) -> int:
    if n == 0:
        return 1
    if n < 0 or k == 0:
        return 0
    return partitions(n - k, k) + partitions(n, k - 1)


@cache
def collatz_len(n: int) -> int:
    return 1 if n == 1 else 1 + collatz_len(n // 2 if n % 2 == 0 else 3 * n + 1)


def main() -> object:
    partitions.cache_clear()
    calls_before = slow_square.calls
    trace = make_trace(1234)
    results = {}
    for cls in (LRUCache, FIFOCache, LFUCache, WindowedLRU):
        c = cls(12)
        checksum = sum(c.get_or_load(k, slow_square) for k in trace)
        results[c.name] = {
            "hit_rate": c.stats.hit_rate,
            "evictions": c.stats.evictions,
            "checksum": checksum,
            "repr": repr(c),
        }
        if isinstance(c, WindowedLRU):
            results[c.name]["ghost_hits"] = c.ghost_hits
            results[c.name]["ghosts"] = list(c.ghosts)
    try:
        LRUCache(0)
        bad = None
    except ValueError as exc:
        bad = str(exc)
    part = [partitions(n, n) for n in range(1, 30)]
    info = partitions.cache_info()
    longest = max(range(1, 3000), key=collatz_len)
    return {
        "trace_head": trace[:10],
        "trace_counts": Counter(trace).most_common(3),
        "policies": results,
        "loader_calls": slow_square.calls - calls_before,
        "wrapped_name": slow_square.__name__,
        "bad_capacity": bad,
        "partitions": part,
        "lru_info": [info.hits > 0, info.misses > 0, info.maxsize, info.currsize],
        "collatz": [longest, collatz_len(longest)],
    }

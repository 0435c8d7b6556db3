"""
Time budgets for plugin code, enforced without signals or async exceptions.

Each sandbox has one ``Budget``.  The host marks when calls into the plugin
start and end; a single watchdog thread (started on first use) flags a
budget whose current calls have run too long.  Compiled plugin code checks
the flag at every loop iteration and function entry (an attribute read),
and only when it is set calls ``Budget.tick``, which checks the clock
precisely and raises ``BudgetExceeded`` *from plugin code*.  Nothing is
ever injected into host code.

Every call has a budget of its own, measured from its own start, whatever
other threads do: the oldest running call is kept in plain attributes
(``since``, ``owner``, ``depth``: a call from host code with no other call
running touches nothing else), and calls that overlap it from other
threads in a table of their own.  A call made from inside a call on the
same thread (a plugin calling a tool of its own through the host) is part
of the outer one.  The fast paths (the first call in, the last one out)
are plain attribute updates, which under the GIL no other thread can
interleave (the interpreter switches threads only at calls and backward
jumps); overlapping calls take a lock.  Free-threaded builds would need
the lock everywhere.

A budget may also count *steps*: CPU time that does not depend on the
machine's speed.  A step is one loop iteration, one comprehension item or
one call of a plugin function or lambda.  Counting needs another shape of
compiled code: each check becomes ``next(__acc_budget__.steps)``, where
``steps`` is a C iterator (``itertools.repeat``) chained to an object that
raises once the steps run out.  The watchdog swaps in an alarm iterator
instead of setting the flag, so one C call per check covers both budgets;
it costs about 6 ns a check more than the flag alone, which is why
counting is only compiled in for plugins that set ``[limits] steps``.

The watchdog also watches memory.  When a call starts it notes how much
memory the process holds; if the process grows by more than the memory
budgets of all calls then running, together, it alarms them, and each
stops at its next check.  That catches memory built up step by step (a
list appended to in a loop), at the cost of blaming every call that runs
at that moment when something else in the process grows.

What this cannot stop: a single long operation in C (``sum(range(10**12))``,
``"x" * 10**10``) runs to its end before the next check.  Those are the
isolated tier's job, or refused before they run.
"""

from __future__ import annotations

import itertools
import operator
import threading
import time
from typing import TYPE_CHECKING, NoReturn

from ._exceeded import (
    out_of_memory,
    out_of_steps,
    out_of_time,
    outside_any_call,
)
from ._watchdog import WATCHDOG, Signal, Watchdog


if TYPE_CHECKING:
    from collections.abc import Iterator

_perf_counter = time.perf_counter
_get_ident = threading.get_ident


class Budget:
    """
    The time budget of one plugin.

    Attributes:
        timeout: Seconds one outermost call into the plugin may take.

        active: How many calls into the plugin are running now, nested
            ones included.

        since: When the oldest running call started (``perf_counter``).

        owner: The thread (``threading.get_ident``) of the oldest running
            call, or None.

        depth: How deep calls are nested on the owner's thread.

        expired: Set by the watchdog, and whenever no call is active; a
            hint plugin code checks cheaply.

        breaches: How many times the budget ran out.

        max_steps: Steps one outermost call may take; None when steps are
            not counted.

        steps: What counting code calls ``next()`` on at each check.

        last_steps: Steps the last finished outermost call took (0 when
            steps are not counted).

        memory_bytes: How much the process may grow during one call; None
            not to watch.

        memory_call: The start of the call the memory watch measures from.

        memory_base: What the process held then, as the watchdog last saw
            it before the call began (0: not seen yet).
    """

    __slots__ = (
        "__weakref__",
        "_alarm",
        "_counting",
        "_credit",
        "_grown",
        "_left",
        "_lock",
        "_others",
        "active",
        "breaches",
        "depth",
        "expired",
        "last_steps",
        "max_steps",
        "memory_base",
        "memory_bytes",
        "memory_call",
        "owner",
        "since",
        "steps",
        "timeout",
    )

    def __init__(
        self,
        timeout: float,
        steps: int | None = None,
        memory_bytes: int | None = None,
    ) -> None:
        if not timeout > 0:
            msg = "timeout must be positive"
            raise ValueError(msg)
        if steps is not None and steps < 1:
            msg = "steps must be positive"
            raise ValueError(msg)
        self.timeout = timeout
        self.max_steps = steps
        self.memory_bytes = memory_bytes
        # The watchdog's notes: the call it measured from, the process's
        # memory then, and by how much it grew past the budget.
        self.memory_call = -1.0
        self.memory_base = 0
        self._grown = 0
        self.active = 0
        self.since = 0.0
        self.owner: int | None = None
        self.depth = 0
        # Calls overlapping the oldest from other threads: thread ->
        # [start, depth]; changed only under the lock.
        self._others: dict[int, list[float]] = {}
        self._lock = threading.Lock()
        # Steps that calls overlapping the oldest brought in.
        self._credit = 0
        self.last_steps = 0
        # Set whenever no call is active: plugin code that runs then (a
        # generator's finally when the host drops it) stops at once.
        self.expired = True
        self.breaches = 0
        self._alarm = Signal(self.tick)
        self._left = itertools.repeat(None, 0)
        self._counting: Iterator[None] = self._alarm
        self.steps: Iterator[None] = self._alarm
        WATCHDOG.watch(self)

    def __repr__(self) -> str:
        return f"<Budget timeout={self.timeout}s active={self.active}>"

    @property
    def counts_steps(self) -> bool:
        """
        Whether plugin code must be compiled with counting checks.
        """
        return self.max_steps is not None

    @property
    def used_steps(self) -> int:
        """
        Steps the current outermost call has taken so far.
        """
        if self.max_steps is None:
            return 0
        return self.max_steps - operator.length_hint(self._left)

    def enter(self, now: float) -> None:
        """
        A call into the plugin starts at *now*, on this thread.
        """
        thread = _get_ident()
        if not self.active:  # the only call: no lock, nothing else to see
            self.since = now
            self.owner = thread
            self.depth = 1
            self.expired = False
            if self.max_steps is not None:
                self._credit = 0
                self._start_counting(self.max_steps)
            # Measured from the call's start: the watchdog's first look
            # may come late, when growth has already happened (0: it has
            # not looked yet, and its first look is the base).
            self.memory_call, self.memory_base = now, WATCHDOG.resident
            self.active += 1
        else:
            self._enter_beside(thread, now)

    def _enter_beside(self, thread: int, now: float) -> None:
        # Another call is running: nested in it on this thread, or
        # overlapping it from another.
        with self._lock:
            if thread == self.owner:
                self.depth += 1
            elif (entry := self._others.get(thread)) is not None:
                entry[1] += 1
            elif self.owner is None:  # the oldest left as this one came
                self.since, self.owner, self.depth = now, thread, 1
                self._credit += self.max_steps or 0
            else:
                self._others[thread] = [now, 1]
                self._credit += self.max_steps or 0
            self.active += 1

    def leave(self) -> None:
        """
        A call into the plugin ended (however it ended), on this thread.
        """
        if self.active == 1 and self.depth == 1 and not self._others:
            # The only call: nothing to hand over.  Bookkeeping first, the
            # count last, so that a call arriving meanwhile takes the slow
            # way and finds a consistent state.
            self.last_steps = self.used_steps
            self.owner = None
            self.depth = 0
            self.expired = True
            self.steps = self._alarm
            self.active -= 1
            return
        with self._lock:
            thread = _get_ident()
            if thread == self.owner:
                self.depth -= 1
                if not self.depth:
                    self._hand_over()
            elif (entry := self._others.get(thread)) is not None:
                entry[1] -= 1
                if not entry[1]:
                    del self._others[thread]
            self.active -= 1
            if not self.active:
                self.last_steps = self.used_steps
                self.expired = True
                self.steps = self._alarm

    def _hand_over(self) -> None:
        # The oldest call ended: the oldest of those overlapping it is the
        # one the plain attributes describe now.
        if not self._others:
            self.owner, self.depth = None, 0
            return
        thread = min(self._others, key=lambda t: self._others[t][0])
        start, depth = self._others.pop(thread)
        self.since, self.owner, self.depth = start, thread, int(depth)

    def call_started(self) -> float:
        """
        When the outermost call running on this thread started (the
        oldest running call's start if this thread runs none).
        """
        thread = _get_ident()
        if thread == self.owner:
            return self.since
        entry = self._others.get(thread)
        return self.since if entry is None else entry[0]

    def time_left(self) -> float:
        """
        Seconds the call running on this thread may still take.
        """
        return self.timeout - (_perf_counter() - self.call_started())

    def overdue(self, now: float) -> bool:
        """
        Tell whether any running call has outlived its budget at *now*.
        """
        limit = now - self.timeout
        if self.owner is not None and self.since < limit:
            return True
        return any(entry[0] < limit for entry in list(self._others.values()))

    def _start_counting(self, steps: int) -> None:
        self._left = itertools.repeat(None, steps)
        self._counting = itertools.chain(self._left, Signal(self.spent))
        self.steps = self._counting

    def tick(self) -> bool:
        """
        Plugin code saw the flag: raise if the budget is really spent.

        Returns:
            True, so that the check can sit in a comprehension's filter.
        """
        thread = _get_ident()
        if thread == self.owner:
            since = self.since
        elif (entry := self._others.get(thread)) is not None:
            since = entry[0]
        else:
            self.breaches += 1
            raise outside_any_call()
        now = _perf_counter()
        if now - since > self.timeout:
            self.breaches += 1
            raise out_of_time(self.timeout)
        if self._grown and self.memory_call == self.since:
            grown, self._grown = self._grown, 0
            self.breaches += 1
            raise out_of_memory(self.memory_bytes, grown)
        # A stale flag from a call that has ended, or another thread's
        # call that is overdue: that one must still see it.
        if not self.overdue(now):
            self.expired = False
            self.steps = self._counting
        return True

    def alarm(self) -> None:
        """
        Make plugin code call ``tick`` at its next check (the watchdog's
        signal; a stale one costs one clock read).
        """
        self.expired = True
        self.steps = self._alarm

    def overrun(self) -> NoReturn:
        """
        The current call ran out of time in code that stopped on its own
        deadline (a regular expression's timeout).
        """
        self.breaches += 1
        raise out_of_time(self.timeout)

    def watch_memory(self, resident: int, allowed: int) -> None:
        """
        The watchdog's look at memory: *resident* bytes now, of which the
        calls running now may have added *allowed*.
        """
        since = self.since
        if self.memory_call != since or not self.memory_base:
            # A new call, or one that began before the watch's first look:
            # measure from here.
            self.memory_call, self.memory_base = since, resident
            self._grown = 0
            return
        grown = resident - self.memory_base
        if grown > allowed:
            self._grown = grown
            self.alarm()

    def spent(self) -> None:
        """
        The running calls took their last step: go on with the steps that
        calls overlapping the oldest brought in, or stop.
        """
        with self._lock:
            credit, self._credit = self._credit, 0
        if credit:
            self._start_counting(credit - 1)  # this step is one of them
            return
        self.breaches += 1
        raise out_of_steps(self.max_steps)


def watchdog_of() -> Watchdog:
    """
    The watchdog every budget is watched by: inlined budget code reads
    what the process held at its last look.
    """
    return WATCHDOG

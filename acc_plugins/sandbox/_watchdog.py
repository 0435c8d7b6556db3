"""
The watchdog of time and memory budgets: one daemon thread that flags
budgets whose running calls have outlived them, and the iterator that
counting code meets when it should stop and check.

It is separate from ``Budget`` because it is the one shared thing: every
budget of the process is watched by the same thread, which also looks at
the process's memory and alarms every call running when it grew too much.
"""

from __future__ import annotations

import threading
import time
import weakref
from typing import TYPE_CHECKING, Final

from ._memory import resident_bytes


if TYPE_CHECKING:
    from collections.abc import Callable

    from ._budget import Budget


_POLL_SECONDS: Final = 0.005
_perf_counter = time.perf_counter


class Signal:
    """
    An iterator whose every item calls *action*: what counting code meets
    when the watchdog wants a real check (``tick``) or after the last step
    of a call (``spent``).
    """

    __slots__ = ("_action",)

    def __init__(self, action: Callable[[], object]) -> None:
        self._action = action

    def __iter__(self) -> Signal:
        return self

    def __next__(self) -> None:
        self._action()


class Watchdog:
    """
    One daemon thread that flags overdue budgets.
    """

    def __init__(self) -> None:
        self._budgets: weakref.WeakSet[Budget] = weakref.WeakSet()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        # What the process held at the last look (0 before the first): a
        # call starting reads it as its base.
        self.resident = 0

    def watch(self, budget: Budget) -> None:
        if not self.resident and budget.memory_bytes is not None:
            # A first look now: a call may start before the thread's.
            self.resident = resident_bytes() or 0
        with self._lock:
            self._budgets.add(budget)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="acc-plugins-watchdog", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        while True:
            time.sleep(_POLL_SECONDS)
            now = _perf_counter()
            with self._lock:
                budgets = list(self._budgets)
            active = [budget for budget in budgets if budget.active]
            for budget in active:
                if budget.overdue(now):
                    budget.alarm()
            if any(b.memory_bytes is not None for b in budgets):
                self._watch_memory(active)

    def _watch_memory(self, active: list[Budget]) -> None:
        resident = resident_bytes()
        if resident is None:
            return
        self.resident = resident
        watched = [b for b in active if b.memory_bytes is not None]
        if not watched:
            return
        # Every call running now may have caused the growth: together
        # they may grow the process by the sum of their budgets.
        allowed = sum(b.memory_bytes or 0 for b in watched)
        for budget in watched:
            budget.watch_memory(resident, allowed)


WATCHDOG: Final = Watchdog()  # its thread starts with the first budget

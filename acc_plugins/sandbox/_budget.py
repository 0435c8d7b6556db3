"""
Time budgets for plugin code, enforced without signals or async exceptions.

Each sandbox has one ``Budget``.  The host marks when calls into the plugin
start and end; a single watchdog thread (started on first use) flags a
budget whose current calls have run too long.  Compiled plugin code checks
the flag at every loop iteration and function entry (an attribute read),
and only when it is set calls ``Budget.tick``, which checks the clock
precisely and raises ``BudgetExceeded`` *from plugin code*.  Nothing is
ever injected into host code.

``active`` is updated with plain ``+=``: under the GIL no thread switch
happens inside that bytecode sequence (the interpreter only switches at
calls and backward jumps), so concurrent calls from several host threads
keep it exact.  Free-threaded builds would need a lock here.

What this cannot stop: a single long operation in C (``sum(range(10**12))``,
``"x" * 10**10``) runs to its end before the next check.  Those are the
isolated tier's job, or refused before they run.
"""

from __future__ import annotations

import threading
import time
import weakref
from typing import Final, NoReturn

from acc_plugins.errors import BudgetExceeded


_POLL_SECONDS: Final = 0.005
_perf_counter = time.perf_counter


class Budget:
    """
    The time budget of one plugin.

    Attributes:
        timeout: Seconds one outermost call into the plugin may take.

        active: How many calls into the plugin are running now.

        since: When the oldest running call started (``perf_counter``).

        expired: Set by the watchdog, and whenever no call is active; a
            hint plugin code checks cheaply.

        breaches: How many times the budget ran out.
    """

    __slots__ = (
        "__weakref__",
        "active",
        "breaches",
        "expired",
        "since",
        "timeout",
    )

    def __init__(self, timeout: float) -> None:
        if not timeout > 0:
            msg = "timeout must be positive"
            raise ValueError(msg)
        self.timeout = timeout
        self.active = 0
        self.since = 0.0
        # Set whenever no call is active: plugin code that runs then (a
        # generator's finally when the host drops it) stops at once.
        self.expired = True
        self.breaches = 0
        _watchdog().watch(self)

    def __repr__(self) -> str:
        return f"<Budget timeout={self.timeout}s active={self.active}>"

    def enter(self, now: float) -> None:
        """
        A call into the plugin starts at *now*.
        """
        if not self.active:
            self.since = now
            self.expired = False
        self.active += 1

    def leave(self) -> None:
        """
        A call into the plugin ended (however it ended).
        """
        self.active -= 1
        if not self.active:
            self.expired = True

    def tick(self) -> bool:
        """
        Plugin code saw the flag: raise if the budget is really spent.

        Returns:
            True, so that the check can sit in a comprehension's filter.
        """
        if not self.active:
            self.breaches += 1
            resource, unit = "time", "ms"
            why = (
                "plugin code ran outside any call "
                "(a finalizer or a dropped generator)"
            )
            raise BudgetExceeded(resource, 0, unit, why)
        if _perf_counter() - self.since > self.timeout:
            self.breaches += 1
            self._raise()
        self.expired = False  # a stale flag from a call that has ended
        return True

    def _raise(self) -> NoReturn:
        resource, unit = "time", "ms"
        raise BudgetExceeded(resource, self.timeout * 1000, unit)


class _Watchdog:
    """
    One daemon thread that flags overdue budgets.
    """

    def __init__(self) -> None:
        self._budgets: weakref.WeakSet[Budget] = weakref.WeakSet()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def watch(self, budget: Budget) -> None:
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
            for budget in budgets:
                if budget.active and now - budget.since > budget.timeout:
                    budget.expired = True


_WATCHDOG: Final = _Watchdog()  # its thread starts with the first budget


def _watchdog() -> _Watchdog:
    return _WATCHDOG

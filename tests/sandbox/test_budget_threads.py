"""
Every call has its own time budget: calls overlapping from other threads
neither shorten nor lengthen it, and a call nested on the same thread is
part of the outer one.
"""

import threading
import time
from collections.abc import Callable

import pytest
from tests.host.test_host import started_host, write_plugin

from acc_plugins.errors import BudgetExceeded
from acc_plugins.sandbox._budget import Budget


def _in_thread(action: Callable[[], object]) -> object:
    """Run *action* on another thread; return what it returned or raised."""
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(action())
        except BaseException as exc:  # noqa: BLE001 -- handed back to the test
            outcome.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return outcome[0]


def test_an_overdue_call_does_not_fail_a_fresh_one_beside_it():
    """The old call is stopped, the new one on another thread goes on."""
    budget = Budget(timeout=1.0)
    budget.enter(time.perf_counter() - 100)  # running for 100 s, here
    fresh_started = threading.Event()
    go_on = threading.Event()

    def fresh() -> object:
        budget.enter(time.perf_counter())
        fresh_started.set()
        go_on.wait()
        try:
            return budget.tick()
        finally:
            budget.leave()

    outcome: list[object] = []
    other = threading.Thread(target=lambda: outcome.append(fresh()))
    other.start()
    fresh_started.wait()
    try:
        assert budget.active == 2
        with pytest.raises(BudgetExceeded):
            budget.tick()
    finally:
        go_on.set()
        other.join()
        budget.leave()

    assert outcome == [True]
    assert budget.active == 0
    assert budget.owner is None
    assert budget.expired


def test_the_oldest_call_leaving_hands_over_to_the_next():
    """When the first call ends, a later one's own start is what counts."""
    budget = Budget(timeout=1.0)
    started = time.perf_counter()
    budget.enter(started)
    entered = threading.Event()
    release = threading.Event()

    def later() -> object:
        budget.enter(started + 0.5)
        entered.set()
        release.wait()
        try:
            return (budget.owner == threading.get_ident(), budget.since)
        finally:
            budget.leave()

    outcome: list[object] = []
    other = threading.Thread(target=lambda: outcome.append(later()))
    other.start()
    entered.wait()
    budget.leave()
    release.set()
    other.join(timeout=60)

    assert outcome == [(True, started + 0.5)]
    assert budget.active == 0


def test_a_nested_call_on_the_same_thread_is_part_of_the_outer_one():
    """A plugin calling its own tool through the host: one budget."""
    budget = Budget(timeout=1.0)
    budget.enter(time.perf_counter() - 100)
    budget.enter(time.perf_counter())
    assert budget.depth == 2
    with pytest.raises(BudgetExceeded):
        budget.tick()
    budget.leave()
    budget.leave()
    assert (budget.active, budget.depth, budget.owner) == (0, 0, None)


def test_a_thread_running_no_call_is_outside_any_call():
    """Plugin code run by a thread with no call of its own stops at once."""
    budget = Budget(timeout=1.0)
    budget.enter(time.perf_counter())

    outcome = _in_thread(budget.tick)

    budget.leave()
    assert isinstance(outcome, BudgetExceeded)
    assert "outside any call" in str(outcome)


def test_overlapping_calls_each_bring_their_steps():
    """Steps are a pool the running calls fill: one call's share each."""
    budget = Budget(timeout=5.0, steps=100)
    budget.enter(time.perf_counter())
    entered = threading.Event()
    release = threading.Event()

    def second() -> None:
        budget.enter(time.perf_counter())
        entered.set()
        release.wait()
        budget.leave()

    other = threading.Thread(target=second)
    other.start()
    entered.wait()
    try:
        for _ in range(200):  # both calls' steps, on this thread
            next(budget.steps)
        with pytest.raises(BudgetExceeded, match="steps"):
            next(budget.steps)
    finally:
        release.set()
        other.join()
        budget.leave()


QUICK = """
from acc_plugins.sdk import Plugin, tool

class Main(Plugin):
    @tool
    def quick(self, n: int) -> int:
        total = 0
        for i in range(n):
            total += i
        return total
"""


@pytest.mark.parametrize("fast_path", [True, False])
def test_a_host_call_beside_an_overdue_one_succeeds(tmp_path, fast_path):
    """
    A tool call from one thread while another thread's call into the same
    plugin has outlived its budget: the overdue one is stopped, this one
    runs to its end, and the plugin is not charged a breach for it.
    """
    write_plugin(tmp_path / "plugins", "busy", QUICK)
    host = started_host(tmp_path)
    try:
        sandbox = host._plugins.records["busy"].sandbox
        assert sandbox is not None
        budget = sandbox.budget
        if not fast_path:
            host._table["busy.quick"] = host._plugins.registry.tools[
                "busy.quick"
            ].call
        ready = threading.Event()
        done = threading.Event()

        def overdue_call() -> None:
            budget.enter(time.perf_counter() - 100)
            ready.set()
            done.wait()
            budget.leave()

        other = threading.Thread(target=overdue_call)
        other.start()
        ready.wait()
        budget.alarm()  # as the watchdog would, at once
        try:
            assert host.call_tool("busy.quick", n=1000) == 499500
        finally:
            done.set()
            other.join()
        assert budget.breaches == 0
        assert budget.active == 0
        assert host.call_tool("busy.quick", n=10) == 45
    finally:
        host.stop()

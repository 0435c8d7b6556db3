"""
Memory built up step by step: the watchdog sees the process grow during a
call by more than the memory budget, and the plugin stops at its next
check.
"""

import textwrap
import time

import pytest

from acc_plugins.errors import BudgetExceeded
from acc_plugins.sandbox import Budget, Sandbox
from acc_plugins.sandbox._memory import resident_bytes


HOARDER = """
def run():
    hoard = []
    while True:
        hoard.append("y" * 10000 + str(len(hoard)))
"""

MiB = 2**20


@pytest.mark.skipif(resident_bytes() is None, reason="no memory figure here")
def test_memory_built_up_in_a_loop_stops_the_call(tmp_path):
    (tmp_path / "m.py").write_text(HOARDER)
    # A clock far from what the loop needs to reach the memory budget (a
    # tenth of a second here), however busy the machine.
    sandbox = Sandbox(tmp_path, "hoarder", timeout=30, memory_mb=48)
    module = sandbox.import_module("m")
    before = resident_bytes()

    with pytest.raises(
        BudgetExceeded, match="memory budget of 48 MiB"
    ) as stop:
        sandbox.run(module.run)

    # Stopped by memory, not by its clock, and near its budget: the
    # watchdog looks every 5 ms.
    assert stop.value.resource == "memory"
    after = resident_bytes()
    assert before is not None
    assert after is not None
    assert after - before < 4 * 48 * MiB
    assert sandbox.budget.breaches == 1

    # The next call measures from where the process is now.
    (tmp_path / "n.py").write_text(
        textwrap.dedent(
            """
            def run():
                return sum(len(str(i)) for i in range(100000))
            """
        )
    )
    assert sandbox.run(sandbox.import_module("n").run) == 488890


def unwatched_budget():
    """
    A budget the real watchdog leaves alone (it has no memory budget of
    its own), so that these tests alone say what the process holds.
    """
    return Budget(60)


def enter_unseen(budget):
    """
    Start a call as if the watchdog had not looked yet: its first look
    is the call's base.
    """
    budget.enter(time.perf_counter())
    budget.memory_base = 0


def test_growth_within_the_calls_budgets_is_allowed():
    budget = unwatched_budget()
    enter_unseen(budget)
    budget.watch_memory(100 * MiB, 10 * MiB)  # first look: the base
    budget.watch_memory(109 * MiB, 10 * MiB)

    assert budget.tick() is True

    budget.watch_memory(111 * MiB, 10 * MiB)
    with pytest.raises(BudgetExceeded, match="grew by 11 MiB"):
        budget.tick()
    budget.leave()


def test_calls_running_together_share_the_blame_and_the_allowance():
    budget = unwatched_budget()
    enter_unseen(budget)
    budget.watch_memory(100 * MiB, 30 * MiB)
    budget.watch_memory(125 * MiB, 30 * MiB)  # within the sum of budgets

    assert budget.tick() is True
    budget.leave()


def test_each_call_measures_from_its_own_start():
    budget = unwatched_budget()
    enter_unseen(budget)
    budget.watch_memory(100 * MiB, 10 * MiB)
    budget.watch_memory(200 * MiB, 10 * MiB)  # alarmed ...
    budget.leave()  # ... but the call ended first
    enter_unseen(budget)
    budget.watch_memory(200 * MiB, 10 * MiB)  # a new base

    assert budget.tick() is True
    budget.leave()


def test_a_call_measures_from_the_watchs_last_look_before_it(monkeypatch):
    """
    The watchdog's first look during a call may come seconds late, when a
    plugin holds the interpreter in long C operations: growth since the
    look before the call began counts.
    """
    from acc_plugins.sandbox._budget import watchdog_of

    # Far above what the process holds, should the real watchdog look
    # again between these lines.
    monkeypatch.setattr(watchdog_of(), "resident", 10 * 2**30)
    budget = unwatched_budget()
    budget.enter(time.perf_counter())
    budget.watch_memory(10 * 2**30 + 11 * MiB, 10 * MiB)  # a late look
    with pytest.raises(BudgetExceeded, match="grew by"):
        budget.tick()
    budget.leave()

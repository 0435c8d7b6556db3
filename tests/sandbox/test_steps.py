"""
Steps budgets: a CPU budget that does not depend on the machine's speed.
Every loop iteration, comprehension item and call of plugin code is one
step; a call that takes more than its budget stops, exactly there.
"""

import textwrap
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acc_plugins.errors import BudgetExceeded
from acc_plugins.sandbox import BytecodeCache, Sandbox

from .test_budget import (
    BOMBS,
    HANG,
    LINGERING,
    MAX_CPU,
    ROOMY_MB,
    TIMEOUT,
    call_with_budget,
)


COUNTED = """
def run(n):
    total = 0
    for i in range(n):
        total += i
    return total
"""

# A generous wall-clock budget: these tests are about steps.
LONG = 60.0


def counting_sandbox(tmp_path, source, steps, *, timeout=LONG, **options):
    (tmp_path / "m.py").write_text(textwrap.dedent(source))
    return Sandbox(tmp_path, "steps", timeout=timeout, steps=steps, **options)


def run_counted(sandbox, *args):
    budget = sandbox.budget
    budget.enter(time.perf_counter())
    try:
        return sandbox.import_module("m").run(*args)
    finally:
        budget.leave()


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_runaway_code_runs_out_of_steps(tmp_path, name):
    """Every time-budget bomb also stops on steps, long before its clock."""
    sandbox = counting_sandbox(tmp_path, BOMBS[name], 100_000)
    cpu = time.thread_time()

    with pytest.raises(BudgetExceeded, match="budget of 100000 steps") as stop:
        call_with_budget(sandbox)

    assert stop.value.resource == "steps"  # not the clock, however slow
    assert time.thread_time() - cpu < 5
    assert sandbox.budget.breaches >= 1
    assert sandbox.budget.active == 0


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_counting_code_still_stops_on_time(tmp_path, name):
    """With steps counted, the watchdog's time budget still holds."""
    sandbox = counting_sandbox(
        tmp_path, BOMBS[name], 10**12, timeout=TIMEOUT, memory_mb=ROOMY_MB
    )
    wall, cpu = time.perf_counter(), time.thread_time()

    with pytest.raises(BudgetExceeded, match="time budget of 100 ms") as stop:
        call_with_budget(sandbox)

    # The same bounds as without counting (see test_budget.py).
    assert stop.value.resource == "time"
    assert time.thread_time() - cpu < MAX_CPU
    assert time.perf_counter() - wall < HANG


@settings(max_examples=60, deadline=None)
@given(n=st.integers(0, 3000), limit=st.integers(1, 3000))
def test_steps_are_exact_and_independent_of_speed(tmp_path_factory, n, limit):
    """
    One call of run() plus n iterations is n + 1 steps: within the budget
    it returns, past it it stops, and the count never varies.
    """
    sandbox = counting_sandbox(tmp_path_factory.mktemp("s"), COUNTED, limit)

    if n + 1 <= limit:
        assert run_counted(sandbox, n) == sum(range(n))
        assert sandbox.budget.last_steps == n + 1
    else:
        with pytest.raises(BudgetExceeded, match="steps"):
            run_counted(sandbox, n)
        assert sandbox.budget.last_steps == limit


def test_each_call_starts_with_a_full_budget(tmp_path):
    sandbox = counting_sandbox(tmp_path, COUNTED, 1_000)

    for _ in range(5):
        assert run_counted(sandbox, 900) == sum(range(900))

    assert sandbox.budget.last_steps == 901
    assert sandbox.budget.breaches == 0


def test_comprehensions_lambdas_and_calls_count(tmp_path):
    source = """
    def double(x):
        return 2 * x

    def run():
        items = [double(x) for x in range(10)]       # 10 items + 10 calls
        ordered = sorted(items, key=lambda x: -x)     # 10 lambda calls
        return sum(x for x in ordered if x)           # 9 items pass `if x`
    """
    sandbox = counting_sandbox(tmp_path, source, 1_000)

    assert run_counted(sandbox) == 90
    # run() itself and the 39 above: an item that an earlier filter
    # drops is not counted, and a comprehension's own frame is not a call.
    assert sandbox.budget.last_steps == 1 + 39


def test_plugin_cannot_shadow_the_counter(tmp_path):
    """Rebinding next() in plugin code does not stop the counting."""
    source = """
    def next(*args):
        return None

    def run():
        while True:
            pass
    """
    sandbox = counting_sandbox(tmp_path, source, 10_000)

    with pytest.raises(BudgetExceeded, match="10000 steps"):
        run_counted(sandbox)


def test_steps_cannot_be_caught(tmp_path):
    source = """
    def run():
        caught = 0
        while True:
            try:
                while True:
                    pass
            except BaseException:
                caught += 1
    """
    sandbox = counting_sandbox(tmp_path, source, 10_000)

    with pytest.raises(BudgetExceeded, match="steps"):
        run_counted(sandbox)


def test_counting_code_outside_any_call_stops_at_once(tmp_path):
    sandbox = counting_sandbox(tmp_path, LINGERING, 10**9)
    module = sandbox.import_module("m")

    with pytest.raises(BudgetExceeded, match="outside any call"):
        module.held.close()


def test_the_cache_keeps_both_shapes_apart(tmp_path):
    """Code compiled to count steps is never served to a sandbox that
    does not count them, and the other way around."""
    source = "def run():\n    for _ in range(3):\n        pass\n"
    cache = BytecodeCache(tmp_path / "cache")
    counting = cache.compile(source, "m.py", count_steps=True)
    plain = cache.compile(source, "m.py")

    assert cache.misses == 2
    assert "__acc_next__" in counting.co_consts[0].co_names
    assert "__acc_next__" not in plain.co_consts[0].co_names
    assert cache.compile(source, "m.py", count_steps=True).co_consts[
        0
    ].co_names == (counting.co_consts[0].co_names)
    assert cache.hits == 1


def test_a_budget_without_steps_counts_nothing(tmp_path):
    (tmp_path / "m.py").write_text(COUNTED)
    sandbox = Sandbox(tmp_path, "plain", timeout=LONG)

    assert run_counted(sandbox, 100) == sum(range(100))
    assert sandbox.budget.counts_steps is False
    assert sandbox.budget.last_steps == 0

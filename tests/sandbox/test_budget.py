"""
Time budgets: runaway plugin code stops within its budget (plus the
watchdog's polling slack), and plugin code cannot catch the stop.
"""

import textwrap
import time

import pytest

from acc_plugins.errors import BudgetExceeded
from acc_plugins.sandbox import Sandbox


BOMBS = {
    "while_true": "def run():\n    while True:\n        pass\n",
    "infinite_for": "import itertools\ndef run():\n    for _ in itertools.count():\n        pass\n",
    "comprehension": "import itertools\ndef run():\n    return [x for x in itertools.count()]\n",
    "generator": (
        "import itertools\n"
        "def numbers():\n    yield from itertools.count()\n"
        "def run():\n    return sum(1 for _ in numbers())\n"
    ),
    "recursion_loop": (
        "def deep(n):\n    if n > 500:\n        return deep(0)\n    return deep(n + 1)\n"
        "def run():\n    try:\n        return deep(0)\n    except RecursionError:\n        return run()\n"
    ),
    "catch_and_retry": (
        "def run():\n    while True:\n        try:\n            while True:\n                pass\n"
        "        except BaseException:\n            pass\n"
    ),
    "loop_in_finally": (
        "def run():\n    try:\n        while True:\n            pass\n    finally:\n"
        "        while True:\n            pass\n"
    ),
    "lambda_called_from_c": (
        "def run():\n    return max(map(lambda x: -x, range(10**7)))\n"
    ),
    "lambda_mapped_over_count": (
        "import itertools\n"
        "def run():\n    return sum(map(lambda x: 1, itertools.count()))\n"
    ),
    "swallowing_with": (
        "class Swallow:\n    def __enter__(self):\n        return self\n"
        "    def __exit__(self, *exc):\n        return True\n"
        "def run():\n    while True:\n        with Swallow():\n            while True:\n                pass\n"
    ),
}

TIMEOUT = 0.1


def call_with_budget(sandbox: Sandbox) -> None:
    budget = sandbox.budget
    budget.enter(time.perf_counter())
    try:
        sandbox.import_module("m").run()
    finally:
        budget.leave()


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_runaway_code_stops_within_twice_its_budget(tmp_path, name):
    """Loops, comprehensions, generators, recursion: all stopped."""
    (tmp_path / "m.py").write_text(BOMBS[name])
    sandbox = Sandbox(tmp_path, "bomb", timeout=TIMEOUT)
    started = time.perf_counter()

    with pytest.raises(BudgetExceeded, match="time budget of 100 ms"):
        call_with_budget(sandbox)

    elapsed = time.perf_counter() - started
    assert elapsed < 2 * TIMEOUT + 0.05
    assert sandbox.budget.breaches >= 1
    assert sandbox.budget.active == 0


def test_module_level_loops_are_stopped_at_import(tmp_path):
    """Running a module counts against the budget too."""
    (tmp_path / "m.py").write_text("while True:\n    pass\n")
    sandbox = Sandbox(tmp_path, "bomb", timeout=TIMEOUT)

    with pytest.raises(BudgetExceeded):
        sandbox.import_module("m")


def test_fast_code_is_not_stopped(tmp_path):
    """A budget only stops what overruns it, and a stale flag is harmless."""
    (tmp_path / "m.py").write_text(
        textwrap.dedent(
            """
            def run():
                return sum(i for i in range(1000))
            """
        )
    )
    sandbox = Sandbox(tmp_path, "quick", timeout=TIMEOUT)
    sandbox.budget.expired = True  # as if the watchdog had been late

    call_with_budget(sandbox)

    assert sandbox.budget.breaches == 0
    assert sandbox.budget.expired is True  # armed while no call is active


LINGERING = """
def forever():
    try:
        yield 1
    finally:
        while True:
            pass

held = forever()
next(held)
"""


def test_plugin_code_outside_any_call_stops_at_once(tmp_path):
    """A generator's finally that runs when the host drops it is stopped."""
    (tmp_path / "m.py").write_text(LINGERING)
    sandbox = Sandbox(tmp_path, "lingering", timeout=TIMEOUT)
    module = sandbox.import_module("m")
    started = time.perf_counter()

    with pytest.raises(BudgetExceeded, match="outside any call"):
        module.held.close()

    assert time.perf_counter() - started < TIMEOUT

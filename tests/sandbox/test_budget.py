"""
Time budgets: runaway plugin code stops within its budget (plus the
watchdog's polling slack), and plugin code cannot catch the stop.

The budget is wall-clock time, which a busy neighbour stretches at will.
So the tests assert what stopped the code (the budget's ``resource``),
bound the *CPU time* the runaway burnt (load can only lower it), and keep
wall-clock bounds only to prove the host does not hang, with room to
spare.
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

# CPU time a runaway may burn: twice its budget, plus a garbage collection
# that holds the GIL while the watchdog waits (the recursion bomb leaves
# a million traceback objects behind; that alone took 0.3 s here), plus
# the time the watchdog's thread waits for a core on a busy machine while
# the runaway keeps its own (0.53 s in all was seen under load with steps
# counted).  Ten budgets: a watchdog that did not stop it would let it
# run on until the wall-clock bound below.
MAX_CPU = 10 * TIMEOUT

# Wall-clock time only shows that the host does not hang.
HANG = max(10 * TIMEOUT, 5.0)

# For code that must not be stopped: no neighbour delays it this long.
GENEROUS = 30.0

# A memory budget far from what the bombs that build lists reach in
# their time (40 MiB here), so that the clock is what stops them.
ROOMY_MB = 4096


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
    sandbox = Sandbox(tmp_path, "bomb", timeout=TIMEOUT, memory_mb=ROOMY_MB)
    wall, cpu = time.perf_counter(), time.thread_time()

    with pytest.raises(BudgetExceeded, match="time budget of 100 ms") as stop:
        call_with_budget(sandbox)

    cpu = time.thread_time() - cpu
    wall = time.perf_counter() - wall
    assert stop.value.resource == "time"
    assert cpu < MAX_CPU
    assert wall < HANG
    assert sandbox.budget.breaches >= 1
    assert sandbox.budget.active == 0


def test_module_level_loops_are_stopped_at_import(tmp_path):
    """Running a module counts against the budget too."""
    (tmp_path / "m.py").write_text("while True:\n    pass\n")
    sandbox = Sandbox(tmp_path, "bomb", timeout=TIMEOUT)

    with pytest.raises(BudgetExceeded) as stop:
        sandbox.import_module("m")

    assert stop.value.resource == "time"


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
    sandbox = Sandbox(tmp_path, "quick", timeout=GENEROUS)
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
    sandbox = Sandbox(tmp_path, "lingering", timeout=GENEROUS)
    module = sandbox.import_module("m")
    cpu = time.thread_time()

    with pytest.raises(BudgetExceeded, match="outside any call") as stop:
        module.held.close()

    # At once, whatever the budget: no watchdog is involved.
    assert time.thread_time() - cpu < 0.1
    assert stop.value.resource == "time"

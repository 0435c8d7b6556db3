"""
The resource bombs again, in the isolated tier: each is contained within
its budget or the worker's operating-system limit, the host survives, and
a plugin beside it still answers.
"""

import contextlib
import textwrap
import time

import pytest
from tests.host.test_host import write_plugin

from acc_plugins.errors import PluginCallError
from acc_plugins.host import PluginHost, State
from acc_plugins.host.isolation import _isolated


BOMBS = {
    "infinite_while": "while True:\n    pass",
    "recursion_that_catches_recursion_error": (
        "def down(n):\n"
        "    try:\n        return down(n + 1)\n"
        "    except RecursionError:\n        return down(n + 1)\n"
        "return down(0)"
    ),
    "memory_growth": (
        "chunks = []\nwhile True:\n    chunks.append('x' * (8 * 1024 * 1024))"
    ),
    "big_repetition": "return len('a' * 10**10)",
    "big_exponent": "return 10 ** 10**9",
    "big_shift": "return 1 << 10**10",
    "output_flood": "return 'x' * (4 * 1024 * 1024)",
    "regex_backtracking": "return bool(re.match(r'(a+)+$', 'a' * 64 + 'b'))",
    "sort_in_c": "return len(sorted(range(10**7), key=lambda x: -x))",
    "sums_in_c": "return max(map(sum, [range(10**7)] * 1000))",
}
# The sandbox's regex engine may answer this one at once, without
# backtracking: contained as well.
MAY_ANSWER = {"regex_backtracking"}

TIMEOUT_MS = 500


def _bomb_plugin(root, body):
    source = (
        "import re\nfrom acc_plugins.sdk import Plugin, tool\n\n"
        "class Main(Plugin):\n    @tool\n    def go(self) -> object:\n"
        + textwrap.indent(body, " " * 8)
        + "\n"
    )
    limits = (
        'isolation = "subprocess"\n\n[limits]\n'
        f"timeout-ms = {TIMEOUT_MS}\nmemory-mb = 128\noutput-bytes = 1048576\n"
    )
    write_plugin(root, "bomb", source, extra=limits)


BYSTANDER = """
from acc_plugins.sdk import Plugin, tool

class Main(Plugin):
    @tool
    def ping(self) -> str:
        return "pong"
"""


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_each_bomb_is_contained_in_its_worker(tmp_path, name):
    _bomb_plugin(tmp_path / "plugins", BOMBS[name])
    write_plugin(tmp_path / "plugins", "bystander", BYSTANDER)
    with PluginHost(
        [tmp_path / "plugins"],
        cache_dir=tmp_path / "cache",
        data_dir=tmp_path / "data",
    ) as host:
        assert host.state("bomb") is State.ACTIVE

        started = time.monotonic()
        if name in MAY_ANSWER:
            with contextlib.suppress(PluginCallError):
                host.call_tool("bomb.go")
        else:
            with pytest.raises(PluginCallError):
                host.call_tool("bomb.go")
        elapsed = time.monotonic() - started

        # In the worker: twice the budget; past that the host's deadline
        # (budget + 2 s) ends the worker itself.
        assert elapsed < TIMEOUT_MS / 1000 + 2 + 0.5
        assert host.call_tool("bystander.ping") == "pong"
        assert host.state("bystander") is State.ACTIVE


LOOPS_AT_LOAD = """
import itertools

from acc_plugins.sdk import Plugin, tool

# Module-level code that spends minutes inside one call into C (a C
# consumer of C iterators: no callback that could check the budget).
TOTAL = max(itertools.chain.from_iterable([range(10**7)] * 1000))

class Main(Plugin):
    @tool
    def go(self) -> int:
        return TOTAL
"""


def test_a_load_that_loops_in_c_meets_the_load_deadline(tmp_path):
    """Loading has the deadline of a call: the time budget plus slack."""
    write_plugin(
        tmp_path / "plugins",
        "stuck",
        LOOPS_AT_LOAD,
        extra=f'isolation = "subprocess"\n\n[limits]\ntimeout-ms = {TIMEOUT_MS}\n',
    )
    write_plugin(tmp_path / "plugins", "bystander", BYSTANDER)
    host = PluginHost(
        [tmp_path / "plugins"],
        cache_dir=tmp_path / "cache",
        data_dir=tmp_path / "data",
    )
    started = time.monotonic()
    host.start()
    elapsed = time.monotonic() - started
    try:
        assert host.state("stuck") is State.ERROR
        error = host.info("stuck").last_error
        assert error is not None
        assert "did not load within its time limit" in error.message
        assert host.call_tool("bystander.ping") == "pong"
    finally:
        host.stop()

    # Not the start-up allowance (30 s) of before: the deadline, 2.5 s,
    # after a start-up of about 0.3 s, with room for a loaded machine.
    deadline = TIMEOUT_MS / 1000 + _isolated._SLACK_SECONDS
    assert elapsed < 3 * deadline + 2


MEMORY_IN_C = """
from acc_plugins.sdk import Plugin, tool

class Main(Plugin):
    @tool
    def block(self) -> int:
        # One allocation of about 80 MB, then 280 MB of numbers.
        return len(list(range(10**7)))

    @tool
    def growing(self) -> int:
        # A set that grows, in C, towards some 500 MB.
        return len(set(range(10**7)))

    @tool
    def ping(self) -> str:
        return "pong"
"""


@pytest.mark.parametrize("tool", ["block", "growing"])
def test_a_small_memory_budget_holds_in_the_worker(tmp_path, tool):
    """With memory-mb = 32 the worker never grows past its size plus
    twice the budget, even by calls into C no check sees."""
    write_plugin(
        tmp_path / "plugins",
        "greedy",
        MEMORY_IN_C,
        extra='isolation = "subprocess"\n\n[limits]\nmemory-mb = 32\n',
    )
    with PluginHost(
        [tmp_path / "plugins"],
        cache_dir=tmp_path / "cache",
        data_dir=tmp_path / "data",
    ) as host:
        worker = host._plugins.records["greedy"].remote
        assert worker is not None
        baseline_kb = worker.confinement["memory"]["rss_kb"]

        with pytest.raises(
            PluginCallError, match=r"MemoryError|the worker died"
        ):
            host.call_tool(f"greedy.{tool}")

        assert 0 < worker.peak_kb < baseline_kb + 2 * 32 * 1024
        if host.state("greedy") is State.ACTIVE:
            assert host.call_tool("greedy.ping") == "pong"

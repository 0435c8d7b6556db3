"""
``[limits] steps`` through the host: in-process and in the isolated tier,
counted into the plugin's statistics and stopped as a budget breach.
"""

import pytest
from tests.host.test_host import BOTH_TIERS, started_host, write_plugin

from acc_plugins.errors import PluginCallError
from acc_plugins.host import State


COUNTER = """
from acc_plugins.sdk import Plugin, tool

class Main(Plugin):
    @tool
    def count(self, n: int) -> int:
        total = 0
        for i in range(n):
            total += i
        return total
"""


@BOTH_TIERS
def test_steps_are_counted_and_enforced(tmp_path, isolation):
    write_plugin(
        tmp_path / "plugins",
        "counter",
        COUNTER,
        extra=f"{isolation}\n[limits]\nsteps = 1000\n",
    )
    host = started_host(tmp_path)
    try:
        assert host.call_tool("counter.count", n=500) == sum(range(500))
        assert host.call_tool("counter.count", n=998) == sum(range(998))
        # The method's own call is one step: 501 + 999.
        assert host.stats()[0].steps == 1500

        with pytest.raises(PluginCallError, match="budget of 1000 steps"):
            host.call_tool("counter.count", n=5000)

        figures = host.stats()[0]
        assert figures.breaches == 1
        assert figures.steps == 1500 + 1000
        # One breach is below the quarantine threshold: still serving.
        assert host.state("counter") is State.ACTIVE
        assert host.call_tool("counter.count", n=10) == 45
    finally:
        host.stop()


def test_plugins_without_steps_count_none(tmp_path):
    write_plugin(tmp_path / "plugins", "counter", COUNTER)
    host = started_host(tmp_path)
    try:
        assert host.call_tool("counter.count", n=10**5) == sum(range(10**5))
        assert host.stats()[0].steps == 0
    finally:
        host.stop()

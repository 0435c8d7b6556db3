"""
The profiler charges steps and time to the plugin's own functions.
"""

import pytest
from tests.debug._kit import host_over
from tests.host.test_host import write_plugin

from acc_plugins.errors import LoadError
from acc_plugins.host.debug._profile import UNLIMITED_STEPS, counting_steps
from acc_plugins.manifest import Limits
from acc_plugins.security import Policy


_SOURCE = """\
from acc_plugins.sdk import Plugin, tool


def inner(n):
    total = 0
    for i in range(n):
        total += i
    return total


def outer(n):
    return inner(n) + sum([x for x in range(n)])


class Main(Plugin):
    @tool
    def work(self, n: int) -> int:
        \"\"\"Loop in three places.\"\"\"
        for _ in range(3):
            n += 0
        return outer(n) + len(self.ctx.plugin)
"""


def _plugin(root, *, extra=""):
    write_plugin(root, "busy", _SOURCE, extra=extra)


def test_steps_are_charged_to_the_function_that_took_them(tmp_path):
    """Loop iterations and entries count where they happen; a
    comprehension counts in the function it is written in."""
    _plugin(tmp_path / "plugins")

    with host_over(tmp_path, policy=counting_steps(Policy())) as host:
        result, profile = host.profile(
            "busy", lambda: host.call_tool("busy.work", n=50)
        )

    rows = {c.function: c for c in profile.functions}
    assert result == sum(range(50)) * 2 + 4
    assert profile.counted
    assert set(rows) == {"Main.work", "outer", "inner"}
    # Entry + 3 iterations; entry + 50 items; entry + 50 iterations.
    assert rows["Main.work"].steps == 4
    assert rows["outer"].steps == 51
    assert rows["inner"].steps == 51
    assert rows["Main.work"].total_steps == 4 + 51 + 51
    assert rows["inner"].location == "main.py:4"
    assert [c.function for c in profile.functions][-1] == "Main.work"
    assert profile.steps == 106
    assert all(c.calls == 1 for c in profile.functions)


def test_a_plugin_that_counts_no_steps_still_gets_times(tmp_path):
    """Without a steps limit or ceiling, functions show time, no steps."""
    _plugin(tmp_path / "plugins")

    with host_over(tmp_path) as host:
        _, profile = host.profile(
            "busy", lambda: host.call_tool("busy.work", n=5)
        )

    assert not profile.counted
    assert {c.function for c in profile.functions} == {
        "Main.work",
        "outer",
        "inner",
    }
    assert all(c.steps == 0 for c in profile.functions)
    assert all(c.total_seconds >= c.seconds >= 0 for c in profile.functions)


def test_an_isolated_plugin_cannot_be_profiled(tmp_path):
    """A worker's code is out of the profiler's sight: one clear error."""
    toml = tmp_path / "plugins" / "busy" / "plugin.toml"
    _plugin(tmp_path / "plugins")
    toml.write_text(
        toml.read_text().replace(
            'kind = "tool"', 'kind = "tool"\nisolation = "subprocess"'
        )
    )

    with (
        host_over(tmp_path) as host,
        pytest.raises(LoadError, match="worker process"),
    ):
        host.profile("busy", lambda: None)


def test_a_steps_ceiling_already_there_is_kept():
    """The counting policy never raises an administrator's ceiling."""
    strict = Policy(ceilings=(("steps", 1000),))

    assert counting_steps(strict) is strict
    assert counting_steps(Policy()).clamp(Limits()).steps == UNLIMITED_STEPS
    assert counting_steps(Policy()).clamp(Limits(steps=9)).steps == 9

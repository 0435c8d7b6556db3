"""
An isolated plugin with dependencies: the host resolves them and serves
them to the worker, whose calls to their tools come back to the host.
"""

import pytest
from tests.host.test_host import BOTH_TIERS, started_host, write_plugin

from acc_plugins.errors import PluginCallError
from acc_plugins.host import State
from acc_plugins.manifest import IsolationMode
from acc_plugins.security import Policy


TEXT_TOOLS = """
from acc_plugins.sdk import Plugin, tool

class Main(Plugin):
    def __init__(self):
        self.count = 0

    @tool
    def upper(self, text: str) -> str:
        self.count += 1
        return text.upper()

    @tool
    def calls(self) -> int:
        return self.count
"""

SHOUTER = """
from acc_plugins.sdk import Plugin, tool

class Main(Plugin):
    @tool
    def shout(self, text: str) -> str:
        return self.ctx.tools.call("text-tools.upper", text=text) + "!"

    @tool
    def reach(self) -> str:
        return self.ctx.tools.call("other.secret")
"""

OTHER = """
from acc_plugins.sdk import Plugin, tool

class Main(Plugin):
    @tool
    def secret(self) -> str:
        return "hidden"
"""

ISOLATED = 'isolation = "subprocess"\n'


def write_three(plugins, dependency_tier, dependent_tier=ISOLATED):
    """
    text-tools (in *dependency_tier*), shouter depending on it (in
    *dependent_tier*), and an unrelated plugin.
    """
    write_plugin(plugins, "text-tools", TEXT_TOOLS, extra=dependency_tier)
    write_plugin(
        plugins,
        "shouter",
        SHOUTER,
        extra=dependent_tier + '\n[dependencies]\ntext-tools = ">=1.0"\n',
    )
    write_plugin(plugins, "other", OTHER)


@BOTH_TIERS
def test_an_isolated_plugin_calls_its_dependency(tmp_path, isolation):
    """Sandboxed or isolated, the dependency serves the worker's calls."""
    write_three(tmp_path / "plugins", isolation)
    host = started_host(tmp_path)
    try:
        assert host.state("shouter") is State.ACTIVE, host.info(
            "shouter"
        ).last_error
        assert host.call_tool("shouter.shout", text="hi") == "HI!"
        # Dispatched by the host to the dependency itself: its state
        # moved, and its stats counted the call.
        assert host.call_tool("text-tools.calls") == 1
        stats = {s.name: s for s in host.stats()}
        assert stats["text-tools"].calls >= 1
    finally:
        host.stop()


def test_a_policy_that_forces_the_worker_tier_keeps_dependencies(tmp_path):
    """Every plugin in a worker: the dependent still loads and calls."""
    write_three(tmp_path / "plugins", "", "")
    host = started_host(
        tmp_path, policy=Policy(isolation=IsolationMode.SUBPROCESS)
    )
    try:
        assert host._plugins.records["shouter"].remote is not None
        assert host._plugins.records["text-tools"].remote is not None
        assert host.state("shouter") is State.ACTIVE
        assert host.call_tool("shouter.shout", text="up") == "UP!"
    finally:
        host.stop()


def test_a_served_dependency_grants_nothing_else(tmp_path):
    """Only the declared dependency is served: other tools stay refused."""
    write_three(tmp_path / "plugins", "")
    host = started_host(tmp_path)
    try:
        with pytest.raises(PluginCallError, match=r"host:tools:other\.secret"):
            host.call_tool("shouter.reach")
    finally:
        host.stop()


def failure_of_shouter(home, dependency, tier):
    """
    Why shouter (in *tier*) failed, beside text-tools written as
    *dependency* (source and version); and that no worker stayed.
    """
    source, version = dependency
    plugins = home / "plugins"
    write_plugin(plugins, "text-tools", source, version=version)
    write_plugin(
        plugins,
        "shouter",
        SHOUTER,
        extra=tier + '\n[dependencies]\ntext-tools = ">=1.0"\n',
    )
    host = started_host(home)
    try:
        assert host.state("shouter") is State.ERROR
        assert host._plugins.records["shouter"].remote is None
        failure = host.info("shouter").last_error
        assert failure is not None
        return failure.message
    finally:
        host.stop()


def test_a_dependency_of_the_wrong_version_is_refused(tmp_path):
    """A dependency outside the specifier is refused, as in-process."""
    message = failure_of_shouter(tmp_path, (TEXT_TOOLS, "0.5.0"), ISOLATED)

    assert "0.5.0" in message


@BOTH_TIERS
def test_a_dependency_that_failed_fails_its_dependent(tmp_path, isolation):
    """In either tier the dependent says which dependency is not active."""
    broken = ("def broken(:\n", "1.0.0")

    message = failure_of_shouter(tmp_path, broken, isolation)

    assert "dependency 'text-tools' is error" in message

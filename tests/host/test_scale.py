"""
Growth with the number of plugins, pinned as a ratio of counted steps,
not a time: starting, reloading and stopping N plugins looks at each
plugin's hooks, manifest and registry names a bounded number of times
each, and an event nobody subscribes to looks at none of them.
"""

from collections import Counter
from typing import TYPE_CHECKING, Any

import pytest
from tests.host.test_host import started_host, write_plugin

from acc_plugins.host.config import _jsonstore
from acc_plugins.host.core import _registry
from acc_plugins.host.core._record import PluginRecord


if TYPE_CHECKING:
    from pathlib import Path

    from acc_plugins.host import PluginHost


SMALL, LARGE = 30, 240  # linear: 8 times the steps; quadratic: 64

TICKER = """
from acc_plugins.sdk import Plugin, hook, tool

class Main(Plugin):
    def __init__(self):
        self.ticks = 0

    @tool
    def ticks_seen(self) -> int:
        return self.ticks

    @hook("scale.tick")
    def tick(self, event):
        self.ticks += 1
"""


def _write(home: "Path", count: int) -> list[str]:
    names = []
    for n in range(count):
        # Every odd plugin needs the one before it: dependents are looked
        # up on each deactivation and reload.
        extra = f'[dependencies]\np{n - 1} = ">=1.0"\n' if n % 2 else ""
        write_plugin(home / "plugins", f"p{n}", TICKER, extra=extra)
        names.append(f"p{n}")
    return names


def _counting(method: str) -> Any:
    real = getattr(dict, method)

    def walk(table: "_Walked", *args: object) -> Any:
        table.steps["registry"] += len(table)
        return real(table, *args)

    return walk


class _Walked(dict[str, Any]):
    """
    A registry table that counts the entries walked over.
    """

    steps: Counter[str]
    __iter__ = _counting("__iter__")
    items = _counting("items")
    keys = _counting("keys")
    values = _counting("values")


@pytest.fixture(name="steps")
def _steps(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """
    Counted steps: reads of a plugin's hooks, worker offer and manifest,
    and registry entries walked over.
    """
    steps: Counter[str] = Counter()
    for field in ("hooks", "remote_offer", "manifest"):
        slot = PluginRecord.__dict__[field]

        def get(record: PluginRecord, slot: Any = slot, field: str = field):
            steps[field] += 1
            return slot.__get__(record, PluginRecord)

        def put(record: PluginRecord, value: object, slot: Any = slot) -> None:
            slot.__set__(record, value)

        monkeypatch.setattr(PluginRecord, field, property(get, put))
    real_init = _registry.Registry.__init__

    def init(registry: _registry.Registry) -> None:
        real_init(registry)
        for table in ("tools", "calls", "agents", "workflows"):
            walked = _Walked(getattr(registry, table))
            walked.steps = steps
            setattr(registry, table, walked)

    monkeypatch.setattr(_registry.Registry, "__init__", init)
    return steps


def _lifecycle_steps(home: "Path", count: int, steps: Counter[str]) -> int:
    names = _write(home, count)
    started_host(home).stop()  # compiled once: the steps below are warm
    steps.clear()
    host = started_host(home)
    assert len(host.tools()) == count
    for name in names:
        host.reload(name)
    host.stop()
    return steps.total()


def test_start_reload_and_stop_grow_linearly(tmp_path, steps):
    """Ten times the plugins take about ten times the steps, not 100."""
    small = _lifecycle_steps(tmp_path / "small", SMALL, steps)
    large = _lifecycle_steps(tmp_path / "large", LARGE, steps)

    assert large / small < 3 * LARGE / SMALL


def _unheard_steps(home: "Path", count: int, steps: Counter[str]) -> int:
    _write(home, count)
    host: PluginHost = started_host(home)
    try:
        steps.clear()
        assert host.emit("nobody.listens", {"n": 1}) == 0
        return steps.total()
    finally:
        host.stop()


def test_an_event_nobody_wants_looks_at_no_plugin(tmp_path, steps):
    """Routing an unsubscribed event costs the same at any size."""
    small = _unheard_steps(tmp_path / "small", SMALL, steps)
    large = _unheard_steps(tmp_path / "large", LARGE, steps)

    assert small == large == 0


def test_a_first_start_writes_the_grants_once(tmp_path, monkeypatch):
    """First sight of many plugins is one write of grants.json."""
    _write(tmp_path, 12)
    writes: list[str] = []
    real_update = _jsonstore.JsonStore.update

    def update(store: _jsonstore.JsonStore, *args: Any, **kwargs: Any) -> Any:
        writes.append(store.path.name)
        return real_update(store, *args, **kwargs)

    monkeypatch.setattr(_jsonstore.JsonStore, "update", update)
    started_host(tmp_path).stop()
    first = writes.count("grants.json")
    started_host(tmp_path).stop()

    assert first == 1
    assert writes.count("grants.json") == first

"""
Events: tool.called for whoever listens (and no wrapper for nobody),
plugin events namespaced by plugin, and the documented delivery order.
"""

from typing import TYPE_CHECKING

import pytest
from tests.host.test_host import ECHO, HOOKS, started_host, write_plugin

from acc_plugins.errors import PluginCallError
from acc_plugins.host import PluginHost, State
from acc_plugins.host.events import _bus as _events


if TYPE_CHECKING:
    from acc_plugins.sdk import Event


WATCHER = """
from acc_plugins.sdk import Plugin, hook, tool

class Main(Plugin):
    def __init__(self):
        self.calls = []

    @hook("tool.called")
    def on_call(self, event):
        if event.payload["plugin"] != "watcher":
            self.calls.append([event.payload["tool"], event.payload["ok"]])

    @tool
    def seen(self) -> list:
        return self.calls
"""


def test_nobody_listening_means_no_wrapper(tmp_path):
    write_plugin(tmp_path / "plugins", "base", ECHO)
    host = started_host(tmp_path)
    try:
        assert (
            host._table["base.echo"]
            is host._plugins.registry.tools["base.echo"].call
        )
        events: list[Event] = []
        host.subscribe(events.append)
        assert (
            host._table["base.echo"]
            is not host._plugins.registry.tools["base.echo"].call
        )
        host.call_tool("base.echo", text="hi")
        called = [e for e in events if e.name == "tool.called"]
        assert [e.payload["tool"] for e in called] == ["base.echo"]
        assert called[0].payload["ok"] is True
        assert called[0].payload["ms"] >= 0
    finally:
        host.stop()


def test_the_last_listener_leaving_takes_the_wrapper_away(tmp_path):
    """After unsubscribe a listener hears nothing; the plain call is back."""
    write_plugin(tmp_path / "plugins", "base", ECHO)
    host = started_host(tmp_path)
    try:
        events: list[Event] = []
        host.subscribe(events.append)
        host.unsubscribe(events.append)
        host.unsubscribe(events.append)  # not subscribed: ignored
        plain = (
            host._table["base.echo"]
            is host._plugins.registry.tools["base.echo"].call
        )
        host.call_tool("base.echo", text="hi")
        host.deactivate("base")

        assert plain
        assert events == []
    finally:
        host.stop()


def test_a_plugin_hook_sees_tool_calls_and_failures(tmp_path):
    plugins = tmp_path / "plugins"
    write_plugin(plugins, "base", ECHO)
    write_plugin(plugins, "watcher", WATCHER)
    host = started_host(tmp_path)
    try:
        host.call_tool("base.echo", text="hi")
        with pytest.raises(PluginCallError):
            host.call_tool("base.echo", text="x", times=-1)
        host.call_tool_text("base.echo", {"text": "t"})
        assert host.call_tool("watcher.seen") == [
            ["base.echo", True],
            ["base.echo", False],
            ["base.echo", True],
        ]
    finally:
        host.stop()


def test_a_failing_hook_is_reported_in_its_log(tmp_path):
    write_plugin(tmp_path / "plugins", "hooks", HOOKS)
    host = started_host(tmp_path)
    try:
        assert host.emit("session.started", {"id": 1}) == 2
        log = "\n".join(host.info("hooks").log)
        assert "hook session.started failed on session.started" in log
        assert "hook bug" in log
        assert host.state("hooks") is State.ACTIVE
    finally:
        host.stop()


ORDERED = """
from acc_plugins.sdk import Plugin, hook

class Main(Plugin):
    @hook("order.*")
    def first(self, event):
        self.ctx.storage.set("NAME-first", len(self.ctx.storage.keys()))

    @hook("order.go")
    def second(self, event):
        self.ctx.storage.set("NAME-second", len(self.ctx.storage.keys()))
"""


def test_delivery_order_is_listeners_then_activation_order_then_declaration(
    tmp_path,
):
    plugins = tmp_path / "plugins"
    write_plugin(plugins, "alpha", ORDERED.replace("NAME", "alpha"))
    write_plugin(
        plugins,
        "beta",
        ORDERED.replace("NAME", "beta"),
        extra='\n[dependencies]\nalpha = ">=1"\n',
    )
    host = started_host(tmp_path)
    order = []
    host.subscribe(lambda e: order.append(("listener", e.name)))
    try:
        assert host.emit("order.go") == 4
        assert order == [("listener", "order.go")]
        assert host.storage.get("alpha", "alpha-first") == "0"
        assert host.storage.get("alpha", "alpha-second") == "1"
        assert host.storage.get("beta", "beta-first") == "0"
        assert host.storage.get("beta", "beta-second") == "1"
    finally:
        host.stop()


EMITTER = """
from acc_plugins.sdk import Plugin, hook, tool

class Main(Plugin):
    def __init__(self):
        self.seen = []

    @hook("emitter.*")
    def mine(self, event):
        self.seen.append([event.name, event.source])

    @tool
    def shout(self) -> int:
        return self.ctx.events.emit("shouted", {"loud": True})

    @tool
    def heard(self) -> list:
        return self.seen
"""


def test_plugin_events_are_namespaced_by_their_plugin(tmp_path):
    write_plugin(
        tmp_path / "plugins",
        "emitter",
        EMITTER,
        extra='\n[permissions]\nhost = ["events.emit"]\n',
    )
    host = started_host(tmp_path)
    events: list[Event] = []
    host.subscribe(events.append)
    try:
        host.call_tool("emitter.shout")
        names = [(e.name, e.source) for e in events if e.name != "tool.called"]
        assert ("emitter.shouted", "emitter") in names
        assert host.call_tool("emitter.heard") == [
            ["emitter.shouted", "emitter"]
        ]
    finally:
        host.stop()


COUNTER = """
from acc_plugins.sdk import Plugin, hook, tool

class Main(Plugin):
    def __init__(self):
        self.seen = 0

    @hook("PATTERN")
    def count(self, event):
        self.seen += 1

    @tool
    def seen_count(self) -> int:
        return self.seen
"""


def test_an_unwanted_event_looks_at_no_hook_twice(tmp_path, monkeypatch):
    """Routes are worked out once per name: later emits match nothing."""
    plugins = tmp_path / "plugins"
    for n in range(5):
        write_plugin(plugins, f"c{n}", COUNTER.replace("PATTERN", "x.*"))
    host = started_host(tmp_path)
    matched: list[str] = []
    real = _events.matches

    def counted(pattern: str, name: str) -> bool:
        matched.append(pattern)
        return real(pattern, name)

    monkeypatch.setattr(_events, "matches", counted)
    try:
        host.emit("nobody.wants")
        first = len(matched)
        for _ in range(3):
            assert host.emit("nobody.wants", {"n": 1}) == 0

        # At most one look at each plugin's hooks (the index needs none).
        assert first <= 5
        assert len(matched) == first
    finally:
        host.stop()


def test_routes_follow_activation_reload_and_deactivation(tmp_path):
    """A route worked out earlier never hides a hook added later."""
    plugins = tmp_path / "plugins"
    write_plugin(plugins, "late", COUNTER.replace("PATTERN", "ping"))
    host = started_host(tmp_path)
    try:
        host.deactivate("late")
        assert host.emit("ping") == 0
        host.activate("late")
        assert host.emit("ping") == 1
        assert host.emit("pong") == 0
        main = plugins / "late" / "main.py"
        main.write_text(main.read_text().replace('"ping"', '"pong"'))
        host.reload("late")
        assert host.emit("ping") == 0
        assert host.emit("pong") == 1
        host.deactivate("late")
        assert host.emit("pong") == 0
    finally:
        host.stop()


def test_a_plugin_hears_the_event_routed_while_it_activated(tmp_path):
    """The activation's own event is routed again once it is in order."""
    plugins = tmp_path / "plugins"
    write_plugin(plugins, "watch", COUNTER.replace("PATTERN", "plugin.*"))
    host = started_host(tmp_path)
    try:
        host.deactivate("watch")
        host.activate("watch")

        assert host.emit("plugin.activated") == 1
    finally:
        host.stop()


def test_made_up_event_names_do_not_grow_the_routes(tmp_path):
    """However many names are emitted, the host keeps a bounded table."""
    write_plugin(tmp_path / "plugins", "c", COUNTER.replace("PATTERN", "*"))
    host = started_host(tmp_path)
    try:
        for n in range(_events.MAX_ROUTES + 10):
            host.emit(f"made.up{n}")

        assert len(host._parts.events.routes) <= _events.MAX_ROUTES
        assert host.call_tool("c.seen_count") == _events.MAX_ROUTES + 10
    finally:
        host.stop()


def test_a_payload_that_is_not_json_is_refused_by_path(tmp_path):
    """An unwanted event's payload is still checked, the path named."""
    host = started_host(tmp_path)
    try:
        with pytest.raises(ValueError) as info:
            host.emit("nobody.wants", {"rows": [1, {2}]})

        assert str(info.value) == (
            "event 'nobody.wants' payload.rows[1]: "
            "a set is not JSON-compatible"
        )
    finally:
        host.stop()


def test_a_listener_from_before_the_start_hears_every_tool(tmp_path):
    """Tools registered after the subscription, or reloaded, still tell."""
    plugins = tmp_path / "plugins"
    write_plugin(plugins, "one", ECHO)
    write_plugin(plugins, "two", ECHO)
    host = PluginHost(
        [plugins],
        cache_dir=tmp_path / "cache",
        data_dir=tmp_path / "data",
        config_dir=tmp_path / "config",
    )
    events: list[Event] = []
    host.subscribe(events.append)
    host.start()
    try:
        host.call_tool("one.echo", text="a")
        host.reload("two")
        host.call_tool("two.echo", text="b")

        called = [e.payload["tool"] for e in events if e.name == "tool.called"]
        assert called == ["one.echo", "two.echo"]
    finally:
        host.stop()


MUTATOR = """
from acc_plugins.sdk import Plugin, hook, tool

class Main(Plugin):
    def __init__(self):
        self.seen = []

    @hook("app.*")
    def first(self, event):
        self.seen.append(list(event.payload["items"]))
        event.payload["items"].append("first")

    @hook("app.tick")
    def second(self, event):
        self.seen.append(list(event.payload["items"]))
        event.payload["items"].append("second")

    @tool
    def log(self) -> list:
        return self.seen
"""


def test_each_hook_sees_the_payload_as_emitted(tmp_path):
    """
    The last hook in line may take the host's copy, but no hook sees what
    another did to its payload, and neither does a host listener or the
    emitter.
    """
    write_plugin(tmp_path / "plugins", "mutator", MUTATOR)
    host = started_host(tmp_path)
    try:
        payload: dict[str, list[str]] = {"items": []}
        assert host.emit("app.tick", payload) == 2
        host.emit("app.other", payload)
        heard: list[Event] = []
        host.subscribe(heard.append)
        host.emit("app.tick", payload)
        assert payload == {"items": []}
        assert host.call_tool("mutator.log") == [[]] * 5
        ticks = [e.payload for e in heard if e.name == "app.tick"]
        assert ticks == [{"items": []}]
    finally:
        host.stop()

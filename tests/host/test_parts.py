"""
The host's parts on their own: each is built from what it is handed, with
no ``PluginHost`` around it, and does its one job.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import acc_plugins.host
from acc_plugins.errors import PermissionDenied, PluginNotFoundError
from acc_plugins.host import PluginHost, State
from acc_plugins.host.core._lifecycle import Lifecycle
from acc_plugins.host.core._plugins import Plugins
from acc_plugins.host.core._record import Failure, PluginRecord
from acc_plugins.host.dispatch._calls import Calls
from acc_plugins.host.events._bus import EventBus
from acc_plugins.host.events._routing import Events
from acc_plugins.host.gate._security import Security
from acc_plugins.host.gate._trail import AuditTrail
from acc_plugins.manifest import parse_manifest
from acc_plugins.security import AuditKind, Policy


if TYPE_CHECKING:
    from collections.abc import Callable


def _manifest(name: str, *, needs: str = "", asks: str = "") -> Any:
    dependencies = f'\n[dependencies]\n{needs} = ">=0"\n' if needs else ""
    permissions = f"\n[permissions]\nhost = [{asks}]\n" if asks else ""
    return parse_manifest(
        f'[plugin]\nname = "{name}"\nversion = "1.0.0"\n'
        f'description = "A test plugin."\nkind = "tool"\nentry = "main:P"\n'
        f"{dependencies}{permissions}"
    )


def _record(plugins: Plugins, name: str, **manifest: str) -> PluginRecord:
    record = PluginRecord(
        name,
        Path("/nowhere") / name,
        Lifecycle(name, lambda _: None),
        lambda _record, _exc: None,
        _manifest(name, **manifest),
    )
    plugins.records[name] = record
    return record


def _active(plugins: Plugins, record: PluginRecord) -> None:
    record.lifecycle.move(State.LOADED)
    record.lifecycle.move(State.ACTIVE)
    plugins.activated(record)


def _security(plugins: Plugins, trail: AuditTrail, data: Path) -> Security:
    return Security(
        plugins,
        trail,
        data_dir=data,
        workspace=data,
        policy=Policy(),
        breach_limit=5,
        protected=(),
    )


@pytest.fixture
def trail(tmp_path: Path) -> AuditTrail:
    return AuditTrail(tmp_path / "audit")


@pytest.fixture
def plugins(trail: AuditTrail) -> Plugins:
    return Plugins(trail)


def test_plugins_fail_audits_and_takes_the_plugin_out(
    plugins: Plugins, trail: AuditTrail
) -> None:
    told: list[str] = []
    plugins.on_change.append(lambda: told.append("changed"))
    record = _record(plugins, "alpha")
    _active(plugins, record)

    plugins.fail(record, Failure("broken", "main.py:3", "LoadError"))

    assert record.state is State.ERROR
    assert list(plugins.order) == []
    assert told == ["changed", "changed"]  # activated, then failed
    (entry,) = trail.log.entries(kind=AuditKind.ERROR)
    assert entry.plugin == "alpha"
    assert entry.detail["message"] == "broken"


def test_plugins_fail_leaves_a_quarantined_plugin_quarantined(
    plugins: Plugins, trail: AuditTrail
) -> None:
    record = _record(plugins, "alpha")
    record.lifecycle.move(State.QUARANTINED, "held")

    plugins.fail(record, Failure("later"))

    assert record.state is State.QUARANTINED
    assert record.last_error == Failure("later")
    assert list(trail.log.entries()) == []


def test_plugins_dependents_direct_and_transitive(plugins: Plugins) -> None:
    for name, needs in [("base", ""), ("mid", "base"), ("top", "mid")]:
        _active(plugins, _record(plugins, name, needs=needs))

    assert plugins.dependents("base") == ["mid"]
    assert plugins.all_dependents("base") == ["top", "mid"]
    with pytest.raises(PluginNotFoundError, match="no plugin named 'gone'"):
        plugins.all_dependents("gone")


def test_events_route_once_until_the_plugins_change(
    plugins: Plugins,
) -> None:
    revived: list[str] = []
    events = Events(plugins, EventBus(), revive=revived.append)
    plugins.on_change.append(events.changed)

    assert events.emit("anything.happened", {"n": 1}) == 0
    assert set(events.routes) == {"anything.happened"}
    _active(plugins, _record(plugins, "alpha"))
    assert events.routes == {}  # forgotten: the order changed
    assert revived == []


def test_security_quarantine_is_idempotent_and_audited_once(
    plugins: Plugins, trail: AuditTrail, tmp_path: Path
) -> None:
    security = _security(plugins, trail, tmp_path)
    record = _record(plugins, "alpha")
    _active(plugins, record)

    security.quarantine(record, "first")
    security.quarantine(record, "second")

    assert record.state is State.QUARANTINED
    assert [e.detail["reason"] for e in trail.log.entries()] == ["first"]
    assert set(security.quarantine_list.entries()) == {"alpha"}


def test_security_require_denies_and_judges(
    plugins: Plugins, trail: AuditTrail, tmp_path: Path
) -> None:
    security = _security(plugins, trail, tmp_path)
    record = _record(plugins, "alpha", asks='"claude.query"')
    _active(plugins, record)

    with pytest.raises(PermissionDenied):
        security.require(record, frozenset(), "host:claude.query")
    assert record.state is State.ACTIVE  # declared: a denial, not a crime
    with pytest.raises(PermissionDenied):
        security.require(record, frozenset(), "host:tools:other.run")
    assert record.lifecycle.state is State.QUARANTINED  # never declared


def _calls(
    plugins: Plugins,
    revived: list[str],
    fallback: Callable[[str, dict[str, object]], object] | None,
) -> Calls:
    def unused(*_: object) -> Any:
        raise AssertionError

    return Calls(
        plugins,
        claude=None,
        tool_fallback=fallback,
        revive=revived.append,
        telling=unused,
        contributions=unused,
        forward=unused,
        effective_grants=unused,
    )


def test_calls_fall_back_and_revive_before_refusing(plugins: Plugins) -> None:
    revived: list[str] = []
    asked: list[tuple[str, dict[str, object]]] = []

    calls = _calls(
        plugins,
        revived,
        lambda name, arguments: asked.append((name, arguments)),
    )
    calls.call_missing("other.tool", {"x": 1})
    assert asked == [("other.tool", {"x": 1})]

    no_fallback = _calls(plugins, revived, None)
    with pytest.raises(PluginNotFoundError):
        no_fallback.call_missing("gone.tool", {})
    assert revived == ["gone.tool"]


def test_the_facade_writes_out_every_public_method() -> None:
    # Composition, not inheritance: the reference shows the whole surface.
    assert PluginHost.__mro__ == (PluginHost, object)
    public = {
        name
        for name, value in vars(PluginHost).items()
        if not name.startswith("_")
        and (inspect.isfunction(value) or isinstance(value, property))
    }
    assert len(public) >= 47
    for name in public:
        assert inspect.getdoc(getattr(PluginHost, name)), name


def test_no_part_reaches_into_another() -> None:
    # A part that needs ``type: ignore[attr-defined]`` to call another is
    # not separated yet (STYLE section 9).
    host_dir = Path(acc_plugins.host.__file__).parent
    offenders = [
        f"{path.relative_to(host_dir)}:{number}"
        for path in sorted(host_dir.rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if "type: ignore[attr-defined" in line
    ]
    assert offenders == []


def test_parts_take_no_host() -> None:
    # No part is handed the façade, except the watcher, which drives the
    # public API the way an application would.
    host_dir = Path(acc_plugins.host.__file__).parent
    holders = {
        path.name
        for path in sorted(host_dir.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.arg)
        and node.annotation is not None
        and ast.unparse(node.annotation) == "PluginHost"
    }
    assert holders <= {"_watch.py", "_reload.py"}

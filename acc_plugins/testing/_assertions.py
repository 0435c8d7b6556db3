"""
Assertions about what a plugin did in a ``HostUnderTest``: each fails
with a message that shows what happened instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from acc_plugins.security import AuditKind


if TYPE_CHECKING:
    from acc_plugins.security import AuditEntry

    from ._hostundertest import HostUnderTest

_MISSING: Any = object()


def _listed(items: list[str]) -> str:
    return "\n".join(f"  {item}" for item in items) or "  (nothing)"


def assert_denied(
    host: HostUnderTest, permission: str, *, plugin: str | None = None
) -> None:
    """
    Assert that *permission* (canonical form, such as
    ``net:https://api.example.com``) was refused to the plugin under
    test (or *plugin*).

    Raises:
        AssertionError: If it was not, listing what was refused.
    """
    denied = host.denied(plugin)
    if permission not in denied:
        who = plugin or host.plugin
        msg = (
            f"{permission} was not denied to {who}; denied:\n{_listed(denied)}"
        )
        raise AssertionError(msg)


def assert_not_denied(
    host: HostUnderTest, *, plugin: str | None = None
) -> None:
    """
    Assert that nothing was refused to the plugin under test (or
    *plugin*).

    Raises:
        AssertionError: If something was, listing it.
    """
    denied = host.denied(plugin)
    if denied:
        who = plugin or host.plugin
        msg = f"{who} was denied:\n{_listed(denied)}"
        raise AssertionError(msg)


def assert_emitted(
    host: HostUnderTest, name: str, payload: object = _MISSING
) -> None:
    """
    Assert that an event called *name* (its full name, such as
    ``my-plugin.indexed``) was delivered, with *payload* if one is
    given.

    Raises:
        AssertionError: If none was, listing the events there were.
    """
    seen = [e for e in host.events if e.name == name]
    if seen and (
        payload is _MISSING or any(e.payload == payload for e in seen)
    ):
        return
    events = [f"{e.name} {e.payload!r} (from {e.source})" for e in host.events]
    wanted = name if payload is _MISSING else f"{name} {payload!r}"
    msg = f"no event {wanted} was emitted; events:\n{_listed(events)}"
    raise AssertionError(msg)


def _shown(entry: AuditEntry) -> str:
    details = ", ".join(f"{k}={v!r}" for k, v in sorted(entry.detail.items()))
    return f"{entry.kind.value} {entry.plugin or '-'}: {details}"


def assert_audited(
    host: HostUnderTest,
    kind: AuditKind | str,
    *,
    plugin: str | None = None,
    **detail: object,
) -> AuditEntry:
    """
    Assert that the audit trail has an entry of *kind* (such as
    ``"denial"`` or ``"quarantine"``) about the plugin under test (or
    *plugin*) whose details include *detail*.

    Returns:
        The newest such entry.

    Raises:
        AssertionError: If there is none, listing the plugin's entries.
    """
    wanted = AuditKind(kind)
    name = plugin or host.plugin
    entries = list(host.audit_log.entries(name))
    for entry in reversed(entries):
        if entry.kind is wanted and all(
            entry.detail.get(k, _MISSING) == v for k, v in detail.items()
        ):
            return entry
    shown = ", ".join(f"{k}={v!r}" for k, v in sorted(detail.items()))
    msg = (
        f"no {wanted.value} entry for {name}"
        f"{' with ' + shown if shown else ''} in the audit trail; "
        f"entries:\n{_listed([_shown(e) for e in entries])}"
    )
    raise AssertionError(msg)


def assert_within_budget(
    host: HostUnderTest, *, plugin: str | None = None
) -> None:
    """
    Assert that no call into the plugin under test (or *plugin*) broke
    its budget (time, steps, memory, output, or a per-call allowance).

    Raises:
        AssertionError: If one did, with each breach's message.
    """
    name = plugin or host.plugin
    breaches = [
        str(entry.detail.get("message", ""))
        for entry in host.audit_log.entries(name, AuditKind.BUDGET)
    ]
    if breaches:
        msg = (
            f"{name} broke its budget {len(breaches)} time(s):\n"
            f"{_listed(breaches)}"
        )
        raise AssertionError(msg)

"""
What an update changes, in words a user can judge before saying yes:
new and widened permissions, removed ones, tools, agents, workflows and
hooks that come or go, settings added, removed or retyped.

Why apart from the installer: the same comparison serves the update
prompt, ``outdated``, an automatic update (which must never widen
permissions without the user) and a team's lockfile review.  It is pure:
two `Summary` values in, a `UpdateDiff` out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from acc_plugins.manifest._permissions import parse_permission

from ._plain import plain


if TYPE_CHECKING:
    from collections.abc import Iterator

    from acc_plugins.host.core._record import PluginInfo
    from acc_plugins.manifest import Manifest

    from ._index import Release


def _names(values: object) -> tuple[str, ...]:
    return tuple(sorted(set(values)))  # type: ignore[call-overload]


@attrs.frozen
class Summary:
    """
    What one version of a plugin asks for and offers.

    Attributes:
        version: Its version.

        permissions: What it asks for, canonical.

        settings: Its settings: key to type.

        tools, agents, workflows, hooks: What it adds (None when not known
            without loading it).
    """

    version: str
    permissions: frozenset[str]
    settings: dict[str, str]
    tools: tuple[str, ...] | None = None
    agents: tuple[str, ...] | None = None
    workflows: tuple[str, ...] | None = None
    hooks: tuple[str, ...] | None = None

    @classmethod
    def of_release(cls, version: str, release: Release) -> Summary:
        """
        The summary a registry's index gives for a release.
        """
        return cls(
            version,
            frozenset(release.permissions),
            dict(release.settings),
            _names(release.tools),
            _names(release.agents),
            _names(release.workflows),
            _names(release.hooks),
        )

    @classmethod
    def of_manifest(cls, manifest: Manifest) -> Summary:
        """
        What a manifest says, without loading the plugin: its permissions
        and settings.
        """
        return cls(
            str(manifest.plugin.version),
            frozenset(p.canonical for p in manifest.permissions.all),
            {s.key: str(s.type.value) for s in manifest.settings},
        )

    def loaded(self, info: PluginInfo) -> Summary:
        """
        This summary with what the loaded plugin *info* offers, its names
        without the plugin's own prefix.
        """
        prefix = f"{info.name}."

        def bare(names: tuple[str, ...]) -> tuple[str, ...]:
            return _names(n.removeprefix(prefix) for n in names)

        return attrs.evolve(
            self,
            tools=bare(info.tools),
            agents=bare(info.agents),
            workflows=bare(info.workflows),
            hooks=_names(info.hooks),
        )


def _family(permission: str) -> str:
    """
    What a permission is about, without its reach: the root of a
    filesystem permission, the scheme of a network one, the API of a host
    one, the kind of the others.  A new permission of the same family as
    a removed one widens or moves it.
    """
    try:
        parsed = parse_permission(permission)
    except ValueError:
        return permission
    parts = permission.split(":")
    fields: dict[str, Any] = attrs.asdict(parsed, recurse=False)
    if "root" in fields:  # fs:read:${root}/...
        return f"{parts[0]}:{parts[1]}:{fields['root']}"
    if "api" in fields:
        return f"host:{fields['api']}"
    return parts[0]


@attrs.frozen
class Widened:
    """
    A permission replaced by another of the same family.

    Attributes:
        old: What was granted before.

        new: What the new version asks instead.
    """

    old: str
    new: str


@attrs.frozen
class UpdateDiff:
    """
    What changes from one version of a plugin to another.

    Attributes:
        old, new: The two versions.

        added: New permissions (not a widening of an old one).

        widened: Permissions replaced by ones of the same family.

        removed: Permissions no longer asked for.

        tools, agents, workflows, hooks: Each as (added, removed) names;
            empty when either side is not known.

        settings_added, settings_removed: Setting keys.

        settings_retyped: Key to (old type, new type).
    """

    old: str
    new: str
    added: tuple[str, ...] = ()
    widened: tuple[Widened, ...] = ()
    removed: tuple[str, ...] = ()
    tools: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
    agents: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
    workflows: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
    hooks: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
    settings_added: tuple[str, ...] = ()
    settings_removed: tuple[str, ...] = ()
    settings_retyped: dict[str, tuple[str, str]] = attrs.Factory(dict)

    @property
    def new_permissions(self) -> frozenset[str]:
        """
        What the user must be asked again: added and widened permissions.
        """
        return frozenset(self.added) | {w.new for w in self.widened}

    @property
    def widens(self) -> bool:
        """
        Whether the new version asks for anything the old one did not.
        """
        return bool(self.new_permissions)

    def lines(self) -> Iterator[str]:
        """
        The changes in plain language, one per line.
        """
        for permission in self.added:
            yield f"new permission: {plain(permission)} ({permission})"
        for change in self.widened:
            yield (
                f"widened permission: {plain(change.new)} ({change.new}), "
                f"was: {plain(change.old)}"
            )
        for permission in self.removed:
            yield f"no longer asks to {plain(permission)} ({permission})"
        yield from self.offer_lines()
        yield from (f"new setting: {key}" for key in self.settings_added)
        yield from (f"removed setting: {key}" for key in self.settings_removed)
        for key, (was, now) in sorted(self.settings_retyped.items()):
            yield f"setting {key} changes type: {was} -> {now}"

    def offer_lines(self) -> Iterator[str]:
        """
        The tools, agents, workflows and hooks that come or go, one per
        line.
        """
        for what, (came, went) in (
            ("tool", self.tools),
            ("agent", self.agents),
            ("workflow", self.workflows),
            ("hook", self.hooks),
        ):
            yield from (f"new {what}: {name}" for name in came)
            yield from (f"removed {what}: {name}" for name in went)

    def to_json(self) -> dict[str, Any]:
        """
        The diff as plain JSON data.
        """
        data = attrs.asdict(self, recurse=True)
        data["widened"] = [[w.old, w.new] for w in self.widened]
        return data


def _delta(
    old: tuple[str, ...] | None, new: tuple[str, ...] | None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if old is None or new is None:
        return (), ()
    return _names(set(new) - set(old)), _names(set(old) - set(new))


def diff(old: Summary, new: Summary) -> UpdateDiff:
    """
    What changes from *old* to *new*.
    """
    came = new.permissions - old.permissions
    went = old.permissions - new.permissions
    widened: list[Widened] = []
    for permission in sorted(came):
        family = _family(permission)
        match = next((p for p in sorted(went) if _family(p) == family), None)
        if match is not None:
            widened.append(Widened(match, permission))
    moved_from = {w.old for w in widened}
    moved_to = {w.new for w in widened}
    return UpdateDiff(
        old.version,
        new.version,
        added=_names(came - moved_to),
        widened=tuple(widened),
        removed=_names(went - moved_from),
        tools=_delta(old.tools, new.tools),
        agents=_delta(old.agents, new.agents),
        workflows=_delta(old.workflows, new.workflows),
        hooks=_delta(old.hooks, new.hooks),
        settings_added=_names(set(new.settings) - set(old.settings)),
        settings_removed=_names(set(old.settings) - set(new.settings)),
        settings_retyped={
            key: (old.settings[key], new.settings[key])
            for key in sorted(set(old.settings) & set(new.settings))
            if old.settings[key] != new.settings[key]
        },
    )

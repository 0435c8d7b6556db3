"""
``HostUnderTest``: a ``PluginHost`` built for one plugin's tests, in a
home of its own, with fake Claude and HTTP, that remembers what the
plugin did (events, permission uses) for the assertions to check.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, Literal

from acc_plugins.host import FakeClaude, PluginHost
from acc_plugins.host.gate._requested import covered
from acc_plugins.manifest import IsolationMode, load_manifest
from acc_plugins.security import AuditKind, Policy

from ._fakehttp import FakeHttp


if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from pathlib import Path

    from acc_plugins.sdk import Event

Tier = Literal["sandboxed", "isolated"]
"""
Where the plugin runs: in the host's process (``sandboxed``) or in a
worker process of its own (``isolated``).
"""

_TIERS: Final = {
    "sandboxed": IsolationMode.IN_PROCESS,
    "isolated": IsolationMode.SUBPROCESS,
}


class HostUnderTest(PluginHost):
    """
    A started-to-be ``PluginHost`` with one plugin under test (and any
    others it needs), every folder under *home*, fake Claude and HTTP,
    and a record of what happened.  Use it as a ``PluginHost``;
    ``make_plugin_host`` builds, starts and stops it for a test.

    Args:
        root: The folder of the plugin under test.

        home: An empty folder for the host's configuration, data, cache
            and workspace: nothing outside it is read or written.

        also: Folders of further plugins to load (its dependencies).

        grants: What the user granted the plugin under test; None for
            everything its manifest requests (what installing it
            grants).  The host never grants more than the manifest
            requests.

        settings: Setting values of the plugin under test.

        tier: ``"sandboxed"`` or ``"isolated"`` for every plugin; None
            follows each manifest's ``isolation``.

        strict: Whether using a permission that ``plugin.toml`` does not
            declare is a failure of the test (see ``undeclared``).

    Raises:
        ManifestError: If the plugin's ``plugin.toml`` is invalid.

        ValueError: If *grants* name a permission the manifest does not
            request (the host could not grant it), or *tier* is unknown.

    Attributes:
        plugin: The name of the plugin under test.

        declared: What its ``[permissions]`` request, canonical form.

        claude: The fake Claude the plugins query.

        http: The fake network ``ctx.http`` reaches.

        workspace: What ``${workspace}`` means: ``home/workspace``.

        strict: As given.

        events: Every event the host delivered, oldest first.

        used: ``(plugin, permission)`` for every use a grant allowed
            in-process, with the narrowest permission it needed.
    """

    def __init__(
        self,
        root: Path,
        *,
        home: Path,
        also: Iterable[Path] = (),
        grants: Iterable[str] | None = None,
        settings: Mapping[str, object] | None = None,
        tier: Tier | None = None,
        strict: bool = True,
    ) -> None:
        manifest = load_manifest(root / "plugin.toml")
        self.plugin = manifest.plugin.name
        self.declared = frozenset(
            p.canonical for p in manifest.permissions.all
        )
        if tier is not None and tier not in _TIERS:
            msg = f"tier must be 'sandboxed' or 'isolated', not {tier!r}"
            raise ValueError(msg)
        self.claude = FakeClaude()
        self.http = FakeHttp()
        self.workspace = home / "workspace"
        self.workspace.mkdir(parents=True, exist_ok=True)
        self.strict = strict
        self.events: list[Event] = []
        self.used: list[tuple[str, str]] = []
        super().__init__(
            [root, *also],
            claude=self.claude,
            http=self.http,
            on_permission_used=lambda plugin, permission: self.used.append(
                (plugin, permission)
            ),
            cache_dir=home / "cache",
            data_dir=home / "data",
            config_dir=home / "config",
            workspace=self.workspace,
            settings={self.plugin: dict(settings or {})},
            # An explicit policy: no administrator's file is read.
            policy=Policy(isolation=None if tier is None else _TIERS[tier]),
            auto_update=False,
        )
        self.subscribe(self.events.append)
        if grants is not None:
            self._grant_only(frozenset(grants))

    def _grant_only(self, grants: frozenset[str]) -> None:
        beyond = sorted(grants - self.declared)
        if beyond:
            msg = (
                f"{self.plugin}'s plugin.toml does not request "
                f"{', '.join(beyond)}: the host cannot grant it "
                "(add it to [permissions])"
            )
            raise ValueError(msg)
        # Before the first start: the store holds what the user granted.
        self.grant_store.replace({self.plugin: grants})

    def denied(self, plugin: str | None = None) -> list[str]:
        """
        The permissions refused to *plugin* (the plugin under test by
        default), oldest first, from the audit trail (isolated plugins'
        too).
        """
        name = self.plugin if plugin is None else plugin
        return [
            str(entry.detail.get("permission"))
            for entry in self.audit_log.entries(name, AuditKind.DENIAL)
            if "permission" in entry.detail
        ]

    def undeclared(self) -> list[str]:
        """
        The permissions the plugin under test reached for that its
        ``plugin.toml`` does not declare, in order, each once: what a
        strict test fails on.
        """
        requested = set(self.declared)
        found: list[str] = []
        for permission in self.denied():
            # A refused import is the optional-dependency idiom, audited
            # but no permission could allow it.
            if permission.startswith("import:") or permission in found:
                continue
            if not covered(permission, requested):
                found.append(permission)
        return found

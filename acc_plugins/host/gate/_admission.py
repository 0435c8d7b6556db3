"""
The policy's gate at every load: where a plugin came from
(``.accp-origin.json``), judged by `Policy.admit`, before any of its code
runs.

Why at every load and not only at install: a policy changes after
plugins are installed, and a plugin folder can be copied in by hand.  The
verdict is made again at each start, ``add``, restart and reload, so a
plugin installed before the policy changed is blocked at its next load
with the reason.  In report-only mode the block is logged and audited as
one that would have happened, and the plugin loads.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from acc_plugins.errors import MarketplaceError, PolicyBlockedError
from acc_plugins.host.core._loader import manifest_of
from acc_plugins.security import AuditKind, Verdict
from acc_plugins.security._admission import registry_of


if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path

    from packaging.version import Version

    from acc_plugins.host.core._record import PluginRecord
    from acc_plugins.manifest import Manifest
    from acc_plugins.security import Policy

    from ._trail import AuditTrail

_log = logging.getLogger("acc_plugins.host")


def registry_locations(config_dir: Path) -> Callable[[str], str | None]:
    """
    Looks up a registry's location by name in the user's
    ``registries.json`` (None when it is not there any more, or the file
    cannot be read).
    """

    def locate(name: str) -> str | None:
        from acc_plugins.market._registries import Registries  # noqa: PLC0415 -- only for registry rules

        try:
            return (
                Registries(config_dir / "registries.json").get(name).location
            )
        except (MarketplaceError, OSError):
            return None

    return locate


class Admission:
    """
    Judges each plugin by the policy before it loads.

    Args:
        policy: The administrator's policy.

        trail: Where blocks (and, in report-only mode, would-be blocks)
            are audited; None to audit nothing (a check, not a load).

        locate: A registry's location by name, for location patterns in
            ``[registries] allow``.
    """

    def __init__(
        self,
        policy: Policy,
        trail: AuditTrail | None,
        locate: Callable[[str], str | None],
    ) -> None:
        self._policy = policy
        self._trail = trail
        self._locate = locate

    def __repr__(self) -> str:
        return f"<Admission policy={self._policy.source}>"

    def verdict(self, root: Path, manifest: Manifest) -> Verdict:
        """
        The policy's verdict on the plugin in *root* described by
        *manifest*, with the origin recorded in its folder.

        Raises:
            MarketplaceError: If its ``.accp-origin.json`` is damaged.
        """
        from acc_plugins.market._origin import read_origin  # noqa: PLC0415 -- the market only when a policy asks

        origin = read_origin(root)
        registry = registry_of(origin)
        location = None
        if registry is not None and self._policy.registries.allow is not None:
            location = self._locate(registry)
        return self._policy.admit(
            manifest, origin, registry, location=location
        )

    def judge(self, root: Path, manifest: Manifest) -> Verdict:
        """
        `verdict`, with a damaged origin as a reason to block: it could
        hide a publisher or key the policy blocks, so it fails closed.
        """
        try:
            return self.verdict(root, manifest)
        except MarketplaceError as exc:
            return Verdict.of(
                [f"its install origin cannot be read: {exc}"],
                source=self._policy.source,
                report_only=self._policy.report_only,
            )

    def check(self, record: PluginRecord) -> None:
        """
        Let *record* load, or refuse it: blocked plugins raise, and every
        block (carried out or, in report-only mode, not) is logged and
        audited.

        Raises:
            PolicyBlockedError: If the policy blocks it.
        """
        if not self._policy.governs_admission:
            return
        verdict = self.judge(record.root, manifest_of(record))
        if not verdict.would_block:
            return
        if verdict.allowed:
            for reason in verdict.reasons:
                _log.warning("plugin %s: %s", record.name, reason)
            self._audit(record.name, verdict.reasons, outcome="would block")
            return
        self._audit(record.name, verdict.reasons, outcome="blocked")
        raise PolicyBlockedError(record.name, verdict.reasons)

    def _audit(
        self, plugin: str, reasons: tuple[str, ...], *, outcome: str
    ) -> None:
        if self._trail is None:
            return
        self._trail.record(
            AuditKind.POLICY,
            plugin,
            outcome=outcome,
            policy=self._policy.source,
            reasons=list(reasons),
        )

    def missing(self, records: Mapping[str, PluginRecord]) -> list[str]:
        """
        Warn about each plugin the policy requires that is not there, or
        not in a version that will do, and return the warnings.
        """
        installed = {
            name: record.manifest.plugin.version
            for name, record in records.items()
            if record.manifest is not None
        }
        warnings = missing_required(self._policy, installed)
        for warning in warnings:
            _log.warning("%s", warning)
        return warnings


def missing_required(
    policy: Policy, installed: Mapping[str, Version]
) -> list[str]:
    """
    What is wrong with each plugin *policy* requires, given the
    *installed* plugins' versions: not installed, or not in a version
    that will do.
    """
    found = []
    for requirement in policy.required:
        version = installed.get(requirement.name)
        if version is None:
            state = "it is not installed"
        elif not requirement.satisfied_by(version):
            state = f"{version} is installed"
        else:
            continue
        found.append(
            f"policy {policy.source} requires {requirement.text!r}, and "
            f"{state}"
        )
    return found

"""
Every installed plugin against a policy, without running any plugin
code: ``acc-plugins policy check``.

Why a check apart from loading: an administrator trying a policy on a
fleet wants to know what it would block before it blocks anything, and a
host start would run the plugins it admits.  The check reads each
plugin's manifest and install origin, asks the same `Admission.verdict`
the host asks at load, and lists the required plugins missing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from acc_plugins.errors import ManifestError
from acc_plugins.host.core._discovery import MANIFEST_NAME, discover
from acc_plugins.manifest import load_manifest

from ._admission import Admission, missing_required


if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from pathlib import Path

    from packaging.version import Version

    from acc_plugins.security import Policy, Verdict


@attrs.frozen
class PluginCheck:
    """
    One installed plugin, judged.

    Attributes:
        name: Its name (its folder's name when the manifest is invalid).

        version: Its version; None when the manifest is invalid.

        root: Its folder.

        verdict: The policy's verdict; None when the manifest is invalid
            (the host reports that on its own).

        problem: Why it could not be judged, if it could not.
    """

    name: str
    version: str | None
    root: Path
    verdict: Verdict | None = None
    problem: str | None = None

    def to_json(self) -> dict[str, object]:
        """
        The check as JSON data.
        """
        verdict = self.verdict
        return {
            "name": self.name,
            "version": self.version,
            "root": str(self.root),
            "blocked": verdict is not None and verdict.would_block,
            "reasons": list(verdict.reasons) if verdict else [],
            "problem": self.problem,
        }


@attrs.frozen
class PolicyReport:
    """
    What a policy makes of the installed plugins.

    Attributes:
        policy: The policy.

        plugins: Each plugin found, in discovery order.

        missing: Each required plugin missing or in a version that will
            not do, in words.
    """

    policy: Policy
    plugins: tuple[PluginCheck, ...]
    missing: tuple[str, ...]

    @property
    def blocked(self) -> tuple[PluginCheck, ...]:
        """
        The plugins the policy blocks (or, in report-only mode, would
        block).
        """
        return tuple(
            c for c in self.plugins if c.verdict and c.verdict.would_block
        )

    def to_json(self) -> dict[str, object]:
        """
        The report as JSON data.
        """
        return {
            "policy": self.policy.source,
            "mode": "report-only" if self.policy.report_only else "enforce",
            "plugins": [c.to_json() for c in self.plugins],
            "blocked": [c.name for c in self.blocked],
            "missing": list(self.missing),
        }


def check_installed(
    policy: Policy,
    paths: Iterable[Path],
    *,
    locate: Callable[[str], str | None],
) -> PolicyReport:
    """
    Judge every plugin found in *paths* by *policy*; nothing is loaded,
    written or audited.

    Args:
        policy: The policy.

        paths: The plugin folders, as the host searches them.

        locate: A registry's location by name.
    """
    admission = Admission(policy, None, locate)
    checks = []
    installed: dict[str, Version] = {}
    for root in discover(paths):
        try:
            manifest = load_manifest(root / MANIFEST_NAME)
        except ManifestError as exc:
            problem = "; ".join(exc.problems)
            checks.append(PluginCheck(root.name, None, root, problem=problem))
            continue
        meta = manifest.plugin
        installed.setdefault(meta.name, meta.version)
        verdict = admission.judge(root, manifest)
        checks.append(PluginCheck(meta.name, str(meta.version), root, verdict))
    return PolicyReport(
        policy, tuple(checks), tuple(missing_required(policy, installed))
    )

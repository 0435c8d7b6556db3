"""
The plugins an administrator's policy names: required ones are installed
whenever they are missing (or too old); recommended ones are installed
once, by default, and never again after the user removed them.

Why "once" is remembered: a recommendation the user declined must stay
declined.  The install root remembers which recommendations it has
offered (``.acc-recommended.json``), so that ``sync`` installs a new
recommendation, and leaves alone one the user uninstalled.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Final

from packaging.version import InvalidVersion, Version

from acc_plugins.host.config._atomic import write_atomic

from ._installed import installed_versions
from ._requirement import Requirement as Wanted


if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from pathlib import Path

    from acc_plugins.security import Policy
    from acc_plugins.security._policyplugins import Requirement

    from ._candidate import Candidate
    from ._installed import Installed
    from ._installer import Installer, Outcome
    from ._registry import Progress
    from ._resolver import Pick
    from ._sources import Sources

    Confirm = Callable[
        [Sequence[Candidate], Mapping[str, frozenset[str]]], bool
    ]

OFFERED: Final = ".acc-recommended.json"


def offered(root: Path) -> set[str]:
    """
    The recommendations already offered in the install root at *root*.
    """
    try:
        data = json.loads((root / OFFERED).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    return (
        {n for n in data if isinstance(n, str)}
        if isinstance(data, list)
        else set()
    )


def missing(
    policy: Policy, found: Mapping[str, Installed], already: set[str]
) -> list[tuple[Requirement, bool]]:
    """
    What the policy wants installed and is not: (requirement, required).
    A required plugin whose installed version does not satisfy counts as
    missing; a recommendation is wanted only if never offered here.
    """
    wanted: list[tuple[Requirement, bool]] = []
    for requirement in policy.required:
        have = found.get(requirement.name)
        if have is None or not _satisfies(requirement, have.version):
            wanted.append((requirement, True))
    wanted.extend(
        (requirement, False)
        for requirement in policy.recommended
        if requirement.name not in found and requirement.name not in already
    )
    return wanted


def _satisfies(requirement: Requirement, version: str) -> bool:
    try:
        return requirement.satisfied_by(Version(version))
    except InvalidVersion:
        return False


def install_mandated(
    policy: Policy,
    installer: Installer,
    sources: Callable[[str | None], Sources],
    *,
    confirm: Confirm,
    progress: Callable[[Pick], Progress | None] = lambda _: None,
) -> list[Outcome]:
    """
    Install what *policy* requires or recommends and is missing, each
    granted what it asks for (the administrator chose it; the user's
    *confirm* still sees the list and may stop).

    Args:
        policy: The administrator's policy.

        installer: Installs into the install root.

        sources: The registries to search: the one a requirement names,
            or all (None).

        confirm: Shown the candidates and grants; True to go on.

        progress: For downloads.
    """
    root = installer.root.path
    with installer.locked():
        found = installer.installed()
        wanted = missing(policy, found, offered(root))
        if not wanted:
            return []
        candidates: list[Candidate] = []
        try:
            for requirement, _ in wanted:
                origin = sources(requirement.registry)
                picks = origin.plan(
                    [_as_install(requirement)],
                    installed=installed_versions(found),
                    upgrade=frozenset({requirement.name}),
                )
                picks = [
                    p
                    for p in picks
                    if p.name not in {c.name for c in candidates}
                ]
                candidates.extend(
                    origin.stage(installer.root, picks, progress)
                )
            grants = {c.name: c.permissions for c in candidates}
            installer.admit(candidates)
            if not confirm(candidates, grants):
                return []
            outcomes = installer.install(candidates, grants)
        finally:
            installer.discard(candidates)
        names = sorted(
            offered(root) | {r.name for r, required in wanted if not required}
        )
        write_atomic(root / OFFERED, json.dumps(names).encode(), mode=0o644)
    return outcomes


def _as_install(requirement: Requirement) -> Wanted:
    return Wanted(requirement.text, requirement.name, requirement.specifier)

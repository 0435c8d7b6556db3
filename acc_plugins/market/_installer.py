"""
``Installer``: puts checked candidates into the install root with the
grants the user chose, non-interactively, as one transaction; rolls a
plugin back to its previous version; uninstalls.

Why no prompts here: the CLI asks, automatic updates and a team's
lockfile decide by rule; all three hand this class what to install and
what to grant.  Every change holds the root's lock, writes the grants
before the swap (a host seeing the plugin for the first time would
otherwise grant all it asks), and is undone, grants included, if a swap
or an update's health check fails.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

import attrs

from acc_plugins.errors import MarketplaceError, PolicyBlockedError

from ._installed import Installed, dependents, needed_folders, survey


if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence
    from pathlib import Path

    from acc_plugins.host.gate._consent import GrantStore
    from acc_plugins.security import Policy

    from ._candidate import Candidate
    from ._health import HealthCheck, HealthReport
    from ._installroot import InstallRoot


class _InstallBlockedError(PolicyBlockedError, MarketplaceError):
    """
    `PolicyBlockedError` as the installer raises it: the same class a
    host raises at load (so one ``except`` serves both), also a
    `MarketplaceError`, and named in its message, since an install
    brings dependencies along.  Nothing was changed.
    """

    def __str__(self) -> str:
        return f"{self.plugin}: {super().__str__()}"


class HealthCheckError(MarketplaceError):
    """
    An update that did not activate or whose health check failed: the
    previous version was put back.

    Attributes:
        name: The plugin.

        reason: What went wrong.
    """

    def __init__(self, name: str, version: str, reason: str) -> None:
        self.name = name
        self.reason = reason
        super().__init__(
            f"{name} {version} was not kept: {reason}; the previous "
            f"version is restored"
        )


@attrs.frozen
class Outcome:
    """
    What one plugin's install or update did.

    Attributes:
        name: The plugin installed.

        version: Its version installed now.

        replaced: The version it replaced, if any.

        granted: What the plugin holds now.

        health: The health check's report, for an update.

        policy: What a report-only policy would have blocked.
    """

    name: str
    version: str
    replaced: str | None
    granted: frozenset[str]
    health: HealthReport | None = None
    policy: tuple[str, ...] = ()


class Installer:
    """
    Installs into one install root.

    Args:
        root: The install root.

        grants: The user's grant store.

        check: The health check run after an update; None to skip it.

        policy: The administrator's policy, checked for every candidate
            before anything changes; None for none.
    """

    def __init__(
        self,
        root: InstallRoot,
        grants: GrantStore,
        *,
        check: HealthCheck | None = None,
        policy: Policy | None = None,
    ) -> None:
        self.root = root
        self.grants = grants
        self._check = check
        self._policy = policy

    def __repr__(self) -> str:
        return f"<Installer {self.root.path}>"

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """
        Hold the install lock: staging, asking and installing all happen
        inside, so a concurrent run waits and then sees the result.
        """
        with self.root.locked():
            # A run killed mid-change left folders the root has put back;
            # the grants it changed go back here.
            for memo in self.root.take_recovered():
                held = memo.get("grants")
                if isinstance(held, dict):
                    self._restore(
                        {
                            str(name): None if g is None else frozenset(g)
                            for name, g in held.items()
                        }
                    )
            yield

    def installed(self) -> dict[str, Installed]:
        """
        Every plugin in the install root, by name.
        """
        return survey(self.root)

    def dependents(self, name: str) -> list[str]:
        """
        The installed plugins that need *name*, directly or not.
        """
        return dependents(self.installed(), name)

    def install(
        self,
        candidates: Sequence[Candidate],
        grants: Mapping[str, frozenset[str]],
    ) -> list[Outcome]:
        """
        Swap *candidates* in (dependencies first, as given), after
        granting each what *grants* says; check each update's health.
        All of them are kept, or none: on any failure every folder and
        every grant is put back.

        Args:
            candidates: Checked candidates, from the staging area.

            grants: What to grant each plugin (a subset of what it asks).

        Raises:
            PolicyBlockedError: If the policy blocks a candidate.

            HealthCheckError: If an updated plugin fails its check.

            OSError: If the install root cannot be changed.
        """
        notes = self.admit(candidates)
        with self.locked():
            before = {c.name: self.grants.granted(c.name) for c in candidates}
            versions = {
                name: item.version for name, item in self.installed().items()
            }
            # Noted in the journal before any grant changes, so that a run
            # killed from here on has its grants put back with its folders.
            tx = self.root.begin(
                memo={
                    "grants": {
                        name: None if held is None else sorted(held)
                        for name, held in before.items()
                    }
                }
            )
            try:
                held = {
                    c.name: self.grants.grant(
                        c.name, grants.get(c.name, frozenset()), by="install"
                    )
                    for c in candidates
                }
                for candidate in candidates:
                    tx.swap_in(candidate.name, candidate.folder)
                reports = self._health(candidates, versions)
            except BaseException:
                tx.undo()
                self._restore(before)
                raise
            finally:
                self.discard(candidates)
            tx.commit()
        return [
            Outcome(
                c.name,
                c.version,
                versions.get(c.name),
                held[c.name],
                reports.get(c.name),
                notes[c.name],
            )
            for c in candidates
        ]

    def admit(
        self, candidates: Sequence[Candidate]
    ) -> dict[str, tuple[str, ...]]:
        """
        Check *candidates* against the policy (before the user is asked
        anything; `install` checks again).

        Returns:
            For each, what a report-only policy would block.

        Raises:
            PolicyBlockedError: For the first candidate the policy blocks.
        """
        notes: dict[str, tuple[str, ...]] = {}
        for candidate in candidates:
            notes[candidate.name] = ()
            if self._policy is None:
                continue
            verdict = self._policy.admit(
                candidate.manifest,
                candidate.origin,
                location=candidate.location,
            )
            if not verdict.allowed:
                raise _InstallBlockedError(candidate.name, verdict.reasons)
            notes[candidate.name] = verdict.reasons
        return notes

    def _health(
        self, candidates: Sequence[Candidate], versions: Mapping[str, str]
    ) -> dict[str, HealthReport]:
        reports: dict[str, HealthReport] = {}
        if self._check is None:
            return reports
        for candidate in candidates:
            if candidate.name not in versions:
                continue  # a first install: nothing to go back to
            report = self._check(candidate.name, self.folders(candidate.name))
            if not report.ok:
                raise HealthCheckError(
                    candidate.name, candidate.version, report.reason
                )
            reports[candidate.name] = report
        return reports

    def inspect(self, name: str) -> HealthReport | None:
        """
        Load the installed *name* the way an update's health check does
        and report on it (what it offers, whether it is healthy); None
        without a health check.
        """
        if self._check is None or name not in self.installed():
            return None
        return self._check(name, self.folders(name))

    def folders(self, name: str) -> list[Path]:
        """
        The folders of *name* and of the installed plugins it needs,
        directly or not: what a host needs to activate it.
        """
        return needed_folders(self.installed(), name)

    def _restore(self, before: Mapping[str, frozenset[str] | None]) -> None:
        for name, held in before.items():
            if self.grants.granted(name) == held:
                continue
            if held is None:
                self.grants.forget(name, by="install undone")
            else:
                self.grants.replace({name: held}, by="install undone")

    def discard(self, candidates: Sequence[Candidate]) -> None:
        """
        Remove the staging folders of candidates that will not be
        installed.
        """
        for candidate in candidates:
            self.root.discard(candidate.folder.parent)

    def rollback(self, name: str) -> tuple[str, str]:
        """
        Make the previous version of *name* current again (and the
        current one the previous, so a second rollback undoes the first).

        Returns:
            (the version now installed, the version set aside).

        Raises:
            MarketplaceError: If no previous version is kept.
        """
        with self.locked():
            found = self.installed().get(name)
            tx = self.root.begin()
            try:
                tx.swap_back(name)
            except BaseException:
                tx.undo()
                raise
            tx.commit()
            now = self.installed()[name].version
        return now, "none" if found is None else found.version

    def uninstall(
        self, name: str, *, keep_previous: bool = False, force: bool = False
    ) -> Installed:
        """
        Remove *name* from the install root, with its previous version
        unless *keep_previous*.

        Raises:
            MarketplaceError: If it is not installed, or other installed
                plugins need it (unless *force*), naming them.
        """
        with self.locked():
            found = self.installed().get(name)
            if found is None:
                msg = f"{name} is not installed in {self.root.path}"
                raise MarketplaceError(msg)
            if self._policy is not None:
                verdict = self._policy.may_disable(name)
                if not verdict.allowed:
                    raise _InstallBlockedError(name, verdict.reasons)
            needed_by = self.dependents(name)
            if needed_by and not force:
                msg = (
                    f"{name} is needed by {', '.join(needed_by)}; uninstall "
                    f"those first, or use --force"
                )
                raise MarketplaceError(msg)
            tx = self.root.begin()
            try:
                tx.take_out(name, keep_previous=keep_previous)
            except BaseException:
                tx.undo()
                raise
            tx.commit()
        return found

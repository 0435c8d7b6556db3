"""
One change to an install root: the renames it makes, noted in the root's
journal before and after each, so that the change is committed whole or
undone whole, by this run or, after a kill, by the next.

Why apart from the root: the root is where things are and how the lock
and the journal work; a transaction is the order of one change's moves.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from acc_plugins.errors import MarketplaceError
from acc_plugins.security._auditfiles import fsync_directory


if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from ._installroot import InstallRoot


class Transaction:
    """
    A change to the install root, made but not yet committed.

    Args:
        root: The install root, whose lock is held.

        outgoing: Where folders on their way out wait for the commit.

        fail_after: See `InstallRoot`.

        memo: See `InstallRoot.begin`; noted at once when given.
    """

    def __init__(
        self,
        root: InstallRoot,
        outgoing: Path,
        fail_after: Callable[[int], None] | None = None,
        memo: dict[str, Any] | None = None,
    ) -> None:
        self._root = root
        self._outgoing = outgoing
        self._fail_after = fail_after
        self._memo = memo
        self._planned: list[tuple[Path, Path]] = []
        self._done = 0
        self._closed = False
        if memo is not None:
            root.note([], 0, outgoing, durable=True, memo=memo)

    def __repr__(self) -> str:
        return f"<Transaction renames={self._done}>"

    def swap_in(self, name: str, staged: Path) -> None:
        """
        Make *staged* the current version of *name*; the current one
        becomes the previous, and the old previous goes at commit.
        """
        root, out = self._root, self._outgoing / name
        renames: list[tuple[Path, Path]] = []
        if root.previous(name).exists():
            renames.append((root.previous(name), out.with_suffix(".old")))
        if root.current(name).exists():
            renames.append((root.current(name), root.previous(name)))
        renames.append((staged, root.current(name)))
        self._run(renames)

    def swap_back(self, name: str) -> None:
        """
        Make the previous version of *name* current again, and the
        current one the previous.

        Raises:
            MarketplaceError: If no previous version is kept.
        """
        root, out = self._root, self._outgoing / name
        if not root.has_previous(name):
            msg = f"no previous version of {name} is kept in {root.path}"
            raise MarketplaceError(msg)
        renames = [(root.previous(name), out.with_suffix(".back"))]
        if root.current(name).exists():
            renames.append((root.current(name), root.previous(name)))
        renames.append((out.with_suffix(".back"), root.current(name)))
        self._run(renames)

    def take_out(self, name: str, *, keep_previous: bool) -> None:
        """
        Remove *name*, and its previous version unless *keep_previous*;
        the folders are deleted at commit.
        """
        root, out = self._root, self._outgoing / name
        renames: list[tuple[Path, Path]] = []
        if root.current(name).exists():
            renames.append((root.current(name), out.with_suffix(".gone")))
        if not keep_previous and root.previous(name).exists():
            renames.append((root.previous(name), out.with_suffix(".old")))
        self._run(renames)

    def commit(self) -> None:
        """
        Keep the change: drop the journal and what was taken out.
        """
        if not self._closed:
            self._closed = True
            self._root.finish(self._outgoing)

    def undo(self) -> None:
        """
        Put every folder back where it was before the change.
        """
        if self._closed:
            return
        undo_renames(self._planned[: self._done])
        self._closed = True
        self._root.finish(self._outgoing)

    def _step(self) -> None:
        if self._fail_after is not None:
            self._fail_after(self._done)

    def _run(self, renames: list[tuple[Path, Path]]) -> None:
        if self._closed:
            msg = "the transaction is closed"
            raise RuntimeError(msg)
        self._planned.extend(renames)
        # The intent is flushed before the first rename it covers.
        self._root.note(
            self._planned,
            self._done,
            self._outgoing,
            durable=True,
            memo=self._memo,
        )
        try:
            self._step()
            for src, dst in renames:
                src.rename(dst)
                self._done += 1
                self._step()  # renamed, not yet noted: the hardest case
                self._root.note(
                    self._planned, self._done, self._outgoing, memo=self._memo
                )
            fsync_directory(self._root.path)
        except BaseException:
            self.undo()
            raise


def undo_renames(done: list[tuple[Path, Path]]) -> None:
    """
    Reverse *done* renames, last first.
    """
    for src, dst in reversed(done):
        if dst.exists() and not src.exists():
            dst.rename(src)


def relative(path: Path, root: Path) -> str:
    """
    *path* relative to *root*, as the journal writes it.
    """
    return os.path.relpath(path, root)

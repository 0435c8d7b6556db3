"""
The folder plugins are installed into, and every change to it as a
transaction: renames recorded in a journal, undone by the next run if a
run is killed half-way.

Why renames and a journal: a plugin folder is many files, so it can
only be replaced atomically by renaming whole folders (the new one is
extracted and checked in ``.acc-staging/`` first, on the same
filesystem).  Replacing it takes two or three renames; the journal,
written atomically before the first and after each, names them all, so
that the next run, which finds the journal, can put every folder back
where it was.  A change is committed by deleting its journal; until
then it may still be undone (an update waits for the health check).

Inside the root, beside the plugin folders::

    .acc-install.lock     serialises every change (filelock: Windows too)
    .acc-journal.json     the renames of the change in progress
    .acc-previous/<name>/ the version before the last change
    .acc-staging/         extraction, and folders on their way out

Discovery only sees folders that hold a ``plugin.toml``, so the host
never loads anything from the dot-folders.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import filelock

from acc_plugins.errors import MarketplaceError
from acc_plugins.host.config._atomic import write_atomic
from acc_plugins.security._auditfiles import fsync_directory


if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

LOCK: Final = ".acc-install.lock"
JOURNAL: Final = ".acc-journal.json"
PREVIOUS: Final = ".acc-previous"
STAGING: Final = ".acc-staging"
_MANIFEST: Final = "plugin.toml"


class InstallRoot:
    """
    The install root: the current plugins, their previous versions and
    the journal of the change in progress.

    Args:
        path: The folder (created on first use).

        fail_after: For tests only: called with the number of renames
            done, once the journal is first written and then after each
            rename (before the journal notes it); raising there, or
            ending the process, simulates a failure or a kill.
    """

    def __init__(
        self,
        path: Path,
        *,
        fail_after: Callable[[int], None] | None = None,
    ) -> None:
        self.path = path
        self._fail_after = fail_after
        self._held = False

    def __repr__(self) -> str:
        return f"<InstallRoot {self.path}>"

    @property
    def staging(self) -> Path:
        """
        Where archives are extracted before they are swapped in.
        """
        return self.path / STAGING

    def current(self, name: str) -> Path:
        """
        Where plugin *name* is installed.
        """
        return self.path / name

    def previous(self, name: str) -> Path:
        """
        Where the version of *name* before the last change is kept.
        """
        return self.path / PREVIOUS / name

    def installed(self) -> dict[str, Path]:
        """
        Every installed plugin folder, by folder name.
        """
        if not self.path.is_dir():
            return {}
        return {
            child.name: child
            for child in sorted(self.path.iterdir())
            if not child.name.startswith(".") and (child / _MANIFEST).is_file()
        }

    def has_previous(self, name: str) -> bool:
        """
        Whether a previous version of *name* is kept.
        """
        return (self.previous(name) / _MANIFEST).is_file()

    @contextlib.contextmanager
    def locked(self, *, timeout: float = -1) -> Iterator[None]:
        """
        Hold the install lock (waiting for another run to finish), after
        undoing whatever change a killed run left half-done.

        Raises:
            MarketplaceError: If the lock is not free within *timeout*
                seconds (by default, wait as long as it takes).
        """
        if self._held:  # re-entrant within one run
            yield
            return
        self.path.mkdir(parents=True, exist_ok=True)
        lock = filelock.FileLock(self.path / LOCK)
        try:
            lock.acquire(timeout=timeout)
        except filelock.Timeout:
            msg = (
                f"{self.path}: another install is running (waited {timeout}s)"
            )
            raise MarketplaceError(msg) from None
        self._held = True
        try:
            self.recover()
            # Nothing else is staging while the lock is held: what is
            # there was left by a run that died.
            for aside in self.path.glob(f"{JOURNAL}.*.tmp"):
                aside.unlink(missing_ok=True)
            if self.staging.is_dir():
                for left in self.staging.iterdir():
                    shutil.rmtree(left, ignore_errors=True)
            yield
        finally:
            self._held = False
            lock.release()

    def stage(self) -> Path:
        """
        A new, empty folder in the staging area, to extract into; the
        caller removes it (`discard`) when it is not swapped in.
        """
        self.staging.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix="stage-", dir=self.staging))

    def discard(self, path: Path) -> None:
        """
        Remove *path*, a folder in the staging area.
        """
        shutil.rmtree(path, ignore_errors=True)

    def begin(self) -> Transaction:
        """
        Start a change (the lock must be held): `Transaction.swap_in`,
        `swap_back` and `take_out` move folders at once; `commit` keeps
        the lot, `undo` puts every folder back.
        """
        self.staging.mkdir(parents=True, exist_ok=True)
        (self.path / PREVIOUS).mkdir(exist_ok=True)
        outgoing = Path(tempfile.mkdtemp(prefix="out-", dir=self.staging))
        return Transaction(self, outgoing, self._fail_after)

    def recover(self) -> bool:
        """
        Undo the change a killed run left in the journal, if any.

        Returns:
            Whether there was one to undo.
        """
        journal = self.path / JOURNAL
        try:
            data = json.loads(journal.read_bytes())
            renames = [
                (self._inside(src), self._inside(dst))
                for src, dst in data["renames"]
            ]
            done = int(data["done"])
            outgoing = self._inside(data["outgoing"])
        except FileNotFoundError:
            return False
        except (OSError, ValueError, TypeError, KeyError) as exc:
            msg = f"{journal}: unreadable install journal ({exc}); move it away to go on"
            raise MarketplaceError(msg) from None
        if done < len(renames):
            src, dst = renames[done]
            # The one rename that may have happened after the last note.
            if dst.exists() and not src.exists():
                done += 1
        undo_renames(renames[:done])
        self.finish(outgoing)
        return True

    def _inside(self, relative: object) -> Path:
        """
        A path the journal names, which must stay inside the root.
        """
        if not isinstance(relative, str):
            msg = f"expected a path, not {relative!r}"
            raise TypeError(msg)
        path = self.path / relative
        if ".." in Path(relative).parts or Path(relative).is_absolute():
            msg = f"{relative!r} leaves the install root"
            raise ValueError(msg)
        return path

    def note(
        self,
        renames: list[tuple[Path, Path]],
        done: int,
        outgoing: Path,
        *,
        durable: bool = False,
    ) -> None:
        """
        Write the journal: every rename of the change in progress, how
        many are done, and the folder of what it takes out.
        """
        data: dict[str, Any] = {
            "renames": [
                [_relative(src, self.path), _relative(dst, self.path)]
                for src, dst in renames
            ],
            "done": done,
            "outgoing": _relative(outgoing, self.path),
        }
        payload = json.dumps(data).encode()
        if done == 0 or durable:
            write_atomic(self.path / JOURNAL, payload, mode=0o644)
            return
        # Progress notes replace the journal without a flush of their own:
        # a kill keeps them (the page cache survives the process), the
        # flush of the root after the renames makes them durable, and the
        # one rename a lost note may hide is found by its paths.
        aside = self.path / f"{JOURNAL}.{os.getpid()}.tmp"
        aside.write_bytes(payload)
        aside.replace(self.path / JOURNAL)

    def finish(self, outgoing: Path) -> None:
        """
        End the change in progress: drop the journal, then *outgoing*
        (the folders it took out).
        """
        (self.path / JOURNAL).unlink(missing_ok=True)
        fsync_directory(self.path)
        shutil.rmtree(outgoing, ignore_errors=True)


class Transaction:
    """
    A change to the install root, made but not yet committed.

    Args:
        root: The install root, whose lock is held.

        outgoing: Where folders on their way out wait for the commit.

        fail_after: See `InstallRoot`.
    """

    def __init__(
        self,
        root: InstallRoot,
        outgoing: Path,
        fail_after: Callable[[int], None] | None = None,
    ) -> None:
        self._root = root
        self._outgoing = outgoing
        self._fail_after = fail_after
        self._planned: list[tuple[Path, Path]] = []
        self._done = 0
        self._closed = False

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
            self._planned, self._done, self._outgoing, durable=True
        )
        try:
            self._step()
            for src, dst in renames:
                src.rename(dst)
                self._done += 1
                self._step()  # renamed, not yet noted: the hardest case
                self._root.note(self._planned, self._done, self._outgoing)
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


def _relative(path: Path, root: Path) -> str:
    return os.path.relpath(path, root)

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

from ._installtx import Transaction, relative, undo_renames


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
        self._recovered: list[dict[str, Any]] = []

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

    def begin(self, memo: dict[str, Any] | None = None) -> Transaction:
        """
        Start a change (the lock must be held): `Transaction.swap_in`,
        `swap_back` and `take_out` move folders at once; `commit` keeps
        the lot, `undo` puts every folder back.

        Args:
            memo: What the caller must undo itself if the change is
                undone by a later run (the grants an install changes);
                written to the journal before anything moves, and handed
                back by `take_recovered`.
        """
        self.staging.mkdir(parents=True, exist_ok=True)
        (self.path / PREVIOUS).mkdir(exist_ok=True)
        outgoing = Path(tempfile.mkdtemp(prefix="out-", dir=self.staging))
        return Transaction(self, outgoing, self._fail_after, memo)

    def take_recovered(self) -> list[dict[str, Any]]:
        """
        The memos of the changes that `recover` undid since last asked.
        """
        memos, self._recovered = self._recovered, []
        return memos

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
            memo = data.get("memo")
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
        if isinstance(memo, dict):
            self._recovered.append(memo)
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
        memo: dict[str, Any] | None = None,
    ) -> None:
        """
        Write the journal: every rename of the change in progress, how
        many are done, and the folder of what it takes out.
        """
        data: dict[str, Any] = {
            "renames": [
                [relative(src, self.path), relative(dst, self.path)]
                for src, dst in renames
            ],
            "done": done,
            "outgoing": relative(outgoing, self.path),
        }
        if memo is not None:
            data["memo"] = memo
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

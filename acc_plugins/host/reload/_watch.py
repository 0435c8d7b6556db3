"""
Following plugin folders: a change to a plugin's files reloads it.

One thread runs ``watchfiles`` (native file-system events) over the
folders of the loaded plugins.  Changes are debounced: a burst of writes
(an editor's save, a ``git checkout``) becomes one batch, and each plugin
touched by the batch is reloaded once, in activation order, so that a
plugin and what depends on it reload in dependency order.  A plugin in
``error`` is restarted instead, so that fixing a broken plugin brings it
back.  Only the manifest and Python sources count; editor swap files,
``__pycache__`` and the like do not.  A plugin is read once its files
have settled (``_settle``), and a refused version whose files changed
while it was read is tried once more before the refusal is reported.

A plugin folder that goes away is unloaded, and loaded again when it
comes back; a search path that goes away (the whole plugins folder) is
watched for its return, and what it holds then is loaded.

The configuration files are followed too (those whose folder exists when
watching starts): a change to one applies the configuration again, so a
hand edit reaches running plugins, or is reported if it is invalid.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Final, Self

import attrs

from acc_plugins.errors import LoadError
from acc_plugins.host.core._discovery import MANIFEST_NAME, discover
from acc_plugins.host.core._lifecycle import State

from ._settle import changed_since, settle


if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from acc_plugins.host._host import PluginHost

_log = logging.getLogger("acc_plugins.host")

# How long to wait for a burst of changes to end, and how often to look.
DEBOUNCE_MS: Final = 50
STEP_MS: Final = 10
# The watcher thread wakes this often to notice ``stop()``.
_WAKE_MS: Final = 200


@attrs.frozen
class Reloaded:
    """
    What one change did to one plugin.

    Attributes:
        plugin: The plugin's name.

        seconds: From the change being noticed to the new version serving
            (or to the refusal).

        error: Why the new version was refused, or None.

        location: ``"file:line"`` of the error, when known.

        restarted: Whether it was in ``error`` and was started again.

        added: Whether its folder appeared and it was loaded.

        removed: Whether its folder went away and it was unloaded.
    """

    plugin: str
    seconds: float
    error: str | None = None
    location: str | None = None
    restarted: bool = False
    added: bool = False
    removed: bool = False


def _relevant(path: Path) -> bool:
    return path.name == MANIFEST_NAME or (
        path.suffix == ".py" and "__pycache__" not in path.parts
    )


class Watcher:
    """
    Reloads plugins when their files change, until stopped.

    Args:
        host: The started host whose plugins to follow.

        on_reload: Called with each plugin's outcome, on the watcher's
            thread.

        debounce_ms: How long a burst of changes may last.
    """

    def __init__(
        self,
        host: PluginHost,
        *,
        on_reload: Callable[[Reloaded], object] = lambda _: None,
        debounce_ms: int = DEBOUNCE_MS,
    ) -> None:
        self._host = host
        self._on_reload = on_reload
        self._debounce_ms = debounce_ms
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> None:
        """
        Start following the plugins' folders (returns once it is).
        """
        if self._thread is not None:
            return
        self._thread = threading.Thread(
            target=self._run, name="acc-plugins-watch", daemon=True
        )
        self._thread.start()
        self._ready.wait(timeout=5)

    def stop(self) -> None:
        """
        Stop following, and wait for a reload in progress to finish.
        """
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _roots(self) -> dict[Path, str]:
        return {
            info.root.resolve(): info.name
            for info in self._host.plugins()
            if info.root.is_dir()
        }

    def _config_files(self) -> set[Path]:
        return {
            path.resolve()
            for path in self._host.config_files()
            if path.parent.is_dir()
        }

    def _searched(self) -> set[Path]:
        return {p.resolve() for p in self._host.search_paths() if p.is_dir()}

    def _run(self) -> None:
        roots = self._roots()
        configs = self._config_files()
        first = True
        while not self._stop.is_set():
            searched = self._searched()
            if not first:  # what came and went while nothing watched
                try:
                    self._arrivals_and_departures()
                except Exception:  # noqa: BLE001 -- as for a batch below
                    _log.exception("watching plugins: a rescan failed")
                roots = self._roots()
            first = False
            folders = set(roots) | {p.parent for p in configs} | searched
            try:
                self._follow(folders, searched, roots, configs)
            except OSError:  # a folder went away as watching began
                _log.debug("watching plugins: starting again", exc_info=True)
            if not folders or not self._stop.is_set():
                # Nothing to watch, or a search path went or came back.
                self._ready.set()
                self._stop.wait(_WAKE_MS / 1000)

    def _follow(
        self,
        folders: set[Path],
        searched: set[Path],
        roots: dict[Path, str],
        configs: set[Path],
    ) -> None:
        """
        Watch *folders* until stopped, or until the search paths that
        exist are no longer *searched*: a watch ends with its folder.
        """
        if not folders:
            return
        from watchfiles import watch  # noqa: PLC0415 -- only when watching

        changes = watch(
            *sorted(folders),
            stop_event=self._stop,
            debounce=self._debounce_ms,
            step=STEP_MS,
            rust_timeout=_WAKE_MS,
            yield_on_timeout=True,
            raise_interrupt=False,
        )
        self._ready.set()
        for batch in changes:
            if self._stop.is_set():
                break
            try:
                roots = self._handle(batch, roots, configs)
            except Exception:  # noqa: BLE001 -- the watcher must outlive any one batch
                _log.exception("watching plugins: a batch of changes failed")
            if self._searched() != searched:
                break

    def _handle(
        self,
        batch: Iterable[tuple[object, str]],
        roots: dict[Path, str],
        configs: set[Path],
    ) -> dict[Path, str]:
        """
        Act on one batch of changes; return the plugin roots now.
        """
        paths = [Path(path) for _, path in batch]
        if any(path.resolve() in configs for path in paths):
            self._host.apply_config()
        if self._arrivals_and_departures():
            roots = self._roots()
        touched = self._plugins_of(paths, roots)
        if touched:
            self._apply(touched, time.perf_counter())
        return roots

    def _arrivals_and_departures(self) -> bool:
        """
        Load plugin folders that appeared, unload those that went away;
        return whether any did.  Judged from the host's plugins and the
        disk, not from what was watched: a folder may come and go between
        two batches.
        """
        present = {
            root.resolve(): root
            for root in discover(self._host.search_paths())
        }
        known = {
            info.root.resolve(): info.name
            for info in self._host.plugins()
            if info.state is not State.UNLOADED
        }
        changed = False
        for resolved, root in present.items():
            if resolved not in known:
                self._arrived(root)
                changed = True
        for resolved, name in known.items():
            if resolved not in present and not resolved.exists():
                self._host.forget(name)
                self._report(Reloaded(name, 0.0, removed=True))
                changed = True
        return changed

    def _arrived(self, root: Path) -> None:
        started = time.perf_counter()
        settle(root)
        try:
            name = self._host.add(root)
        except LoadError:
            return
        failure = self._host.info(name).last_error
        self._report(
            Reloaded(
                name,
                time.perf_counter() - started,
                error=failure.message if failure else None,
                location=failure.location if failure else None,
                added=True,
            )
        )

    def _report(self, outcome: Reloaded) -> None:
        try:
            self._on_reload(outcome)
        except Exception:  # noqa: BLE001 -- the caller's bug must not stop watching
            _log.exception("on_reload callback failed")

    @staticmethod
    def _plugins_of(paths: Iterable[Path], roots: dict[Path, str]) -> set[str]:
        touched = set()
        for path in paths:
            if not _relevant(path):
                continue
            for root, name in roots.items():
                if path.is_relative_to(root):
                    touched.add(name)
        return touched

    def _apply(self, touched: set[str], noticed: float) -> None:
        order = {info.name: n for n, info in enumerate(self._host.plugins())}
        for name in sorted(touched, key=lambda n: order.get(n, len(order))):
            info = self._host.info(name)
            if info.state not in {State.ACTIVE, State.ERROR}:
                continue  # nothing to reload: no need to wait for it
            root = info.root
            read = settle(root)
            try:
                try:
                    outcome = self._renew(name, noticed)
                except LoadError:
                    if not changed_since(root, read):
                        raise  # what it read is what is there: refused
                    settle(root)  # written while it was read: once more
                    outcome = self._renew(name, noticed)
                if outcome is None:
                    continue
            except LoadError as exc:
                message = str(exc).removeprefix(f"{name}: ")
                location = getattr(exc, "location", None)
                if location is None:  # a failed restart: the record knows
                    failure = self._host.info(name).last_error
                    location = failure.location if failure else None
                if location and message.startswith(f"{location}: "):
                    message = message.removeprefix(f"{location}: ")
                outcome = Reloaded(
                    name,
                    time.perf_counter() - noticed,
                    error=message,
                    location=location,
                )
            self._report(outcome)

    def _renew(self, name: str, noticed: float) -> Reloaded | None:
        """
        Reload *name* if active, restart it if in error; None otherwise.
        """
        state = self._host.state(name)
        if state is State.ERROR:
            self._host.restart(name)
            return Reloaded(
                name, time.perf_counter() - noticed, restarted=True
            )
        if state is State.ACTIVE:
            self._host.reload(name)
            return Reloaded(name, time.perf_counter() - noticed)
        return None

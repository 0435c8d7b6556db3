"""
The team lockfile, ``acc-plugins.lock``: every plugin of a project with
its version, the sha256 of the archive installed and where it came from,
and with them the permissions granted and the non-secret settings.

Why one file with both: a team reviews a plugin update and the grants it
brings as one diff.  The per-plugin keys ``version``, ``enabled``,
``grants`` and ``settings`` are exactly those of ``acc-plugins config
export``, so the lock is a configuration export that also pins bytes;
``sync`` installs the pinned archives, then applies the rest through the
same checked, all-or-nothing import.
"""

from __future__ import annotations

import re
import tomllib
from typing import TYPE_CHECKING, Any, Final

import attrs

from acc_plugins.errors import MarketplaceError
from acc_plugins.host.config._tomledit import to_toml


if TYPE_CHECKING:
    from collections.abc import Mapping

    from ._origin import Origin

LOCK_NAME: Final = "acc-plugins.lock"
_SHA256: Final = re.compile(r"[0-9a-f]{64}")
_KEYS: Final = {"version", "sha256", "source", "enabled", "grants", "settings"}
CONFIG_KEYS: Final = ("version", "enabled", "grants", "settings")
"""The keys a lock shares with a configuration export."""

_HEADER: Final = (
    "# acc-plugins.lock: the plugins of this project, pinned by sha256, with\n"
    "# the permissions granted and the settings (never secrets). Written by\n"
    "# `acc-plugins lock`; `acc-plugins sync` installs exactly this set.\n\n"
)


class LockFileError(MarketplaceError, ValueError):
    """
    A lockfile that cannot be used: each problem names its key.

    Attributes:
        problems: One line per problem.
    """

    def __init__(self, where: str, problems: list[str]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{where}: not a valid lockfile:\n{lines}")


@attrs.frozen
class LockedPlugin:
    """
    One plugin as the lock pins it.

    Attributes:
        name: Its name.

        version: The version installed.

        sha256: The digest of its archive.

        source: ``registry:<name>`` for a plugin from a registry, or
            ``local`` for one that was not installed (it cannot be synced
            from the lock; it is checked by digest only).

        config: Its ``enabled``, ``grants`` and ``settings`` keys, as a
            configuration export has them.
    """

    name: str
    version: str
    sha256: str
    source: str
    config: dict[str, Any] = attrs.Factory(dict)

    @property
    def registry(self) -> str | None:
        """
        The registry it is installed from; None for a local plugin.
        """
        if self.source.startswith("registry:"):
            return self.source.removeprefix("registry:")
        return None

    @property
    def grants(self) -> tuple[str, ...]:
        """
        The permissions the lock grants it.
        """
        return tuple(self.config.get("grants", ()))


def lock_text(
    export: str,
    origins: Mapping[str, Origin | None],
    local_digests: Mapping[str, str],
) -> str:
    """
    The text of a lockfile.

    Args:
        export: What ``PluginHost.export_config`` wrote.

        origins: Each plugin to lock, with its install origin (None for
            a local plugin); the export's other plugins are left out.

        local_digests: The archive digest of each local plugin.
    """
    plugins = tomllib.loads(export).get("plugins", {})
    out: dict[str, dict[str, Any]] = {}
    for name, entry in plugins.items():
        if name not in origins:
            continue
        origin = origins[name]
        locked = dict(entry)
        if origin is not None and origin.source.startswith("registry:"):
            locked["sha256"] = origin.sha256
            locked["source"] = origin.source
        else:
            locked["sha256"] = (
                origin.sha256 if origin is not None else local_digests[name]
            )
            locked["source"] = "local"
        out[name] = locked
    text = to_toml(out)
    return _HEADER + text + ("" if text.endswith("\n") else "\n")


def read_lock(text: str, *, where: str) -> dict[str, LockedPlugin]:
    """
    The plugins a lockfile pins.

    Raises:
        LockFileError: Naming every key that is wrong; nothing is used.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LockFileError(where, [f"not valid TOML: {exc}"]) from None
    problems = [f"{key}: unknown table" for key in data if key != "plugins"]
    plugins = data.get("plugins", {})
    if not isinstance(plugins, dict):
        raise LockFileError(where, [*problems, "plugins: must be a table"])
    locked: dict[str, LockedPlugin] = {}
    for name, entry in sorted(plugins.items()):
        entry_problems = _entry_problems(f"plugins.{name}", entry)
        problems.extend(entry_problems)
        if not entry_problems:
            locked[name] = LockedPlugin(
                name,
                entry["version"],
                entry["sha256"],
                entry["source"],
                {k: entry[k] for k in CONFIG_KEYS if k in entry},
            )
    if problems:
        raise LockFileError(where, problems)
    return locked


def _entry_problems(where: str, entry: object) -> list[str]:
    if not isinstance(entry, dict):
        return [f"{where}: must be a table"]
    problems = [
        f"{where}.{key}: unknown key" for key in entry if key not in _KEYS
    ]
    problems.extend(
        f"{where}.{key}: missing, or not a string"
        for key in ("version", "sha256", "source")
        if not isinstance(entry.get(key), str)
    )
    sha256 = entry.get("sha256")
    if isinstance(sha256, str) and not _SHA256.fullmatch(sha256):
        problems.append(f"{where}.sha256: must be 64 lowercase hex digits")
    source = entry.get("source")
    if isinstance(source, str) and not (
        source == "local"
        or re.fullmatch(r"registry:[a-z0-9][a-z0-9._-]{0,63}", source)
    ):
        problems.append(
            f"{where}.source: must be 'registry:<name>' or 'local', not {source!r}"
        )
    return problems


@attrs.frozen
class SyncPlan:
    """
    What ``sync`` does to make the installed set match the lock.

    Attributes:
        install: Plugins to install or replace at the locked version.

        remove: Installed plugins the lock does not name (``--exact``).

        keep: Plugins already installed as locked.

        missing_local: Local plugins the lock names but that are not
            there (or differ): sync cannot fetch them.
    """

    install: tuple[LockedPlugin, ...]
    remove: tuple[str, ...]
    keep: tuple[str, ...]
    missing_local: tuple[LockedPlugin, ...]

    @property
    def changes(self) -> bool:
        """
        Whether anything is to be installed or removed.
        """
        return bool(self.install or self.remove)


def plan_sync(
    lock: Mapping[str, LockedPlugin],
    installed: Mapping[str, tuple[str, str]],
    *,
    exact: bool,
) -> SyncPlan:
    """
    The plan that makes *installed* match *lock*.

    Args:
        lock: What the lock pins.

        installed: Each installed plugin's (version, sha256).

        exact: Whether to remove what the lock does not name.
    """
    install, keep, missing = [], [], []
    for name, locked in sorted(lock.items()):
        if installed.get(name) == (locked.version, locked.sha256):
            keep.append(name)
        elif locked.registry is None:
            missing.append(locked)
        else:
            install.append(locked)
    remove = sorted(set(installed) - set(lock)) if exact else []
    return SyncPlan(tuple(install), tuple(remove), tuple(keep), tuple(missing))

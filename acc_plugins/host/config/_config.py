"""
Configuration: which plugins are enabled and what their settings are, in
layered TOML files, with secrets kept apart.

A value comes from the first layer that has it, highest first:

1. the administrator's policy (``[settings.<plugin>]`` in the policy file),
2. the project's ``./.acc/config.toml``,
3. the user's ``config.toml`` (in the user config folder),
4. the manifest's default.

A configuration file looks like this::

    [plugins.text-tools]
    enabled = true

    [plugins.text-tools.settings]
    max_words = 200

Secret settings never go into a file that may be shared: their values
live in ``secrets.json`` in the data folder, readable by the user only,
and are shown masked.  Files are written atomically (a temporary file
renamed into place) under a lock, so a reader sees the old file or the
new one, never a torn one.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tomllib
from typing import TYPE_CHECKING, Any, Final

import attrs

from acc_plugins.errors import ConfigError
from acc_plugins.manifest import SettingType

from ._atomic import write_atomic
from ._claudesettings import claude_problems
from ._configread import warn_stale
from ._jsonstore import JsonStore
from ._tomledit import UNCHANGED, edited, without_empty
from ._tomlread import parse, read_text
from ._updatesetting import mode_problem


if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping
    from pathlib import Path

    from acc_plugins.manifest import Manifest

CONFIG_NAME: Final = "config.toml"
MASK: Final = "********"
_TOP_KEYS: Final = ("auto-update", "claude", "plugins", "policy")


@attrs.frozen
class PluginConfig:
    """
    What one configuration file says about one plugin.

    Attributes:
        enabled: Whether it should run; None if the file does not say.

        settings: Setting values by key, as written.
    """

    enabled: bool | None = None
    settings: Mapping[str, Any] = attrs.Factory(dict)


def _problems_of(data: object) -> list[str]:
    if not isinstance(data, dict):
        return ["must be a table"]
    # ``policy`` names the policy file (``_policypath``), ``auto-update``
    # the automatic-update mode (``_updatesetting``), ``claude`` the
    # command line's Claude (``_claudesettings``).
    problems = [f"{k}: unknown table" for k in data if k not in _TOP_KEYS]
    if "claude" in data:
        problems += claude_problems(data["claude"])
    problems += filter(None, [mode_problem(data.get("auto-update", "off"))])
    plugins = data.get("plugins", {})
    if not isinstance(plugins, dict):
        return [*problems, "plugins: must be a table"]
    for name, entry in plugins.items():
        where = f"plugins.{name}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: must be a table")
            continue
        for key, value in entry.items():
            if key == "enabled":
                if type(value) is not bool:
                    problems.append(f"{where}.enabled: must be true or false")
            elif key == "settings":
                if not isinstance(value, dict):
                    problems.append(f"{where}.settings: must be a table")
            else:
                problems.append(f"{where}.{key}: unknown key")
    return problems


def _loaded(text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:  # pragma: no cover -- a tomlkit bug
        return {}


def set_or_drop(table: dict[str, Any], key: str, value: Any) -> None:
    """
    ``table[key] = value``, or remove *key* for None or an empty table.
    """
    if value is None or value == {}:
        table.pop(key, None)
    else:
        table[key] = value


class ConfigFile:
    """
    One ``config.toml``.

    Args:
        path: The file; it need not exist.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def __repr__(self) -> str:
        return f"<ConfigFile {self.path}>"

    def raw(self) -> dict[str, Any]:
        """
        The parsed file (``{}`` if absent).

        Raises:
            ConfigError: If it is not valid TOML or not a configuration.
        """
        return self._checked(self._text())

    def _text(self) -> str:
        return read_text(self.path)

    def _checked(self, text: str) -> dict[str, Any]:
        data = parse(self.path, text)
        problems = _problems_of(data)
        if problems:
            raise ConfigError(str(self.path), problems)
        return data

    def read(self) -> dict[str, PluginConfig]:
        """
        What the file says about each plugin.

        Raises:
            ConfigError: As ``raw`` does.
        """
        plugins = self.raw().get("plugins", {})
        return {
            name: PluginConfig(entry.get("enabled"), entry.get("settings", {}))
            for name, entry in plugins.items()
        }

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        # The lock is the folder's, not a ``config.toml.lock`` beside a
        # file that may be under version control: the folder is never
        # replaced, while the file is, by every atomic write.
        folder = self.path.parent
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def change(
        self,
        plugin: str,
        *,
        enabled: bool | object | None = UNCHANGED,
        settings: Mapping[str, Any] | None = None,
    ) -> None:
        """
        Change *plugin*'s entry and write the file atomically, reading and
        writing under one lock so that concurrent writers lose nothing.

        Args:
            plugin: The plugin.

            enabled: Its new flag, None to remove it, or ``UNCHANGED``.

            settings: Setting values to set, key by key; None removes one.
                The other keys stay as they are.

        Raises:
            ConfigError: If the file on disk is invalid (it is left alone).
        """
        with self._locked():
            text = self._text()
            data = self._checked(text)
            plugins = dict(data.get("plugins", {}))
            current = dict(plugins.get(plugin, {}))
            if enabled is not UNCHANGED:
                set_or_drop(current, "enabled", enabled)
            table = dict(current.get("settings", {}))
            for key, value in (settings or {}).items():
                plain = list(value) if isinstance(value, tuple) else value
                set_or_drop(table, key, plain)
            set_or_drop(current, "settings", table)
            set_or_drop(plugins, plugin, current)
            new = edited(text, plugin, enabled=enabled, settings=settings)
            after = _loaded(new).get("plugins", {})
            if without_empty(after) != without_empty(plugins):
                problem = "could not be changed without changing more"
                raise ConfigError(str(self.path), [problem])
            self._write(new)

    def _write(self, text: str) -> None:
        # It holds no secrets and may be kept under version control: its
        # mode is what the user gave it, 0644 for a new file.
        try:
            mode = self.path.stat().st_mode & 0o777
        except FileNotFoundError:
            mode = 0o644
        write_atomic(self.path, text.encode("utf-8"), mode=mode)


class SecretStore(JsonStore):
    """
    Secret setting values by plugin, in a file only the user can read
    (``secrets.json``, mode 0600, in the data folder).
    """

    def secrets(self, plugin: str) -> dict[str, str]:
        """
        *plugin*'s secret values.
        """
        entry = self.read().get(plugin)
        if not isinstance(entry, dict):
            return {}
        return {str(k): str(v) for k, v in entry.items()}

    def put(self, plugin: str, key: str, value: str | None) -> None:
        """
        Store a secret value, or forget it with None.
        """

        def change(data: dict[str, Any]) -> None:
            entry = dict(data.get(plugin) or {})
            set_or_drop(entry, key, value)
            set_or_drop(data, plugin, entry)

        self.update(change)
        with contextlib.suppress(OSError):
            self.path.chmod(0o600)


def check_values(
    manifest: Manifest, values: Mapping[str, Any], where: str
) -> dict[str, Any]:
    """
    *values* checked against *manifest*'s settings.

    Raises:
        ConfigError: Naming every unknown key and bad value.
    """
    by_key = {s.key: s for s in manifest.settings}
    checked: dict[str, Any] = {}
    problems = []
    for key, value in values.items():
        setting = by_key.get(key)
        if setting is None:
            known = ", ".join(sorted(by_key)) or "none"
            problems.append(f"{key}: no such setting (it has: {known})")
            continue
        try:
            checked[key] = setting.check(value)
        except ValueError as exc:
            problems.append(f"{key}: {exc}")
    if problems:
        raise ConfigError(where, problems)
    return checked


@attrs.frozen
class Layers:
    """
    Every source of configuration, lowest first after the manifest.

    Attributes:
        files: The configuration files, lowest first (user, project).

        secrets: The secret store.

        enforced: Values the administrator's policy enforces, by plugin.
    """

    files: tuple[ConfigFile, ...]
    secrets: SecretStore
    enforced: Mapping[str, Mapping[str, Any]] = attrs.Factory(dict)
    # The stale keys already warned about: each once per host.
    _warned: set[str] = attrs.field(factory=set, init=False, eq=False)

    def read(self) -> tuple[dict[str, PluginConfig], ...]:
        """
        Every file's content, lowest first.

        Raises:
            ConfigError: If any file is invalid.
        """
        return tuple(file.read() for file in self.files)

    def enabled(
        self, plugin: str, read: Iterable[dict[str, PluginConfig]]
    ) -> bool:
        """
        Whether *plugin* should run: the highest file that says so decides.
        """
        decided = True
        for content in read:
            entry = content.get(plugin)
            if entry is not None and entry.enabled is not None:
                decided = entry.enabled
        return decided

    def values(
        self,
        manifest: Manifest,
        read: Iterable[dict[str, PluginConfig]],
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """
        The plugin's setting values, and where each came from.

        Raises:
            ConfigError: Naming the file and key of every bad value.
        """
        read = tuple(read)  # walked twice
        name = manifest.plugin.name
        secret = {
            s.key for s in manifest.settings if s.type is SettingType.SECRET
        }
        declared = {s.key for s in manifest.settings}
        values: dict[str, Any] = {s.key: s.default for s in manifest.settings}
        sources = dict.fromkeys(values, "default")
        layers: list[tuple[str, Mapping[str, Any]]] = []
        for file, content in zip(self.files, read, strict=True):
            entry = content.get(name)
            if entry is None:
                continue
            where = f"{file.path} [plugins.{name}.settings]"
            leaked = sorted(secret & set(entry.settings))
            if leaked:
                problems = [
                    f"{key}: a secret belongs in the secret store "
                    "(acc-plugins config set), not in a file"
                    for key in leaked
                ]
                raise ConfigError(where, problems)
            layers.append((where, _declared(entry.settings, declared)))
        warn_stale(self, manifest, read, self._warned)
        if secret:  # others need not read it: it may be unreadable
            secrets = self.secrets.secrets(name)
            layers.append(("the secret store", _declared(secrets, secret)))
        layers.append(("the policy", self.enforced.get(name, {})))
        for where, raw in layers:
            checked = check_values(manifest, raw, where)
            values.update(checked)
            sources.update(dict.fromkeys(checked, where))
        return values, sources


def _declared(values: Mapping[str, Any], keys: set[str]) -> dict[str, Any]:
    # A key the plugin no longer declares is stale: warned about, unused.
    return {k: v for k, v in values.items() if k in keys}


def masked(manifest: Manifest, values: Mapping[str, Any]) -> dict[str, Any]:
    """
    *values* with every secret replaced by a mask.
    """
    secret = {s.key for s in manifest.settings if s.type is SettingType.SECRET}
    return {
        k: (MASK if k in secret and v is not None else v)
        for k, v in values.items()
    }

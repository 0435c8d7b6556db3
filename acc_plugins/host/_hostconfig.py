"""
Configuration for ``PluginHost``: layered setting values, enabled flags,
secrets, and applying a change to running plugins.

Each plugin's settings live in one dict that its ``ctx.settings`` shows
read-only; a change updates that dict and then calls the plugin's
``on_config_change`` with the keys whose values changed.  An invalid
configuration never replaces a good one: it is reported (log, event
``config.invalid``) and the last good values stay in force.
"""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING, Any

from acc_plugins.errors import ConfigError, LoadError, PluginCallError
from acc_plugins.manifest import Setting, SettingType

from ._config import (
    ConfigFile,
    Layers,
    PluginConfig,
    check_values,
    masked,
)
from ._configread import read_keeping, stale_rows, unsets_a_secret
from ._lifecycle import State
from ._loader import call_method, manifest_of


if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from ._record import PluginRecord

_log = logging.getLogger("acc_plugins.host")


class HostConfig:
    """
    Configuration for ``PluginHost``.
    """

    _records: dict[str, PluginRecord]
    _layers: Layers
    _settings: dict[str, dict[str, object]]
    _config_read: tuple[dict[str, PluginConfig], ...] | None

    # -- reading ----------------------------------------------------------

    def _read_config(self) -> ConfigError | None:
        """
        Read every configuration file; keep the last good reading (or none
        at all, at start) if one is invalid, and return the error.
        """
        self._config_read, errors = read_keeping(
            self._layers, self._config_read
        )
        for error in errors:
            self._config_invalid(error)
        return errors[0] if errors else None

    def _config_invalid(self, exc: ConfigError) -> None:
        _log.error("%s", exc)  # names the file, line and column
        self.emit(  # type: ignore[attr-defined]
            "config.invalid", {"path": exc.path, "problems": exc.problems}
        )

    def _values_of(self, record: PluginRecord) -> dict[str, Any]:
        """
        The plugin's settings from every layer.

        Raises:
            ConfigError: If the files could not be read, or a value is bad.
        """
        if self._config_read is None:
            error = self._read_config()
            if error is not None:
                raise error
        assert self._config_read is not None  # noqa: S101 -- read above
        manifest = manifest_of(record)
        values, _ = self._layers.values(manifest, self._config_read)
        given = self._settings.get(record.name, {})
        values.update(
            check_values(manifest, given, "PluginHost(settings=...)")
        )
        return values

    def _enabled(self, name: str) -> bool:
        if self._config_read is None:
            return True
        return self._layers.enabled(name, self._config_read)

    # -- the API ----------------------------------------------------------

    def config_files(self) -> list[Path]:
        """
        The configuration files, lowest layer first: the user's, then the
        project's.
        """
        return [file.path for file in self._layers.files]

    def config(self, name: str) -> dict[str, dict[str, Any]]:
        """
        A plugin's settings: each key's value (secrets masked), where it
        came from, and its type and description.

        Raises:
            ConfigError: If the configuration cannot be read.
        """
        record = self._record(name)  # type: ignore[attr-defined]
        manifest = manifest_of(record)
        read = self._layers.read()
        values, sources = self._layers.values(manifest, read)
        shown = masked(manifest, values)
        return {
            s.key: {
                "value": shown[s.key],
                "source": sources[s.key],
                "type": s.type.value,
                "description": s.description,
            }
            for s in manifest.settings
        } | stale_rows(self._layers, manifest, read)

    def setting(self, name: str, key: str) -> Setting:
        """
        The declaration of one of a plugin's settings.

        Raises:
            ConfigError: If the plugin has no such setting.
        """
        manifest = manifest_of(self._record(name))  # type: ignore[attr-defined]
        by_key = {s.key: s for s in manifest.settings}
        if key not in by_key:
            known = ", ".join(sorted(by_key)) or "none"
            where = f"setting {name}.{key}"
            problem = f"no such setting (it has: {known})"
            raise ConfigError(where, [problem])
        return by_key[key]

    def configure(
        self, name: str, key: str, value: object, *, project: bool = False
    ) -> None:
        """
        Set a setting in the user's configuration (or the project's), or
        in the secret store for a secret; running plugins see it at once.

        Raises:
            ConfigError: If the key or the value is not valid (nothing is
                written).
        """
        record = self._record(name)  # type: ignore[attr-defined]
        manifest = manifest_of(record)
        checked = check_values(manifest, {key: value}, name)
        setting = next(s for s in manifest.settings if s.key == key)
        if setting.type is SettingType.SECRET:
            self._layers.secrets.put(record.name, key, str(checked[key]))
        else:
            self._write_setting(
                record.name, key, checked[key], project=project
            )
        self.apply_config()

    def unconfigure(
        self, name: str, key: str, *, project: bool = False
    ) -> None:
        """
        Remove a setting from the user's configuration (or the project's,
        or the secret store); the next layer down applies again.

        Raises:
            ConfigError: If the plugin has no such setting (a stale key,
                one it no longer declares, is removed from the file).
        """
        record = self._record(name)  # type: ignore[attr-defined]
        file = self._file(project=project)
        if unsets_a_secret(manifest_of(record), file, key):
            self._layers.secrets.put(record.name, key, None)
        else:
            self._write_setting(record.name, key, None, project=project)
        self.apply_config()

    def _file(self, *, project: bool) -> ConfigFile:
        return self._layers.files[-1 if project else 0]

    def _write_setting(
        self, name: str, key: str, value: object, *, project: bool
    ) -> None:
        self._file(project=project).change(name, settings={key: value})

    def set_enabled(
        self, name: str, enabled: bool, *, project: bool = False
    ) -> None:
        """
        Enable or disable a plugin in the user's configuration (or the
        project's), and activate or deactivate it now.

        Raises:
            LoadError: If it fails to activate.
        """
        record = self._record(name)  # type: ignore[attr-defined]
        self._file(project=project).change(record.name, enabled=enabled)
        self._read_config()
        self._apply_enabled(record)
        if enabled:
            self._resume_dependents()

    def _resume_dependents(self) -> None:
        # Plugins stopped because something they need was disabled come
        # back once it is enabled again (unless disabled themselves).
        progress = True
        while progress:
            progress = False
            for record in list(self._records.values()):
                if (
                    record.state is State.DEACTIVATED
                    and self._enabled(record.name)
                    and _needs_met(self._records, record)
                ):
                    with contextlib.suppress(LoadError):
                        self.activate(record.name)  # type: ignore[attr-defined]
                        progress = True

    def _apply_enabled(self, record: PluginRecord) -> None:
        wanted = self._enabled(record.name)
        if not wanted and record.state is State.ACTIVE:
            self.deactivate(record.name)  # type: ignore[attr-defined]
        elif wanted and record.state is State.DEACTIVATED:
            self.activate(record.name)  # type: ignore[attr-defined]

    def apply_config(self) -> None:
        """
        Read the configuration again and apply it to running plugins:
        changed values, then enabled flags.  An invalid file changes
        nothing and is reported.
        """
        if self._read_config() is not None:
            return
        for record in list(self._records.values()):
            if record.state is State.ACTIVE:
                self._apply_values(record)
            with contextlib.suppress(LoadError):
                self._apply_enabled(record)

    def _apply_values(self, record: PluginRecord) -> None:
        try:
            values = self._values_of(record)
        except ConfigError as exc:
            self._config_invalid(exc)
            return
        current = record.settings
        changed = {k: v for k, v in values.items() if current.get(k) != v}
        if not changed:
            return
        current.update(values)
        if record.remote is not None:
            given = plain_values(values, set_only=True)
            message = {"op": "configure", "values": given}
            with contextlib.suppress(PluginCallError):
                self._forward(record, f"{record.name}.configure", message)  # type: ignore[attr-defined]
            return
        with contextlib.suppress(PluginCallError):
            call_method(record, "on_config_change", plain_values(changed))


def _needs_met(
    records: Mapping[str, PluginRecord], record: PluginRecord
) -> bool:
    manifest = record.manifest
    if manifest is None:
        return False
    return all(
        dep.name in records and records[dep.name].state is State.ACTIVE
        for dep in manifest.dependencies
    )


def plain_values(
    values: Mapping[str, Any], *, set_only: bool = False
) -> dict[str, Any]:
    """
    *values* as JSON (lists, not tuples); without the unset ones (a secret
    nobody set) if *set_only*.
    """
    return {
        k: list(v) if isinstance(v, tuple) else v
        for k, v in values.items()
        if not (set_only and v is None)
    }

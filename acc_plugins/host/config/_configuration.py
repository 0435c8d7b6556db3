"""
The host's configuration part: layered setting values, enabled flags,
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

from acc_plugins.errors import (
    ConfigError,
    LoadError,
    PluginCallError,
    PolicyBlockedError,
)
from acc_plugins.host.core._lifecycle import State
from acc_plugins.host.core._loader import call_method, manifest_of
from acc_plugins.manifest import Setting, SettingType
from acc_plugins.security import Policy

from ._config import (
    ConfigFile,
    Layers,
    PluginConfig,
    check_values,
    masked,
)
from ._configread import read_keeping, stale_rows, unsets_a_secret


if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path

    from acc_plugins.host.core._plugins import Plugins
    from acc_plugins.host.core._record import PluginRecord

_log = logging.getLogger("acc_plugins.host")


class Configuration:
    """
    Settings and enabled flags, from every layer, applied to plugins.

    Args:
        plugins: The host's plugins.

        layers: The configuration files, the secret store and the policy's
            enforced values.

        given: Setting values per plugin from the embedding application,
            over the files (only the policy's enforced values rank higher).

        emit: Emits an event (``name, payload``).

        activate: Activates a deactivated plugin.

        deactivate: Deactivates an active plugin.

        forward: Sends a request to an isolated plugin's worker.

        policy: The administrator's policy: a plugin it requires stays
            enabled, whatever the files say, and cannot be disabled.
    """

    def __init__(
        self,
        plugins: Plugins,
        layers: Layers,
        given: dict[str, dict[str, object]],
        *,
        emit: Callable[[str, dict[str, object]], object],
        activate: Callable[[str], None],
        deactivate: Callable[[str], None],
        forward: Callable[[PluginRecord, str, dict[str, Any]], object],
        policy: Policy | None = None,
    ) -> None:
        self._plugins = plugins
        self._records = plugins.records
        self._layers = layers
        self.given = given
        self._emit = emit
        self._activate = activate
        self._deactivate = deactivate
        self._forward = forward
        self._policy = policy if policy is not None else Policy()
        self._read: tuple[dict[str, PluginConfig], ...] | None = None

    def __repr__(self) -> str:
        return f"<Configuration files={self.config_files()}>"

    def read(self) -> ConfigError | None:
        """
        Read every configuration file; keep the last good reading (or none
        at all, at start) if one is invalid, and return the error.
        """
        self._read, errors = read_keeping(self._layers, self._read)
        for error in errors:
            self._config_invalid(error)
        return errors[0] if errors else None

    def _config_invalid(self, exc: ConfigError) -> None:
        _log.error("%s", exc)  # names the file, line and column
        self._emit(
            "config.invalid", {"path": exc.path, "problems": exc.problems}
        )

    def values_of(self, record: PluginRecord) -> dict[str, Any]:
        """
        The plugin's settings from every layer.

        Raises:
            ConfigError: If the files could not be read, or a value is bad.
        """
        if self._read is None:
            error = self.read()
            if error is not None:
                raise error
        assert self._read is not None  # noqa: S101 -- read above
        manifest = manifest_of(record)
        values, _ = self._layers.values(manifest, self._read)
        given = self.given.get(record.name, {})
        values.update(
            check_values(manifest, given, "PluginHost(settings=...)")
        )
        return values

    def enabled(self, name: str) -> bool:
        """
        Whether the configuration leaves *name* enabled.
        """
        if self._read is None or not self._policy.may_disable(name).allowed:
            return True
        return self._layers.enabled(name, self._read)

    def config_files(self) -> list[Path]:
        """
        The configuration files, lowest layer first: the user's, then the
        project's.
        """
        return [file.path for file in self._layers.files]

    def config(self, name: str) -> dict[str, dict[str, Any]]:
        """
        ``PluginHost.config``: each setting, its value and source.
        """
        record = self._plugins.record(name)
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
        ``PluginHost.setting``: one declaration.
        """
        manifest = manifest_of(self._plugins.record(name))
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
        ``PluginHost.configure``: checked, written, applied.
        """
        record = self._plugins.record(name)
        manifest = manifest_of(record)
        checked = check_values(manifest, {key: value}, name)
        setting = next(s for s in manifest.settings if s.key == key)
        if setting.type is SettingType.SECRET:
            self._layers.secrets.put(record.name, key, str(checked[key]))
        else:
            self._write_setting(
                record.name, key, checked[key], project=project
            )
        self.apply()

    def unconfigure(
        self, name: str, key: str, *, project: bool = False
    ) -> None:
        """
        ``PluginHost.unconfigure``: removed (a stale key too), then applied.
        """
        record = self._plugins.record(name)
        file = self._file(project=project)
        if unsets_a_secret(manifest_of(record), file, key):
            self._layers.secrets.put(record.name, key, None)
        else:
            self._write_setting(record.name, key, None, project=project)
        self.apply()

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
        ``PluginHost.set_enabled``: written, then applied now.

        Raises:
            PolicyBlockedError: If the policy requires the plugin and
                *enabled* is False.
        """
        record = self._plugins.record(name)
        verdict = self._policy.may_disable(record.name)
        if not enabled and not verdict.allowed:
            raise PolicyBlockedError(record.name, verdict.reasons)
        for reason in verdict.reasons if not enabled else ():
            _log.warning("plugin %s: %s", record.name, reason)
        self._file(project=project).change(record.name, enabled=enabled)
        self.read()
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
                    and self.enabled(record.name)
                    and _needs_met(self._records, record)
                ):
                    with contextlib.suppress(LoadError):
                        self._activate(record.name)
                        progress = True

    def _apply_enabled(self, record: PluginRecord) -> None:
        wanted = self.enabled(record.name)
        if not wanted and record.state is State.ACTIVE:
            self._deactivate(record.name)
        elif wanted and record.state is State.DEACTIVATED:
            self._activate(record.name)

    def apply(self) -> None:
        """
        ``PluginHost.apply_config``: values, then enabled flags.
        """
        if self.read() is not None:
            return
        for record in list(self._records.values()):
            if record.state is State.ACTIVE:
                self.apply_values(record)
            with contextlib.suppress(LoadError):
                self._apply_enabled(record)

    def apply_values(self, record: PluginRecord) -> None:
        """
        Give *record* its current values, telling it what changed.
        """
        try:
            values = self.values_of(record)
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
                self._forward(record, f"{record.name}.configure", message)
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

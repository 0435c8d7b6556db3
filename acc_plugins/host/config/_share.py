"""
Sharing a team's setup: ``export_config`` writes every plugin's version,
enabled flag, grants and settings (never secrets) as TOML, and
``import_config`` checks such a file completely before applying any of it.
"""

from __future__ import annotations

import tomllib
from typing import TYPE_CHECKING, Any

from acc_plugins.errors import ConfigError
from acc_plugins.manifest import SettingType

from ._atomic import sweep
from ._config import check_values
from ._importjournal import run_import, settle_import
from ._tomledit import to_toml


if TYPE_CHECKING:
    from collections.abc import Callable

    from acc_plugins.host.core._plugins import Plugins
    from acc_plugins.host.gate._consent import GrantStore

    from ._config import Layers


_EXPORT_KEYS = frozenset({"version", "enabled", "grants", "settings"})


class ConfigShare:
    """
    Exporting and importing a team's setup: plugins, versions, enabled
    flags, grants and settings, never secrets.

    Args:
        plugins: The host's plugins.

        layers: The configuration files.

        grant_store: What the user granted each plugin.

        apply: Applies the configuration files to running plugins.
    """

    def __init__(
        self,
        plugins: Plugins,
        layers: Layers,
        *,
        grant_store: Callable[[], GrantStore],
        apply: Callable[[], None],
    ) -> None:
        self._records = plugins.records
        self._layers = layers
        self._grant_store = grant_store
        self._apply = apply

    def __repr__(self) -> str:
        return "<ConfigShare>"

    def export_config(self) -> str:
        """
        ``PluginHost.export_config``: the setup as TOML.
        """
        read = self._layers.read()
        plugins: dict[str, dict[str, Any]] = {}
        for name, record in sorted(self._records.items()):
            if record.manifest is None:
                continue
            secret = {
                s.key
                for s in record.manifest.settings
                if s.type is SettingType.SECRET
            }
            settings: dict[str, Any] = {}
            for content in read:  # lowest first: higher files win
                entry = content.get(name)
                if entry is not None:
                    settings.update(entry.settings)
            granted = self._grant_store().granted(name)
            plugins[name] = {
                "version": str(record.manifest.plugin.version),
                "enabled": self._layers.enabled(name, read),
                "grants": sorted(granted or ()),
                "settings": {
                    k: v for k, v in settings.items() if k not in secret
                },
            }
        header = (
            "# acc-plugins configuration export: plugins, versions, enabled "
            "flags,\n# grants and settings (secrets are never exported).\n\n"
        )
        return header + to_toml(plugins)

    def import_config(
        self, text: str, *, source: str, project: bool = False
    ) -> list[str]:
        """
        ``PluginHost.import_config``: all checked first, then applied all
        or nothing (see ``_importjournal``).
        """
        plans, warnings = self._import_plans(text, source)
        file = self._layers.files[-1 if project else 0]
        run_import(self._grant_store(), file.path, plans, source=source)
        self._apply()
        return warnings

    def settle(self) -> None:
        """
        At start: remove the temporaries of killed writers, and finish or
        undo an import that was cut short.
        """
        store = self._grant_store()
        for folder in {
            store.path.parent,
            *(f.path.parent for f in self._layers.files),
        }:
            sweep(folder)
        settle_import(store)

    def _import_plans(
        self, text: str, source: str
    ) -> tuple[dict[str, dict[str, Any]], list[str]]:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(source, [f"not valid TOML: {exc}"]) from None
        plugins = data.get("plugins")
        problems = [
            f"{key}: unknown table" for key in data if key != "plugins"
        ]
        if not isinstance(plugins, dict):
            raise ConfigError(source, [*problems, "plugins: missing table"])
        plans: dict[str, dict[str, Any]] = {}
        warnings: list[str] = []
        for name, entry in sorted(plugins.items()):
            where = f"plugins.{name}"
            record = self._records.get(name)
            if record is None or record.manifest is None:
                problems.append(f"{where}: no such plugin is installed")
                continue
            if not isinstance(entry, dict):
                problems.append(f"{where}: must be a table")
                continue
            problems.extend(
                f"{where}.{key}: unknown key"
                for key in entry
                if key not in _EXPORT_KEYS
            )
            plan: dict[str, Any] = {}
            version = entry.get("version")
            installed = str(record.manifest.plugin.version)
            if version is not None and str(version) != installed:
                warnings.append(
                    f"{name}: the setup is for version {version}, "
                    f"{installed} is installed"
                )
            if "enabled" in entry:
                if type(entry["enabled"]) is not bool:
                    problems.append(f"{where}.enabled: must be true or false")
                plan["enabled"] = entry["enabled"]
            if "grants" in entry:
                plan["grants"] = _grants_of(entry["grants"], where, problems)
            settings = entry.get("settings", {})
            if not isinstance(settings, dict):
                problems.append(f"{where}.settings: must be a table")
                continue
            secret = {
                s.key
                for s in record.manifest.settings
                if s.type is SettingType.SECRET
            }
            leaked = sorted(secret & set(settings))
            problems.extend(
                f"{where}.settings.{key}: secrets are not imported"
                for key in leaked
            )
            try:
                plan["settings"] = check_values(
                    record.manifest, settings, f"{where}.settings"
                )
            except ConfigError as exc:
                problems.extend(exc.problems)
            plans[name] = plan
        if problems:
            raise ConfigError(source, problems)
        return plans, warnings


def _grants_of(value: object, where: str, problems: list[str]) -> list[str]:
    """
    The canonical permissions an import lists, noting what is wrong.
    """
    from acc_plugins.manifest import parse_permission  # noqa: PLC0415

    if not isinstance(value, list):
        problems.append(f"{where}.grants: must be a list of permissions")
        return []
    grants: list[str] = []
    for text in value:
        try:
            grants.append(parse_permission(str(text)).canonical)
        except ValueError as exc:
            problems.append(f"{where}.grants: {exc}")
    return grants

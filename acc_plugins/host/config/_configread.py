"""
Reading configuration without letting one bad file stop every plugin.

An invalid ``config.toml`` is one error, reported once, not one per
plugin: each file that cannot be read is replaced by what it said last
time it could be (or by nothing, at start), so every plugin keeps its last
good values or its defaults.  A setting a plugin no longer declares (left
by an older version) is stale, not an error: it is ignored with a warning
naming the file, plugin and key, shown marked by ``config list``, and
``config unset`` removes it.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from acc_plugins.errors import ConfigError
from acc_plugins.manifest import SettingType


if TYPE_CHECKING:
    from collections.abc import Iterable

    from acc_plugins.manifest import Manifest

    from ._config import ConfigFile, Layers, PluginConfig

_log = logging.getLogger("acc_plugins.host")
Reading = tuple[dict[str, "PluginConfig"], ...]


def read_keeping(
    layers: Layers, previous: Reading | None
) -> tuple[Reading, list[ConfigError]]:
    """
    Every file's content, lowest first; a file that cannot be read
    counts as what it said in *previous* (or as empty), and its error
    is returned instead of raised.
    """
    contents: list[dict[str, PluginConfig]] = []
    errors: list[ConfigError] = []
    for index, file in enumerate(layers.files):
        try:
            contents.append(file.read())
        except ConfigError as exc:
            errors.append(exc)
            contents.append(previous[index] if previous else {})
    return tuple(contents), errors


def stale_keys(
    layers: Layers, manifest: Manifest, read: Reading
) -> list[tuple[ConfigFile, str, object]]:
    """
    The settings files give *manifest*'s plugin that it does not
    declare: each file, key and value.
    """
    name = manifest.plugin.name
    declared = {s.key for s in manifest.settings}
    return [
        (file, key, value)
        for file, content in zip(layers.files, read, strict=True)
        if (entry := content.get(name)) is not None
        for key, value in entry.settings.items()
        if key not in declared
    ]


def warn_stale(
    layers: Layers,
    manifest: Manifest,
    read: Iterable[dict[str, PluginConfig]],
    warned: set[str],
) -> None:
    """
    Log a warning for each stale key not in *warned*, and add it there.
    """
    name = manifest.plugin.name
    for file, key, _ in stale_keys(layers, manifest, tuple(read)):
        warning = stale_warning(file, name, key)
        if warning not in warned:
            warned.add(warning)
            _log.warning("%s", warning)


def stale_warning(file: ConfigFile, plugin: str, key: str) -> str:
    """
    What the user reads about a stale key.
    """
    return (
        f"{file.path}: plugins.{plugin}.settings.{key}: {plugin} has no "
        f"such setting (left by an older version?), ignored; remove it "
        f"with: acc-plugins config unset {plugin} {key}"
    )


def stale_rows(
    layers: Layers, manifest: Manifest, read: Reading
) -> dict[str, dict[str, Any]]:
    """
    ``PluginHost.config`` rows for the stale keys, marked as such.
    """
    name = manifest.plugin.name
    return {
        key: {
            "value": value,
            "source": f"{file.path} [plugins.{name}.settings]",
            "type": "stale",
            "description": stale_warning(file, name, key),
        }
        for file, key, value in stale_keys(layers, manifest, read)
    }


def unsets_a_secret(manifest: Manifest, file: ConfigFile, key: str) -> bool:
    """
    Whether ``config unset`` of *key* is for the secret store (True) or
    for *file* (False): a declared setting, or a stale key *file* holds.

    Raises:
        ConfigError: If *key* is neither.
    """
    by_key = {s.key: s for s in manifest.settings}
    setting = by_key.get(key)
    if setting is not None:
        return setting.type is SettingType.SECRET
    name = manifest.plugin.name
    entry = file.read().get(name)
    if entry is not None and key in entry.settings:
        return False
    known = ", ".join(sorted(by_key)) or "none"
    where, problem = (
        f"setting {name}.{key}",
        f"no such setting (it has: {known})",
    )
    raise ConfigError(where, [problem])

"""
Forgetting everything about an uninstalled plugin: its grants, its
stored data, its settings and its secrets (``uninstall --purge``).

Why apart from the installer: the install root holds the plugin's code;
what the user gave it and what it kept live in the data and config
folders, each in its own store with its own lock.  A plain uninstall
leaves them, so that installing the plugin again finds its setup as it
was (as VS Code keeps an extension's settings).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from acc_plugins.host.capabilities._storage import KeyValueStore
from acc_plugins.host.config._config import (
    CONFIG_NAME,
    ConfigFile,
    SecretStore,
)


if TYPE_CHECKING:
    from pathlib import Path

    from acc_plugins.host.gate._consent import GrantStore


@attrs.frozen
class Purged:
    """
    What a purge dropped.

    Attributes:
        grants: The permissions the plugin held.

        stored_keys: How many keys of its storage.

        settings: The setting keys removed from the user's config.toml.

        secrets: The secret keys removed.
    """

    grants: frozenset[str]
    stored_keys: int
    settings: tuple[str, ...]
    secrets: tuple[str, ...]


def purge_plugin(
    name: str, *, data_dir: Path, config_dir: Path, grants: GrantStore
) -> Purged:
    """
    Drop *name*'s grants, storage, user settings and secrets.

    Raises:
        ConfigError: If the user's config.toml is invalid (it is left
            alone; the grants and storage are purged already).

        OSError: If a store cannot be written.
    """
    held = grants.forget(name, by="uninstall --purge")
    stored = 0
    database = data_dir / "storage.sqlite3"
    if database.exists():
        storage = KeyValueStore(database)
        try:
            stored = storage.purge(name)
        finally:
            storage.close()
    secrets = SecretStore(data_dir / "secrets.json")
    secret_keys = tuple(sorted(secrets.secrets(name)))
    for key in secret_keys:
        secrets.put(name, key, None)
    config = ConfigFile(config_dir / CONFIG_NAME)
    entry = config.raw().get("plugins", {}).get(name, {})
    keys = tuple(sorted(entry.get("settings", {})))
    if entry:
        config.change(name, enabled=None, settings=dict.fromkeys(keys))
    return Purged(held, stored, keys, secret_keys)

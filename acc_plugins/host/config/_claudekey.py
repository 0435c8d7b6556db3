"""
The Anthropic API key: from ``ANTHROPIC_API_KEY``, else from the
user-only secret store in the data folder, where ``acc-plugins claude key
set`` puts it.  The key is never logged and never written to a file
anyone but the user can read: a secret store that others can read is
refused rather than used.
"""

from __future__ import annotations

import os
import stat
from typing import TYPE_CHECKING, Final

from acc_plugins.errors import ConfigError

from ._config import SecretStore


if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

ENV_KEY: Final = "ANTHROPIC_API_KEY"
# An entry no plugin can be named (names are lowercase letters, digits
# and hyphens), so a plugin's secrets never collide with it.
_ENTRY: Final = "@claude"
_NAME: Final = "anthropic-api-key"


def secret_store(data_dir: Path) -> SecretStore:
    """
    The secret store of the data folder *data_dir*.
    """
    return SecretStore(data_dir / "secrets.json")


def find_api_key(
    data_dir: Path, environ: Mapping[str, str] = os.environ
) -> tuple[str, str] | None:
    """
    The API key and where it came from (``ANTHROPIC_API_KEY`` or ``the
    secret store``), or None when neither has one.

    Raises:
        ConfigError: If the secret store can be read by others.
    """
    given = environ.get(ENV_KEY, "").strip()
    if given:
        return given, ENV_KEY
    store = secret_store(data_dir)
    try:
        mode = stat.S_IMODE(store.path.stat().st_mode)
    except FileNotFoundError:
        return None
    if mode & 0o077:
        problem = (
            f"readable by others (mode {mode:o}), so its API key is not "
            f"used; run: chmod 600 {store.path}"
        )
        raise ConfigError(str(store.path), [problem])
    key = store.secrets(_ENTRY).get(_NAME, "").strip()
    return (key, "the secret store") if key else None


def store_api_key(data_dir: Path, key: str | None) -> None:
    """
    Keep *key* in the secret store (mode 0600), or forget it with None.

    Raises:
        ValueError: If *key* is blank or spans lines.
    """
    if key is not None:
        key = key.strip()
        if not key or any(c in key for c in "\r\n\0"):
            msg = "an API key is one line of text"
            raise ValueError(msg)
    secret_store(data_dir).put(_ENTRY, _NAME, key)

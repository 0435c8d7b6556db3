"""
Reading a TOML configuration file into a table, with one
``ConfigError`` wording for each way it can fail.

Why apart: the configuration and the policy lookup both read the user's
``config.toml``.  With one wording, the line each logs for a broken file
is the same line, and a command shows it once, not twice.
"""

from __future__ import annotations

import tomllib
from typing import TYPE_CHECKING, Any

from acc_plugins.errors import ConfigError


if TYPE_CHECKING:
    from pathlib import Path


def read_text(path: Path) -> str:
    """
    The file's text, ``""`` if it does not exist.

    Raises:
        ConfigError: If it is unreadable or not UTF-8.
    """
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""
    except UnicodeDecodeError as exc:
        problem = f"not valid UTF-8 (byte {exc.start})"
        raise ConfigError(str(path), [problem]) from None
    except OSError as exc:
        problem = f"unreadable: {exc.strerror or exc}"
        raise ConfigError(str(path), [problem]) from None


def parse(path: Path, text: str) -> dict[str, Any]:
    """
    *text*, read from *path*, as a TOML table (structure not checked).

    Raises:
        ConfigError: If it is not valid TOML.
    """
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        problem = f"not valid TOML: {exc}"
        raise ConfigError(str(path), [problem]) from None

"""
Which Claude the command line offers plugins, and how: the ``[claude]``
table of ``config.toml``.  The project's file wins over the user's,
key by key, like plugin settings::

    [claude]
    provider = "anthropic"        # or "claude-code", "fake", "none"
    model = "claude-sonnet-4-5"
    max-tokens = 4096             # a ceiling on every answer
    timeout = 600                 # seconds per request
    max-retries = 2
    stream = false
    base-url = "https://api.anthropic.com"
    command = "claude"            # the Claude Code executable

The API key is not a setting: it comes from ``ANTHROPIC_API_KEY`` or the
user-only secret store (``acc-plugins claude key set``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import attrs

from acc_plugins.errors import ConfigError

from ._tomlread import parse, read_text


if TYPE_CHECKING:
    from pathlib import Path

PROVIDERS: Final = ("anthropic", "claude-code", "fake", "none")
_MAX_ANSWER: Final = 200_000  # the API's own ceiling on max_tokens
_SECONDS: Final = "must be a number of seconds above 0, at most 3600"


@attrs.frozen
class ClaudeSettings:
    """
    The ``[claude]`` table, checked.

    Attributes:
        provider: ``anthropic``, ``claude-code``, ``fake`` or ``none``.

        model: The model to ask; None for the provider's default.

        max_tokens: The most tokens any answer may have; None for no
            ceiling beyond what each query asks.

        timeout: Seconds per request.

        max_retries: How often a failed request is tried again.

        stream: Whether answers are streamed.

        base_url: The Messages API's address; None for Anthropic's.

        command: The Claude Code executable; None to find ``claude``.
    """

    provider: str = "fake"
    model: str | None = None
    max_tokens: int | None = None
    timeout: float = 600.0
    max_retries: int = 2
    stream: bool = False
    base_url: str | None = None
    command: str | None = None


def _text(value: object) -> str | None:
    return None if type(value) is str and value.strip() else "must be text"


def _problem(key: str, value: object) -> str | None:
    if key == "provider":
        if value not in PROVIDERS:
            return f"must be one of {', '.join(PROVIDERS)}"
        return None
    if key in {"model", "base-url", "command"}:
        return _text(value)
    if key == "max-tokens":
        if type(value) is not int or not 1 <= value <= _MAX_ANSWER:
            return f"must be an integer from 1 to {_MAX_ANSWER}"
        return None
    if key == "timeout":
        if isinstance(value, (int, float)) and type(value) is not bool:
            return None if 0 < value <= 3600 else _SECONDS  # noqa: PLR2004
        return _SECONDS
    if key == "max-retries":
        if type(value) is not int or not 0 <= value <= 10:  # noqa: PLR2004
            return "must be an integer from 0 to 10"
        return None
    if key == "stream":
        return None if type(value) is bool else "must be true or false"
    return "unknown key"


def claude_problems(table: object) -> list[str]:
    """
    What is wrong with a ``[claude]`` table, each naming its key.
    """
    if not isinstance(table, dict):
        return ["claude: must be a table"]
    return [
        f"claude.{key}: {problem}"
        for key, value in table.items()
        if (problem := _problem(key, value)) is not None
    ]


def read_claude_settings(*files: Path) -> ClaudeSettings:
    """
    The ``[claude]`` settings of *files*, later files winning key by key
    (pass the user's ``config.toml``, then the project's).

    A file that is missing, unreadable or not TOML is passed over (the
    host reports it).

    Raises:
        ConfigError: Naming the file and every bad key of its table.
    """
    merged: dict[str, Any] = {}
    for path in files:
        try:
            data = parse(path, read_text(path))
        except ConfigError:
            # A file that cannot be read at all says nothing here, as it
            # says nothing about plugins: the host reports it, once.
            continue
        table = data.get("claude", {})
        problems = claude_problems(table)
        if problems:
            raise ConfigError(str(path), problems)
        merged.update(table)
    return ClaudeSettings(
        **{key.replace("-", "_"): value for key, value in merged.items()}
    )

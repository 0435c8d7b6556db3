"""
A provider by name, set up from the ``[claude]`` settings: what the
command line's ``--claude`` chooses between.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from acc_plugins.errors import ConfigError
from acc_plugins.host.capabilities._claude import FakeClaude


if TYPE_CHECKING:
    from pathlib import Path

    from acc_plugins.host import ClaudeProvider
    from acc_plugins.host.config._claudesettings import ClaudeSettings


def provider_for(
    name: str, settings: ClaudeSettings, *, data_dir: Path
) -> ClaudeProvider | None:
    """
    The provider *name* (``anthropic``, ``claude-code``, ``fake``,
    ``none``) set up from *settings*; None for ``none``.

    Raises:
        ConfigError: If it cannot be set up: no key, no ``claude``, or
            its extra is not installed.
    """
    if name == "none":
        return None
    if name == "fake":
        return FakeClaude()
    if name == "claude-code":
        from ._claudecode import ClaudeCodeProvider  # noqa: PLC0415

        return ClaudeCodeProvider(
            command=settings.command,
            model=settings.model,
            max_tokens=settings.max_tokens,
            timeout=settings.timeout,
        )
    if name == "anthropic":
        try:
            from ._anthropic import DEFAULT_MODEL, AnthropicProvider  # noqa: PLC0415
        except ImportError:
            problem = (
                "needs the anthropic package: "
                "pip install 'acc-plugins[anthropic]'"
            )
            msg = "the anthropic provider"
            raise ConfigError(msg, [problem]) from None
        return AnthropicProvider(
            model=settings.model or DEFAULT_MODEL,
            max_tokens=settings.max_tokens,
            stream=settings.stream,
            timeout=settings.timeout,
            max_retries=settings.max_retries,
            base_url=settings.base_url,
            data_dir=data_dir,
        )
    msg = f"no Claude provider named {name!r}"
    raise ValueError(msg)

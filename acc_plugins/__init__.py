"""
acc_plugins: the plugin system of automatic-claude-code.

The host application embeds it: ``PluginHost`` discovers sandboxed plugins
and dispatches calls to their tools, agents, workflows and hooks.  Plugin
code imports ``acc_plugins.sdk``.
"""

from __future__ import annotations

from acc_plugins.errors import (
    ArchiveError,
    ClaudeError,
    CompileError,
    ConfigError,
    DependencyError,
    KeyringError,
    LoadError,
    ManifestError,
    MarketplaceError,
    PermissionDenied,
    PluginCallError,
    PluginError,
    PluginNotFoundError,
    PolicyBlockedError,
    PolicyError,
    PublishError,
    ReloadError,
    SandboxError,
    SandboxViolation,
    SignatureError,
    ToolArgumentError,
)
from acc_plugins.host import (
    ClaudeProvider,
    ClaudeReply,
    FakeClaude,
    PluginHost,
    PluginInfo,
    State,
    ToolInfo,
)


__all__ = [
    "ArchiveError",
    "ClaudeError",
    "ClaudeProvider",
    "ClaudeReply",
    "CompileError",
    "ConfigError",
    "DependencyError",
    "FakeClaude",
    "KeyringError",
    "LoadError",
    "ManifestError",
    "MarketplaceError",
    "PermissionDenied",
    "PluginCallError",
    "PluginError",
    "PluginHost",
    "PluginInfo",
    "PluginNotFoundError",
    "PolicyBlockedError",
    "PolicyError",
    "PublishError",
    "ReloadError",
    "SandboxError",
    "SandboxViolation",
    "SignatureError",
    "State",
    "ToolArgumentError",
    "ToolInfo",
]


def __getattr__(name: str) -> str:
    # Resolved lazily so that importing the package reads no metadata.
    if name == "__version__":
        from importlib.metadata import version  # noqa: PLC0415

        return version("acc-plugins")
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)

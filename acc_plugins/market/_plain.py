"""
Permissions in plain language, for the people who decide whether to
grant them: the install prompt, ``show``, the update diff and the site.

Why apart from the grammar: the words are for a reader who does not know
the canonical form, and they must say what the permission lets a plugin
do, including its reach (every file of the workspace, any subdomain),
not how it is spelled.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from acc_plugins.manifest._filesystem import FilesystemPermission
from acc_plugins.manifest._network import NetworkPermission
from acc_plugins.manifest._permissions import (
    EnvironmentPermission,
    ProcessPermission,
    parse_permission,
)


if TYPE_CHECKING:
    from acc_plugins.manifest._permissions import Permission

_ROOTS: Final = {
    "workspace": "the workspace (the project you work in)",
    "data": "its own data folder",
    "plugin": "its own plugin folder",
}
_HOST_APIS: Final = {
    "claude.query": "send prompts to Claude (this spends your tokens)",
    "claude.tools": "let Claude call the tool {argument}",
    "events.emit": "send events to other plugins",
    "prompt.inject": "add to the prompts of the agent {argument}",
    "sessions": "read and manage Claude Code sessions",
    "tools": "call the tool {argument} of another plugin",
}


def plain(permission: str) -> str:
    """
    What *permission* (canonical form) lets a plugin do, in a sentence
    without a full stop; the text itself when it cannot be parsed.

    Example:
        >>> plain("fs:read:${workspace}/src/**")
        'read files in src/** of the workspace (the project you work in)'
    """
    try:
        parsed = parse_permission(permission)
    except ValueError:
        return permission
    return _describe(parsed)


def _describe(permission: Permission) -> str:
    if isinstance(permission, FilesystemPermission):
        verb = "read" if permission.access == "read" else "create and change"
        where = _ROOTS[permission.root]
        pattern = permission.pattern
        if pattern in {"", "**"}:
            return f"{verb} any file in {where}"
        return f"{verb} files in {pattern} of {where}"
    if isinstance(permission, NetworkPermission):
        host = permission.host
        if host == "*":
            target = "any host on the internet"
        elif host.startswith("*."):
            target = f"{host[2:]} and any of its subdomains"
        else:
            target = host
        port = f", port {permission.port}" if permission.port else ""
        if permission.scheme == "https":
            return f"connect to {target} over HTTPS{port}"
        return f"connect to {target} over plain HTTP{port} (unencrypted)"
    if isinstance(permission, EnvironmentPermission):
        if permission.prefix:
            return (
                f"read environment variables starting with {permission.name}"
            )
        return f"read the environment variable {permission.name}"
    if isinstance(permission, ProcessPermission):
        return f"run the program {permission.command}"
    # What is left is a host permission (mypy checks the union is covered).
    text = _HOST_APIS.get(permission.api, f"use the host API {permission.api}")
    return text.format(argument=permission.argument or "")

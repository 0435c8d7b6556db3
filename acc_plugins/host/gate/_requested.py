"""
Whether a denied permission is one the plugin's manifest asked for.

A capability names what it refused concretely
(``fs:read:${workspace}/notes/a.txt``, ``net:https://api.example.com``,
``env:TOOL_TOKEN``), while a manifest asks with patterns
(``read:${workspace}/notes/**``, ``*.example.com``, ``TOOL_*``).  A denial
that the manifest's own patterns cover is a grant the user withheld or
revoked: an ordinary error.  Anything else is a reach for a capability the
plugin never asked for, which quarantines it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from acc_plugins.errors import PermissionDenied
from acc_plugins.manifest import (
    EnvironmentPermission,
    FilesystemPermission,
    NetworkPermission,
    parse_permission,
)
from acc_plugins.security import Grants


if TYPE_CHECKING:
    from collections.abc import Collection

    from acc_plugins.manifest import Permission
    from acc_plugins.security import Roots


def covered(permission: str, requested: Collection[str]) -> bool:
    """
    Whether the canonical texts *requested* name *permission*, itself or
    through a ``plugin.*`` entry (``host:tools:other.*`` covers
    ``host:tools:other.count``).
    """
    if permission in requested:
        return True
    head, dot, _ = permission.rpartition(".")
    return (
        permission.startswith("host:")
        and bool(dot)
        and f"{head}.*" in requested
    )


def was_requested(
    permission: str, requested: Collection[Permission], roots: Roots
) -> bool:
    """
    Whether the manifest's *requested* permissions cover *permission*.

    Args:
        permission: What a capability refused, in canonical form.

        requested: Every permission the manifest asks for.

        roots: What the filesystem roots of the plugin are.
    """
    if covered(permission, {p.canonical for p in requested}):
        return True
    try:
        # Texts such as "fs:read:/etc/passwd (outside ...)" do not parse:
        # no manifest entry can ask for them.
        wanted = parse_permission(permission)
    except ValueError:
        return False
    grants = Grants.from_permissions(requested, roots, plugin="")
    try:
        if isinstance(wanted, FilesystemPermission):
            path = Path(roots.path(wanted.root), wanted.pattern)
            grants.check_path(path, wanted.access)
        elif isinstance(wanted, NetworkPermission):
            port = "" if wanted.port is None else f":{wanted.port}"
            grants.check_url(f"{wanted.scheme}://{wanted.host}{port}/")
        elif isinstance(wanted, EnvironmentPermission) and not wanted.prefix:
            grants.check_env(wanted.name)
        else:
            return False
    except (PermissionDenied, ValueError):
        return False
    return True

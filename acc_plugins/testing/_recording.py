"""
Recording what plugins used during a test run, for ``acc-plugins
permissions suggest``, and turning it into a ``[permissions]`` table.

The command runs the plugin's tests in a child pytest with
``ACC_PLUGINS_RECORD_PERMISSIONS`` naming a file; each host the kit's
fixtures built appends what its plugins used (allowed) and reached for
(denied) there, one JSON object a line, when its test ends.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Final

import tomlkit

from acc_plugins.manifest import (
    EnvironmentPermission,
    FilesystemPermission,
    HostPermission,
    NetworkPermission,
    ProcessPermission,
    parse_permission,
)


if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from ._hostundertest import HostUnderTest

RECORD_ENV: Final = "ACC_PLUGINS_RECORD_PERMISSIONS"
"""
The environment variable naming the file uses are recorded in.
"""

# The [permissions] array each kind of permission is written in.
_ARRAYS: Final = (
    (FilesystemPermission, "filesystem"),
    (NetworkPermission, "network"),
    (EnvironmentPermission, "environment"),
    (ProcessPermission, "process"),
    (HostPermission, "host"),
)


def record_uses(host: HostUnderTest, into: Path, test: str) -> None:
    """
    Append what *host*'s plugins used and were refused to *into*.
    """
    # A first line for the host itself: tests that built hosts and used
    # nothing differ from tests that never used the kit.
    lines: list[dict[str, object]] = [
        {"plugin": host.plugin, "permission": None, "allowed": None}
    ]
    lines.extend(
        {"plugin": plugin, "permission": permission, "allowed": True}
        for plugin, permission in host.used
    )
    for plugin in {r.name for r in host.plugins()}:
        lines.extend(
            {"plugin": plugin, "permission": permission, "allowed": False}
            for permission in host.denied(plugin)
            if not permission.startswith("import:")
        )
    with into.open("a", encoding="utf-8") as out:
        for line in lines:
            out.write(json.dumps({**line, "test": test}) + "\n")


def read_uses(path: Path, plugin: str) -> tuple[int, list[str]]:
    """
    What *path* recorded of *plugin*: in how many hosts it was tested,
    and the permissions it used or reached for, each once, in the order
    first seen.
    """
    hosts = 0
    seen: dict[str, None] = {}
    lines = (
        path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    )
    for line in lines:
        entry = json.loads(line)
        if entry.get("plugin") != plugin:
            continue
        if entry.get("permission") is None:
            hosts += 1
        else:
            seen.setdefault(str(entry["permission"]), None)
    return hosts, list(seen)


def permissions_table(
    permissions: Iterable[str],
) -> tuple[dict[str, list[str]], list[str]]:
    """
    The smallest ``[permissions]`` table that grants each of
    *permissions* (canonical form): each one entry, sorted by array.

    Returns:
        The arrays that are not empty, and the permissions no manifest
        entry can grant (a file outside every root).
    """
    arrays: dict[str, set[str]] = {}
    ungrantable: list[str] = []
    for text in permissions:
        try:
            permission = parse_permission(text)
        except ValueError:
            ungrantable.append(text)
            continue
        array = next(
            name for kind, name in _ARRAYS if isinstance(permission, kind)
        )
        arrays.setdefault(array, set()).add(permission.entry)
    table = {
        name: sorted(arrays[name]) for _, name in _ARRAYS if name in arrays
    }
    return table, sorted(set(ungrantable))


def toml_block(table: dict[str, list[str]]) -> str:
    """
    *table* as the ``[permissions]`` block of a ``plugin.toml``.
    """
    document = tomlkit.document()
    section = tomlkit.table()
    for name, entries in table.items():
        section.add(name, entries)
    document.add("permissions", section)
    return tomlkit.dumps(document)

"""
A denial is judged against the manifest's patterns: covered means the user
withheld the grant, not covered means the plugin reached for more.
"""

import pytest

from acc_plugins.host.gate._requested import was_requested
from acc_plugins.manifest import parse_permission
from acc_plugins.security import Roots


REQUESTED = [
    parse_permission(text)
    for text in [
        "fs:read:${workspace}/notes/**",
        "net:https://*.example.com",
        "env:TOOL_*",
        "process:git",
        "host:tools:other.*",
    ]
]


@pytest.fixture(name="roots")
def _roots(tmp_path):
    return Roots(
        workspace=tmp_path / "workspace",
        plugin=tmp_path / "plugin",
        data=tmp_path / "data",
    )


@pytest.mark.parametrize(
    "permission",
    [
        "fs:read:${workspace}/notes/todo.txt",
        "fs:read:${workspace}/notes/a/b.md",
        "net:https://api.example.com",
        "env:TOOL_TOKEN",
        "process:git",
        "host:tools:other.count",
    ],
)
def test_what_the_patterns_cover_was_requested(permission, roots):
    """A concrete permission under a requested pattern was asked for."""
    assert was_requested(permission, REQUESTED, roots)


@pytest.mark.parametrize(
    "permission",
    [
        "fs:write:${workspace}/notes/todo.txt",
        "fs:read:${workspace}/secret.txt",
        "fs:read:${data}/notes/todo.txt",
        "fs:read:/etc/passwd (outside ${workspace}, ${plugin} and ${data})",
        "net:https://example.org",
        "net:http://api.example.com",
        "net:https://api.example.com:8443",
        "env:HOME",
        "process:sh",
        "host:claude.query",
        "host:tools:another.count",
    ],
)
def test_anything_else_was_not(permission, roots):
    """Another access, root, host, scheme, port, name or API was not."""
    assert not was_requested(permission, REQUESTED, roots)

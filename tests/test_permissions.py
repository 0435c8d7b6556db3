"""
Tests for the permission grammar.
"""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests import strategies

from acc_plugins.manifest import (
    EnvironmentPermission,
    FilesystemPermission,
    HostPermission,
    NetworkPermission,
    Permission,
    Permissions,
    ProcessPermission,
    parse_permission,
)
from acc_plugins.manifest._permissions import HOST_APIS


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "fs:read:${workspace}/src/**/*.py",
            FilesystemPermission("read", "workspace", "src/**/*.py"),
        ),
        (
            "fs:write:${data}/cache/**",
            FilesystemPermission("write", "data", "cache/**"),
        ),
        ("fs:read:${plugin}", FilesystemPermission("read", "plugin", "")),
        (
            "net:https://api.example.com",
            NetworkPermission("https", "api.example.com"),
        ),
        (
            "net:http://localhost:8080",
            NetworkPermission("http", "localhost", 8080),
        ),
        (
            "net:https://*.example.com",
            NetworkPermission("https", "*.example.com"),
        ),
        (
            "net:https://10.0.0.1:443",
            NetworkPermission("https", "10.0.0.1", 443),
        ),
        ("env:GITHUB_TOKEN", EnvironmentPermission("GITHUB_TOKEN")),
        ("env:ACC_*", EnvironmentPermission("ACC_", prefix=True)),
        ("process:git", ProcessPermission("git")),
        ("process:clang++-17", ProcessPermission("clang++-17")),
        ("host:claude.query", HostPermission("claude.query")),
        ("host:claude.tools:search", HostPermission("claude.tools", "search")),
        ("host:events.emit", HostPermission("events.emit")),
        ("host:sessions", HostPermission("sessions")),
        (
            "host:tools:text-tools.word_count",
            HostPermission("tools", "text-tools.word_count"),
        ),
        ("host:tools:text-tools.*", HostPermission("tools", "text-tools.*")),
    ],
)
def test_canonical_forms_parse(text: str, expected: Permission) -> None:
    """Each documented canonical form parses, and prints back the same."""
    permission = parse_permission(text)

    assert expected == permission
    assert text == permission.canonical


def test_network_entry_without_scheme_means_https() -> None:
    """A bare host in the network table is an https permission."""
    assert (
        NetworkPermission.from_entry("*.example.com").canonical
    ) == "net:https://*.example.com"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            "fs:exec:${workspace}",
            "'exec:${workspace}' must start with 'read:' or",
        ),
        ("fs:read:${workspace}/../x", "'..' segments are not allowed"),
        ("fs:read:${workspace}/./x", "'.' segments are not allowed"),
        ("fs:read:${workspace}//x", "empty path segments"),
        ("fs:read:${workspace}/", "empty path segments"),
        ("fs:read:${workspace}\\x", "backslashes are not allowed"),
        ("fs:read:${workspace}/a\x00", "NUL characters are not allowed"),
        ("fs:read:/etc/passwd", "'/etc/passwd' is absolute; start it with"),
        ("fs:read:C:/Windows", "'C:/Windows' is absolute"),
        ("fs:read:~/.ssh", "'~' is not allowed"),
        ("fs:read:${home}/x", "'${home}/x' must start with ${workspace},"),
        ("fs:read:${workspace}x", "'${workspace}x' must start with"),
        ("fs:read:${data}/a**", "'**' must be a whole path segment, not part"),
        ("fs:read:${data}/a b", "'a b' is not allowed in a path"),
        (
            "net:*",
            "'*' is too broad; name a host such as 'api.example.com' or",
        ),
        ("net:https://*", "'*' is too broad"),
        ("net:*.com", "'*.com' is too broad"),
        ("net:ftp://x.org", "scheme 'ftp' is not allowed; use https or http"),
        ("net:https://x.org/api", "'https://x.org/api' has a path"),
        ("net:x.org?a=1", "'x.org?a=1' has a query"),
        ("net:user@x.org", "'user@x.org' has user information"),
        ("net:API.example.com", "'API.example.com' must be lowercase"),
        ("net:a.*.example.com", "in 'a.*.example.com', '*' may only be"),
        ("net:x.org:0", "port must be from 1 to 65535, got '0'"),
        ("net:x.org:65536", "port must be from 1 to 65535, got '65536'"),
        ("net:x.org:", "port must be from 1 to 65535, got ''"),
        ("net:256.1.1.1", "'256.1.1.1' is not a valid IPv4 address"),
        ("net:1.2.3", "'1.2.3' is not a valid IPv4 address"),
        ("net:[::1]", "IPv6 addresses are not supported"),
        ("net:-x.org", "'-x.org' is not a valid host name"),
        ("net:", "'' names no host"),
        ("env:*", "'*' is too broad; name a variable such as 'GITHUB_TOKEN'"),
        ("env:github_token", "'github_token' is not an environment variable"),
        ("env:A*B", "'A*B' is not an environment variable name"),
        ("process:/usr/bin/git", "'/usr/bin/git' is a path"),
        ("process:git status", "name one command, no arguments"),
        ("process:$(rm)", "'$(rm)' is not a command name"),
        ("host:claude.qery", "unknown host API 'claude.qery'; did you mean"),
        ("host:claude.tools", "host API 'claude.tools' needs an argument"),
        (
            "host:tools:x",
            "host API 'tools' needs an argument: 'tools:<plugin>",
        ),
        ("host:sessions:all", "host API 'sessions' takes no argument"),
        (
            "file:read:${data}",
            "'file:read:${data}' does not start with a perm",
        ),
        ("nett:x.org", "'nett:x.org' does not start with a permission kind"),
    ],
)
def test_invalid_permissions_say_why(text: str, reason: str) -> None:
    """Invalid permissions raise ValueError with a reason."""
    with pytest.raises(ValueError, match="^" + re.escape(reason)):
        parse_permission(text)


def test_unknown_kind_suggests_the_closest() -> None:
    """A misspelt kind gets a did-you-mean."""
    with pytest.raises(ValueError, match=r"did you mean 'net'\?$"):
        parse_permission("nett:x.org")


def test_constructors_check_fields() -> None:
    """Permissions built by hand are checked like parsed ones."""
    with pytest.raises(ValueError, match=r"^'\.\.' segments"):
        FilesystemPermission("read", "data", "a/../b")
    with pytest.raises(
        ValueError, match=r"^port must be from 1 to 65535, got 0$"
    ):
        NetworkPermission("https", "x.org", 0)
    with pytest.raises(ValueError, match=r"^'x y' is not a valid command$"):
        ProcessPermission("x y")
    with pytest.raises(ValueError, match=r"^unknown host API 'shell'$"):
        HostPermission("shell")


def test_permissions_all_lists_every_kind_in_order() -> None:
    """Permissions.all gives every permission, kind by kind."""
    permissions = Permissions(
        host=(HostPermission("sessions"),),
        filesystem=(FilesystemPermission("read", "data"),),
        process=(ProcessPermission("git"),),
    )

    assert [p.canonical for p in permissions.all] == [
        "fs:read:${data}",
        "process:git",
        "host:sessions",
    ]


def test_host_api_table_is_sorted() -> None:
    """The host API table stays a sorted literal."""
    names = [name for name, _ in HOST_APIS]

    assert sorted(names) == names


@given(strategies.permissions)
def test_canonical_round_trip(permission: Permission) -> None:
    """Parsing a permission's canonical form gives the permission back."""
    assert permission == parse_permission(permission.canonical)


@given(strategies.permissions)
def test_entry_round_trip_and_schema_pattern(permission: Permission) -> None:
    """The table form parses back too, and matches the schema's pattern."""
    kind = type(permission)

    assert permission == kind.from_entry(permission.entry)
    assert re.search(kind.ENTRY_PATTERN, permission.entry)


_segments = st.lists(
    st.text("abc*?.-", min_size=1, max_size=4).filter(
        lambda s: s not in {".", ".."} and "**" not in s
    ),
    max_size=3,
)


@given(
    st.sampled_from(["read", "write"]),
    st.sampled_from(["${workspace}", "${plugin}", "${data}"]),
    _segments,
    _segments,
    st.sampled_from(["..", ".", ""]),
)
def test_paths_with_dot_or_empty_segments_are_refused(
    access: str, root: str, before: list[str], after: list[str], bad: str
) -> None:
    """'..', '.' and empty segments are refused wherever they are."""
    path = "/".join([root, *before, bad, *after])

    with pytest.raises(ValueError, match="segments"):
        parse_permission(f"fs:{access}:{path}")


@given(
    strategies.filesystem_permissions,
    st.data(),
)
def test_backslashes_are_refused(
    permission: FilesystemPermission, data: st.DataObject
) -> None:
    """A backslash anywhere in a path is refused."""
    entry = permission.entry
    cut = data.draw(st.integers(len(entry.partition(":")[0]) + 1, len(entry)))

    with pytest.raises(ValueError, match="backslashes are not allowed"):
        FilesystemPermission.from_entry(entry[:cut] + "\\" + entry[cut:])


@given(
    st.sampled_from(["read", "write"]),
    st.sampled_from(["/", "//", "C:/", "c:\\\\", "/${workspace}/"]),
    _segments.map("/".join),
)
def test_absolute_paths_are_refused(
    access: str, prefix: str, rest: str
) -> None:
    """Paths that start at the file system's root are refused."""
    with pytest.raises(ValueError, match=r"is absolute|backslashes"):
        parse_permission(f"fs:{access}:{prefix}{rest}")


@given(strategies.texts)
def test_any_text_parses_or_raises_value_error(text: str) -> None:
    """parse_permission raises ValueError, never anything else."""
    for kind in ("fs", "net", "env", "process", "host"):
        try:
            permission = parse_permission(f"{kind}:{text}")
        except ValueError:
            continue
        assert f"{kind}:{text}" == permission.canonical or kind == "net"

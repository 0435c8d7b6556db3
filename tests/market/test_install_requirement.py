"""
Requirements as a user types them, and the update diff built from two
versions' summaries.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from packaging.specifiers import SpecifierSet

from acc_plugins.errors import MarketplaceError
from acc_plugins.market._requirement import parse_requirement
from acc_plugins.market._updatediff import Summary, Widened, diff


names = st.from_regex(r"[a-z][a-z0-9-]{0,20}", fullmatch=True)
operators = st.sampled_from(["==", ">=", "<=", "~=", "!=", ">", "<"])
versions = st.from_regex(r"[0-9]{1,3}(\.[0-9]{1,3}){1,2}", fullmatch=True)


@given(names, operators, versions)
def test_name_and_specifier_round_trip(name, operator, version):
    """NAME<op>VERSION parses to that name and specifier."""
    requirement = parse_requirement(f"{name}{operator}{version}")

    assert requirement.name == name
    assert requirement.specifier == SpecifierSet(f"{operator}{version}")
    assert not requirement.is_local


@given(st.text(max_size=30))
def test_any_text_is_a_requirement_or_one_marketplace_error(text):
    """Arbitrary text never raises anything but MarketplaceError."""
    try:
        requirement = parse_requirement(text)
    except MarketplaceError:
        return
    assert requirement.name is not None or requirement.path is not None


def test_paths_and_archives(tmp_path, monkeypatch):
    """A path needs a '/' or the .accp suffix; a bare name is never a folder."""
    folder = tmp_path / "hello"
    folder.mkdir()
    (folder / "plugin.toml").write_text("")
    (tmp_path / "x.accp").write_bytes(b"")
    monkeypatch.chdir(tmp_path)

    assert parse_requirement("hello").name == "hello"
    assert parse_requirement("./hello").path == folder
    assert parse_requirement("x.accp").is_archive
    with pytest.raises(MarketplaceError, match="no such archive"):
        parse_requirement("y.accp")
    (tmp_path / "empty").mkdir()
    with pytest.raises(MarketplaceError, match=r"it has no plugin\.toml"):
        parse_requirement("./empty")


def test_prerelease_in_the_specifier_is_wanted():
    """A specifier naming a pre-release asks for pre-releases."""
    assert parse_requirement("demo==2.0rc1").wants_prereleases()
    assert not parse_requirement("demo>=2").wants_prereleases()


def _summary(version, permissions=(), settings=None, tools=("a",)):
    return Summary(
        version, frozenset(permissions), settings or {}, tools, (), (), ()
    )


def test_diff_sorts_permissions_into_new_widened_and_removed():
    """A new permission of a removed one's family is a widening."""
    old = _summary(
        "1", ["fs:read:${workspace}/src/**", "env:HOME", "host:sessions"]
    )
    new = _summary(
        "2", ["fs:read:${workspace}/**", "env:HOME", "net:https://x.example"]
    )

    change = diff(old, new)

    assert change.widened == (
        Widened("fs:read:${workspace}/src/**", "fs:read:${workspace}/**"),
    )
    assert change.added == ("net:https://x.example",)
    assert change.removed == ("host:sessions",)
    assert change.new_permissions == {
        "fs:read:${workspace}/**",
        "net:https://x.example",
    }
    assert "widened permission: read any file in the workspace" in "\n".join(
        change.lines()
    )


def test_diff_of_tools_and_settings():
    """Tools and settings that come, go or change type are listed."""
    old = _summary("1", settings={"a": "int", "b": "str"}, tools=("x", "y"))
    new = _summary("2", settings={"a": "str", "c": "bool"}, tools=("y", "z"))

    lines = list(diff(old, new).lines())

    assert lines == [
        "new tool: z",
        "removed tool: x",
        "new setting: c",
        "removed setting: b",
        "setting a changes type: int -> str",
    ]


@given(
    st.frozensets(
        st.sampled_from(
            [
                "env:A",
                "env:B",
                "net:https://a.example",
                "host:sessions",
                "fs:read:${data}/**",
            ]
        )
    ),
    st.frozensets(
        st.sampled_from(
            [
                "env:A",
                "env:B",
                "net:https://b.example",
                "host:sessions",
                "fs:write:${data}/**",
            ]
        )
    ),
)
def test_every_permission_the_new_version_gains_is_asked_for(old, new):
    """new_permissions is exactly what the new version asks and the old did not."""
    change = diff(_summary("1", old), _summary("2", new))

    assert change.new_permissions == new - old
    assert change.widens == bool(new - old)

"""
Tests for parsing, validating and unstructuring ``plugin.toml``.
"""

import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from packaging.specifiers import SpecifierSet
from packaging.version import Version
from tests import strategies

from acc_plugins.errors import ManifestError
from acc_plugins.manifest import (
    Dependency,
    EntryPoint,
    EnvironmentPermission,
    FilesystemPermission,
    HostPermission,
    Limits,
    Manifest,
    NetworkPermission,
    Permissions,
    PluginKind,
    PluginMeta,
    ProcessPermission,
    Setting,
    SettingType,
    load_manifest,
    parse_manifest,
    unstructure_manifest,
)
from acc_plugins.manifest._checks import SPDX_LICENSES
from acc_plugins.manifest._converter import structure_manifest


EXAMPLE = """\
[plugin]
name = "text-tools"
version = "1.2.0"
description = "Typed text and code utilities."
authors = ["Ada Lovelace <ada@example.com>"]
license = "MIT"
entry = "tools:TextTools"
kind = "tool"
keywords = ["text", "code"]
homepage = "https://example.com/text-tools"
requires-acc = ">=0.1"

[dependencies]
core-utils = ">=1.0,<2"

[permissions]
filesystem = ["read:${workspace}/**/*.py"]
network = ["https://api.example.com"]
environment = ["GITHUB_TOKEN"]
process = ["git"]
host = ["claude.query", "tools:core-utils.*"]

[limits]
timeout-ms = 2000
memory-mb = 64

[settings.max_lines]
type = "int"
default = 400
min = 1
max = 10000
description = "Longest input accepted."
"""

MINIMAL = """\
[plugin]
name = "tiny"
version = "0.1"
description = "Does one thing."
entry = "plugin:Plugin"
kind = "agent"
"""

# Several problems at once, in several tables.
BAD = """\
[plugin]
version = "one"
nmae = "text-tools"
description = "Typed text and code utilities."
entry = "tools.TextTools"
kind = "tols"
license = "Apache 2.0"
keywords = ["text", 3]

[dependencies]
Core = ">=1"
other = "latest"

[permissions]
network = ["https://api.example.com", "*"]
filesystem = ["read:${workspace}/../etc"]
proces = ["git"]

[limits]
timeout-ms = "5000"
memory-mb = true
fs_operations = 3

[settings.max_lines]
type = "int"
default = 20000
max = 10000

[settings.mode]
type = "enum"
default = "fsat"
choices = ["fast", "slow"]

[setting.token]
type = "secret"
"""


def _with(text: str, table: str, line: str) -> str:
    """
    Put a line in a table of a manifest, replacing the key's old line.
    """
    key = line.partition("=")[0].strip()
    text = re.sub(rf"(?m)^{re.escape(key)} = .*\n", "", text)
    if f"[{table}]\n" in text:
        return text.replace(f"[{table}]\n", f"[{table}]\n{line}\n")
    return f"{text}\n[{table}]\n{line}\n"


def _problems(text: str) -> list[str]:
    with pytest.raises(ManifestError) as info:
        parse_manifest(text)
    return info.value.problems


def test_example_parses_into_models() -> None:
    """The documented example gives exactly the models it describes."""
    expected = Manifest(
        plugin=PluginMeta(
            name="text-tools",
            version=Version("1.2.0"),
            description="Typed text and code utilities.",
            authors=("Ada Lovelace <ada@example.com>",),
            license="MIT",
            entry=EntryPoint("tools", "TextTools"),
            kind=PluginKind.TOOL,
            keywords=("text", "code"),
            homepage="https://example.com/text-tools",
            requires_acc=SpecifierSet(">=0.1"),
        ),
        dependencies=[Dependency("core-utils", SpecifierSet(">=1.0,<2"))],
        permissions=Permissions(
            filesystem=(FilesystemPermission("read", "workspace", "**/*.py"),),
            network=(NetworkPermission("https", "api.example.com"),),
            environment=(EnvironmentPermission("GITHUB_TOKEN"),),
            process=(ProcessPermission("git"),),
            host=(
                HostPermission("claude.query"),
                HostPermission("tools", "core-utils.*"),
            ),
        ),
        limits=Limits(timeout_ms=2000, memory_mb=64),
        settings=[
            Setting(
                key="max_lines",
                type=SettingType.INT,
                default=400,
                min=1,
                max=10000,
                description="Longest input accepted.",
            )
        ],
    )

    assert expected == parse_manifest(EXAMPLE)


def test_minimal_manifest_takes_defaults() -> None:
    """Only [plugin] is required; everything else has a default."""
    manifest = parse_manifest(MINIMAL)

    assert (
        (),
        Permissions(),
        Limits(
            timeout_ms=5000,
            memory_mb=128,
            output_bytes=1_000_000,
            fs_operations=1000,
            network_requests=100,
        ),
        (),
        (),
        None,
    ) == (
        manifest.dependencies,
        manifest.permissions,
        manifest.limits,
        manifest.settings,
        manifest.plugin.authors,
        manifest.plugin.requires_acc,
    )


def test_example_unstructures_to_its_toml_data() -> None:
    """Unstructuring gives the TOML data back, minus nothing but defaults."""
    expected = tomllib.loads(EXAMPLE)
    expected["dependencies"]["core-utils"] = "<2,>=1.0"  # canonical order

    assert expected == unstructure_manifest(parse_manifest(EXAMPLE))


def test_several_problems_are_reported_together() -> None:
    """Every problem in the document is listed, in document order."""
    with pytest.raises(ManifestError) as info:
        parse_manifest(BAD, path="plugins/text-tools/plugin.toml")

    assert info.value.problems == [
        "plugin.version: 'one' is not a valid version",
        "plugin.nmae: unknown key; did you mean 'name'?",
        (
            "plugin.entry: 'tools.TextTools' is not a valid entry point;"
            " write 'module:Class', such as 'plugin:Plugin'"
        ),
        "plugin.kind: 'tols' is not a plugin kind; did you mean 'tool'?",
        (
            "plugin.license: 'Apache 2.0' is not a known SPDX license"
            " identifier; did you mean 'Apache-2.0'?"
        ),
        "plugin.keywords[1]: expected string, got integer",
        "plugin.name: required",
        (
            "dependencies.Core: 'Core' is not a valid plugin name; use lowercase"
            " letters, digits and single hyphens, starting with a letter,"
            " such as 'text-tools'"
        ),
        "dependencies.other: 'latest' is not a valid version specifier",
        (
            "permissions.network[1]: '*' is too broad; name a host such as"
            " 'api.example.com' or '*.example.com'"
        ),
        "permissions.filesystem[0]: '..' segments are not allowed",
        "permissions.proces: unknown key; did you mean 'process'?",
        "limits.timeout-ms: expected integer, got string",
        "limits.memory-mb: expected integer, got boolean",
        "limits.fs_operations: unknown key; did you mean 'fs-operations'?",
        "settings.max_lines.default: 20000 is greater than the maximum 10000",
        (
            "settings.mode.default: 'fsat' is not one of 'fast', 'slow';"
            " did you mean 'fast'?"
        ),
        "setting: unknown key; did you mean 'settings'?",
    ]
    assert info.value.path == "plugins/text-tools/plugin.toml"
    assert str(info.value).startswith(
        "plugins/text-tools/plugin.toml: plugin.version: 'one' is not a"
        " valid version\nplugins/text-tools/plugin.toml: plugin.nmae:"
    )


@pytest.mark.parametrize(
    ("table", "line", "problem"),
    [
        ("plugin", 'name = "Text Tools"', "plugin.name: 'Text Tools' is not"),
        ("plugin", f'name = "{"a" * 65}"', "plugin.name: must be at most 64"),
        ("plugin", 'description = " "', "plugin.description: must not be"),
        ("plugin", f'description = "{"x" * 301}"', "plugin.description: must"),
        ("plugin", 'entry = "class:X"', "plugin.entry: 'class:X' is not"),
        ("plugin", 'license = "mit"', "plugin.license: 'mit' is not a known"),
        ("plugin", 'license = "Nope"', "plugin.license: 'Nope' is not a kno"),
        (
            "plugin",
            'keywords = ["Text"]',
            "plugin.keywords[0]: 'Text' must be",
        ),
        ("plugin", f"keywords = {['k'] * 21}", "plugin.keywords: at most 20"),
        ("plugin", 'homepage = "ftp://x.org"', "plugin.homepage: 'ftp://x"),
        ("plugin", 'repository = "https://"', "plugin.repository: 'https:"),
        ("plugin", 'requires-acc = "=>1"', "plugin.requires-acc: '=>1' is"),
        ("plugin", "authors = 'Ada'", "plugin.authors: expected array, got"),
        ("plugin", 'authors = [""]', "plugin.authors[0]: must not be empty"),
        ("limits", "timeout-ms = 0", "limits.timeout-ms: must be from 1 to"),
        ("limits", "memory-mb = 1.5", "limits.memory-mb: expected integer, g"),
        ("limits", "fs-operations = -1", "limits.fs-operations: must be fro"),
        ("limits", "network-requests = 100001", "limits.network-requests: "),
        ("limits", "output-bytes = 0x" + "f" * 400, "limits.output-bytes: m"),
        ("dependencies", "tiny = '>=1'", "dependencies.tiny: a plugin cannot"),
        ("dependencies", "x = ['1']", "dependencies.x: expected string, got"),
        ("permissions", "network = 'x.org'", "permissions.network: expected"),
        (
            "permissions",
            "host = ['tools']",
            "permissions.host[0]: host API 't",
        ),
        ("settings", "a = 1", "settings.a: expected table, got integer"),
        ("settings", "a = {}", "settings.a.type: required"),
        ("settings", "a = {type='int', key='a'}", "settings.a.key: unknown k"),
        ("settings", "a = {type='text'}", "settings.a.type: 'text' is not a"),
    ],
)
def test_each_rule_names_field_and_reason(
    table: str, line: str, problem: str
) -> None:
    """Each rule reports its field path and a reason, and only that."""
    problems = _problems(_with(MINIMAL, table, line))

    assert len(problems) == 1, problems
    assert problems[0].startswith(problem)


@pytest.mark.parametrize(
    ("body", "problems"),
    [
        (
            "{type = 'str', min = 1}",
            ["settings.s.min: only int and float settings take min and max"],
        ),
        (
            "{type = 'int', min = 1.5}",
            ["settings.s.min: expected int, got float"],
        ),
        (
            "{type = 'float', min = 2, max = 1}",
            ["settings.s.min: must not be greater than max 1"],
        ),
        (
            "{type = 'enum'}",
            ["settings.s.choices: required for an enum setting"],
        ),
        (
            "{type = 'bool', choices = ['a']}",
            ["settings.s.choices: only enum settings take choices"],
        ),
        (
            "{type = 'enum', choices = ['a', 'a']}",
            ["settings.s.choices: must not repeat a choice"],
        ),
        (
            "{type = 'secret', default = 'hunter2'}",
            ["settings.s.default: a secret setting cannot have a default"],
        ),
        (
            "{type = 'list', default = ['a', 1]}",
            ["settings.s.default[1]: expected string, got integer"],
        ),
        (
            "{type = 'int', default = true}",
            ["settings.s.default: expected integer, got boolean"],
        ),
        (
            "{type = 'float', default = nan}",
            ["settings.s.default: expected a finite number, got nan"],
        ),
        (
            "{type = 'str', default = {}}",
            [
                (
                    "settings.s.default: expected string, integer, float,"
                    " boolean or array, got table"
                )
            ],
        ),
        (
            "{type = 'int', min = 'a', choices = ['b'], mx = 1}",
            [
                "settings.s.min: expected integer or float, got string",
                "settings.s.mx: unknown key; did you mean 'max'?",
            ],
        ),
    ],
)
def test_settings_rules_spanning_fields(
    body: str, problems: list[str]
) -> None:
    """Rules between a setting's fields point at the field to change."""
    assert problems == _problems(_with(MINIMAL, "settings", f"s = {body}"))


def test_float_setting_accepts_and_converts_ints() -> None:
    """An int default or bound of a float setting becomes a float."""
    text = _with(MINIMAL, "settings", "s = {type='float', default=2, max=3}")

    (setting,) = parse_manifest(text).settings

    assert (2.0, float, None, 3.0, float) == (
        setting.default,
        type(setting.default),
        setting.min,
        setting.max,
        type(setting.max),
    )


def test_setting_check_validates_user_values() -> None:
    """Setting.check accepts fitting values and says why others do not."""
    ratio = Setting(key="r", type=SettingType.FLOAT, min=0, max=1)
    lines = Setting(key="n", type=SettingType.INT, max=10)
    mode = Setting(key="m", type=SettingType.ENUM, choices=("fast", "slow"))
    tags = Setting(key="t", type=SettingType.LIST)

    assert (
        ratio.check(1),
        lines.check(3),
        mode.check("slow"),
        tags.check(["a"]),
    ) == (1.0, 3, "slow", ("a",))
    for setting, value, reason in [
        (ratio, 2, "2 is greater than the maximum 1.0"),
        (ratio, -0.5, "-0.5 is less than the minimum 0.0"),
        (ratio, "1", "expected float, got string"),
        (ratio, 10**400, "expected a finite number, got a number of about"),
        (lines, True, "expected integer, got boolean"),
        (lines, 1.0, "expected integer, got float"),
        (lines, 11, "11 is greater than the maximum 10"),
        (mode, "fsat", "'fsat' is not one of 'fast', 'slow'; did you mean"),
        (tags, "a", "expected array of strings, got string"),
        (tags, ["a", 1], "expected array of strings, got array"),
    ]:
        with pytest.raises(ValueError, match=f"^{re.escape(reason)}"):
            setting.check(value)


def test_models_check_fields_when_built_directly() -> None:
    """Building a model by hand runs the same checks as parsing."""
    with pytest.raises(ValueError, match="is not a valid plugin name"):
        Dependency("Bad Name", SpecifierSet())
    with pytest.raises(TypeError, match="expected integer, got boolean"):
        Limits(memory_mb=True)
    with pytest.raises(ValueError, match="default: a secret setting"):
        Setting(key="token", type=SettingType.SECRET, default="x")
    with pytest.raises(ValueError, match="each key may appear only once"):
        Manifest(
            plugin=parse_manifest(MINIMAL).plugin,
            settings=[Setting(key="a", type=SettingType.STR)] * 2,
        )


def test_dependencies_and_settings_are_sorted() -> None:
    """Tables keyed by name become tuples sorted by that name."""
    text = _with(MINIMAL, "dependencies", "zeta = ''\nalpha = '>1'")
    text = _with(text, "settings", "z = {type='str'}\na = {type='bool'}")

    manifest = parse_manifest(text)

    assert (
        [d.name for d in manifest.dependencies],
        [s.key for s in manifest.settings],
    ) == (["alpha", "zeta"], ["a", "z"])


def test_toml_syntax_error_names_line_and_column() -> None:
    """A TOML syntax error becomes one problem with its position."""
    assert _problems("[plugin]\nname = 'x'\nkind = \n") == [
        "line 3, column 8: invalid value"
    ]
    assert _problems("[plugin]\n[settings\n") == [
        "line 2, column 10: expected ']' at the end of a table declaration"
    ]


def test_unreadable_toml_still_gives_manifest_error() -> None:
    """Deep nesting and huge integers, which tomllib cannot take, too."""
    assert _problems("a = " + "[" * 5000) == ["values are nested too deeply"]
    assert _problems("a = " + "1" * 5000) == ["an integer has too many digits"]


def test_load_manifest_reads_file(tmp_path: Path) -> None:
    """load_manifest reads a UTF-8 file and names it in errors."""
    good = tmp_path / "plugin.toml"
    good.write_text(EXAMPLE, encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b"[plugin]\nname = '\xff'\n")
    missing = tmp_path / "missing.toml"

    assert parse_manifest(EXAMPLE) == load_manifest(good)
    with pytest.raises(ManifestError) as info:
        load_manifest(bad)
    assert (str(bad), ["line 2: not valid UTF-8 (byte 0xff)"]) == (
        info.value.path,
        info.value.problems,
    )
    with pytest.raises(
        ManifestError, match=r"missing\.toml: cannot read: No such file"
    ):
        load_manifest(missing)


@given(strategies.manifests())
def test_structure_of_unstructure_is_identity(manifest: Manifest) -> None:
    """Unstructuring and structuring again gives an equal manifest."""
    assert manifest == structure_manifest(unstructure_manifest(manifest))


@given(strategies.manifests())
def test_parse_of_written_toml_is_identity(manifest: Manifest) -> None:
    """Writing the unstructured manifest as TOML and parsing it round-trips."""
    text = strategies.to_toml(unstructure_manifest(manifest))

    assert manifest == parse_manifest(text)


def _outcome(parse: Callable[[], Manifest]) -> Manifest | list[str]:
    """
    The manifest, or the problems of its ManifestError; nothing else.
    """
    try:
        return parse()
    except ManifestError as exc:
        return exc.problems


@given(st.text())
def test_any_text_gives_manifest_or_manifest_error(text: str) -> None:
    """Arbitrary text never raises anything but ManifestError."""
    outcome = _outcome(lambda: parse_manifest(text))

    if not isinstance(outcome, Manifest):
        assert outcome
        assert all(isinstance(problem, str) for problem in outcome)


@given(
    st.dictionaries(strategies.texts, strategies.toml_values)
    | strategies.toml_values
)
def test_any_data_gives_manifest_or_manifest_error(data: object) -> None:
    """Arbitrary TOML-ish data never raises anything but ManifestError."""
    outcome = _outcome(lambda: structure_manifest(data))

    assert isinstance(outcome, Manifest) or outcome


@given(strategies.mutated_documents())
def test_mutated_manifest_gives_manifest_or_manifest_error(
    document: dict[str, Any],
) -> None:
    """A valid manifest with values changed deep inside still fails cleanly."""
    for outcome in (
        _outcome(lambda: structure_manifest(document)),
        _outcome(lambda: parse_manifest(strategies.to_toml(document))),
    ):
        if not isinstance(outcome, Manifest):
            assert outcome
            assert len(set(outcome)) == len(outcome)


def test_spdx_table_is_sorted_and_unique() -> None:
    """The license table stays a sorted literal a reviewer can scan."""
    assert sorted(set(SPDX_LICENSES)) == list(SPDX_LICENSES)
    assert {"MIT", "Apache-2.0", "GPL-3.0-or-later", "0BSD"} <= set(
        SPDX_LICENSES
    )


def test_manifest_is_frozen() -> None:
    """Models are values: they cannot be changed after parsing."""
    manifest = parse_manifest(MINIMAL)

    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        manifest.plugin = manifest.plugin  # type: ignore[misc]

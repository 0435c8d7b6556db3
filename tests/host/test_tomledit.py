"""
Editing ``config.toml`` in place: the user's comments and layout stay,
names are quoted as TOML needs, and concurrent writers lose nothing.
"""

import json
import re
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.strategies import toml_value

from acc_plugins.errors import ConfigError
from acc_plugins.host.config._config import ConfigFile
from acc_plugins.host.config._tomledit import without_empty


HAND_WRITTEN = """\
# Our team's plugin setup.  Ask Ana before changing widths.

[plugins.text-tools]   # the formatter
enabled = true

[plugins.text-tools.settings]
# 72 for commit messages
default_width = 72    # keep in sync with .editorconfig
style  =  'strict'

[plugins."a b"]
enabled = false
"""


def test_a_change_keeps_comments_layout_and_quoting(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(HAND_WRITTEN)

    ConfigFile(path).change("text-tools", settings={"default_width": 80})

    expected = HAND_WRITTEN.replace(
        "default_width = 72    #", "default_width = 80    #"
    )
    assert expected == path.read_text()


def test_no_lock_file_is_left_beside_the_configuration(tmp_path):
    path = tmp_path / "config.toml"

    ConfigFile(path).change("text-tools", settings={"default_width": 80})

    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml"]


@pytest.mark.parametrize("name", ["a b", "ä", "x.y", 'q"uote', "#"])
def test_names_that_need_quotes_are_quoted(tmp_path, name):
    path = tmp_path / "config.toml"
    path.write_text(f"[plugins.{json.dumps(name)}]\nenabled = true\n")

    ConfigFile(path).change("kv", settings={"a": 3})
    ConfigFile(path).change(name, settings={"b": 4})

    plugins = tomllib.loads(path.read_text())["plugins"]
    assert plugins["kv"] == {"settings": {"a": 3}}
    assert plugins[name] == {"enabled": True, "settings": {"b": 4}}


def test_an_invalid_file_is_left_alone(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("[plugins.a\n# broken\n")

    with pytest.raises(ConfigError, match=r"line 1, column 11"):
        ConfigFile(path).change("a", settings={"b": 1})

    assert path.read_text() == "[plugins.a\n# broken\n"


def _key(text: str) -> str:
    bare = re.fullmatch(r"[A-Za-z0-9_-]+", text)
    return text if bare else toml_value(text)


names = st.text(min_size=1, max_size=8)
values = st.one_of(
    st.booleans(),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
    st.lists(st.text(max_size=4), max_size=3),
)
comments = st.lists(
    st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=12).map(
        lambda text: "# " + text
    ),
    max_size=2,
)
trailing = st.one_of(st.just(""), comments.map("  ".join))
entries = st.dictionaries(
    names,
    st.tuples(
        st.sampled_from([None, True, False]),
        st.dictionaries(names, st.tuples(values, trailing, comments)),
        comments,
        trailing,
        # How the settings are written: a table, dotted keys, inline.
        st.sampled_from(["table", "dotted", "inline"]),
    ),
    max_size=3,
)


def _render(
    plugins: dict[str, Any], top: list[str]
) -> tuple[list[str], dict[tuple[str, str], int]]:
    """
    A hand-written file: its lines, and the line of each plugin's header
    (key ``""``), flag (key ``None``), settings table (``"["``), inline
    settings (``"{"``) and settings.
    """
    lines = [*top]
    where: dict[tuple[str, Any], int] = {}
    for name, (enabled, table, notes, after, style) in plugins.items():
        head = _key(name)
        where[name, ""] = len(lines)
        lines.append(f"[plugins.{head}] {after}".rstrip())
        if enabled is not None:
            where[name, None] = len(lines)
            lines.append(f"enabled = {toml_value(enabled)}")
        lines.extend(notes)
        if table and style == "inline":
            pairs = (
                f"{_key(k)} = {toml_value(v)}"
                for k, (v, _, _) in table.items()
            )
            where.update({(name, k): len(lines) for k in [*table, "{"]})
            lines.append(f"settings = {{{', '.join(pairs)}}}")
            continue
        if table and style == "table":
            where[name, "["] = len(lines)
            lines.append(f"[plugins.{head}.settings]")
        prefix = "settings." if style == "dotted" else ""
        for key, (value, note, above) in table.items():
            lines.extend(above)
            where[name, key] = len(lines)
            text = f"{prefix}{_key(key)} = {toml_value(value)} {note}"
            lines.append(text.rstrip())
    return lines, where


def _plain(plugins: dict[str, Any]) -> dict[str, Any]:
    data = {}
    for name, (enabled, table, _, _, _) in plugins.items():
        entry: dict[str, Any] = {} if enabled is None else {"enabled": enabled}
        if table:
            entry["settings"] = {k: v[0] for k, v in table.items()}
        data[name] = entry
    return data


def _in_order(wanted: list[str], lines: list[str]) -> bool:
    remaining = iter(lines)
    return all(line in remaining for line in wanted)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    plugins=entries,
    top=comments,
    data=st.data(),
)
def test_set_and_unset_keep_every_other_line(tmp_path, plugins, top, data):
    lines, where = _render(plugins, top)
    path = tmp_path / "config.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    expected = _plain(plugins)
    assert expected == tomllib.loads(path.read_text(encoding="utf-8")).get(
        "plugins", {}
    )
    name = data.draw(st.one_of(names, st.sampled_from([*plugins] or ["p"])))
    existing = [k for (p, k) in where if p == name and k]
    key = data.draw(st.one_of(names, st.sampled_from(existing or ["k"])))
    value = data.draw(st.one_of(st.none(), values))
    flag = data.draw(st.sampled_from([None, True, False, "unchanged"]))

    ConfigFile(path).change(
        name,
        settings={key: value},
        **({} if flag == "unchanged" else {"enabled": flag}),
    )

    entry = expected.setdefault(name, {})
    if flag != "unchanged":
        entry.pop("enabled", None)
        entry.update({} if flag is None else {"enabled": flag})
    table = entry.setdefault("settings", {})
    if value is None:
        table.pop(key, None)
    else:
        table[key] = value
    text = path.read_text(encoding="utf-8")
    read = tomllib.loads(text).get("plugins", {})
    assert without_empty(expected) == without_empty(read)
    related = {
        n
        for (p, k), n in where.items()
        if p == name and k in {key, None, "", "[", "{"}
    }
    kept = [line for n, line in enumerate(lines) if n not in related]
    assert _in_order(kept, text.split("\n"))


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from acc_plugins.host.config._config import ConfigFile
    file = ConfigFile(Path(sys.argv[1]))
    for n in range(1, 21):
        file.change("tunable", settings={sys.argv[2]: n})
    """
)


def test_eight_processes_setting_at_once_lose_no_update(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("# shared by eight writers\n")
    keys = [f"k{n}" for n in range(8)]

    writers = [
        subprocess.Popen(  # noqa: S603 -- our own test program
            [sys.executable, "-c", WRITER, str(path), key]
        )
        for key in keys
    ]
    codes = [writer.wait(timeout=300) for writer in writers]

    assert codes == [0] * 8
    text = path.read_text()
    assert text.startswith("# shared by eight writers\n")
    settings_ = tomllib.loads(text)["plugins"]["tunable"]["settings"]
    assert dict.fromkeys(keys, 20) == settings_
    assert [p.name for p in Path(tmp_path).iterdir()] == ["config.toml"]

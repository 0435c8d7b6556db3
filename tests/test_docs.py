"""
The documentation: its examples run as shown, its generated pages match the
code, and the site builds.
"""

import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from click.testing import CliRunner

from acc_plugins.cli import cli
from acc_plugins.manifest import (
    SettingType,
    manifest_json_schema,
    parse_manifest,
)


ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs"

# Fenced blocks; a block with a title is a file the reader creates.
_BLOCK = re.compile(
    r'^```(?P<lang>\w+)(?: title="(?P<title>[^"]+)")?\n(?P<body>.*?)^```$',
    re.MULTILINE | re.DOTALL,
)


def _load_hooks() -> ModuleType:
    spec = importlib.util.spec_from_file_location("hooks", DOCS / "hooks.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


hooks = _load_hooks()


def _run(command: str) -> str:
    """
    Run one ``$ command`` of a console block in the current folder.
    """
    argv = shlex.split(command)
    name, args = argv[0], argv[1:]
    if name == "acc-plugins":
        result = CliRunner().invoke(cli, args, prog_name="acc-plugins")
        return result.output
    if name == "python":
        completed = subprocess.run(  # noqa: S603 -- the page's own program
            [sys.executable, *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return completed.stdout + completed.stderr
    if name == "mkdir":
        Path(*args).mkdir()
        return ""
    if name == "rm":
        Path(*args).unlink()
        return ""
    msg = f"the docs test cannot run {command!r}"
    raise AssertionError(msg)


def _expected_pattern(expected: str) -> re.Pattern[str]:
    # A line "..." stands for any lines; "..." inside a line for any text.
    parts = []
    for line in expected.splitlines():
        if line == "...":
            parts.append(r"(?:.*\n)*?")
        else:
            escaped = re.escape(line.rstrip()).replace(r"\.\.\.", ".*")
            parts.append(escaped + r"\n")
    return re.compile("".join(parts))


def _normalised(output: str) -> str:
    return "".join(line.rstrip() + "\n" for line in output.splitlines())


def _console_steps(body: str) -> list[tuple[str, str]]:
    steps: list[tuple[str, list[str]]] = []
    for line in body.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        else:
            steps[-1][1].append(line)
    return [(command, "\n".join(lines)) for command, lines in steps]


@pytest.fixture(name="reader")
def _reader(tmp_path, monkeypatch):
    """
    An empty folder, as a reader starts in, with user folders inside it.
    """
    monkeypatch.chdir(tmp_path)
    # platformdirs honours these on Linux: the host's default cache and
    # data folders land in tmp_path, not in the real home.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / ".cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / ".local" / "share"))
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.delenv("ACC_PLUGINS_PATH", raising=False)
    for variable in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(variable, raising=False)
    return tmp_path


@pytest.mark.parametrize(
    "page",
    [
        "tutorial.md",
        "how-to/embed.md",
        "how-to/share.md",
        "how-to/policy.md",
        "how-to/new-plugin.md",
        "how-to/debug.md",
        "reference/manifest.md",
    ],
)
def test_page_runs_as_shown(reader, page):
    """Each file a page creates, and each command it runs, gives its output."""
    text = (DOCS / page).read_text(encoding="utf-8")
    steps = 0

    for block in _BLOCK.finditer(text):
        if block["title"]:
            path = reader / block["title"]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(block["body"], encoding="utf-8")
        elif block["lang"] == "console":
            for command, expected in _console_steps(block["body"]):
                output = _normalised(_run(command))
                pattern = _expected_pattern(expected)
                assert pattern.fullmatch(output), (
                    f"$ {command}\n--- page ---\n{expected}\n"
                    f"--- actual ---\n{output}"
                )
                steps += 1

    assert steps >= 1


def test_cli_page_is_the_help_of_every_command():
    """The hook puts every command's --help text on the CLI page."""
    page = (DOCS / "reference" / "cli.md").read_text(encoding="utf-8")

    generated = hooks.on_page_markdown(page)

    assert hooks.HELP_MARKER in page
    assert hooks.HELP_MARKER not in generated
    for name in ["", *cli.commands]:
        command = f"acc-plugins {name}".rstrip()
        assert f"## `{command}`" in generated
        assert hooks.command_help(*name.split()) in generated + "\n"


def test_cli_help_is_what_an_80_column_terminal_shows():
    """The generated help equals the installed command's own --help."""
    command = shutil.which(
        "acc-plugins", path=str(Path(sys.executable).parent)
    )
    assert command is not None
    environment = {**os.environ, "COLUMNS": "80"}

    for name in ["call", "validate"]:
        result = subprocess.run(  # noqa: S603 -- our own console script
            [command, name, "--help"],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
            env=environment,
        )

        assert hooks.command_help(name) == result.stdout


def test_manifest_page_names_every_table_and_key():
    """Every table and key of the JSON Schema is on the manifest page."""
    page = (DOCS / "reference" / "manifest.md").read_text(encoding="utf-8")
    # JSON Schema is nested JSON; Any is its honest type here.
    tables: Any = manifest_json_schema()["properties"]
    keys: set[str] = set()
    for table in tables.values():
        keys |= set(table.get("properties", {}))
        entry = table.get("additionalProperties")
        if isinstance(entry, dict):
            keys |= set(entry.get("properties", {}))

    missing = [f"[{table}" for table in tables if f"`[{table}" not in page]
    missing += sorted(key for key in keys if f"`{key}`" not in page)

    assert missing == []


def test_manifest_page_embeds_the_schema_and_a_valid_example():
    """The schema on the page is the live one; the full example parses."""
    page = (DOCS / "reference" / "manifest.md").read_text(encoding="utf-8")
    schema = manifest_json_schema()
    examples = [
        block["body"]
        for block in _BLOCK.finditer(page)
        if block["lang"] == "toml"
        and not block["title"]
        and block["body"].startswith("[plugin]")
    ]

    generated = hooks.on_page_markdown(page)

    text = json.dumps(schema, indent=2, ensure_ascii=False)
    assert textwrap.indent(text, "    ") in generated
    assert len(examples) == 1
    manifest = parse_manifest(examples[0])
    assert len(manifest.permissions.all) == 10
    assert len(manifest.settings) == len(SettingType)


def test_site_builds_strictly(tmp_path):
    """mkdocs build --strict succeeds without a warning."""
    pytest.importorskip("mkdocs")
    pytest.importorskip("material")
    pytest.importorskip("mkdocstrings")
    site = tmp_path / "site"

    result = subprocess.run(  # noqa: S603 -- mkdocs of this environment
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--config-file",
            str(ROOT / "mkdocs.yml"),
            "--site-dir",
            str(site),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        cwd=ROOT,
    )

    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr
    cli_page = (site / "reference" / "cli" / "index.html").read_text()
    assert "Usage: acc-plugins call [OPTIONS] TARGET [PAIRS]..." in cli_page

"""
The documentation: its examples run as shown, its generated pages match the
code, and the site builds.
"""

import enum
import importlib
import importlib.util
import inspect
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

import attrs
import click
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
    # platformdirs honours these on Linux: the host's default cache, data
    # and config folders land in tmp_path, not in the real home.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / ".cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / ".config"))
    monkeypatch.setenv("COLUMNS", "80")
    for variable in (
        "ACC_PLUGINS_PATH",
        "ACC_PLUGINS_CONFIG_DIR",
        "ACC_PLUGINS_POLICY",
        "ACC_PLUGINS_KEY_PASSPHRASE",
    ):
        monkeypatch.delenv(variable, raising=False)
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
        "how-to/reload.md",
        "how-to/new-plugin.md",
        "how-to/typescript.md",
        "how-to/tools.md",
        "how-to/agents.md",
        "how-to/workflows.md",
        "how-to/hooks.md",
        "how-to/permissions.md",
        "how-to/settings.md",
        "how-to/publishing.md",
        "how-to/team-registry.md",
        "how-to/testing.md",
        "how-to/document.md",
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


# What the tutorial takes a reader through, in this order.
_TUTORIAL_STEPS = [
    "acc-plugins new",
    "acc-plugins validate",
    "acc-plugins scan",
    " call thermometer.",
    "python -m pytest",
    "acc-plugins package",
    "acc-plugins keys generate",
    "acc-plugins registry init",
    "acc-plugins publish",
    "acc-plugins registry add",
    "acc-plugins search",
    "acc-plugins install",
]


def test_tutorial_goes_from_a_new_plugin_to_an_installed_one():
    """Every step is a command the docs test runs; none is only shown."""
    text = (DOCS / "tutorial.md").read_text(encoding="utf-8")
    blocks = list(_BLOCK.finditer(text))
    commands = [
        command
        for block in blocks
        if block["lang"] == "console"
        for command, _ in _console_steps(block["body"])
    ]

    firsts = [
        next(i for i, command in enumerate(commands) if step in command)
        for step in _TUTORIAL_STEPS
    ]
    unrun = [b["body"] for b in blocks if b["lang"] in {"bash", "sh", "shell"}]

    assert firsts == sorted(firsts)
    assert unrun == []


def _every_command(
    group: click.Group, prefix: tuple[str, ...] = ()
) -> list[tuple[str, ...]]:
    names = [prefix]
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            names += _every_command(command, (*prefix, name))
        else:
            names.append((*prefix, name))
    return names


def test_cli_page_is_the_help_of_every_command():
    """The hook puts every command's --help text on the CLI page."""
    page = (DOCS / "reference" / "cli.md").read_text(encoding="utf-8")
    commands = _every_command(cli)

    generated = hooks.on_page_markdown(page)

    assert hooks.HELP_MARKER in page
    assert hooks.HELP_MARKER not in generated
    assert ("registry", "publisher", "vouch") in commands
    for names in commands:
        command = " ".join(("acc-plugins", *names))
        assert f"## `{command}`\n" in generated
        assert hooks.command_help(*names) in generated + "\n"


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


def test_typescript_page_embeds_the_declarations():
    """The TypeScript how-to shows the declarations the command prints."""
    page = (DOCS / "how-to" / "typescript.md").read_text(encoding="utf-8")

    generated = hooks.on_page_markdown(page)

    printed = hooks.run("schema", "--format", "typescript").rstrip()
    assert hooks.TYPESCRIPT_MARKER in page
    assert textwrap.indent(printed, "    ") in generated


@pytest.fixture(name="site", scope="module")
def _site(tmp_path_factory):
    """
    The site, built once for this module: the folder and mkdocs's stderr.
    """
    pytest.importorskip("mkdocs")
    pytest.importorskip("material")
    pytest.importorskip("mkdocstrings")
    site = tmp_path_factory.mktemp("site")

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
    return site, result.stderr


def test_site_builds_strictly(site):
    """mkdocs build --strict succeeds without a warning."""
    folder, stderr = site

    cli_page = (folder / "reference" / "cli" / "index.html").read_text()

    assert "WARNING" not in stderr
    assert "Usage: acc-plugins call [OPTIONS] TARGET [PAIRS]..." in cli_page
    assert "Usage: acc-plugins registry publisher vouch" in cli_page


# The modules whose names the API reference documents, each on its page;
# ``acc_plugins`` re-exports names documented under these.
_API_PAGES = {
    "acc_plugins.host": "api",
    "acc_plugins.market": "api",
    "acc_plugins.sdk": "sdk",
    "acc_plugins.errors": "errors",
}


def _public_names(module: ModuleType) -> list[str]:
    names: list[str] | None = getattr(module, "__all__", None)
    if names is None:
        names = [
            name
            for name, value in vars(module).items()
            if not name.startswith("_")
            and getattr(value, "__module__", None) == module.__name__
        ]
    return names


def _documented_path(name: str) -> str:
    for module in _API_PAGES:
        if name in _public_names(importlib.import_module(module)):
            return f"{module}.{name}"
    msg = f"{name} is in no documented module"
    raise AssertionError(msg)


def _member_problems(path: str, cls: type, ids: set[str]) -> list[str]:
    """
    What is undocumented of one public class: its fields, enum members,
    methods and properties, its own and those it inherits from our code.
    """
    doc = cls.__doc__ or ""
    problems = []
    names: list[str] = []
    if attrs.has(cls):
        names += [f.name for f in attrs.fields(cls)]
    if issubclass(cls, enum.Enum):
        names += list(cls.__members__)
    problems += [
        f"{path}.{name}: not under Attributes: in the docstring"
        for name in names
        if not name.startswith("_") and f"{name}:" not in doc
    ]
    for klass in cls.__mro__:
        if not klass.__module__.startswith("acc_plugins"):
            continue
        for name, value in vars(klass).items():
            function = getattr(value, "__func__", value)
            if name.startswith("_") or not (
                isinstance(function, property) or inspect.isfunction(function)
            ):
                continue
            if not (function.__doc__ or "").strip():
                problems.append(f"{path}.{name}: no docstring")
            if f"{path}.{name}" not in ids:
                problems.append(f"{path}.{name}: not on the page")
    return problems


def test_api_reference_documents_every_public_member(site):
    """Each public name, method and field has a docstring and is shown."""
    folder, _ = site
    ids: set[str] = set()
    for page in set(_API_PAGES.values()):
        html = (folder / "reference" / page / "index.html").read_text()
        ids |= set(re.findall(r'id="([^"]+)"', html))
    problems = []

    for module_name in ["acc_plugins", *_API_PAGES]:
        module = importlib.import_module(module_name)
        for name in _public_names(module):
            value = getattr(module, name)
            path = _documented_path(name)
            if path not in ids:
                problems.append(f"{path}: not on the page")
            described = inspect.isclass(value) or inspect.isfunction(value)
            if described and not (value.__doc__ or "").strip():
                problems.append(f"{path}: no docstring")
            if inspect.isclass(value):
                problems += _member_problems(path, value, ids)

    assert sorted(set(problems)) == []
    assert "acc_plugins.host.PluginHost.call_tool" in ids

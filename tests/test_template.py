"""
The plugin template: ``acc-plugins new`` and plain cookiecutter bake it,
and every kind it makes passes validate, scan and its own tests as
written.
"""

import glob
import importlib.util
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from cookiecutter.exceptions import FailedHookException
from cookiecutter.main import cookiecutter

from acc_plugins import _scaffold
from acc_plugins._scaffold import TEMPLATE_KINDS
from acc_plugins.cli import cli
from acc_plugins.host import validate_plugin
from acc_plugins.manifest import load_manifest, manifest_json_schema
from acc_plugins.security import scan_plugin


ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "templates" / "plugin"


def new(*arguments: str):
    return CliRunner().invoke(cli, ["new", *arguments])


def files_of(folder: Path) -> list[str]:
    return sorted(
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    )


def expected_files(module: str) -> list[str]:
    return [
        ".github/workflows/plugin.yml",
        "README.md",
        f"{module}.py",
        "plugin.toml",
        "tests/conftest.py",
        f"tests/test_{module}.py",
    ]


@pytest.mark.parametrize("kind", TEMPLATE_KINDS)
def test_a_new_plugin_passes_validate_scan_and_its_tests(tmp_path, kind):
    """Every template makes a plugin that is valid, scans clean, and whose
    own tests pass, with no edits."""
    name = f"my-{kind}"
    result = new(
        name, "--template", kind, "--no-input", "--output-dir", str(tmp_path)
    )
    plugin = tmp_path / name

    report = validate_plugin(plugin)
    findings = scan_plugin(plugin).findings
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=plugin,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        f"created {plugin} from the {kind} template\n"
    )
    assert files_of(plugin) == expected_files(f"my_{kind}")
    assert report.problems == ()
    assert report.warnings == ()
    assert report.modules == (f"my_{kind}.py",)
    assert findings == ()
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert " passed" in tests.stdout


@pytest.mark.parametrize(
    ("kind", "manifest_kind"),
    [
        ("tool", "tool"),
        ("agent", "agent"),
        ("workflow", "workflow"),
        ("basic", "mixed"),
    ],
)
def test_the_manifest_names_the_plugin_and_its_entry(
    tmp_path, kind, manifest_kind
):
    """plugin.toml has the name, kind and entry class the template derives."""
    new(
        "word-tools",
        "--template",
        kind,
        "--no-input",
        "--output-dir",
        str(tmp_path),
    )

    manifest = load_manifest(tmp_path / "word-tools" / "plugin.toml")

    assert manifest.plugin.name == "word-tools"
    assert manifest.plugin.kind.value == manifest_kind
    assert manifest.plugin.entry.module == "word_tools"
    assert manifest.plugin.entry.attr == "WordTools"


def test_the_ci_workflow_checks_every_push_and_publishes_tags(tmp_path):
    """The workflow runs tests, validate and scan; publish only on a tag,
    with the registry and key from secrets."""
    new("ci-demo", "--no-input", "--output-dir", str(tmp_path))

    text = (
        tmp_path / "ci-demo" / ".github" / "workflows" / "plugin.yml"
    ).read_text()

    for command in (
        "acc-plugins validate .",
        "acc-plugins scan .",
        "pytest -q tests",
    ):
        assert command in text
    assert "if: startsWith(github.ref, 'refs/tags/v')" in text
    assert "publish plugin --registry registry --key publisher" in text
    assert "${{ secrets.ACC_PUBLISHER_KEY }}" in text
    assert "{%" not in text


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("Bad_Name", "is not a valid plugin name"),
        ("9lives", "is not a valid plugin name"),
        ("x" * 65, "is not a valid plugin name"),
    ],
)
def test_a_bad_name_is_one_error_line_and_writes_nothing(
    tmp_path, name, reason
):
    """The name is checked before anything is written."""
    result = new(name, "--no-input", "--output-dir", str(tmp_path))

    assert result.exit_code == 1
    assert result.output.count("\n") == 1
    assert result.output.startswith(f"error: {name!r} {reason}")
    assert list(tmp_path.iterdir()) == []


def test_an_existing_folder_is_one_error_line_and_left_alone(tmp_path):
    """A plugin folder that exists is never written into."""
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine")

    result = new("taken", "--no-input", "--output-dir", str(tmp_path))

    assert result.exit_code == 1
    assert result.output == (
        f"error: {tmp_path / 'taken'} exists already: choose another name "
        "or --output-dir\n"
    )
    assert files_of(tmp_path / "taken") == ["notes.txt"]


def test_plain_cookiecutter_bakes_the_same_plugin(tmp_path):
    """cookiecutter templates/plugin makes what acc-plugins new makes."""
    made = cookiecutter(
        str(TEMPLATE),
        no_input=True,
        extra_context={"name": "same-plugin", "kind": "agent"},
        output_dir=str(tmp_path / "plain"),
    )
    new(
        "same-plugin",
        "--template",
        "agent",
        "--no-input",
        "--output-dir",
        str(tmp_path / "cli"),
    )

    plain, ours = Path(made), tmp_path / "cli" / "same-plugin"

    assert files_of(plain) == files_of(ours)
    for relative in files_of(plain):
        assert (plain / relative).read_text() == (ours / relative).read_text()


def test_plain_cookiecutter_refuses_a_bad_name(tmp_path):
    """The template's own hook refuses what the manifest would refuse,
    and cookiecutter removes what it began."""
    with pytest.raises(FailedHookException):
        cookiecutter(
            str(TEMPLATE),
            no_input=True,
            extra_context={"name": "Not Valid"},
            output_dir=str(tmp_path),
        )

    assert list(tmp_path.iterdir()) == []


def test_the_hook_checks_the_manifests_name_pattern():
    """The hook's pattern is the manifest's, so the two cannot drift."""
    full: Any = manifest_json_schema()
    schema = full["properties"]["plugin"]["properties"]
    hook = (TEMPLATE / "hooks" / "pre_gen_project.py").read_text()

    pattern = re.search(r'PATTERN = r"(.*)"', hook)

    assert pattern is not None
    assert f"^{pattern.group(1)}$" == schema["name"]["pattern"]
    assert f"len(NAME) > {schema['name']['maxLength']}" in hook


def test_the_kinds_are_the_template_choices():
    """acc-plugins new offers exactly the template's kind choices."""
    choices = json.loads((TEMPLATE / "cookiecutter.json").read_text())["kind"]

    assert tuple(choices) == TEMPLATE_KINDS


def test_the_wheel_ships_every_template_file():
    """The package-data patterns match every file of templates/, hidden
    .github folder included (globs skip hidden folders unless named)."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = pyproject["tool"]["setuptools"]["package-data"][
        "acc_plugins.templates"
    ]
    folder = ROOT / "templates"

    shipped = {
        match
        for pattern in patterns
        for match in glob.glob(pattern, root_dir=folder)  # noqa: PTH207 -- as setuptools globs
        if (folder / match).is_file()
    }

    assert shipped == set(files_of(folder)) - {"__init__.py"}


def test_the_prompts_fill_in_the_manifest(tmp_path, monkeypatch):
    """Without --no-input the answers typed at the prompts are used, and
    quotes in them stay valid TOML."""
    monkeypatch.chdir(tmp_path)
    answers = 'Says "hi" to C:\\\\ users.\nAda Lovelace\nApache-2.0\n'

    result = CliRunner().invoke(
        cli, ["new", "hello", "--template", "agent"], input=answers
    )
    manifest = load_manifest(tmp_path / "hello" / "plugin.toml")

    assert result.exit_code == 0, result.output
    # Name and kind came with the command: only the other questions are asked,
    # each with its default rendered from the name.
    assert "Plugin name" not in result.output
    assert "What the plugin mainly adds" not in result.output
    assert "One-line description [What hello adds to" in result.output
    assert "created hello from the agent template\n" in result.output
    assert manifest.plugin.description == 'Says "hi" to C:\\\\ users.'
    assert manifest.plugin.authors == ("Ada Lovelace",)
    assert manifest.plugin.license == "Apache-2.0"
    assert validate_plugin(tmp_path / "hello").ok


def test_an_output_dir_that_is_a_file_is_one_error_line(tmp_path):
    """--output-dir must be a folder (made if missing)."""
    (tmp_path / "file").write_text("x")

    result = new("hello", "--no-input", "--output-dir", str(tmp_path / "file"))

    assert result.exit_code == 1
    assert (
        result.output
        == f"error: --output-dir {tmp_path / 'file'}: not a folder\n"
    )
    assert (tmp_path / "file").read_text() == "x"


def test_a_compat_editable_install_uses_the_checkouts_templates(
    tmp_path, monkeypatch
):
    """Without the acc_plugins.templates mapping (an editable install in
    compat mode), the checkout's templates/ folder is used."""

    def missing(package):
        raise ModuleNotFoundError(package)

    monkeypatch.setattr(_scaffold, "files", missing)

    made = _scaffold.new_plugin("compat-demo", "basic", tmp_path)

    assert files_of(made) == expected_files("compat_demo")


@pytest.mark.parametrize("has_pytest", [True, False])
def test_the_next_steps_say_how_to_get_pytest_when_it_is_missing(
    tmp_path, monkeypatch, has_pytest
):
    """A plain install has no pytest; the hint names the extra that adds it."""
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: (
            real(name, *a) if has_pytest or name != "pytest" else None
        ),
    )
    monkeypatch.chdir(tmp_path)

    result = new("hello", "--template", "tool", "--no-input")

    assert result.exit_code == 0, result.output
    hint = "pip install 'acc-plugins[testing]'"
    assert (hint in result.output) is not has_pytest
    assert result.output.rstrip().endswith("python -m pytest hello/tests")

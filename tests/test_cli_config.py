"""
``acc-plugins config``, ``enable`` and ``disable``, end to end.
"""

import json
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.host.test_host import write_plugin

from acc_plugins.cli import cli


EXAMPLES = Path(__file__).parent.parent / "examples"


@pytest.fixture(name="run")
def _run(tmp_path):
    def run(*args: str, stdin: str | None = None):
        options = [
            f"--path={EXAMPLES}",
            f"--cache-dir={tmp_path / 'cache'}",
            f"--data-dir={tmp_path / 'data'}",
            f"--config-dir={tmp_path / 'config'}",
        ]
        return CliRunner().invoke(
            cli, [*options, *args], input=stdin, env={"COLUMNS": "240"}
        )

    return run


def test_set_get_list_and_unset_a_setting(run, tmp_path):
    result = run("config", "set", "text-tools", "default_width", "17")
    assert result.exit_code == 0, result.output
    assert "text-tools.default_width = 17" in result.output

    assert (
        run("config", "get", "text-tools", "default_width").output.strip()
        == "17"
    )
    listed = json.loads(run("config", "list", "text-tools", "--json").output)
    assert listed["default_width"]["value"] == 17
    assert "config.toml" in listed["default_width"]["source"]
    assert (
        "default_width = 17"
        in (tmp_path / "config" / "config.toml").read_text()
    )

    assert run("config", "unset", "text-tools", "default_width").exit_code == 0
    listed = json.loads(run("config", "list", "text-tools", "--json").output)
    assert listed["default_width"]["source"] == "default"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("text-tools", "default_width", "many"), "expected integer"),
        (("text-tools", "colour", "red"), "no such setting"),
        (("nobody", "default_width", "1"), "nobody"),
    ],
)
def test_a_bad_set_is_one_error_and_changes_nothing(
    run, tmp_path, args, message
):
    result = run("config", "set", *args)

    assert result.exit_code == 1
    assert message in result.output
    assert not (tmp_path / "config" / "config.toml").exists()


def test_disable_names_the_dependents_and_asks(run):
    refused = run("disable", "text-tools", stdin="n\n")
    assert refused.exit_code == 1
    assert "needed by: review-pipeline, code-reviewer" in refused.output

    accepted = run("disable", "text-tools", stdin="y\n")
    assert accepted.exit_code == 0, accepted.output
    listed = run("list").output
    assert "deactivated" in listed

    assert run("enable", "text-tools").exit_code == 0


def test_export_then_import_shares_a_setup(run, tmp_path):
    assert (
        run("config", "set", "text-tools", "default_width", "19").exit_code
        == 0
    )
    exported = tmp_path / "team.toml"
    assert run("config", "export", "--output", str(exported)).exit_code == 0
    text = exported.read_text()
    assert "[plugins.text-tools.settings]" in text
    assert "default_width = 19" in text
    assert 'version = "' in text

    (tmp_path / "config" / "config.toml").unlink()
    result = run("config", "import", str(exported))
    assert result.exit_code == 0, result.output
    assert (
        run("config", "get", "text-tools", "default_width").output.strip()
        == "19"
    )


def test_an_import_with_a_problem_changes_nothing(run, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        "[plugins.text-tools.settings]\ndefault_width = 9\n"
        "[plugins.nobody]\nenabled = true\n"
        "[plugins.code-reviewer.settings]\nstyle = 42\n"
    )
    result = run("config", "import", str(bad))

    assert result.exit_code == 1
    assert "plugins.nobody: no such plugin is installed" in result.output
    assert "style" in result.output
    assert not (tmp_path / "config" / "config.toml").exists()


def test_storage_usage_and_clear(run, tmp_path):
    from acc_plugins.host.capabilities._storage import KeyValueStore

    store = KeyValueStore(tmp_path / "data" / "storage.sqlite3")
    store.set("text-tools", "k", "value")
    store.close()

    usage = run("storage", "usage", "text-tools")
    assert usage.exit_code == 0, usage.output
    assert "text-tools: 1 keys" in usage.output
    assert "of 10 MiB" in usage.output

    assert run("storage", "clear", "text-tools", stdin="n\n").exit_code == 1
    cleared = run("storage", "clear", "text-tools", "--yes")
    assert "removed 1 keys" in cleared.output
    assert "0 keys" in run("storage", "usage", "text-tools").output


MARKER = """
from acc_plugins.sdk import Plugin

class Main(Plugin):
    def __init__(self):
        self.ctx.storage.set("constructed", True)
"""


def test_configuring_runs_no_plugin_code(tmp_path):
    write_plugin(
        tmp_path / "plugins",
        "marker",
        MARKER,
        extra='\n[settings.level]\ntype = "int"\ndefault = 1\n',
    )
    options = [
        f"--path={tmp_path / 'plugins'}",
        f"--cache-dir={tmp_path / 'cache'}",
        f"--data-dir={tmp_path / 'data'}",
        f"--config-dir={tmp_path / 'config'}",
    ]
    runner = CliRunner()
    for args in (
        ["config", "set", "marker", "level", "3"],
        ["config", "list", "marker"],
        ["disable", "marker"],
        ["enable", "marker"],
        ["storage", "usage"],
    ):
        result = runner.invoke(cli, [*options, *args])
        assert result.exit_code == 0, result.output
    assert "marker: 0 keys" in result.output


def test_an_invalid_configuration_is_one_error_line(run, tmp_path):
    path = tmp_path / "config" / "config.toml"
    path.parent.mkdir()
    path.write_text("# ours\n[plugins.text-tools\n")

    listed = run("list")
    refused = run("config", "set", "text-tools", "default_width", "19")

    assert listed.exit_code == 0, listed.output
    assert "text-tools" in listed.stdout
    line = (
        f"error: {path}: not valid TOML: Expected ']' at the end of a "
        "table declaration (at line 2, column 20)\n"
    )
    assert line == listed.stderr
    assert refused.exit_code == 1
    assert line == refused.stderr
    assert path.read_text() == "# ours\n[plugins.text-tools\n"


@pytest.mark.parametrize("name", ["a b", "ä"])
def test_set_keeps_a_file_with_quoted_names_valid(run, tmp_path, name):
    path = tmp_path / "config" / "config.toml"
    path.parent.mkdir()
    path.write_text(f'# ours\n[plugins."{name}"]\nenabled = false\n')

    result = run("config", "set", "text-tools", "default_width", "19")

    assert result.exit_code == 0, result.output
    assert tomllib.loads(path.read_text()) == {
        "plugins": {
            name: {"enabled": False},
            "text-tools": {"settings": {"default_width": 19}},
        }
    }
    assert path.read_text().startswith(f'# ours\n[plugins."{name}"]\n')


def test_a_stale_key_is_shown_marked_and_unset_removes_it(run, tmp_path):
    path = tmp_path / "config" / "config.toml"
    path.parent.mkdir()
    path.write_text("[plugins.text-tools.settings]\nold_width = 3\n")

    set_ = run("config", "set", "text-tools", "default_width", "19")
    listed = run("config", "list", "text-tools")
    unset = run("config", "unset", "text-tools", "old_width")

    assert set_.exit_code == 0, set_.output
    assert "plugins.text-tools.settings.old_width" in set_.stderr
    assert "Traceback" not in set_.output
    assert "old_width = 3  (stale, from" in listed.stdout
    assert unset.exit_code == 0, unset.output
    assert tomllib.loads(path.read_text()) == {
        "plugins": {"text-tools": {"settings": {"default_width": 19}}}
    }

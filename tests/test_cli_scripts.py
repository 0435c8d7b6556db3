"""
The command line as scripts use it: --json output, arguments from a file
or stdin, a clear error for a missing --path or a failed plugin, status
130 on Ctrl-C, NO_COLOR, and one message per invalid configuration file.
"""

import json
from pathlib import Path

import click.termui
import pytest
from click.testing import CliRunner

from acc_plugins.cli import cli
from acc_plugins.host import FakeClaude, PluginHost


EXAMPLES = Path(__file__).parent.parent / "examples"


@pytest.fixture(name="acc")
def _acc(tmp_path):
    def acc(*args: str, path: Path = EXAMPLES, **kwargs):
        homes = [
            f"--path={path}",
            f"--cache-dir={tmp_path / 'cache'}",
            f"--data-dir={tmp_path / 'data'}",
            f"--config-dir={tmp_path / 'config'}",
        ]
        env = {"COLUMNS": "200", **kwargs.pop("env", {})}
        return CliRunner().invoke(cli, [*homes, *args], env=env, **kwargs)

    return acc


def _failing_plugin(folder: Path) -> Path:
    plugin = folder / "boom"
    plugin.mkdir(parents=True)
    (plugin / "plugin.toml").write_text(
        '[plugin]\nname = "boom"\nversion = "1.0.0"\n'
        'description = "Fails as it loads."\nentry = "boom:Boom"\n'
        'kind = "tool"\n'
    )
    (plugin / "boom.py").write_text('raise ValueError("kaput at import")\n')
    return folder


def test_list_json_has_every_plugin_and_its_state(acc):
    """list --json is the API's PluginInfo fields, one object a plugin."""
    result = acc("list", "--json")

    assert result.exit_code == 0
    plugins = {p["name"]: p for p in json.loads(result.stdout)}
    assert plugins["text-tools"]["state"] == "active"
    assert plugins["text-tools"]["version"] == "1.2.0"
    assert "text-tools.slugify" in plugins["text-tools"]["tools"]
    assert plugins["code-reviewer"]["permissions"] == ["host:claude.query"]


def test_list_json_of_an_empty_folder_is_an_empty_list(acc, tmp_path):
    """No plugins is [] and status 0, not a message a parser chokes on."""
    empty = tmp_path / "none"
    empty.mkdir()

    result = acc("list", "--json", path=empty)

    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_info_json_describes_tools_with_their_schemas(acc):
    """info --json adds each tool's description and argument schema."""
    result = acc("info", "text-tools", "--json")

    assert result.exit_code == 0
    details = json.loads(result.stdout)
    assert details["name"] == "text-tools"
    assert details["limits"]["timeout_ms"] == 2000
    slugify = {t["name"]: t for t in details["tool_details"]}[
        "text-tools.slugify"
    ]
    assert slugify["schema"]["required"] == ["text"]
    assert slugify["schema"]["properties"]["max_length"]["type"] == "integer"


def test_storage_usage_json_counts_keys_and_bytes(acc, tmp_path):
    """storage usage --json gives keys, bytes and quota for each plugin."""
    host = PluginHost(
        [EXAMPLES],
        claude=FakeClaude(),
        cache_dir=tmp_path / "cache",
        data_dir=tmp_path / "data",
        config_dir=tmp_path / "config",
    )
    with host:
        host.run_agent("code-reviewer.review", "x = 1  # TODO: name it\n")
        keys, size = host.storage.usage("code-reviewer")

    result = acc("storage", "usage", "--json")

    assert result.exit_code == 0
    rows = {row["plugin"]: row for row in json.loads(result.stdout)}
    assert rows["code-reviewer"] == {
        "plugin": "code-reviewer",
        "keys": 1,
        "bytes": size,
        "quota_mb": 10,
    }
    assert keys == 1
    assert rows["text-tools"]["keys"] == 0


def test_call_reads_arguments_from_a_file(acc, tmp_path):
    """--args @file.json passes the object's members as arguments."""
    arguments = tmp_path / "args.json"
    arguments.write_text(json.dumps({"text": "Hello Big World" * 2000}))

    result = acc("call", "text-tools.slugify", f"--args=@{arguments}")

    assert result.exit_code == 0
    assert json.loads(result.stdout).startswith("hello-big-worldhello")


def test_call_reads_arguments_from_stdin(acc):
    """--args - reads the JSON object from standard input."""
    result = acc(
        "call",
        "text-tools.slugify",
        "--args",
        "-",
        input='{"text": "From Standard Input", "max_length": 13}',
    )

    assert result.exit_code == 0
    assert json.loads(result.stdout) == "from-standard"


def test_bad_json_in_a_file_names_the_file_and_position(acc, tmp_path):
    """Bad JSON is one error line with the file, line and column."""
    arguments = tmp_path / "args.json"
    arguments.write_text('{\n  "text": "x"\n  "max_length": 3\n}\n')

    result = acc("call", "text-tools.slugify", f"--args=@{arguments}")

    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {arguments}: not valid JSON: Expecting ',' delimiter "
        "(line 3, column 3)\n"
    )


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("@missing.json", "error: missing.json: cannot read: No such file"),
        ("[1, 2]", "error: --args: must be a JSON object, not list"),
        ("-", "error: <stdin>: not valid JSON: Expecting value (line 1,"),
    ],
)
def test_bad_arguments_are_one_error_line(acc, given, expected):
    """A missing file, a non-object or empty stdin: one line, exit 1."""
    result = acc("call", "text-tools.slugify", "--args", given, input="")

    assert result.exit_code == 1
    assert result.stderr.startswith(expected)
    assert len(result.stderr.splitlines()) == 1


def test_pairs_and_args_together_are_refused(acc):
    """Arguments come one way or the other, never both."""
    result = acc("call", "text-tools.slugify", "text=a", "--args", "{}")

    assert result.exit_code == 1
    assert result.stderr == "error: give key=value pairs or --args, not both\n"


@pytest.mark.parametrize(
    "command", [["list"], ["info", "x"], ["list", "--json"]]
)
def test_a_path_that_does_not_exist_is_an_error(acc, tmp_path, command):
    """A mistyped --path exits 1 naming it, not "no plugins found"."""
    missing = tmp_path / "no-such-folder"

    result = acc(*command, path=missing)

    assert result.exit_code == 1
    assert (
        result.stderr == f"error: --path {missing}: no such file or folder\n"
    )
    assert result.stdout == ""


def test_a_missing_folder_in_acc_plugins_path_is_named_as_such(tmp_path):
    """The error says the folder came from ACC_PLUGINS_PATH."""
    missing = tmp_path / "gone"

    result = CliRunner().invoke(
        cli,
        [f"--data-dir={tmp_path / 'data'}", "list"],
        env={"ACC_PLUGINS_PATH": str(missing)},
    )

    assert result.exit_code == 1
    assert result.stderr == (
        f"error: ACC_PLUGINS_PATH {missing}: no such file or folder\n"
    )


def test_calling_a_failed_plugin_names_its_state_and_reason(acc, tmp_path):
    """The plugin in error is named with its last error, not "no tool"."""
    plugins = _failing_plugin(tmp_path / "plugins")

    result = acc("call", "boom.go", path=plugins)

    assert result.exit_code == 1
    line = result.stderr.splitlines()[-1]
    assert line.startswith(
        "error: cannot call tool 'boom.go': plugin 'boom' is in state 'error': "
    )
    assert "kaput at import" in line


def test_an_unknown_tool_of_an_active_plugin_keeps_its_hint(acc):
    """An active plugin's missing tool still gets the did-you-mean."""
    result = acc("call", "text-tools.slugifi", "text=x")

    assert result.exit_code == 1
    assert "did you mean 'text-tools.slugify'?" in result.stderr


def test_ctrl_c_exits_130_with_one_line(acc, monkeypatch):
    """KeyboardInterrupt is status 130 and "interrupted", no traceback."""

    def interrupted(_host):
        raise KeyboardInterrupt

    monkeypatch.setattr(PluginHost, "plugins", interrupted)

    result = acc("list", catch_exceptions=False)

    assert result.exit_code == 130
    assert result.stderr == "interrupted\n"


def test_no_color_leaves_no_escape_sequence(acc):
    """NO_COLOR removes every style, even on a forced terminal."""
    styled = acc("list", env={"FORCE_COLOR": "1", "TTY_COMPATIBLE": "1"})
    plain = acc(
        "list",
        env={"FORCE_COLOR": "1", "TTY_COMPATIBLE": "1", "NO_COLOR": "1"},
    )

    assert "\x1b[" in styled.stdout
    assert plain.exit_code == 0
    assert "text-tools" in plain.stdout
    assert "\x1b[" not in plain.stdout


@pytest.mark.parametrize(("value", "color"), [("yes", False), ("", None)])
def test_no_color_turns_click_styles_off(monkeypatch, value, color):
    """A non-empty NO_COLOR makes click.echo strip click.style's codes."""
    monkeypatch.setenv("NO_COLOR", value)
    ctx = cli.make_context("acc-plugins", ["modules"])

    assert cli.callback is not None

    with ctx:
        ctx.invoke(cli.callback, **ctx.params)

    assert ctx.color is color


def test_an_invalid_config_file_is_one_message(acc, tmp_path):
    """A broken config.toml is reported once, not once per plugin."""
    config = tmp_path / "config"
    config.mkdir()
    (config / "config.toml").write_text("[plugins\n")

    result = acc("list", "--json")

    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) > 1
    expected = (
        f"error: {config / 'config.toml'}: not valid TOML: Expected ']' at "
        "the end of a table declaration (at line 1, column 9)"
    )
    assert [line for line in result.stderr.splitlines() if line] == [expected]


def test_validate_json_reports_problems_and_exits_1(acc, tmp_path):
    """validate --json gives ok, name and problems, with the exit status."""
    plugins = _failing_plugin(tmp_path / "plugins")
    (plugins / "boom" / "boom.py").write_text("eval('1')\n")

    good = acc("validate", str(EXAMPLES / "text-tools"), "--json")
    bad = acc("validate", str(plugins / "boom"), "--json")

    assert good.exit_code == 0
    assert json.loads(good.stdout) == {
        "ok": True,
        "name": "text-tools",
        "version": "1.2.0",
        "modules": ["markers.py", "tools.py"],
        "problems": [],
        "warnings": [],
    }
    assert bad.exit_code == 1
    report = json.loads(bad.stdout)
    assert report["ok"] is False
    assert any("eval() is not allowed" in p for p in report["problems"])


def test_permissions_modules_quarantine_and_scan_print_json(acc):
    """The other commands that print data take --json too."""
    permissions = acc("permissions", "show", "code-reviewer", "--json")
    modules = acc("modules", "--json")
    quarantined = acc("quarantine", "--json")
    scanned = acc("scan", str(EXAMPLES / "text-tools"), "--json")

    assert json.loads(permissions.stdout)["requested"] == ["host:claude.query"]
    assert "slugify" not in json.loads(modules.stdout)
    assert "sqrt" in json.loads(modules.stdout)["math"]
    assert json.loads(quarantined.stdout) == []
    assert scanned.exit_code == 0
    assert json.loads(scanned.stdout)["fail_on"] == "high"


def test_ctrl_c_at_a_prompt_exits_130(acc, monkeypatch):
    """Ctrl-C at a confirmation is 130 too, not click's "Aborted!"."""

    def ctrl_c(*_args):
        raise KeyboardInterrupt

    # Where click.confirm reads the answer (CliRunner replaces the rest);
    # click 8.1 reads it inline, where a test cannot reach.
    if not hasattr(click.termui, "_readline_prompt"):
        pytest.skip("this click reads prompts where no test can reach")
    monkeypatch.setattr(click.termui, "_readline_prompt", ctrl_c)

    result = acc("storage", "clear", "text-tools")

    assert result.exit_code == 130
    assert result.stderr.endswith("interrupted\n")
    assert "Aborted" not in result.output


def test_ctrl_c_while_the_arguments_are_read_exits_130(acc, monkeypatch):
    """Ctrl-C while the top-level options are read (before any command
    runs) is 130 and one line too."""

    def ctrl_c(*_args):
        raise KeyboardInterrupt

    # --path is the first option converted.
    monkeypatch.setattr(click.Path, "convert", ctrl_c)

    result = acc("list")

    assert result.exit_code == 130
    assert result.stderr == "interrupted\n"
    assert "Aborted" not in result.output


def test_policy_show_names_an_invalid_config_file_once(acc, tmp_path):
    """Without a host, the policy lookup still says the file is broken."""
    config = tmp_path / "config"
    config.mkdir()
    (config / "config.toml").write_bytes(b"policy = '\xff'\n")

    result = acc("policy", "show")

    assert result.exit_code == 0
    assert result.stderr == (
        f"error: {config / 'config.toml'}: not valid UTF-8 (byte 10)\n"
    )

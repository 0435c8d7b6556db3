"""
The acc-plugins command line, end to end.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from acc_plugins.cli import cli


EXAMPLES = Path(__file__).parent.parent / "examples"


@pytest.fixture(name="run")
def _run(tmp_path):
    def run(*args: str, paths: tuple[Path, ...] = (EXAMPLES,)):
        options = [f"--path={p}" for p in paths]
        options += [
            f"--cache-dir={tmp_path / 'cache'}",
            f"--data-dir={tmp_path / 'data'}",
            f"--config-dir={tmp_path / 'config'}",
        ]
        return CliRunner().invoke(
            cli,
            [*options, *args],
            catch_exceptions=False,
            env={"COLUMNS": "240"},
        )

    return run


def test_validate_accepts_a_good_plugin(run):
    """A valid plugin passes with a one-line summary."""
    result = run("validate", str(EXAMPLES / "text-tools"))

    assert result.exit_code == 0
    assert result.output == "ok: text-tools 1.2.0 is valid (2 modules)\n"


def test_validate_reports_every_problem_and_fails(run):
    """The hostile plugin's refused constructs are listed with lines."""
    result = run("validate", str(EXAMPLES / "hostile"))

    assert result.exit_code == 1
    lines = result.output.splitlines()
    backdoor = str(EXAMPLES / "hostile" / "backdoor.py")
    assert (
        f"{backdoor}:6: access to attribute '__bases__' is not allowed"
        in "\n".join(lines)
    )
    assert any(
        line.startswith(f"{backdoor}:22: eval() is not allowed")
        for line in lines
    )
    evil = EXAMPLES / "hostile" / "evil.py"
    line_of_import = (
        evil.read_text()
        .splitlines()
        .index("        import subprocess  # refused by the import gate")
    )
    assert any(
        line.startswith(
            f"{evil}:{line_of_import + 1}: import of 'subprocess' is not"
        )
        for line in lines
    )
    assert "error: " in result.output


def test_validate_reports_a_bad_manifest(run, tmp_path):
    """Manifest problems are named by field path."""
    plugin = tmp_path / "bad"
    plugin.mkdir()
    (plugin / "plugin.toml").write_text(
        '[plugin]\nname = "bad"\nversion = "one"\n'
    )
    (plugin / "main.py").write_text("x = 1\n")

    result = run("validate", str(plugin))

    assert result.exit_code == 1
    assert "plugin.version: 'one' is not a valid version" in result.output


def test_list_shows_every_plugin_with_its_state(run):
    """The table has names, versions, kinds, states and permissions."""
    result = run("list")

    assert result.exit_code == 0
    for expected in (
        "text-tools",
        "code-reviewer",
        "review-pipeline",
        "sneaky",
        "host:claude.query",
        "active",
    ):
        assert expected in result.output


def test_info_describes_one_plugin(run):
    """info lists tools with their arguments and the transitions."""
    result = run("info", "text-tools")

    assert result.exit_code == 0
    assert "text-tools.slugify" in result.output
    assert "max_length?: integer" in result.output
    assert "loaded" in result.output


def test_info_of_an_unknown_plugin_fails(tmp_path):
    """A clear error and a non-zero exit."""
    result = CliRunner().invoke(
        cli,
        [
            f"--path={EXAMPLES}",
            f"--cache-dir={tmp_path / 'c'}",
            f"--data-dir={tmp_path / 'd'}",
            "info",
            "nope",
        ],
    )

    assert result.exit_code == 1
    assert "no plugin named 'nope'" in result.output


def test_call_converts_arguments_and_prints_json(run):
    """k=v strings become typed arguments; the result is JSON."""
    result = run(
        "call", "text-tools.slugify", "text=Hello Big World", "max_length=9"
    )

    assert result.exit_code == 0
    assert json.loads(result.output) == "hello-big"


def test_call_with_bad_arguments_fails_cleanly(run):
    """Wrong types and malformed pairs exit 1 with a message."""
    wrong = run("call", "text-tools.slugify", "text=x", "max_length=many")
    malformed = run("call", "text-tools.slugify", "text")

    assert wrong.exit_code == 1
    assert "argument 'max_length'" in wrong.output
    assert malformed.exit_code == 1
    assert "not of the form key=value" in malformed.output


def test_schema_is_json_schema(run):
    """schema prints a draft 2020-12 document."""
    result = run("schema")

    document = json.loads(result.output)
    assert (
        document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    )


def test_modules_lists_the_allowlist(run):
    """Authors can see what they may import."""
    result = run("modules")

    assert (
        "json: JSONDecodeError, JSONDecoder, JSONEncoder, dumps, loads"
        in result.output
    )


@pytest.fixture(name="demo", scope="module")
def _demo(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[subprocess.CompletedProcess[str], Path]:
    """The README's demo command, run once for the tests that read it."""
    command = shutil.which(
        "acc-plugins", path=str(Path(sys.executable).parent)
    )
    assert command is not None
    home = tmp_path_factory.mktemp("demo") / "home"

    result = subprocess.run(  # noqa: S603 -- our own console script
        [command, "demo", "--keep", str(home)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        # Wide enough that no line of the demo is wrapped.
        env={**os.environ, "COLUMNS": "400"},
    )
    return result, home


def test_demo_runs_end_to_end_from_the_installed_command(demo):
    """The README's demo command succeeds and shows the refusals."""
    result, _ = demo

    assert result.returncode == 0, result.stdout + result.stderr
    assert "demo finished: everything behaved as expected" in result.stdout
    assert result.stdout.count("refused") >= 5
    assert "Review of" in result.stdout
    assert (
        "sneaky.stall (sums ten million numbers a thousand times in one call into C): ended"
        in (" ".join(result.stdout.split()))
    )


def test_demo_marketplace_act_publishes_installs_and_refuses(demo):
    """The marketplace act installs a verified plugin with its dependency
    and grant, refuses a tampered archive leaving the tree alone, and
    writes the site."""
    result, home = demo

    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    market = home / "market"
    installed = market / "installed"
    origin = json.loads(
        (installed / "code-reviewer" / ".accp-origin.json").read_text()
    )
    assert (
        "    text-tools 1.2.0: validate, package, scan, test, load, document, sign, publish"
        in lines
    )
    assert "    0.3.0, verified (the owner vouches for its publisher)" in lines
    assert (
        "    asks to send prompts to Claude (this spends your tokens) "
        "(host:claude.query)" in lines
    )
    assert (
        "    installed text-tools 1.2.0 (granted: nothing to grant)" in lines
    )
    assert (
        "    installed code-reviewer 0.3.0 (granted: host:claude.query)"
        in lines
    )
    assert any(
        line.startswith(
            "    refused: code-reviewer 0.3.0 from registry 'mirror': sha256 "
        )
        and line.endswith("the archive was changed")
        for line in lines
    )
    assert "    installed tree: unchanged (same sha256)" in lines
    assert f"    {market / 'site' / 'index.html'} (2 plugin pages)" in lines
    assert (origin["source"], origin["verified"]) == ("registry:demo", True)
    assert sorted(p.name for p in installed.iterdir() if p.name[0] != ".") == [
        "code-reviewer",
        "text-tools",
    ]
    assert "code-reviewer" in (market / "site" / "index.html").read_text()


def test_list_shows_why_a_plugin_failed(tmp_path):
    """A failed plugin's first problem is in the table."""
    broken = tmp_path / "plugins" / "broken"
    broken.mkdir(parents=True)
    (broken / "plugin.toml").write_text('[plugin]\nname = "broken"\n')

    result = CliRunner().invoke(
        cli,
        [
            f"--path={tmp_path / 'plugins'}",
            f"--cache-dir={tmp_path / 'c'}",
            f"--data-dir={tmp_path / 'd'}",
            "list",
        ],
        env={"COLUMNS": "300"},
    )

    assert result.exit_code == 0
    assert "last error" in result.output
    assert "plugin.toml: plugin.version: required" in result.output
    assert "plugin.description: required" not in result.output  # first only


def test_quarantine_survives_restarts_until_released(tmp_path):
    """A violation quarantines; only `quarantine release` brings it back."""
    plugins = tmp_path / "plugins" / "sneaky"
    plugins.mkdir(parents=True)
    (plugins / "plugin.toml").write_text(
        '[plugin]\nname = "sneaky"\nversion = "1.0.0"\n'
        'description = "Tries an import."\nentry = "main:Main"\nkind = "tool"\n'
    )
    (plugins / "main.py").write_text(
        "from acc_plugins.sdk import Plugin, tool\n"
        "class Main(Plugin):\n"
        "    @tool\n"
        "    def escape(self) -> str:\n"
        "        setattr(print, 'x', 1)\n"
        "        return 'out'\n"
    )
    options = [
        f"--path={tmp_path / 'plugins'}",
        f"--cache-dir={tmp_path / 'c'}",
        f"--data-dir={tmp_path / 'd'}",
    ]
    runner = CliRunner()

    first = runner.invoke(cli, [*options, "call", "sneaky.escape"])
    listed = runner.invoke(cli, [*options, "quarantine"])
    again = runner.invoke(cli, [*options, "call", "sneaky.escape"])
    released = runner.invoke(
        cli, [*options, "quarantine", "release", "sneaky"]
    )
    twice = runner.invoke(cli, [*options, "quarantine", "release", "sneaky"])
    verified = runner.invoke(cli, [*options, "audit", "verify"])

    assert first.exit_code == 1
    assert "modifying a " in first.output
    assert listed.output.startswith("sneaky  since ")
    assert again.exit_code == 1
    assert (
        "cannot call tool 'sneaky.escape': plugin 'sneaky' is in state "
        "'quarantined': sandbox violation: "
    ) in again.output
    assert released.output == "released sneaky; it loads at the next start\n"
    assert twice.exit_code == 1
    assert verified.exit_code == 0
    assert "chain intact" in verified.output


def test_stats_add_up_across_runs(run):
    """Each run's calls are added to the totals in the data folder."""
    empty = run("stats")
    run("call", "text-tools.slugify", "text=One Two")
    run("call", "text-tools.slugify", "text=Three")

    result = run("stats", "--json")

    assert empty.output == "no statistics yet: no plugin has been called\n"
    figures = {f["name"]: f for f in json.loads(result.output)}
    assert figures["text-tools"]["calls"] >= 2
    assert figures["text-tools"]["errors"] == 0
    assert figures["text-tools"]["p50_ms"] > 0


def test_permissions_are_granted_on_first_use_and_can_be_revoked(run):
    """Revoking host:claude.query takes the capability away at next load."""
    shown = run("permissions", "show", "code-reviewer")
    revoked = run(
        "permissions", "revoke", "code-reviewer", "host:claude.query"
    )
    after = run("permissions", "show", "code-reviewer")
    call = run("call", "code-reviewer.history")
    bad = run("permissions", "grant", "code-reviewer", "host:nonsense")
    granted = run("permissions", "grant", "code-reviewer", "host:claude.query")
    again = run("permissions", "show", "code-reviewer")

    assert shown.output == (
        "requested: host:claude.query\n"
        "granted: host:claude.query\n"
        "blocked by policy: -\n"
        "effective: host:claude.query\n"
    )
    assert revoked.exit_code == 0
    assert after.output.endswith("effective: -\n")
    assert call.exit_code == 0  # tools without the capability still work
    assert bad.exit_code == 1
    assert "unknown host API" in bad.output
    assert granted.exit_code == 0
    assert again.output.endswith("effective: host:claude.query\n")


def test_a_policy_blocks_permissions_for_every_command(run, tmp_path):
    """--policy: what it blocks shows in `permissions show`."""
    policy = tmp_path / "policy.toml"
    policy.write_text('[permissions]\ndeny = ["host:claude.*"]\n')
    result = run(f"--policy={policy}", "permissions", "show", "code-reviewer")
    assert result.exit_code == 0, result.output
    assert "blocked by policy" in result.output
    assert "host:claude.query" in result.output


def test_a_bad_policy_is_one_clear_error(run, tmp_path):
    policy = tmp_path / "policy.toml"
    policy.write_text('[isolation]\nrequire = "vm"\n')
    result = run(f"--policy={policy}", "list")
    assert result.exit_code == 1
    assert f"{policy}: isolation.require: 'vm' is not one of" in result.output


def test_a_reader_that_goes_away_is_not_an_error(tmp_path):
    """``acc-plugins ... | head`` ends quietly: no ``error:`` line and no
    traceback when the pipe closes before the command writes."""
    import subprocess
    import sys

    child = subprocess.Popen(  # noqa: S603 -- our own command line
        [
            sys.executable,
            "-c",
            "from acc_plugins.cli import main; main()",
            "--data-dir",
            str(tmp_path / "data"),
            "keys",
            "generate",
            "piped",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None
    child.stdout.close()  # the reader is gone before anything is written
    _, errors = child.communicate(timeout=120)

    assert child.returncode == 1
    assert b"error" not in errors
    assert b"Traceback" not in errors


def test_demo_behaves_where_pytest_is_not_installed(monkeypatch, capsys):
    """The README's demo installs acc-plugins alone: without pytest, the
    marketplace act publishes with the plugins' tests skipped, and says so,
    instead of failing."""
    from acc_plugins.cli import _demomarket
    from acc_plugins.cli._demo import run_demo

    monkeypatch.setenv("COLUMNS", "400")
    monkeypatch.setattr(_demomarket, "_pytest_installed", lambda: False)

    status = run_demo()

    out = capsys.readouterr().out
    assert status == 0, out
    assert "their tests are skipped: pytest is not installed" in out
    assert (
        "text-tools 1.2.0: validate, package, scan, test (skipped), load"
        in out
    )

"""
inspect, logs, profile, run-agent and run-workflow, end to end.
"""

import json

import pytest
from click.testing import CliRunner
from tests.host.test_host import write_plugin

from acc_plugins.cli import _logs as logs_module
from acc_plugins.cli import cli
from acc_plugins.host.debug import LogStore


_HELPER = """\
from acc_plugins.sdk import Agent, Plugin, Step, Workflow, agent, tool


def count(n):
    total = 0
    for i in range(n):
        total += i
    return total


class Main(Plugin):
    workflows = (
        Workflow(
            name="twice",
            inputs=("text",),
            steps=(
                Step(tool="echo", arguments={"text": "${input.text}"},
                     save_as="first"),
                Step(tool="echo", arguments={"text": "${first}${first}"}),
            ),
        ),
    )

    def on_activate(self):
        self.ctx.log.info("helper ready")

    @tool
    def echo(self, text: str) -> str:
        \"\"\"Give the text back.\"\"\"
        self.ctx.log.warning("echo " + text)
        return text

    @tool
    def busy(self, n: int) -> int:
        \"\"\"Loop.\"\"\"
        return count(n) + 1

    @tool
    def explode(self) -> int:
        \"\"\"Fail.\"\"\"
        empty = {}
        return empty["key"]

    @agent(name="upper")
    def upper(self, task: str) -> str:
        \"\"\"Shout the task back.\"\"\"
        return task.upper()
"""

_BROKEN = """\
from acc_plugins.sdk import Plugin, agent, tool


class Main(Plugin):
    def on_activate(self):
        settings = {}
        return settings["missing"]

    @tool
    def nothing(self) -> None:
        \"\"\"Never runs.\"\"\"

    @agent(name="idle")
    def idle(self, task: str) -> str:
        \"\"\"Never runs either.\"\"\"
        return task
"""


@pytest.fixture(name="run")
def _run(tmp_path):
    plugins = tmp_path / "plugins"
    write_plugin(plugins, "helper", _HELPER)
    write_plugin(plugins, "broken", _BROKEN)

    def run(*args, input=None):  # noqa: A002 -- click's name
        return CliRunner().invoke(
            cli,
            [
                f"--path={plugins}",
                f"--cache-dir={tmp_path / 'cache'}",
                f"--data-dir={tmp_path / 'data'}",
                f"--config-dir={tmp_path / 'config'}",
                *args,
            ],
            input=input,
            env={"COLUMNS": "200"},
        )

    return run


def _one_error_line(result):
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: ")
    return result.stderr


# logs


def test_logs_show_what_the_plugin_wrote_and_the_host_reported(run):
    """Lines from earlier runs come back with level and source."""
    run("call", "helper.echo", "text=hi")

    result = run("logs", "helper")

    assert result.exit_code == 0, result.output
    assert "INFO    plugin helper ready" in result.stdout
    assert "WARNING plugin echo hi" in result.stdout
    assert "DEBUG   host   state loaded -> active: activated" in result.stdout


def test_logs_filter_by_level_and_print_json_lines(run):
    """--level keeps warnings and worse; --json gives one object a line."""
    run("call", "helper.echo", "text=hi")

    result = run("logs", "helper", "--level", "warning", "--json")

    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(d["plugin"], d["level"], d["message"]) for d in lines] == [
        ("helper", "WARNING", "echo hi")
    ]


def test_logs_since_a_moment_after_the_lines_shows_none(run):
    """--since in the future leaves nothing; a span keeps recent lines."""
    run("call", "helper.echo", "text=hi")

    later = run("logs", "helper", "--since", "2999-01-01T00:00Z")
    recent = run("logs", "helper", "--since", "1h")

    assert (later.exit_code, later.stdout) == (0, "")
    assert "echo hi" in recent.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--since", "yesterday"), "--since: 'yesterday' is not a span"),
        (("--level", "loud"), "--level: unknown level 'loud'"),
    ],
)
def test_logs_bad_options_are_one_error(run, args, message):
    """A bad --since or --level is one line naming what is accepted."""
    run("list")

    line = _one_error_line(run("logs", "helper", *args))

    assert message in line


def test_logs_of_an_unknown_plugin_suggest_the_closest(run):
    """A typo names the plugin that has a log."""
    run("list")

    line = _one_error_line(run("logs", "helpr"))

    assert "did you mean 'helper'?" in line


def test_logs_follow_streams_new_lines_until_interrupted(
    run, tmp_path, monkeypatch
):
    """--follow prints lines written while it waits; Ctrl-C exits 130."""
    run("list")
    store = LogStore(tmp_path / "data" / "logs")
    waits = []

    def sleep(_seconds):
        waits.append(1)
        if len(waits) == 1:
            store.append("helper", "ERROR", "written while following")
            return
        raise KeyboardInterrupt

    monkeypatch.setattr(logs_module, "wait", sleep)

    result = run("logs", "helper", "--follow", "--level", "error")

    assert result.exit_code == 130
    assert result.stdout.endswith("ERROR   plugin written while following\n")
    assert result.stderr == "interrupted\n"


# inspect


def test_inspect_shows_the_failing_line_in_its_source(run):
    """The last error comes with file:line and the lines around it."""
    result = run("inspect", "broken", "--json")

    data = json.loads(result.stdout)
    error = data["last_error"]
    assert (data["state"], data["tier"]) == ("error", "sandboxed")
    assert error["kind"] == "KeyError"
    assert error["location"].endswith("main.py:7")
    marked = [line for line in error["excerpt"] if line.startswith(">")]
    assert marked == ['>    7 |         return settings["missing"]']
    assert error["excerpt"][0].startswith("     5 |")


def test_inspect_shows_the_error_of_an_earlier_run(run):
    """A failed call ended its own host; the next inspect still shows it."""
    run("call", "helper.explode")

    data = json.loads(run("inspect", "helper", "--json").stdout)
    text = run("inspect", "helper").stdout

    error = data["last_error"]
    line = _HELPER.splitlines().index('        return empty["key"]') + 1
    assert data["state"] == "active"
    assert (error["kind"], error["at"] is not None) == ("KeyError", True)
    assert error["location"].endswith(f"main.py:{line}")
    assert f'>   {line} |         return empty["key"]' in error["excerpt"]
    assert "last error (an earlier run, " in text


def test_inspect_tells_state_grants_limits_stats_and_log(run):
    """An earlier run's calls and log lines show in the next inspect."""
    run("call", "helper.echo", "text=hi")

    data = json.loads(run("inspect", "helper", "--json").stdout)
    text = run("inspect", "helper").stdout

    assert (data["name"], data["version"], data["state"]) == (
        "helper",
        "1.0.0",
        "active",
    )
    assert data["grants"]["effective"] == []
    assert data["limits"]["timeout_ms"] == 5000
    assert data["stats"]["calls"] >= 1
    assert data["last_error"] is None
    assert any(e["message"] == "echo hi" for e in data["log"])
    assert "tier        sandboxed" in text
    assert "WARNING plugin echo hi" in text


def test_inspect_of_an_unknown_plugin_suggests_the_closest(run):
    """One error line with the closest name."""
    line = _one_error_line(run("inspect", "helpe"))

    assert "did you mean 'helper'?" in line


# profile


def test_profile_charges_the_loop_to_the_function_with_it(run):
    """The helper function's iterations are its own steps."""
    result = run("profile", "helper.busy", "n=40", "--json")

    data = json.loads(result.stdout)
    rows = {f["function"]: f for f in data["functions"]}
    assert data["result"] == sum(range(40)) + 1
    assert data["counted"]
    assert rows["count"]["steps"] == 41  # the entry and 40 iterations
    assert rows["count"]["location"] == "main.py:4"
    assert rows["Main.busy"]["steps"] == 1
    assert rows["Main.busy"]["total_steps"] == 42
    assert data["functions"][0]["function"] == "count"


def test_profile_takes_args_like_call_and_prints_a_table(run, tmp_path):
    """--args @file works as for call; the table lists the functions."""
    arguments = tmp_path / "args.json"
    arguments.write_text('{"n": 3}')

    result = run("profile", "helper.busy", "--args", f"@{arguments}")

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("result: 4\n")
    assert "count" in result.stdout
    assert "main.py:4" in result.stdout


def test_profile_of_an_unknown_tool_suggests_the_closest(run):
    """One error line with the closest tool."""
    line = _one_error_line(run("profile", "helper.bsy", "n=1"))

    assert "did you mean 'helper.busy'?" in line


# run-agent and run-workflow


@pytest.mark.parametrize("how", ["argument", "file", "stdin"])
def test_run_agent_takes_its_task_three_ways(run, tmp_path, how):
    """TASK inline, @file or - for stdin."""
    task = tmp_path / "task.txt"
    task.write_text("shout this")
    given = {"argument": "shout this", "file": f"@{task}", "stdin": "-"}[how]

    result = run("run-agent", "helper.upper", given, input="shout this")

    assert (result.exit_code, result.stdout) == (0, "SHOUT THIS\n")


def test_run_agent_json_is_the_answer_as_json(run):
    """--json prints a text answer as a JSON string."""
    result = run("run-agent", "helper.upper", "a", "--json")

    assert json.loads(result.stdout) == "A"


def test_run_agent_of_a_failed_plugin_names_its_state(run):
    """An agent of a plugin in error: the plugin, its state and why."""
    line = _one_error_line(run("run-agent", "broken.idle", "x"))

    assert "plugin 'broken' is in state 'error'" in line
    assert "main.py:7" in line


def test_run_workflow_runs_its_steps_with_text_inputs(run):
    """key=value inputs reach the workflow's steps."""
    result = run("run-workflow", "helper.twice", "text=ab", "--json")

    assert (result.exit_code, json.loads(result.stdout)) == (0, "abab")


def test_run_workflow_takes_json_inputs_from_stdin(run):
    """--args - reads one JSON object from standard input."""
    result = run(
        "run-workflow", "helper.twice", "--args", "-", input='{"text": "x"}'
    )

    assert json.loads(result.stdout) == "xx"


def test_run_workflow_of_an_unknown_name_suggests_the_closest(run):
    """A typo names the closest workflow."""
    line = _one_error_line(run("run-workflow", "helper.twic", "text=a"))

    assert "did you mean 'helper.twice'?" in line


def test_run_workflow_with_a_missing_input_is_one_error(run):
    """The workflow's missing input is named."""
    line = _one_error_line(run("run-workflow", "helper.twice"))

    assert "input 'text': required" in line


def test_logs_print_a_lone_surrogate_as_its_escape(run, tmp_path):
    """Text no terminal can show is printed escaped, in both forms."""
    run("list")
    LogStore(tmp_path / "data" / "logs").append(
        "helper", "ERROR", "bad \ud800"
    )

    text = run("logs", "helper", "--level", "error")
    data = run("logs", "helper", "--level", "error", "--json")

    assert text.stdout.endswith("ERROR   plugin bad \\ud800\n")
    assert json.loads(data.stdout)["message"] == "bad \ud800"

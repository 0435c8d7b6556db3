"""
``--claude`` and the ``claude`` commands, end to end: the provider the
command line gives plugins, from the option, the environment or
``config.toml``; the key in the secret store; ``claude ask``.
"""

import json
import stat

import pytest
from click.testing import CliRunner
from tests.claude.stub_claude import environment, runs
from tests.host.test_host import write_plugin

from acc_plugins.cli import cli


pytest.importorskip("pytest_httpserver")

from tests.claude.messages_api import MessagesApi


ASKER = """
from acc_plugins.sdk import Plugin, tool

class Main(Plugin):
    @tool
    def ask(self, prompt: str) -> str:
        return self.ctx.claude.query(prompt, max_tokens=50)
"""


@pytest.fixture(name="run")
def _run(tmp_path, monkeypatch):
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.delenv("ACC_PLUGINS_CLAUDE", raising=False)
    monkeypatch.chdir(tmp_path)  # the project's .acc/config.toml is here
    write_plugin(
        tmp_path / "plugins",
        "asker",
        ASKER,
        extra='[permissions]\nhost = ["claude.query"]\n',
    )

    def run(*args, stdin=None, env=None):
        options = [
            f"--path={tmp_path / 'plugins'}",
            f"--cache-dir={tmp_path / 'cache'}",
            f"--data-dir={tmp_path / 'data'}",
            f"--config-dir={tmp_path / 'config'}",
        ]
        return CliRunner().invoke(
            cli, [*options, *args], input=stdin, env=env or {}
        )

    return run


def configure(tmp_path, text):
    (tmp_path / "config").mkdir(exist_ok=True)
    (tmp_path / "config" / "config.toml").write_text(text)


def test_the_fake_is_the_default(run):
    result = run("call", "asker.ask", "prompt=hello")
    assert result.exit_code == 0, result.output
    assert "[fake-claude]" in result.output
    status = json.loads(run("claude", "status", "--json").output)
    assert status["provider"] == "fake"
    assert status["chosen_by"] == "the default"


def test_claude_code_from_the_option_answers_a_plugin(run, tmp_path):
    stub = environment(tmp_path)
    result = run(
        "--claude", "claude-code", "call", "asker.ask", "prompt=hi", env=stub
    )
    assert result.exit_code == 0, result.output
    assert "stub says: hi" in result.output
    assert len(runs(tmp_path / "claude-runs.jsonl")) == 1


def test_the_environment_and_the_config_choose_too(run, tmp_path):
    stub = environment(tmp_path)
    configure(tmp_path, '[claude]\nprovider = "claude-code"\nmodel = "opus"\n')
    status = json.loads(run("claude", "status", "--json", env=stub).output)
    assert status["provider"] == "claude-code"
    assert status["chosen_by"] == "[claude] provider in config.toml"
    assert status["model"] == "opus"
    result = run("call", "asker.ask", "prompt=hi", env=stub)
    assert "stub says: hi" in result.output
    (run_,) = runs(tmp_path / "claude-runs.jsonl")
    assert run_["argv"][run_["argv"].index("--model") + 1] == "opus"
    # The environment outranks the file, the option outranks both.
    chosen = {**stub, "ACC_PLUGINS_CLAUDE": "fake"}
    status = json.loads(run("claude", "status", "--json", env=chosen).output)
    assert (status["provider"], status["chosen_by"]) == (
        "fake",
        "ACC_PLUGINS_CLAUDE",
    )
    status = json.loads(
        run(
            "--claude", "none", "claude", "status", "--json", env=chosen
        ).output
    )
    assert (status["provider"], status["chosen_by"]) == ("none", "--claude")


def test_the_project_file_wins_over_the_user_file(run, tmp_path):
    configure(tmp_path, '[claude]\nprovider = "claude-code"\nmodel = "opus"\n')
    (tmp_path / ".acc").mkdir()
    (tmp_path / ".acc" / "config.toml").write_text(
        '[claude]\nmodel = "haiku"\n'
    )
    status = json.loads(run("claude", "status", "--json").output)
    assert (status["provider"], status["model"]) == ("claude-code", "haiku")


@pytest.mark.parametrize(
    ("table", "said"),
    [
        ('provider = "gpt"', "claude.provider: must be one of anthropic"),
        ("max-tokens = 0", "claude.max-tokens: must be an integer from 1"),
        ("timeout = true", "claude.timeout: must be a number of seconds"),
        ("colour = 1", "claude.colour: unknown key"),
    ],
)
def test_a_bad_claude_table_is_one_clear_error(run, tmp_path, table, said):
    configure(tmp_path, f"[claude]\n{table}\n")
    result = run("call", "asker.ask", "prompt=hi")
    assert result.exit_code != 0
    assert said in result.output
    assert "config.toml" in result.output


def test_anthropic_without_a_key_says_how_to_give_one(run):
    result = run("--claude", "anthropic", "call", "asker.ask", "prompt=hi")
    assert result.exit_code != 0
    assert "no Anthropic API key" in result.output
    assert "claude key set" in result.output


def test_a_key_set_from_stdin_is_stored_for_the_user_only(run, tmp_path):
    result = run("claude", "key", "set", "--json", stdin="sk-from-stdin\n")
    assert result.exit_code == 0, result.output
    assert "sk-from-stdin" not in result.output
    store = tmp_path / "data" / "secrets.json"
    assert stat.S_IMODE(store.stat().st_mode) == 0o600
    status = json.loads(
        run("--claude", "anthropic", "claude", "status", "--json").output
    )
    assert status["key"] == "the secret store"
    assert "sk-from-stdin" not in json.dumps(status)
    assert run("claude", "key", "unset").exit_code == 0
    status = json.loads(run("claude", "status", "--json").output)
    assert status["key"] is None


def test_a_blank_key_is_refused_and_nothing_is_stored(run, tmp_path):
    result = run("claude", "key", "set", stdin="\n")
    assert result.exit_code != 0
    assert "one line" in result.output
    assert not (tmp_path / "data" / "secrets.json").exists()


@pytest.fixture(name="api")
def _api(httpserver):
    return MessagesApi(httpserver)


def test_anthropic_answers_a_plugin_and_claude_ask(run, tmp_path, api):
    configure(
        tmp_path,
        f'[claude]\nprovider = "anthropic"\nbase-url = "{api.url}"\n'
        'model = "claude-haiku-4-5"\nmax-tokens = 40\nmax-retries = 0\n',
    )
    key = {"ANTHROPIC_API_KEY": "sk-local"}
    result = run("call", "asker.ask", "prompt=hello there", env=key)
    assert result.exit_code == 0, result.output
    assert "echo: hello there" in result.output
    body = api.requests[-1][1]
    assert (body["model"], body["max_tokens"]) == ("claude-haiku-4-5", 40)

    api.answer("streamed words here", input_tokens=3, output_tokens=4)
    result = run("claude", "ask", "say something", env=key)
    assert result.exit_code == 0, result.output
    assert "streamed words here" in result.output
    assert api.requests[-1][1]["stream"] is True
    assert "3 tokens in, 4 out" in result.output

    api.answer("as json", input_tokens=1000, output_tokens=100)
    result = run("claude", "ask", "x", "--json", env=key)
    facts = json.loads(result.output)
    assert facts["text"] == "as json"
    assert facts["cost_usd"] == pytest.approx((1000 * 1 + 100 * 5) / 1e6)


def test_an_api_failure_ends_claude_ask_with_its_reason(run, tmp_path, api):
    configure(
        tmp_path,
        f'[claude]\nbase-url = "{api.url}"\nmax-retries = 0\n',
    )
    api.fail(401, "authentication_error", "invalid x-api-key")
    result = run(
        "--claude",
        "anthropic",
        "claude",
        "ask",
        "hi",
        "--no-stream",
        env={"ANTHROPIC_API_KEY": "sk-wrong"},
    )
    assert result.exit_code != 0
    assert "401 authentication_error: invalid x-api-key" in result.output
    assert "sk-wrong" not in result.output


def test_the_demo_stays_offline_unless_asked(run, tmp_path, monkeypatch):
    from acc_plugins.cli import _demo
    from acc_plugins.host import FakeClaude

    given = []

    def record(keep, claude):
        given.append(claude)
        return 0

    monkeypatch.setattr(_demo, "run_demo", record)
    configure(tmp_path, '[claude]\nprovider = "claude-code"\n')
    stub = environment(tmp_path)
    assert run("demo", env=stub).exit_code == 0
    assert run("--claude", "claude-code", "demo", env=stub).exit_code == 0
    fake, chosen = given
    assert isinstance(fake, FakeClaude)  # not the configured claude-code
    assert type(chosen).__name__ == "ClaudeCodeProvider"


def test_the_demo_uses_the_provider_the_option_names(run, tmp_path):
    stub = environment(tmp_path)
    result = run("--claude", "claude-code", "demo", env=stub)
    assert result.exit_code == 0, result.output
    assert "ClaudeCodeProvider queries: 3" in result.output
    assert len(runs(tmp_path / "claude-runs.jsonl")) == 3


def test_a_config_file_that_is_not_toml_is_reported_once_and_passed_over(
    run, tmp_path
):
    configure(tmp_path, "[claude\n")
    result = run("claude", "status", "--json")
    assert result.exit_code == 0, result.output
    assert result.output.count("not valid TOML") == 1
    status = json.loads(result.output[result.output.index("{") :])
    assert status["provider"] == "fake"

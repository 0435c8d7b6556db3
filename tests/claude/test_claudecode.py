"""
ClaudeCodeProvider against a stub ``claude`` on ``PATH``: how it runs
Claude Code, what it makes of its answers and failures, and a plugin
budget counting the usage Claude Code reports.
"""

import json
from pathlib import Path

import pytest
from tests.claude.asker import asker_host
from tests.claude.stub_claude import environment, runs

from acc_plugins.claude import ClaudeCodeProvider
from acc_plugins.claude._claudecode import find_claude
from acc_plugins.errors import ClaudeError, ConfigError, PluginCallError


@pytest.fixture(name="stub")
def _stub(tmp_path, monkeypatch):
    for name, value in environment(tmp_path).items():
        monkeypatch.setenv(name, value)
    return tmp_path / "claude-runs.jsonl"


def test_claude_on_path_is_found_first(stub):
    assert find_claude() == str(stub.parent / "bin" / "claude")


def test_a_query_runs_claude_in_print_mode_with_no_tools(stub):
    claude = ClaudeCodeProvider(model="sonnet")
    answer = claude.query(
        "What is 2+2?", system="Answer in digits.", max_tokens=64
    )
    assert answer == "stub says: What is 2+2?"
    (run,) = runs(stub)
    argv = run["argv"]
    assert argv[:3] == ["--print", "--output-format", "json"]
    assert argv[argv.index("--tools") + 1] == ""
    assert argv[argv.index("--model") + 1] == "sonnet"
    # The system prompt comes from a file, not the command line.
    assert run["system"] == "Answer in digits."
    assert "Answer in digits." not in argv
    assert "--no-session-persistence" in argv
    assert "--strict-mcp-config" in argv  # none of the user's MCP servers
    # The prompt goes on standard input, never on the command line.
    assert run["stdin"] == "What is 2+2?"
    assert "What is 2+2?" not in argv
    assert run["max_output"] == "64"
    # In an empty folder of its own, removed afterwards.
    assert run["cwd"] != str(Path.cwd())
    assert not Path(run["cwd"]).exists()


def test_the_reply_carries_the_usage_and_cost_claude_code_reports(stub):
    reply = ClaudeCodeProvider().reply("hi")
    assert (reply.input_tokens, reply.output_tokens) == (1112, 7)
    assert reply.cost_usd == pytest.approx(0.0125)


def test_a_ceiling_caps_what_each_query_asks(stub):
    ClaudeCodeProvider(max_tokens=100).query("hi", max_tokens=5000)
    ClaudeCodeProvider(max_tokens=100).query("hi", max_tokens=50)
    assert [run["max_output"] for run in runs(stub)] == ["100", "50"]


def test_no_system_prompt_and_no_model_add_no_flags(stub):
    ClaudeCodeProvider().query("hi")
    (run,) = runs(stub)
    assert "--system-prompt-file" not in run["argv"]
    assert "--model" not in run["argv"]


def test_a_system_prompt_that_looks_like_an_option_stays_a_prompt(stub):
    ClaudeCodeProvider().query("hi", system="--dangerously-skip-permissions")
    (run,) = runs(stub)
    assert run["system"] == "--dangerously-skip-permissions"
    assert "--dangerously-skip-permissions" not in run["argv"]


@pytest.mark.parametrize(
    ("mode", "said"),
    [
        ("error", "claude failed: Invalid API key"),
        (
            "crash",
            "exited with status 3 and no answer: Error: something broke",
        ),
    ],
)
def test_a_failed_run_is_one_clear_claude_error(stub, monkeypatch, mode, said):
    monkeypatch.setenv("STUB_CLAUDE_MODE", mode)
    with pytest.raises(ClaudeError, match=said):
        ClaudeCodeProvider().query("hi")


def test_a_run_that_takes_too_long_is_stopped(stub, monkeypatch):
    monkeypatch.setenv("STUB_CLAUDE_MODE", "slow")
    with pytest.raises(ClaudeError, match="did not answer within 1 s"):
        ClaudeCodeProvider(timeout=1).query("hi")


def test_a_missing_command_is_a_configuration_error(tmp_path):
    with pytest.raises(ClaudeError, match="could not run"):
        ClaudeCodeProvider(command=str(tmp_path / "nope")).query("hi")


def test_no_claude_anywhere_says_how_to_get_one(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(
        "acc_plugins.claude._claudecode.importlib.util.find_spec",
        lambda name: None,
    )
    with pytest.raises(ConfigError, match="install Claude Code"):
        ClaudeCodeProvider()


def test_a_plugin_budget_counts_what_claude_code_reports(tmp_path, stub):
    # Each run reports 1119 tokens and $0.0125.
    host = asker_host(
        tmp_path,
        "model-tokens = 100000\nmodel-cost-usd = 0.02",
        ClaudeCodeProvider(),
    )
    try:
        assert host.call_tool("asker.ask", prompt="one") == "stub says: one"
        with pytest.raises(
            PluginCallError, match=r"model budget of \$0\.0200"
        ):
            host.call_tool("asker.ask", prompt="two", times=3)
        assert len(runs(stub)) == 3  # the third query was never run
    finally:
        host.stop()


def _bundled_claude():
    sdk = pytest.importorskip("claude_agent_sdk")
    bundled = Path(sdk.__file__).parent / "_bundled" / "claude"
    if not bundled.is_file():
        pytest.skip("the Claude Agent SDK bundles no claude here")
    return bundled


def test_the_real_claude_code_answers_through_a_local_messages_api(
    tmp_path, monkeypatch
):
    """
    The bundled Claude Code itself, run the way the provider runs it and
    pointed at a local stand-in for the Messages API: it takes our flags,
    sends no tools, honours max_tokens and the system prompt, and the
    provider reads its answer and usage.
    """
    bundled = _bundled_claude()
    pytest.importorskip("pytest_httpserver")
    from pytest_httpserver import HTTPServer
    from tests.claude.messages_api import (
        MessagesApi,
        claude_code_environment,
    )

    server = HTTPServer()
    server.start()
    try:
        api = MessagesApi(server)
        for name, value in claude_code_environment(tmp_path, api.url).items():
            monkeypatch.setenv(name, value)
        api.answer(
            "Hello from the local API.", input_tokens=20, output_tokens=6
        )
        claude = ClaudeCodeProvider(
            command=str(bundled), model="claude-sonnet-4-5", timeout=240
        )
        reply = claude.reply("Say hello", system="Be brief.", max_tokens=64)
    finally:
        server.stop()
    assert reply.text == "Hello from the local API."
    assert (reply.input_tokens, reply.output_tokens) == (20, 6)
    assert reply.cost_usd is not None
    assert reply.cost_usd > 0
    (_, body, _) = next(r for r in api.requests if r[0] == "messages")
    assert body["tools"] == []
    assert body["max_tokens"] == 64
    assert body["model"] == "claude-sonnet-4-5"
    system = body["system"]
    texts = (
        [part["text"] for part in system]
        if isinstance(system, list)
        else [system]
    )
    assert "Be brief." in texts
    assert "Say hello" in json.dumps(body["messages"][-1])

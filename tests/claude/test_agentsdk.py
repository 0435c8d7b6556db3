"""
The Claude Agent SDK adapter: the SDK MCP server's own ``Server``
instance, listed and called in process with the ``mcp`` SDK's client,
and the subagents and options handed to Claude Code.
"""

import shutil
from pathlib import Path

import anyio
import pytest


pytest.importorskip("claude_agent_sdk")

import claude_agent_sdk
from claude_agent_sdk import (
    AgentDefinition,
    ClaudeAgentOptions,
    ResultMessage,
    SystemMessage,
    query,
)
from mcp import Client
from tests.claude.messages_api import claude_code_environment

from acc_plugins.claude import (
    claude_options,
    claude_tool_name,
    sdk_mcp_server,
    subagents,
)
from acc_plugins.host import FakeClaude, PluginHost


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(name="host", scope="module")
def _host(tmp_path_factory):
    """
    A started host over the example plugins (the hostile one included),
    with the offline Claude stand-in.
    """
    home = tmp_path_factory.mktemp("agentsdk")
    for name in ["text-tools", "code-reviewer", "hostile"]:
        shutil.copytree(
            EXAMPLES / name,
            home / "plugins" / name,
            ignore=shutil.ignore_patterns("__pycache__", "tests"),
        )
    with PluginHost(
        [home / "plugins"],
        cache_dir=home / "cache",
        data_dir=home / "data",
        config_dir=home / "config",
        auto_update=False,
        claude=FakeClaude(),
    ) as host:
        yield host


def _in_process(host, check):
    """
    Run *check(client)* against the SDK MCP server's instance.
    """
    config = sdk_mcp_server(host)

    async def main():
        with anyio.fail_after(60):
            async with Client(config["instance"]) as client:
                return await check(client)

    return config, anyio.run(main)


def test_the_server_lists_every_tool_and_agent_under_api_names(host):
    """Dots become "__"; descriptions and schemas are the host's."""

    async def check(client):
        return (await client.list_tools()).tools

    config, listed = _in_process(host, check)
    tools = {tool.name: tool for tool in listed}

    assert config["type"] == "sdk"
    assert config["name"] == "acc-plugins"
    assert "text-tools__slugify" in tools
    assert tools["text-tools__slugify"].input_schema == (
        host.describe_tool("text-tools.slugify").schema
    )
    assert tools["agent__code-reviewer__review"].input_schema["required"] == [
        "task"
    ]
    assert all("." not in name for name in tools)
    assert not [name for name in tools if name.startswith("sneaky")]


def test_a_call_goes_through_the_host(host):
    """A tool's result and an agent's answer come back, counted by it."""
    before = host.info("text-tools").stats.calls

    async def check(client):
        slug = await client.call_tool(
            "text-tools__slugify", {"text": "Hello, Agent SDK"}
        )
        review = await client.call_tool(
            "agent__code-reviewer__review", {"task": "def f(): pass"}
        )
        return slug, review

    _, (slug, review) = _in_process(host, check)

    assert slug.is_error is False
    assert slug.structured_content == {"result": "hello-agent-sdk"}
    assert "Review of 1 lines" in review.content[0].text
    assert host.info("text-tools").stats.calls > before


def test_refusals_are_error_results_with_the_hosts_message(host):
    """Bad arguments, a plugin in error and an unknown name: is_error."""

    async def check(client):
        return [
            await client.call_tool("text-tools__slugify", {"text": 3}),
            await client.call_tool("sneaky__read_secrets", {}),
            await client.call_tool("agent__code-reviewer__review", {}),
            await client.call_tool("text-tools__nope", {}),
        ]

    _, results = _in_process(host, check)
    texts = [result.content[0].text for result in results]

    assert [result.is_error for result in results] == [True] * 4
    assert "argument 'text': expected string" in texts[0]
    assert "plugin 'sneaky' is in state 'error'" in texts[1]
    assert "'task' must be a string" in texts[2]
    assert "text-tools.nope" in texts[3]


def test_claude_tool_names_are_what_claude_code_calls():
    """mcp__SERVER__ then the server's name of the tool or agent."""
    assert (
        claude_tool_name("text-tools.slugify")
        == "mcp__acc-plugins__text-tools__slugify"
    )
    assert (
        claude_tool_name("code-reviewer.review", server="p", agent=True)
        == "mcp__p__agent__code-reviewer__review"
    )


def test_each_agent_is_a_subagent_with_only_its_own_tools(host):
    """A prompt-driven agent keeps its prompt; a scripted one delegates."""
    found = subagents(host)

    summarizer = found["code-reviewer:summarizer"]
    review = found["code-reviewer:review"]

    assert sorted(found) == [
        "code-reviewer:review",
        "code-reviewer:summarizer",
    ]
    assert summarizer == AgentDefinition(
        description="Summarises a change in two sentences.",
        prompt="Summarise the change you are given in two sentences.",
        tools=[],
    )
    assert review.tools == ["mcp__acc-plugins__agent__code-reviewer__review"]
    assert "mcp__acc-plugins__agent__code-reviewer__review" in review.prompt
    assert review.description.startswith("Review the code")


def test_every_agent_can_run_in_the_host(host):
    """With run_in="host", a prompt-only agent delegates too."""
    found = subagents(host, run_in="host")
    tool = "mcp__acc-plugins__agent__code-reviewer__summarizer"

    summarizer = found["code-reviewer:summarizer"]

    assert summarizer.tools == [tool]
    assert tool in summarizer.prompt
    assert "Summarise the change" not in summarizer.prompt
    options = claude_options(host, run_agents_in="host")
    assert (options.agents or {})["code-reviewer:summarizer"] == summarizer
    with pytest.raises(ValueError, match="run_in must be"):
        subagents(host, run_in="elsewhere")


def test_options_carry_the_server_the_subagents_and_the_permission(host):
    """Given servers, agents and allowed tools are kept beside ours."""
    mine = AgentDefinition(description="mine", prompt="be brief")

    options = claude_options(
        host,
        server="plugins",
        allowed_tools=["Read"],
        agents={"mine": mine},
        mcp_servers={"other": {"command": "other-server"}},
        max_turns=3,
    )

    servers, agents = options.mcp_servers, options.agents

    assert isinstance(options, ClaudeAgentOptions)
    assert options.max_turns == 3
    assert options.allowed_tools == ["Read", "mcp__plugins"]
    assert isinstance(servers, dict)
    assert sorted(servers) == ["other", "plugins"]
    assert servers["plugins"].get("name") == "plugins"
    assert agents is not None
    assert agents["mine"] is mine
    assert agents["code-reviewer:review"].tools == [
        "mcp__plugins__agent__code-reviewer__review"
    ]


def test_options_refuse_a_server_file_they_cannot_add_to(host, tmp_path):
    """mcp_servers as a path: a TypeError, not a silently dropped server."""
    with pytest.raises(TypeError, match="mcp_servers must be a dict"):
        claude_options(host, mcp_servers=tmp_path / "servers.json")


# End to end: the bundled claude CLI, run by query(), against a local
# stand-in for the Messages API that answers as Claude would, streaming.
SLUGIFY = "mcp__acc-plugins__text-tools__slugify"
BUNDLED = Path(claude_agent_sdk.__file__).parent / "_bundled" / "claude"


@pytest.mark.skipif(not BUNDLED.is_file(), reason="no bundled claude CLI")
def test_claude_code_calls_a_plugin_tool_through_the_host(
    host, messages_api, tmp_path
):
    """The real CLI lists the tools, calls one, and the host runs it."""
    url, requests = messages_api
    before = host.info("text-tools").stats.calls
    env = {
        **claude_code_environment(tmp_path, url),
        # MCP tools otherwise wait behind ToolSearch, a turn of its own.
        "ENABLE_TOOL_SEARCH": "false",
    }
    options = claude_options(
        host,
        env=env,
        cwd=str(tmp_path),
        model="claude-sonnet-4-5",
        max_turns=3,
        setting_sources=[],
    )

    async def main():
        with anyio.fail_after(240):
            return [m async for m in query(prompt="Slug it.", options=options)]

    seen = anyio.run(main)
    init = next(m for m in seen if isinstance(m, SystemMessage))
    result = next(m for m in seen if isinstance(m, ResultMessage))

    assert SLUGIFY in init.data["tools"]
    assert "code-reviewer:summarizer" in init.data["agents"]
    assert result.is_error is False
    assert "hello-end-to-end" in (result.result or "")
    assert host.info("text-tools").stats.calls == before + 1
    assert len(requests) == 2

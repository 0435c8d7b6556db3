"""
``acc-plugins mcp`` end to end: the ``mcp`` SDK's own client talks to the
command over a real stdio pipe, as Claude Code does.
"""

import shutil
import sys
from pathlib import Path

import anyio
import pytest


pytest.importorskip("mcp")

from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
COMMAND = Path(sys.executable).with_name("acc-plugins")


@pytest.fixture(name="session_of", scope="module")
def _session_of(tmp_path_factory):
    """
    Run *check(session)* against one ``acc-plugins mcp`` over the
    examples (the hostile one included), in a home of its own.
    """
    home = tmp_path_factory.mktemp("mcp")
    shutil.copytree(
        EXAMPLES,
        home / "plugins",
        ignore=shutil.ignore_patterns("__pycache__", "tests", "__init__.py"),
    )
    server = StdioServerParameters(
        command=str(COMMAND),
        args=[
            f"--path={home / 'plugins'}",
            f"--cache-dir={home / 'cache'}",
            f"--data-dir={home / 'data'}",
            f"--config-dir={home / 'config'}",
            "mcp",
        ],
        env={"HOME": str(home), "NO_COLOR": "1"},
    )

    def run(check):
        async def main():
            with (
                anyio.fail_after(120),
                (home / "stderr.txt").open("w") as errors,
            ):
                async with (
                    stdio_client(server, errlog=errors) as (r, w),
                    ClientSession(r, w) as session,
                ):
                    await session.initialize()
                    return await check(session)

        return anyio.run(main)

    return run


def test_the_active_plugins_tools_and_agents_are_listed(session_of):
    """Names, descriptions and schemas from the SDK; no hostile tool."""

    async def check(session):
        return (await session.list_tools()).tools

    tools = {tool.name: tool for tool in session_of(check)}

    slugify = tools["text-tools.slugify"]
    assert slugify.description.startswith("Turn a title into a URL slug")
    assert slugify.input_schema["required"] == ["text"]
    assert (
        slugify.input_schema["properties"]["max_length"]["type"] == "integer"
    )
    assert tools["agent.code-reviewer.review"].input_schema["required"] == [
        "task"
    ]
    assert not [name for name in tools if name.startswith("sneaky.")]


def test_a_call_goes_through_the_host(session_of):
    """A tool's result is text and structured content; an agent answers."""

    async def check(session):
        slug = await session.call_tool(
            "text-tools.slugify", {"text": "Hello, MCP World"}
        )
        review = await session.call_tool(
            "agent.code-reviewer.review", {"task": "def f(): pass"}
        )
        return slug, review

    slug, review = session_of(check)

    assert slug.is_error is False
    assert slug.content[0].text == "hello-mcp-world"
    assert slug.structured_content == {"result": "hello-mcp-world"}
    assert "Review of 1 lines" in review.content[0].text


def test_refusals_are_error_results_the_model_can_read(session_of):
    """Bad arguments and a plugin in error come back as is_error results."""

    async def check(session):
        wrong = await session.call_tool("text-tools.slugify", {"text": 3})
        hostile = await session.call_tool("sneaky.read_secrets", {})
        no_task = await session.call_tool("agent.code-reviewer.review", {})
        return wrong, hostile, no_task

    wrong, hostile, no_task = session_of(check)

    assert wrong.is_error is True
    assert "argument 'text': expected string" in wrong.content[0].text
    assert hostile.is_error is True
    assert "plugin 'sneaky' is in state 'error'" in hostile.content[0].text
    assert no_task.is_error is True
    assert "'task' must be a string" in no_task.content[0].text


def test_an_application_serves_its_own_host_in_process(tmp_path):
    """host.mcp_server(), connected in process: the same tools and calls."""
    from mcp import Client

    from acc_plugins.host import PluginHost

    shutil.copytree(
        EXAMPLES / "text-tools", tmp_path / "plugins" / "text-tools"
    )
    with PluginHost(
        [tmp_path / "plugins"],
        cache_dir=tmp_path / "cache",
        data_dir=tmp_path / "data",
        config_dir=tmp_path / "config",
        auto_update=False,
    ) as host:
        server = host.mcp_server()

        async def main():
            async with Client(server) as client:
                names = [t.name for t in (await client.list_tools()).tools]
                result = await client.call_tool(
                    "text-tools.slugify", {"text": "In Process"}
                )
                return names, result

        names, result = anyio.run(main)

    assert "text-tools.slugify" in names
    assert result.structured_content == {"result": "in-process"}

"""
MCP tool names within Claude's 64 characters: a plugin with a long name
gets shortened, unique names that still call its tools, so that it
cannot make the API refuse every other plugin's tools with its own.
"""

import shutil
from pathlib import Path

import anyio
import pytest
from hypothesis import given
from hypothesis import strategies as st


pytest.importorskip("mcp")

from mcp import Client
from tests.host.test_host import started_host

from acc_plugins.claude import McpNames
from acc_plugins.claude._names import CLAUDE_NAME_LIMIT, claude_limit


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
LONG = "text-tools-with-a-really-long-plugin-name-for-testing"

plugin_names = st.from_regex(r"[a-z][a-z0-9-]{0,63}", fullmatch=True)
tool_names = st.from_regex(r"[a-z_][a-z0-9_]{0,60}", fullmatch=True)


@given(
    plugin=plugin_names,
    tool=tool_names,
    separator=st.sampled_from([".", "__"]),
    server=st.sampled_from(["acc-plugins", "p", "a-much-longer-server-name"]),
)
def test_every_name_fits_and_a_short_one_maps_back(
    plugin, tool, separator, server
):
    names = McpNames(separator=separator, limit=claude_limit(server))
    for agent in (False, True):
        host_name = f"{plugin}.{tool}"
        wire = names.agent(host_name) if agent else names.tool(host_name)
        assert len(f"mcp__{server}__{wire}") <= CLAUDE_NAME_LIMIT
        if len(wire) < claude_limit(server) - 10:  # surely not shortened
            assert names.target(wire) == (agent, host_name)


@given(
    st.lists(
        st.tuples(plugin_names, tool_names),
        min_size=2,
        max_size=30,
        unique=True,
    )
)
def test_shortened_names_stay_unique(pairs):
    names = McpNames(separator="__", limit=claude_limit("acc-plugins"))
    wires = {names.tool(f"{plugin}.{tool}") for plugin, tool in pairs}
    wires |= {names.agent(f"{plugin}.{tool}") for plugin, tool in pairs}
    assert len(wires) == 2 * len(pairs)


def test_a_long_plugin_name_is_served_under_short_names(tmp_path):
    folder = tmp_path / "plugins" / LONG
    shutil.copytree(EXAMPLES / "text-tools", folder)
    manifest = folder / "plugin.toml"
    manifest.write_text(
        manifest.read_text().replace(
            'name = "text-tools"', f'name = "{LONG}"', 1
        )
    )
    host = started_host(tmp_path)
    try:
        assert f"{LONG}.slugify" in [t.name for t in host.tools()]
        server = host.mcp_server()

        async def main():
            with anyio.fail_after(60):
                async with Client(server) as client:
                    tools = (await client.list_tools()).tools
                    slug = next(t for t in tools if t.name.endswith("slugify"))
                    result = await client.call_tool(
                        slug.name, {"text": "Long Way"}
                    )
                    return tools, slug, result

        tools, slug, result = anyio.run(main)
    finally:
        host.stop()

    for tool in tools:
        assert len(f"mcp__acc-plugins__{tool.name}") <= CLAUDE_NAME_LIMIT
    assert slug.name != f"{LONG}.slugify"
    assert slug.description.startswith(f"({LONG}.slugify) ")
    assert result.is_error is not True
    assert result.structured_content == {"result": "long-way"}

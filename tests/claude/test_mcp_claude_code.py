"""
``acc-plugins mcp`` with the real Claude Code: the Claude Code that the
Claude Agent SDK bundles, in print mode, starts our server from an MCP
configuration, offers its tools to a local stand-in for the Messages API,
calls the one the stand-in asks for, and answers with its result.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tests.claude.messages_api import claude_code_environment


sdk = pytest.importorskip("claude_agent_sdk")
pytest.importorskip("mcp")

BUNDLED = Path(sdk.__file__).parent / "_bundled" / "claude"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


LONG = "text-tools-with-a-really-long-plugin-name-for-testing"


@pytest.mark.skipif(not BUNDLED.is_file(), reason="no bundled claude CLI")
@pytest.mark.parametrize("plugin", ["text-tools", LONG])
def test_claude_code_calls_a_plugin_tool_over_acc_plugins_mcp(
    tmp_path, messages_api, plugin
):
    url, requests = messages_api
    folder = tmp_path / "plugins" / plugin
    shutil.copytree(
        EXAMPLES / "text-tools",
        folder,
        ignore=shutil.ignore_patterns("__pycache__", "tests"),
    )
    manifest = folder / "plugin.toml"
    manifest.write_text(
        manifest.read_text().replace(
            'name = "text-tools"', f'name = "{plugin}"', 1
        )
    )
    server = {
        "command": str(Path(sys.executable).with_name("acc-plugins")),
        "args": [
            f"--path={tmp_path / 'plugins'}",
            f"--cache-dir={tmp_path / 'cache'}",
            f"--data-dir={tmp_path / 'data'}",
            f"--config-dir={tmp_path / 'config'}",
            "mcp",
            "--no-watch",
        ],
    }
    done = subprocess.run(  # noqa: S603 -- the bundled claude, no shell
        [
            str(BUNDLED),
            "--print",
            "--output-format",
            "json",
            "--model",
            "claude-sonnet-4-5",
            "--strict-mcp-config",
            "--mcp-config",
            json.dumps({"mcpServers": {"acc-plugins": server}}),
            "--allowedTools",
            "mcp__acc-plugins",
            "--max-turns",
            "3",
        ],
        input="Slug it.",
        capture_output=True,
        text=True,
        timeout=240,
        cwd=tmp_path,
        env={
            "PATH": "/usr/bin:/bin",
            **claude_code_environment(tmp_path, url),
            # MCP tools otherwise wait behind ToolSearch, a turn of its own.
            "ENABLE_TOOL_SEARCH": "false",
        },
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:] or done.stdout[-2000:]
    result = json.loads(done.stdout)
    offered = [tool["name"] for tool in requests[0].get("tools", [])]
    ours = [name for name in offered if name.startswith("mcp__acc-plugins__")]
    assert len(ours) == 7  # the plugin's tools, none dropped
    # Within the Messages API's limit, whatever the plugin's name.
    assert all(len(name) <= 64 for name in offered)
    if plugin == "text-tools":
        # Claude Code shows the model the dotted name, its dot replaced.
        assert "mcp__acc-plugins__text-tools_slugify" in offered
    assert result["is_error"] is False
    assert "hello-end-to-end" in result["result"]
    assert len(requests) == 2

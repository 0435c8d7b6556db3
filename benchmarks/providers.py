"""
What the shipped Claude providers add to a query, in milliseconds,
against what their own machinery takes for the same query in the same
rounds, interleaved:

- ``AnthropicProvider.reply`` against ``messages.create`` of the
  ``anthropic`` SDK, both talking to one local server that answers like
  the Messages API (the tests' stand-in, on pytest-httpserver);
- ``ClaudeCodeProvider.reply`` against running the same stub ``claude``
  with the same arguments through ``subprocess.run``;
- for scale, a plugin's ``ctx.claude.query`` through the host (a tool
  call, the sandbox, the permission check and the model budgets) against
  the SDK call alone.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from _interleave import (
    MIN_BATCH_SECONDS,
    calibrate,
    compare,
    interleave,
    timed,
)
from _report import Row


# The tests' Messages-API stand-in and stub claude live beside the tests.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TARGET_MS = 1.0
_KEY = "sk-ant-benchmark"

_MANIFEST = """\
[plugin]
name = "asker"
version = "1.0.0"
description = "Asks Claude."
entry = "asker:Asker"
kind = "tool"

[permissions]
host = ["claude.query"]
"""

_PLUGIN = """\
from acc_plugins.sdk import Plugin, tool


class Asker(Plugin):
    @tool
    def ask(self, prompt: str) -> str:
        \"\"\"Ask Claude.\"\"\"
        return self.ctx.claude.query(prompt, max_tokens=64)
"""


def _added_row(
    case: str,
    reference: Any,
    measured: Any,
    rounds: int,
    batch_seconds: float = MIN_BATCH_SECONDS,
) -> Row:
    # Batches of several queries each: one query's jitter (a process
    # spawn's, a local server's) is larger than what is measured.
    number = calibrate(reference, batch_seconds)
    ratio = interleave(
        timed(reference, number),
        timed(measured, number),
        rounds=rounds,
        number=number,
    )
    # The median of the per-round ratios, in time: steadier than the
    # difference of two medians when a neighbour stretches some rounds.
    added = (ratio.median - 1) * ratio.reference * 1e3
    return Row(
        case,
        f"{added:+.3f} ms",
        ratio.spread,
        f"<= {TARGET_MS:g} ms",
        added <= TARGET_MS,
        f"{ratio.measured * 1e3:.2f} ms a query against "
        f"{ratio.reference * 1e3:.2f} ms ({ratio.median:.2f}x)",
    )


def _anthropic_rows(rounds: int) -> list[Row]:
    import anthropic  # noqa: PLC0415 -- the extra is installed
    from pytest_httpserver import HTTPServer  # noqa: PLC0415
    from tests.claude.messages_api import MessagesApi  # noqa: PLC0415

    from acc_plugins.claude import AnthropicProvider  # noqa: PLC0415
    from acc_plugins.host import PluginHost  # noqa: PLC0415

    server = HTTPServer()
    server.start()
    try:
        api = MessagesApi(server)
        sdk = anthropic.Anthropic(
            api_key=_KEY, base_url=api.url, max_retries=0
        )
        provider = AnthropicProvider(_KEY, base_url=api.url, max_retries=0)
        message: list[anthropic.types.MessageParam] = [
            {"role": "user", "content": "four words to echo"}
        ]

        def direct() -> object:
            return sdk.messages.create(
                model="claude-sonnet-4-5", max_tokens=64, messages=message
            )

        def through_provider() -> object:
            return provider.reply("four words to echo", max_tokens=64)

        rows = [
            _added_row(
                "AnthropicProvider.reply - anthropic SDK messages.create",
                direct,
                through_provider,
                rounds,
                batch_seconds=0.1,
            )
        ]
        with tempfile.TemporaryDirectory() as name:
            home = Path(name)
            plugin = home / "plugins" / "asker"
            plugin.mkdir(parents=True)
            (plugin / "plugin.toml").write_text(_MANIFEST)
            (plugin / "asker.py").write_text(_PLUGIN)
            with PluginHost(
                [home / "plugins"],
                claude=provider,
                cache_dir=home / "c",
                data_dir=home / "d",
                config_dir=home / "config",
                auto_update=False,
            ) as host:

                def through_host() -> object:
                    return host.call_tool(
                        "asker.ask", prompt="four words to echo"
                    )

                assert through_host() == "echo: four words to echo"
                ratio = compare(direct, through_host, rounds=rounds)
        added = (ratio.median - 1) * ratio.reference * 1e3
        rows.append(
            Row(
                "plugin ctx.claude.query through the host - SDK call",
                f"{added:+.3f} ms",
                ratio.spread,
                note=f"{ratio.median:.2f}x; the tool call, sandbox and "
                "budgets included",
            )
        )
        return rows
    finally:
        server.stop()


def _claude_code_row(rounds: int) -> Row:
    from tests.claude.stub_claude import environment  # noqa: PLC0415

    from acc_plugins.claude import ClaudeCodeProvider  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as name:
        home = Path(name)
        stub_env = environment(home)
        command = str(home / "bin" / "claude")
        provider = ClaudeCodeProvider(command=command)
        arguments = [
            command,
            "--print",
            "--output-format",
            "json",
            "--tools",
            "",
            "--no-session-persistence",
            "--strict-mcp-config",
        ]
        saved = {key: os.environ.get(key) for key in stub_env}
        os.environ.update(stub_env)
        try:

            def direct() -> object:
                return subprocess.run(  # noqa: S603 -- the stub, no shell
                    arguments,
                    input="four words to echo",
                    capture_output=True,
                    text=True,
                    check=True,
                    env={**os.environ, "CLAUDE_CODE_MAX_OUTPUT_TOKENS": "64"},
                )

            def through_provider() -> object:
                return provider.reply("four words to echo", max_tokens=64)

            return _added_row(
                "ClaudeCodeProvider.reply - subprocess.run of the same claude",
                direct,
                through_provider,
                # A process start varies by a third from one query to the
                # next: more rounds of about ten queries each.
                rounds * 3,
                batch_seconds=0.25,
            )
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def bench_providers(rounds: int) -> list[Row]:
    """
    What each shipped provider adds to a query, in milliseconds.
    """
    try:
        import anthropic  # noqa: F401, PLC0415 -- the extra is installed
        import pytest_httpserver  # noqa: F401, PLC0415
    except ImportError:
        rows = [Row("AnthropicProvider", "skipped", note="no anthropic SDK")]
    else:
        rows = _anthropic_rows(rounds)
    return [*rows, _claude_code_row(rounds)]

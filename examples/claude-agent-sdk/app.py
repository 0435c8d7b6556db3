"""
Claude Code with every plugin: an application that runs Claude Code with
the Claude Agent SDK and hands it the example plugins' tools and agents.

Install the adapter's extra, then run the script from the repository with
a prompt; Claude Code needs a login (``claude /login``) or an
``ANTHROPIC_API_KEY``::

    pip install -e '.[agent-sdk]'
    python examples/claude-agent-sdk/app.py \\
        "Make a URL slug of 'Hello, Plugins' with the text tools."

What it does:

1. It starts a ``PluginHost`` over ``text-tools``, ``code-reviewer`` and
   ``review-pipeline``, with its own cache, data and config folders.
2. ``claude_options(host)`` gives the Agent SDK's options: the host's
   tools as the in-process MCP server ``acc-plugins`` (Claude Code calls
   ``text-tools.slugify`` ``mcp__acc-plugins__text-tools__slugify``), the
   host's agents as subagents (``code-reviewer:summarizer``), and those
   tools allowed without a prompt; the plugins' grants, budgets and
   audit apply to every call.
3. ``query()`` runs Claude Code; the script prints what Claude says and
   each tool it calls, then the cost.

The ``code-reviewer.review`` agent asks the host's own Claude to review:
the example gives the host ``ClaudeCodeProvider``, so that agent reaches
Claude through the same Claude Code login; ``--offline-agents`` gives it
the offline ``FakeClaude`` instead.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import anyio
from claude_agent_sdk import (
    AssistantMessage,
    ResultMessage,
    TextBlock,
    ToolUseBlock,
    query,
)

from acc_plugins.claude import ClaudeCodeProvider, claude_options
from acc_plugins.host import ClaudeProvider, FakeClaude, PluginHost


EXAMPLES = Path(__file__).resolve().parent.parent
PLUGINS = ["text-tools", "code-reviewer", "review-pipeline"]
DEFAULT_PROMPT = "Make a URL slug of 'Hello, Plugins' with the text tools."


def say(text: str) -> None:
    """
    Show *text* on its own line.
    """
    sys.stdout.write(f"{text}\n")


async def run(prompt: str, home: Path, claude: ClaudeProvider) -> str:
    """
    Run Claude Code on *prompt* with every plugin, the host's own queries
    going to *claude*; return Claude Code's last answer.
    """
    with PluginHost(
        [EXAMPLES / name for name in PLUGINS],
        cache_dir=home / "cache",
        data_dir=home / "data",
        config_dir=home / "config",
        auto_update=False,
        claude=claude,
    ) as host:
        options = claude_options(host, max_turns=8)
        answer = ""
        async for message in query(prompt=prompt, options=options):
            if isinstance(message, AssistantMessage):
                for block in message.content:
                    if isinstance(block, TextBlock):
                        say(block.text)
                    elif isinstance(block, ToolUseBlock):
                        say(f"-> {block.name} {block.input}")
            elif isinstance(message, ResultMessage):
                answer = message.result or ""
                cost = message.total_cost_usd or 0.0
                say(f"[{message.num_turns} turns, ${cost:.4f}]")
        return answer


def main() -> None:
    """
    The command line: the prompt is the arguments, joined;
    ``--offline-agents`` gives the host's agents the offline fake.
    """
    words = sys.argv[1:]
    offline = "--offline-agents" in words
    prompt = " ".join(w for w in words if w != "--offline-agents")
    claude = FakeClaude() if offline else ClaudeCodeProvider()
    with tempfile.TemporaryDirectory(prefix="acc-agent-sdk-") as home:
        anyio.run(run, prompt or DEFAULT_PROMPT, Path(home), claude)


if __name__ == "__main__":
    main()

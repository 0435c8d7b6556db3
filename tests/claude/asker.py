"""
A plugin that asks Claude, for the providers' budget tests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.host.test_host import started_host, write_plugin


if TYPE_CHECKING:
    from pathlib import Path

    from acc_plugins.host import ClaudeProvider, PluginHost

ASKER = """
from acc_plugins.sdk import Plugin, tool

class Main(Plugin):
    @tool
    def ask(self, prompt: str, times: int = 1) -> str:
        return " ".join(
            self.ctx.claude.query(prompt, max_tokens=50) for _ in range(times)
        )
"""


def asker_host(home: Path, limits: str, claude: ClaudeProvider) -> PluginHost:
    """
    A started host over the ``asker`` plugin with these ``[limits]``.
    """
    write_plugin(
        home / "plugins",
        "asker",
        ASKER,
        extra=f'[permissions]\nhost = ["claude.query"]\n\n[limits]\n{limits}\n',
    )
    return started_host(home, claude=claude)

"""
The demo's Claude: whichever provider ``--claude`` chose (the offline
fake by default), counting the queries it answers for the summary.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from acc_plugins.host import FakeClaude
from acc_plugins.host.capabilities._allowance import (
    ask,
    estimate_cost,
    exact_prompt_tokens,
)


if TYPE_CHECKING:
    from acc_plugins.host import ClaudeProvider, ClaudeReply


class Counted:
    """
    A provider that passes each query to *provider* and counts it; it
    reports usage, so budgets count what *provider* reports or the host
    would estimate.

    Args:
        provider: The provider to ask; None for the offline fake.
    """

    def __init__(self, provider: ClaudeProvider | None) -> None:
        self.provider = provider if provider is not None else FakeClaude()
        self.queries = 0
        self._lock = threading.Lock()

    def __str__(self) -> str:
        if isinstance(self.provider, FakeClaude):
            return "fake Claude"
        return type(self.provider).__name__

    def query(
        self, prompt: str, *, system: str | None = None, max_tokens: int = 1024
    ) -> str:
        """
        The provider's answer to *prompt*.
        """
        return self.reply(prompt, system=system, max_tokens=max_tokens).text

    def reply(
        self, prompt: str, *, system: str | None = None, max_tokens: int = 1024
    ) -> ClaudeReply:
        """
        The provider's answer to *prompt* with its usage, counted.
        """
        with self._lock:
            self.queries += 1
        return ask(self.provider, prompt, system=system, max_tokens=max_tokens)

    def count_prompt_tokens(
        self, prompt: str, *, system: str | None = None
    ) -> int | None:
        """
        The provider's count of *prompt*'s tokens, as budgets take it.
        """
        return exact_prompt_tokens(self.provider, prompt, system)

    def cost(self, input_tokens: int, output_tokens: int) -> float:
        """
        What the provider charges for these tokens.
        """
        return estimate_cost(input_tokens, output_tokens, self.provider)

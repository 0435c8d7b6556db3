"""
What one call into a plugin may spend through the host's capabilities:
Claude tokens and calls to other plugins' tools (``[limits] model-tokens``
and ``tool-calls``).

The counts start afresh with each call into the plugin, which the
plugin's time budget marks: ``Budget.since`` changes when a new outermost
call begins.  An agent run is one call, so these are its model budget.
"""

from __future__ import annotations

from typing import TYPE_CHECKING


if TYPE_CHECKING:
    from acc_plugins.sandbox import Budget

    from ._claude import ClaudeProvider


def estimate_tokens(text: str, provider: object = None) -> int:
    """
    The tokens *text* costs: the provider's own count when it offers
    ``count_tokens``, otherwise one token per four bytes of UTF-8, rounded
    up (a deliberate overestimate for English, close for code).
    """
    counter = getattr(provider, "count_tokens", None)
    if callable(counter):
        counted = counter(text)
        if type(counted) is int and counted >= 0:
            return counted
    return (len(text.encode("utf-8", "surrogatepass")) + 3) // 4


class ExhaustedError(RuntimeError):
    """
    A call into a plugin asked for more than its allowance.
    """


class Allowance:
    """
    The per-call counters of one plugin.

    Args:
        budget: The plugin's time budget, whose ``since`` marks each call;
            None for an allowance that covers one call only.

        tokens: Claude tokens (prompt, system prompt and answer) per call.

        tool_calls: Calls to tools through ``ctx.tools`` per call.
    """

    def __init__(
        self, budget: Budget | None, *, tokens: int, tool_calls: int
    ) -> None:
        self._budget = budget
        self.tokens = tokens
        self.tool_calls = tool_calls
        self._call = -1.0
        self.tokens_used = 0
        self.tool_calls_used = 0

    def _current(self) -> None:
        since = self._call if self._budget is None else self._budget.since
        if self._call != since:  # a new call into the plugin
            self._call = since
            self.tokens_used = 0
            self.tool_calls_used = 0

    def reserve_query(self, prompt_tokens: int, max_tokens: int) -> None:
        """
        Refuse a Claude query whose prompt and longest answer would pass
        the token allowance.

        Raises:
            ExhaustedError: If they would.
        """
        self._current()
        worst = self.tokens_used + prompt_tokens + max_tokens
        if worst > self.tokens:
            left = self.tokens - self.tokens_used
            msg = (
                f"a Claude query of {prompt_tokens} prompt tokens and up to "
                f"{max_tokens} answer tokens would pass the model budget of "
                f"{self.tokens} tokens per call ({left} left; lower "
                "max_tokens or raise [limits] model-tokens)"
            )
            raise ExhaustedError(msg)

    def charge_query(self, prompt_tokens: int, answer_tokens: int) -> None:
        """
        Count a query that was answered.
        """
        self._current()
        self.tokens_used += prompt_tokens + answer_tokens

    def count_tool_call(self) -> None:
        """
        Count one call to a tool.

        Raises:
            ExhaustedError: If it is one more than the allowance.
        """
        self._current()
        if self.tool_calls_used >= self.tool_calls:
            msg = (
                f"more than {self.tool_calls} tool calls in one call "
                "(raise [limits] tool-calls)"
            )
            raise ExhaustedError(msg)
        self.tool_calls_used += 1


def metered_query(
    provider: ClaudeProvider,
    allowance: Allowance | None,
    prompt: str,
    *,
    system: str | None,
    max_tokens: int,
) -> str:
    """
    Ask *provider*, within *allowance*, and count what it cost.

    Raises:
        ExhaustedError: If the query could pass the allowance.
    """
    asked = estimate_tokens(prompt, provider) + (
        estimate_tokens(system, provider) if system is not None else 0
    )
    if allowance is not None:
        allowance.reserve_query(asked, max_tokens)
    answer = provider.query(prompt, system=system, max_tokens=max_tokens)
    text = str(answer) if type(answer) is not str else answer
    if allowance is not None:
        allowance.charge_query(asked, estimate_tokens(text, provider))
    return text

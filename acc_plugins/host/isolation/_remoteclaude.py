"""
Claude for an isolated plugin: the worker's provider asks the host's,
and the host answers with the text and what the query cost, so that the
worker meters its plugin's model budgets with real usage, the same way
an in-process plugin's are metered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from acc_plugins.host.capabilities._allowance import (
    ask,
    estimate_cost,
    exact_prompt_tokens,
)
from acc_plugins.host.capabilities._claude import ClaudeReply


if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from acc_plugins.host.capabilities._claude import ClaudeProvider


class RemoteClaude:
    """
    The worker's ``ClaudeProvider``: asks the host's, usage included.

    Args:
        request: Sends one request to the host and returns its answer.
    """

    def __init__(self, request: Callable[..., Any]) -> None:
        self._request = request

    def __repr__(self) -> str:
        return "<RemoteClaude>"

    def query(
        self, prompt: str, *, system: str | None, max_tokens: int
    ) -> str:
        """
        The host provider's answer to *prompt*.
        """
        return self.reply(prompt, system=system, max_tokens=max_tokens).text

    def reply(
        self, prompt: str, *, system: str | None, max_tokens: int
    ) -> ClaudeReply:
        """
        The host provider's answer to *prompt*, with its usage and cost.
        """
        answer = self._request(
            "claude.query", prompt=prompt, system=system, max_tokens=max_tokens
        )
        fields = answer if isinstance(answer, dict) else {}
        stop = fields.get("stop_reason")
        return ClaudeReply(
            str(fields.get("text", "")),
            input_tokens=int(fields.get("input_tokens", 0)),
            output_tokens=int(fields.get("output_tokens", 0)),
            cost_usd=float(fields.get("cost_usd", 0.0)),
            model=str(fields.get("model", "")),
            stop_reason=None if stop is None else str(stop),
        )

    def count_prompt_tokens(
        self, prompt: str, *, system: str | None
    ) -> int | None:
        """
        The host provider's count of *prompt*'s tokens, or None.
        """
        counted = self._request("claude.count", prompt=prompt, system=system)
        return counted if type(counted) is int else None


def answer_for_worker(
    provider: ClaudeProvider, op: str, message: Mapping[str, Any]
) -> object:
    """
    Answer a worker's ``claude.query`` (the reply as JSON, its cost
    always filled in) or ``claude.count`` (the exact count, or None).
    """
    prompt = str(message.get("prompt", ""))
    system = message.get("system")
    system = None if system is None else str(system)
    if op == "claude.count":
        return exact_prompt_tokens(provider, prompt, system)
    answer = ask(
        provider,
        prompt,
        system=system,
        max_tokens=int(message.get("max_tokens", 1024)),
    )
    cost = answer.cost_usd
    if cost is None:
        cost = estimate_cost(
            answer.input_tokens, answer.output_tokens, provider
        )
    return {**attrs.asdict(answer), "cost_usd": cost}

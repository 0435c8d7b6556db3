"""
Model budgets that count what a query really cost, as a provider that
reports usage (``reply``) says, in process and in an isolated worker.
"""

import threading

import pytest
from tests.host.test_allowance import SPENDER
from tests.host.test_host import started_host, write_plugin

from acc_plugins.errors import PluginCallError
from acc_plugins.host import ClaudeReply
from acc_plugins.host.capabilities._allowance import (
    Allowance,
    ExhaustedError,
    metered_query,
)


class Reporting:
    """A provider whose every answer reports the same usage and cost."""

    def __init__(self, input_tokens=300, output_tokens=200, cost_usd=None):
        self.usage = (input_tokens, output_tokens, cost_usd)
        self.asked = []
        self.counted = []
        self._lock = threading.Lock()

    def query(self, prompt, *, system, max_tokens):
        msg = "a provider with reply() is never asked query()"
        raise AssertionError(msg)

    def reply(self, prompt, *, system, max_tokens):
        with self._lock:
            self.asked.append(prompt)
        input_tokens, output_tokens, cost = self.usage
        return ClaudeReply(
            "answered",
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            cost_usd=cost,
        )

    def count_prompt_tokens(self, prompt, *, system):
        with self._lock:
            self.counted.append(prompt)
        return 10


def _spender(tmp_path, limits, isolated):
    folder = write_plugin(
        tmp_path / "plugins",
        "spender",
        SPENDER,
        extra=f'[permissions]\nhost = ["claude.query"]\n\n[limits]\n{limits}\n',
    )
    if isolated:
        manifest = folder / "plugin.toml"
        manifest.write_text(
            manifest.read_text().replace(
                'kind = "tool"\n', 'kind = "tool"\nisolation = "subprocess"\n'
            )
        )


@pytest.mark.parametrize(
    "isolated", [False, True], ids=["in-process", "isolated"]
)
def test_the_token_budget_counts_the_reported_usage(tmp_path, isolated):
    # Each query reports 500 tokens, where the estimate would be about 8.
    _spender(tmp_path, "model-tokens = 1000", isolated)
    provider = Reporting()
    host = started_host(tmp_path, claude=provider)
    try:
        assert host.call_tool("spender.ask", times=2, max_tokens=10) == 2
        with pytest.raises(PluginCallError, match="model budget of 1000"):
            host.call_tool("spender.ask", times=3, max_tokens=10)
        assert len(provider.asked) == 4  # the third was never sent
    finally:
        host.stop()


@pytest.mark.parametrize(
    "isolated", [False, True], ids=["in-process", "isolated"]
)
def test_the_cost_budget_counts_the_reported_cost(tmp_path, isolated):
    _spender(tmp_path, "model-cost-usd = 0.01", isolated)
    provider = Reporting(input_tokens=5, output_tokens=5, cost_usd=0.006)
    host = started_host(tmp_path, claude=provider)
    try:
        # The second query passes the budget: its cost is only known once
        # answered.  The third is refused before it is sent.
        assert host.call_tool("spender.ask", times=2, max_tokens=10) == 2
        with pytest.raises(
            PluginCallError, match=r"model budget of \$0\.0100"
        ):
            host.call_tool("spender.ask", times=3, max_tokens=10)
    finally:
        host.stop()


@pytest.mark.parametrize(
    "isolated", [False, True], ids=["in-process", "isolated"]
)
def test_the_exact_count_is_asked_only_when_the_bound_refuses(
    tmp_path, isolated
):
    # "four byte words" is 15 bytes: with the framing allowance, a bound
    # of 79 tokens, which fits 100 with 10 answer tokens but not 30.
    _spender(tmp_path, "model-tokens = 100", isolated)
    provider = Reporting(input_tokens=10, output_tokens=10)
    host = started_host(tmp_path, claude=provider)
    try:
        host.call_tool("spender.ask", times=1, max_tokens=10)
        assert provider.counted == []
        host.call_tool("spender.ask", times=1, max_tokens=30)
        assert provider.counted == ["four byte words"]
    finally:
        host.stop()


def test_a_refusal_stands_when_the_exact_count_does_not_fit_either():
    provider = Reporting()
    allowance = Allowance(None, tokens=50, tool_calls=0)
    with pytest.raises(ExhaustedError, match="10 prompt tokens"):
        metered_query(
            provider, allowance, "x" * 100, system=None, max_tokens=45
        )
    assert provider.asked == []


def test_a_reply_that_is_not_a_claude_reply_is_an_error():
    class Wrong(Reporting):
        def reply(self, prompt, *, system, max_tokens):
            return "just text"

    with pytest.raises(TypeError, match="returned str, not a ClaudeReply"):
        metered_query(Wrong(), None, "hi", system=None, max_tokens=5)


def test_a_cost_that_is_not_a_price_is_priced_from_the_tokens():
    allowance = Allowance(None, tokens=10**6, tool_calls=0)
    allowance.charge_usage(
        ClaudeReply(
            "x", input_tokens=1_000_000, output_tokens=0, cost_usd=float("nan")
        )
    )
    assert allowance.cost.used == 3_000_000  # $3, the default input price


def test_a_provider_without_usage_counts_each_prompt_once():
    class Counting:
        def __init__(self):
            self.counted = []

        def query(self, prompt, *, system, max_tokens):
            return "four words of answer"

        def count_tokens(self, text):
            self.counted.append(text)
            return len(text.split())

    provider = Counting()
    allowance = Allowance(None, tokens=1000, tool_calls=0)
    metered_query(
        provider, allowance, "three word prompt", system="sys", max_tokens=10
    )
    # The prompt and the system prompt once each, then the answer.
    assert provider.counted == [
        "three word prompt",
        "sys",
        "four words of answer",
    ]
    assert allowance.tokens.used == 3 + 1 + 4

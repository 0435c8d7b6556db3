"""
The model budget of one call: Claude tokens, their cost and tool calls.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.host.test_host import started_host, write_plugin

from acc_plugins.errors import PluginCallError
from acc_plugins.host import FakeClaude, PluginHost
from acc_plugins.host.capabilities._allowance import (
    Allowance,
    ExhaustedError,
    PerCall,
    estimate_cost,
    estimate_tokens,
)
from acc_plugins.sandbox import Budget


SPENDER = """
from acc_plugins.sdk import Plugin, tool

class Main(Plugin):
    @tool
    def ask(self, times: int, max_tokens: int) -> int:
        for _ in range(times):
            self.ctx.claude.query("four byte words", max_tokens=max_tokens)
        return times

    @tool
    def echo(self, text: str) -> str:
        return text

    @tool
    def loop_tools(self, times: int) -> int:
        for _ in range(times):
            self.ctx.tools.call("spender.echo", text="x")
        return times

    @tool
    def keeps_going(self) -> str:
        try:
            self.ctx.claude.query("x", max_tokens=10_000)
        except RuntimeError as exc:
            return str(exc)
        return "answered"
"""

LIMITS = """
[permissions]
host = ["claude.query"]

[limits]
model-tokens = 100
tool-calls = 3
"""


@pytest.fixture(name="host")
def _host(tmp_path):
    write_plugin(tmp_path / "plugins", "spender", SPENDER, extra=LIMITS)
    host = started_host(tmp_path, claude=FakeClaude())
    yield host
    host.stop()


def test_a_query_that_could_pass_the_token_budget_is_refused(host):
    # A prompt of 4 tokens plus up to 90 answer tokens fits in 100.
    assert host.call_tool("spender.ask", times=1, max_tokens=90) == 1
    with pytest.raises(PluginCallError, match="model budget of 100 tokens"):
        host.call_tool("spender.ask", times=1, max_tokens=97)


def test_tokens_add_up_within_one_call_and_start_afresh_with_the_next(host):
    # Each query costs its prompt (4) plus the fake's answer (about 15).
    with pytest.raises(PluginCallError, match="left"):
        host.call_tool("spender.ask", times=10, max_tokens=20)
    assert host.call_tool("spender.ask", times=2, max_tokens=20) == 2


def test_tool_calls_are_capped_per_call(host):
    assert host.call_tool("spender.loop_tools", times=3) == 3
    with pytest.raises(PluginCallError, match="more than 3 tool calls"):
        host.call_tool("spender.loop_tools", times=4)
    assert host.call_tool("spender.loop_tools", times=3) == 3


def test_the_refusal_explains_how_to_get_more(host):
    message = host.call_tool("spender.keeps_going")
    assert "lower max_tokens or raise [limits] model-tokens" in message


class Counting:
    def count_tokens(self, text):
        return len(text.split())


def test_a_provider_that_counts_tokens_is_asked():
    assert estimate_tokens("three little words", Counting()) == 3
    assert estimate_tokens("three little words") == 5  # 18 bytes / 4, up


@given(
    tokens=st.integers(0, 10_000),
    queries=st.lists(
        st.tuples(st.integers(0, 3000), st.integers(1, 3000)), max_size=20
    ),
)
def test_spending_never_passes_the_allowance(tokens, queries):
    """Whatever the queries, answered ones never add up past the limit."""
    budget = Budget(timeout=60)
    budget.enter(1.0)
    allowance = Allowance(budget, tokens=tokens, tool_calls=0)
    for prompt, max_tokens in queries:
        try:
            allowance.reserve_query(prompt, max_tokens)
        except ExhaustedError:
            continue
        allowance.charge_query(prompt, max_tokens)  # the longest answer
        assert allowance.tokens.used <= tokens


DECLARED = """
from acc_plugins.sdk import Agent, Plugin

class Main(Plugin):
    agents = (Agent(name="reviewer", system_prompt="Please review this."),)
"""


def test_a_declared_agent_run_meets_the_model_budget(tmp_path):
    write_plugin(
        tmp_path / "plugins",
        "declared",
        DECLARED,
        extra='[permissions]\nhost = ["claude.query"]\n\n'
        "[limits]\nmodel-tokens = 200\n",
    )
    with PluginHost(
        [tmp_path / "plugins"],
        cache_dir=tmp_path / "c",
        data_dir=tmp_path / "d",
        claude=FakeClaude(),
    ) as host:
        assert "Review" in host.run_agent("declared.reviewer", "x = 1")
        with pytest.raises(PluginCallError, match="model budget of 200"):
            host.run_agent("declared.reviewer", "word " * 200)


def test_a_per_call_count_refuses_without_using_and_resets_per_call():
    budget = Budget(timeout=60)
    budget.enter(1.0)
    count = PerCall(budget, 3, "file operations", "fs-operations")
    count.take(2)
    with pytest.raises(ExhaustedError, match=r"more than 3 file operations"):
        count.take(2)
    assert count.used == 2  # the refused amount was not used
    count.take()
    budget.leave()
    budget.enter(2.0)  # the next call into the plugin
    assert count.used == 0
    count.charge(5)  # spent already: counted past the limit
    assert count.used == 5


class Priced(FakeClaude):
    """A provider with its own prices: a dollar per thousand tokens."""

    def cost(self, input_tokens, output_tokens):
        return (input_tokens + output_tokens) / 1000


def test_the_default_price_is_per_million_tokens():
    # 1M prompt tokens at $3 plus 1M answer tokens at $15.
    assert estimate_cost(1_000_000, 1_000_000) == pytest.approx(18.0)
    assert estimate_cost(1000, 0, Priced()) == pytest.approx(1.0)


def test_a_provider_price_that_is_not_a_number_is_not_trusted():
    class Broken:
        def cost(self, input_tokens, output_tokens):
            return "free"

    assert estimate_cost(1_000_000, 0, Broken()) == pytest.approx(3.0)


def test_a_query_that_could_pass_the_cost_budget_is_refused(tmp_path):
    write_plugin(
        tmp_path / "plugins",
        "spender",
        SPENDER,
        extra="[permissions]\nhost = ['claude.query']\n\n"
        "[limits]\nmodel-cost-usd = 0.05\n",
    )
    provider = Priced()
    host = started_host(tmp_path, claude=provider)
    try:
        # 4 prompt tokens and up to 40 answer tokens: at most $0.044.
        assert host.call_tool("spender.ask", times=1, max_tokens=40) == 1
        with pytest.raises(PluginCallError, match=r"could cost \$0\.0540"):
            host.call_tool("spender.ask", times=1, max_tokens=50)
        # What was spent counts: the second query no longer fits.
        asked = len(provider.queries)
        with pytest.raises(PluginCallError, match="model-cost-usd"):
            host.call_tool("spender.ask", times=2, max_tokens=30)
        assert len(provider.queries) == asked + 1
    finally:
        host.stop()


@given(
    dollars=st.floats(0, 5),
    queries=st.lists(
        st.tuples(st.integers(0, 300_000), st.integers(1, 300_000)),
        max_size=20,
    ),
)
def test_cost_never_passes_the_allowance(dollars, queries):
    budget = Budget(timeout=60)
    budget.enter(1.0)
    allowance = Allowance(budget, tokens=10**9, tool_calls=0, cost_usd=dollars)
    for prompt, max_tokens in queries:
        try:
            allowance.reserve_query(prompt, max_tokens)
        except ExhaustedError:
            continue
        allowance.charge_query(prompt, max_tokens)
        assert allowance.cost.used <= round(dollars * 1_000_000)

"""
What one call into a plugin may spend through the host's capabilities:
Claude tokens, their cost in US dollars, and calls to other plugins' tools
(``[limits] model-tokens``, ``model-cost-usd`` and ``tool-calls``).

The counts start afresh with each call into the plugin, which the
plugin's time budget marks: ``Budget.call_started()`` changes when a new
outermost call begins on the thread.  An agent run is one call, so these
are its model budget.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from ._claude import ClaudeReply


if TYPE_CHECKING:
    from acc_plugins.manifest import Limits
    from acc_plugins.sandbox import Budget

    from ._claude import ClaudeProvider

# Dollars per million tokens when the provider does not price its own
# queries: the list price of Claude Sonnet 4 (input, output), a middle
# ground between the cheaper and the dearer models.
DEFAULT_PRICE: Final = (3.0, 15.0)

# Costs are counted in millionths of a dollar, as integers: sums stay exact.
_MICRO: Final = 1_000_000


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


def estimate_cost(
    input_tokens: int, output_tokens: int, provider: object = None
) -> float:
    """
    What a query costs in US dollars: the provider's own ``cost(input,
    output)`` when it offers one, otherwise ``DEFAULT_PRICE``.
    """
    pricer = getattr(provider, "cost", None)
    if callable(pricer):
        priced = pricer(input_tokens, output_tokens)
        if type(priced) in (int, float) and 0 <= priced < float("inf"):
            return float(priced)
    per_input, per_output = DEFAULT_PRICE
    return (input_tokens * per_input + output_tokens * per_output) / _MICRO


def _micro(dollars: float) -> int:
    return round(dollars * _MICRO)


def _dollars(micro: int) -> str:
    return f"${micro / _MICRO:.4f}"


class ExhaustedError(RuntimeError):
    """
    A call into a plugin asked for more than its allowance.
    """


class PerCall:
    """
    A count that starts afresh with each call into the plugin, against a
    limit: file operations, network requests, tool calls, Claude tokens.

    Args:
        budget: The plugin's time budget, whose ``since`` marks each call;
            None for a count that covers one call only.

        limit: The most one call may use.

        what: What is counted, for messages ("file operations").

        key: The ``[limits]`` key that raises the limit.
    """

    def __init__(
        self, budget: Budget | None, limit: int, what: str, key: str
    ) -> None:
        self._budget = budget
        self.limit = limit
        self.what = what
        self.key = key
        self._call = -1.0
        self._used = 0

    @property
    def used(self) -> int:
        """
        What the current call has used.
        """
        since = (
            self._call if self._budget is None else self._budget.call_started()
        )
        if self._call != since:  # a new call into the plugin
            self._call, self._used = since, 0
        return self._used

    def take(self, amount: int = 1) -> None:
        """
        Use *amount* more.

        Raises:
            ExhaustedError: If that passes the limit (nothing is used).
        """
        if self.used + amount > self.limit:
            msg = (
                f"more than {self.limit} {self.what} in one call "
                f"(raise [limits] {self.key})"
            )
            raise ExhaustedError(msg)
        self._used += amount

    def charge(self, amount: int) -> None:
        """
        Count *amount* that was already spent, past the limit or not.
        """
        self._used = self.used + amount


class Allowance:
    """
    What one call may spend on Claude and on other plugins' tools.

    Args:
        budget: As for ``PerCall``.

        tokens: Claude tokens (prompt, system prompt and answer) per call.

        tool_calls: Calls to tools through ``ctx.tools`` per call.

        cost_usd: What the call's Claude queries may cost, in US dollars.
    """

    def __init__(
        self,
        budget: Budget | None,
        *,
        tokens: int,
        tool_calls: int,
        cost_usd: float = float("inf"),
    ) -> None:
        self.tokens = PerCall(budget, tokens, "Claude tokens", "model-tokens")
        self.tool_calls = PerCall(
            budget, tool_calls, "tool calls", "tool-calls"
        )
        unbounded = cost_usd == float("inf")
        self.cost = PerCall(
            budget,
            2**62 if unbounded else _micro(cost_usd),
            "millionths of a dollar",
            "model-cost-usd",
        )

    @classmethod
    def of(
        cls, budget: Budget | None, limits: Limits, *, tool_calls: bool = True
    ) -> Allowance:
        """
        The allowance ``[limits]`` sets, without tool calls if not
        *tool_calls* (a declared agent's run makes none).
        """
        return cls(
            budget,
            tokens=limits.model_tokens,
            tool_calls=limits.tool_calls if tool_calls else 0,
            cost_usd=limits.model_cost_usd,
        )

    def reserve_query(
        self, prompt_tokens: int, max_tokens: int, provider: object = None
    ) -> None:
        """
        Refuse a Claude query whose prompt and longest answer would pass
        the token or the cost allowance.

        Raises:
            ExhaustedError: If they would.
        """
        left = self.tokens.limit - self.tokens.used
        if prompt_tokens + max_tokens > left:
            msg = (
                f"a Claude query of {prompt_tokens} prompt tokens and up to "
                f"{max_tokens} answer tokens would pass the model budget of "
                f"{self.tokens.limit} tokens per call ({left} left; lower "
                "max_tokens or raise [limits] model-tokens)"
            )
            raise ExhaustedError(msg)
        worst = _micro(estimate_cost(prompt_tokens, max_tokens, provider))
        cost_left = self.cost.limit - self.cost.used
        if worst > cost_left:
            msg = (
                f"a Claude query of {prompt_tokens} prompt tokens and up to "
                f"{max_tokens} answer tokens could cost {_dollars(worst)}, "
                f"more than the {_dollars(cost_left)} left of the model "
                f"budget of {_dollars(self.cost.limit)} per call (lower "
                "max_tokens or raise [limits] model-cost-usd)"
            )
            raise ExhaustedError(msg)

    def charge_query(
        self, prompt_tokens: int, answer_tokens: int, provider: object = None
    ) -> None:
        """
        Count a query that was answered: its tokens and its cost.
        """
        self.tokens.charge(prompt_tokens + answer_tokens)
        cost = estimate_cost(prompt_tokens, answer_tokens, provider)
        self.cost.charge(_micro(cost))

    def charge_usage(
        self, reply: ClaudeReply, provider: object = None
    ) -> None:
        """
        Count a query by the usage its provider reported: its tokens, and
        its cost as reported or else priced by *provider*.
        """
        used = max(reply.input_tokens, 0) + max(reply.output_tokens, 0)
        self.tokens.charge(used)
        reported = reply.cost_usd
        if isinstance(reported, (int, float)) and 0 <= reported < float("inf"):
            cost = float(reported)
        else:  # not reported, or not a price to trust
            cost = estimate_cost(
                reply.input_tokens, reply.output_tokens, provider
            )
        self.cost.charge(_micro(cost))

    def count_tool_call(self) -> None:
        """
        Count one call to a tool.

        Raises:
            ExhaustedError: If it is one more than the allowance.
        """
        self.tool_calls.take()


def metered_query(
    provider: ClaudeProvider,
    allowance: Allowance | None,
    prompt: str,
    *,
    system: str | None,
    max_tokens: int,
) -> str:
    """
    Ask *provider*, within *allowance*, and count what it cost: the
    usage the provider reports when it offers ``reply``, an estimate
    otherwise.

    Raises:
        ExhaustedError: If the query could pass the allowance.
    """
    estimated = None
    if allowance is not None:
        estimated = reserve(provider, allowance, prompt, system, max_tokens)
    answer = ask(
        provider,
        prompt,
        system=system,
        max_tokens=max_tokens,
        prompt_tokens=estimated,
    )
    if allowance is not None:
        allowance.charge_usage(answer, provider)
    return answer.text


def ask(
    provider: ClaudeProvider,
    prompt: str,
    *,
    system: str | None,
    max_tokens: int,
    prompt_tokens: int | None = None,
) -> ClaudeReply:
    """
    *provider*'s answer with its usage: reported by ``reply`` when the
    provider offers it, else estimated around ``query``'s text, the
    prompt's part as *prompt_tokens* when it was estimated already.
    """
    reply = getattr(provider, "reply", None)
    if callable(reply):
        answer = reply(prompt, system=system, max_tokens=max_tokens)
        if not isinstance(answer, ClaudeReply):
            msg = (
                "the Claude provider's reply() returned "
                f"{type(answer).__name__}, not a ClaudeReply"
            )
            raise TypeError(msg)
        return answer
    text = provider.query(prompt, system=system, max_tokens=max_tokens)
    text = str(text) if type(text) is not str else text
    return ClaudeReply(
        text,
        input_tokens=_prompt_estimate(provider, prompt, system)
        if prompt_tokens is None
        else prompt_tokens,
        output_tokens=estimate_tokens(text, provider),
    )


def reports_usage(provider: object) -> bool:
    """
    Whether *provider* says what each query really cost (``reply``).
    """
    return callable(getattr(provider, "reply", None))


# What the API adds around a prompt (roles, turn markers) at most, in
# tokens, over the prompt's own.
_FRAMING: Final = 64


def reserve(
    provider: object,
    allowance: Allowance,
    prompt: str,
    system: str | None,
    max_tokens: int,
) -> int | None:
    """
    Refuse a query that could pass *allowance*, before it is sent.

    Returns:
        The prompt's estimated tokens for a provider that does not
        report usage (to charge them later without counting again);
        None for one that does.

    Raises:
        ExhaustedError: If it could.
    """
    if not reports_usage(provider):
        asked = _prompt_estimate(provider, prompt, system)
        allowance.reserve_query(asked, max_tokens, provider)
        return asked
    # The real usage will be charged, so the reservation only has to be
    # an upper bound.  A token is at least one byte of UTF-8: the bytes
    # bound the tokens without a round trip, and the provider's exact
    # count, which may cost one, is asked only when the bound refuses.
    text = prompt + (system or "")
    bound = len(text.encode("utf-8", "surrogatepass")) + _FRAMING
    try:
        allowance.reserve_query(bound, max_tokens, provider)
    except ExhaustedError:
        counted = exact_prompt_tokens(provider, prompt, system)
        if counted is None:
            raise
        allowance.reserve_query(counted, max_tokens, provider)
    return None


def exact_prompt_tokens(
    provider: object, prompt: str, system: str | None
) -> int | None:
    """
    The tokens of *prompt* and *system* as *provider* counts them
    (``count_prompt_tokens``); for a provider that does not report usage,
    the estimate its budgets use; None when neither is known.
    """
    if not reports_usage(provider):
        return _prompt_estimate(provider, prompt, system)
    counter = getattr(provider, "count_prompt_tokens", None)
    if not callable(counter):
        return None
    counted = counter(prompt, system=system)
    return counted if type(counted) is int and counted >= 0 else None


def _prompt_estimate(provider: object, prompt: str, system: str | None) -> int:
    return estimate_tokens(prompt, provider) + (
        estimate_tokens(system, provider) if system is not None else 0
    )

"""
What Claude models cost: US dollars per million tokens, from Anthropic's
published list prices.  A cache write costs 1.25 times the input price
(five-minute cache) and a cache read a tenth of it.
"""

from __future__ import annotations

from typing import Final

from acc_plugins.host.capabilities._allowance import DEFAULT_PRICE


# (model name prefix, input price, output price), most specific first: a
# dated name such as claude-sonnet-4-5-20250929 matches its family.
_PRICES: Final = (
    ("claude-opus-4-1", 15.0, 75.0),
    ("claude-opus-4-0", 15.0, 75.0),
    ("claude-opus-4-20", 15.0, 75.0),  # Opus 4, dated
    ("claude-opus-4-", 5.0, 25.0),  # 4.5 and later
    ("claude-sonnet-4", 3.0, 15.0),
    ("claude-haiku-4", 1.0, 5.0),
    ("claude-3-7-sonnet", 3.0, 15.0),
    ("claude-3-5-sonnet", 3.0, 15.0),
    ("claude-3-5-haiku", 0.8, 4.0),
    ("claude-3-opus", 15.0, 75.0),
    ("claude-3-haiku", 0.25, 1.25),
)
_CACHE_WRITE: Final = 1.25
_CACHE_READ: Final = 0.1
_PER: Final = 1_000_000


def price_of(model: str) -> tuple[float, float]:
    """
    Dollars per million input and output tokens of *model*; for a model
    this table does not know, ``DEFAULT_PRICE`` (Sonnet's).
    """
    if model == "claude-opus-4":
        return 15.0, 75.0  # before the price cut of Opus 4.5
    for prefix, per_input, per_output in _PRICES:
        if model.startswith(prefix):
            return per_input, per_output
    return DEFAULT_PRICE


def cost_of(
    price: tuple[float, float],
    input_tokens: int,
    output_tokens: int,
    cache_writes: int = 0,
    cache_reads: int = 0,
) -> float:
    """
    Dollars for a query's tokens at *price*; *input_tokens* excludes the
    cache writes and reads, which are priced apart.
    """
    per_input, per_output = price
    return (
        input_tokens * per_input
        + cache_writes * per_input * _CACHE_WRITE
        + cache_reads * per_input * _CACHE_READ
        + output_tokens * per_output
    ) / _PER

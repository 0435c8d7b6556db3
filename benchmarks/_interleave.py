"""
Interleaved comparisons: the reference and the measured case take turns,
round after round, so that a busy machine slows both alike.

Each round times one short batch of each (alternating which goes first,
so neither always runs on a cache the other warmed) and keeps the ratio
measured / reference.  The figure reported is the median of those
per-round ratios, with the lowest and highest as the spread.
"""

from __future__ import annotations

import gc
import statistics
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING


if TYPE_CHECKING:
    from collections.abc import Callable


# The reference batch is made at least this long, so that the timer's
# resolution and a single scheduler hiccup weigh little in one round.
MIN_BATCH_SECONDS = 0.02


@dataclass(frozen=True)
class Ratio:
    """
    The outcome of one interleaved comparison.

    Attributes:
        median: The median of the per-round ratios (measured / reference).

        low: The lowest per-round ratio.

        high: The highest per-round ratio.

        reference: The median seconds of one reference call.

        measured: The median seconds of one measured call.

        rounds: How many rounds were run.
    """

    median: float
    low: float
    high: float
    reference: float
    measured: float
    rounds: int

    @property
    def spread(self) -> str:
        """
        The range of the per-round ratios, as text.
        """
        return f"{self.low:.2f}-{self.high:.2f}"


def timed(fn: Callable[[], object], number: int) -> Callable[[], float]:
    """
    A batch of *number* calls of *fn*, timed with the collector off.
    """

    def batch() -> float:
        gc.disable()
        try:
            start = time.perf_counter()
            for _ in range(number):
                fn()
            return time.perf_counter() - start
        finally:
            gc.enable()

    return batch


def calibrate(
    fn: Callable[[], object], floor: float = MIN_BATCH_SECONDS
) -> int:
    """
    How many calls of *fn* make a batch of at least *floor* seconds.
    """
    number = 1
    while True:
        if timed(fn, number)() >= floor or number >= 1 << 24:
            return number
        number *= 2


def interleave(
    reference: Callable[[], float],
    measured: Callable[[], float],
    *,
    rounds: int,
    number: int = 1,
) -> Ratio:
    """
    Run *rounds* rounds of one reference batch and one measured batch.

    Args:
        reference: A batch of the reference case, returning the seconds
            it spent on what is measured (so that it may leave its own
            setup, such as emptying a cache, out).

        measured: A batch of the measured case, returning its seconds.

        rounds: How many rounds, after one uncounted warm-up batch each.

        number: How many calls each batch makes, to report per-call times.
    """
    reference()
    measured()
    ratios: list[float] = []
    reference_times: list[float] = []
    measured_times: list[float] = []
    for round_number in range(rounds):
        if round_number % 2:
            t_measured = measured()
            t_reference = reference()
        else:
            t_reference = reference()
            t_measured = measured()
        reference_times.append(t_reference / number)
        measured_times.append(t_measured / number)
        ratios.append(t_measured / t_reference)
    return Ratio(
        median=statistics.median(ratios),
        low=min(ratios),
        high=max(ratios),
        reference=statistics.median(reference_times),
        measured=statistics.median(measured_times),
        rounds=rounds,
    )


def compare(
    reference: Callable[[], object],
    measured: Callable[[], object],
    *,
    rounds: int,
) -> Ratio:
    """
    Interleave two plain functions, each batch as many calls as make the
    reference batch last at least ``MIN_BATCH_SECONDS``.
    """
    number = calibrate(reference)
    return interleave(
        timed(reference, number),
        timed(measured, number),
        rounds=rounds,
        number=number,
    )

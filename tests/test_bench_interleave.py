"""
The benchmarks' interleaving harness and results table, on batches that
report made-up times (no clock is read, so nothing here depends on the
machine's load).
"""

import importlib.util
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st


BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def _load(stem, name):
    # By file: benchmarks/ is a folder of scripts, not a package.
    spec = importlib.util.spec_from_file_location(
        name, BENCHMARKS / f"{stem}.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


interleave_module = _load("_interleave", "bench_interleave")
report = _load("_report", "bench_report")


def _batch(times, log, label):
    remaining = iter(times)

    def batch():
        log.append(label)
        return next(remaining)

    return batch


def test_ratio_is_the_median_of_per_round_ratios():
    """The warm-up is left out; median, low and high come from the rounds."""
    log: list[str] = []
    reference = _batch([1.0, 1.0, 2.0, 1.0, 1.0, 4.0], log, "A")
    measured = _batch([99.0, 2.0, 6.0, 1.0, 5.0, 16.0], log, "B")

    ratio = interleave_module.interleave(reference, measured, rounds=5)

    assert (ratio.median, ratio.low, ratio.high) == (3.0, 1.0, 5.0)
    assert ratio.spread == "1.00-5.00"
    assert ratio.rounds == 5


def test_rounds_alternate_which_case_goes_first():
    """Warm-up A B, then A B, B A, A B, B A."""
    log: list[str] = []
    interleave_module.interleave(
        _batch([1.0] * 5, log, "A"), _batch([1.0] * 5, log, "B"), rounds=4
    )

    assert "".join(log) == "AB" + "AB" + "BA" + "AB" + "BA"


def test_per_call_times_divide_by_number():
    """Batches of ten calls report the median time of one call."""
    ratio = interleave_module.interleave(
        lambda: 1.0, lambda: 3.0, rounds=3, number=10
    )

    assert (ratio.reference, ratio.measured) == (0.1, 0.3)


def test_timed_calls_the_function_number_times():
    """A timed batch makes exactly its number of calls."""
    calls = []

    interleave_module.timed(lambda: calls.append(1), 7)()

    assert len(calls) == 7


@given(st.lists(st.floats(0.01, 100), min_size=1, max_size=15))
def test_median_lies_within_the_spread(ratios):
    """Whatever the rounds give, low <= median <= high."""
    ratio = interleave_module.interleave(
        lambda: 1.0, _batch([1.0, *ratios], [], "B"), rounds=len(ratios)
    )

    assert ratio.low <= ratio.median <= ratio.high


@pytest.mark.parametrize(
    ("median", "target", "mark"), [(1.2, 1.5, "ok"), (1.6, 1.5, "MISS")]
)
def test_table_marks_targets(median, target, mark):
    """A row is marked ok at or under its target and MISS over it."""
    ratio = interleave_module.Ratio(median, 1.0, 2.0, 1.0, median, 3)

    table = report.render([report.ratio_row("case", ratio, target)])

    assert table.splitlines()[1].endswith(mark)


def test_overhead_row_shows_percent():
    """A 1.04x ratio is a 4% overhead, within a 5% target."""
    ratio = interleave_module.Ratio(1.04, 1.01, 1.07, 1.0, 1.04, 3)

    row = report.overhead_row("loop", ratio, 5)

    assert (row.value, row.passed) == ("+4.0%", True)


def test_notes_follow_the_table():
    """A row's note is printed under the table, after the case name."""
    table = report.render([report.Row("program x", "refused", note="why")])

    assert table.splitlines()[-1] == "program x: why"

"""
The third-party rows: how many ran unmodified, the median and max ratio
of those that ran, one row per program or module, and the first error of
each that was refused.
"""

from __future__ import annotations

import math
import statistics
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from _report import Row, ratio_row

from thirdparty.modules import bench_modules
from thirdparty.programs import bench_programs


if TYPE_CHECKING:
    from collections.abc import Callable

    from thirdparty._outcome import Outcome


# The targets: 19 of 20 programs, 4 of 5 modules (as a share).
PROGRAM_SHARE = 19 / 20
MODULE_SHARE = 4 / 5
MEDIAN_TARGET = 1.3
MAX_TARGET = 2.0


def summarise(label: str, outcomes: list[Outcome], share: float) -> list[Row]:
    """
    The count, median and max rows, then one row per outcome.
    """
    ran = {o.name: o.ratio.median for o in outcomes if o.ratio is not None}
    needed = math.ceil(share * len(outcomes))
    rows = [
        Row(
            f"{label}: run unmodified",
            f"{len(ran)}/{len(outcomes)}",
            target=f">= {needed}/{len(outcomes)}",
            passed=len(ran) >= needed,
        )
    ]
    if ran:
        median, worst = statistics.median(ran.values()), max(ran.values())
        rows += [
            Row(
                f"{label}: median of those that ran",
                f"{median:.2f}x",
                f"{min(ran.values()):.2f}-{worst:.2f}",
                f"<= {MEDIAN_TARGET:g}x",
                median <= MEDIAN_TARGET,
            ),
            Row(
                f"{label}: max of those that ran",
                f"{worst:.2f}x",
                target=f"<= {MAX_TARGET:g}x",
                passed=worst <= MAX_TARGET,
            ),
        ]
    for outcome in outcomes:
        case = f"  {label} {outcome.name}"
        if outcome.ratio is None:
            shown = "refused" if outcome.fetched else "not fetched"
            rows.append(Row(case, shown, note=outcome.error or ""))
        else:
            rows.append(ratio_row(case, outcome.ratio))
    return rows


def bench_thirdparty(cache: Path, rounds: int) -> list[Row]:
    """
    The pyperformance programs and the PyPI modules, downloaded into
    *cache* if they are not there yet.
    """
    groups: list[tuple[str, Callable[..., list[Outcome]], float]] = [
        ("pyperformance", bench_programs, PROGRAM_SHARE),
        ("PyPI module", bench_modules, MODULE_SHARE),
    ]
    rows = []
    with tempfile.TemporaryDirectory() as home:
        for label, run, share in groups:
            try:
                outcomes = run(cache, Path(home) / label, rounds=rounds)
            except Exception as exc:  # noqa: BLE001 -- reported; the run goes on
                rows.append(
                    Row(f"{label}: download or setup", "failed", note=str(exc))
                )
                continue
            rows += summarise(label, outcomes, share)
    return rows

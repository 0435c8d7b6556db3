"""
The results table: one row per comparison, with its target and a mark.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING


if TYPE_CHECKING:
    from collections.abc import Iterable

    from _interleave import Ratio


@dataclass(frozen=True)
class Row:
    """
    One line of the table.

    Attributes:
        case: What was compared with what.

        value: The figure (a median ratio, an overhead, a count).

        spread: The range over the rounds, if any.

        target: The target, as text, if any.

        passed: Whether the target is met; None where there is none.

        note: A remark printed under the table (an error, a time).
    """

    case: str
    value: str
    spread: str = ""
    target: str = ""
    passed: bool | None = None
    note: str = ""


def ratio_row(case: str, ratio: Ratio, target: float | None = None) -> Row:
    """
    A row for a ratio of medians, to meet ``<= target`` if one is given.
    """
    return Row(
        case,
        f"{ratio.median:.2f}x",
        ratio.spread,
        "" if target is None else f"<= {target:g}x",
        None if target is None else ratio.median <= target,
    )


def overhead_row(case: str, ratio: Ratio, target_percent: float) -> Row:
    """
    A row for an overhead in percent: (measured / reference - 1) * 100.
    """
    low, high = (ratio.low - 1) * 100, (ratio.high - 1) * 100
    overhead = (ratio.median - 1) * 100
    return Row(
        case,
        f"{overhead:+.1f}%",
        f"{low:+.0f}..{high:+.0f}%",
        f"<= {target_percent:g}%",
        overhead <= target_percent,
    )


MARKS = {True: "ok", False: "MISS", None: ""}


def render(rows: Iterable[Row]) -> str:
    """
    The rows as an aligned text table, then their notes.
    """
    header = Row("case", "ratio", "spread", "target")
    lines = [header, *rows]
    notes = [f"{row.case.strip()}: {row.note}" for row in lines if row.note]
    width = max(len(row.case) for row in lines)
    text = []
    for row in lines:
        mark = "mark" if row is header else MARKS[row.passed]
        text.append(
            f"{row.case:<{width}}  {row.value:>9}  {row.spread:>13}  "
            f"{row.target:>9}  {mark}".rstrip()
        )
    if notes:
        text += ["", *notes]
    return "\n".join(text)

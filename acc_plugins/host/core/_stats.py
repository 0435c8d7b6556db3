"""
Resource statistics per plugin: counters and recent latencies, in memory
while the host runs and added to ``stats.json`` in the data folder when it
stops, so that ``acc-plugins stats`` reports across runs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from typing import TYPE_CHECKING, Any, Final

import attrs

from acc_plugins.host.config._atomic import write_atomic


if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from pathlib import Path

    from ._record import PluginRecord

_COUNTERS: Final = (
    "calls",
    "errors",
    "breaches",
    "denials",
    "violations",
    "steps",
)


def percentile(samples: Sequence[float], fraction: float) -> float | None:
    """
    The *fraction* quantile of *samples* (nearest rank), or None if empty.
    """
    if not samples:
        return None
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index]


@attrs.frozen
class PluginStats:
    """
    What one plugin has cost.

    Attributes:
        name: The plugin.

        calls: Calls into its code (tools, agents, hooks, lifecycle).

        errors: Calls that failed.

        breaches: Calls stopped by a budget.

        denials: Capabilities refused to it.

        violations: Sandbox refusals.

        seconds: Time spent in its code.

        p50_ms: Median latency of its recent calls, in milliseconds.

        p99_ms: 99th-percentile latency of its recent calls.

        peak_memory_mb: The most memory its worker process held, for an
            isolated plugin; None in-process.

        steps: Steps its calls took, when ``[limits] steps`` counts them
            (0 otherwise).

        last_error: Its most recent failure (a load or a call), as
            ``message``, ``location``, ``kind`` and, once saved, ``at``
            (when the run that saw it ended): each CLI command is a run of
            its own, and ``acc-plugins inspect`` shows what an earlier one
            saw.
    """

    name: str
    calls: int = 0
    errors: int = 0
    breaches: int = 0
    denials: int = 0
    violations: int = 0
    seconds: float = 0.0
    p50_ms: float | None = None
    p99_ms: float | None = None
    peak_memory_mb: float | None = None
    steps: int = 0
    last_error: dict[str, str | None] | None = None

    @classmethod
    def of(cls, record: PluginRecord) -> PluginStats:
        """
        The live figures of *record* (latencies: its last 4096 calls).
        """
        stats = record.stats
        samples = list(stats.latencies)
        p50 = percentile(samples, 0.5)
        p99 = percentile(samples, 0.99)
        failure = record.last_error
        return cls(
            name=record.name,
            calls=stats.calls,
            errors=stats.errors,
            breaches=stats.breaches,
            denials=stats.denials,
            violations=stats.violations,
            seconds=stats.seconds,
            p50_ms=None if p50 is None else p50 * 1000,
            p99_ms=None if p99 is None else p99 * 1000,
            peak_memory_mb=stats.peak_memory_mb,
            steps=stats.steps,
            last_error=None
            if failure is None
            else {
                "message": failure.message,
                "location": failure.location,
                "kind": failure.kind,
            },
        )


def save(path: Path, figures: Iterable[PluginStats]) -> None:
    """
    Add this run's *figures* to the totals in *path*, atomically.

    Counters and time add up across runs; percentiles are the latest
    run's, when it made calls.
    """
    try:
        loaded: object = json.loads(path.read_text())
    except (OSError, ValueError):
        loaded = {}
    totals: dict[str, dict[str, Any]] = (
        loaded if isinstance(loaded, dict) else {}
    )
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    for figure in figures:
        if figure.last_error is not None:
            entry = totals.setdefault(figure.name, {})
            entry["last_error"] = {**figure.last_error, "at": now}
        if not figure.calls and not figure.denials:
            continue
        entry = totals.setdefault(figure.name, {})
        for counter in _COUNTERS:
            entry[counter] = int(entry.get(counter, 0)) + getattr(
                figure, counter
            )
        entry["seconds"] = float(entry.get("seconds", 0.0)) + figure.seconds
        if figure.p50_ms is not None:
            entry["p50_ms"] = figure.p50_ms
            entry["p99_ms"] = figure.p99_ms
        if figure.peak_memory_mb is not None:
            entry["peak_memory_mb"] = max(
                float(entry.get("peak_memory_mb") or 0.0),
                figure.peak_memory_mb,
            )
        entry["updated"] = now
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(totals, indent=2, sort_keys=True)
        write_atomic(path, text.encode("utf-8"))


def load(path: Path) -> list[PluginStats]:
    """
    The totals saved in *path*, sorted by plugin; empty if there are none.
    """
    try:
        totals = json.loads(path.read_text())
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        msg = f"{path}: unreadable statistics: {exc}"
        raise OSError(msg) from None
    figures = []
    for name, entry in sorted(totals.items()):
        figures.append(
            PluginStats(
                name=name,
                seconds=float(entry.get("seconds", 0.0)),
                p50_ms=entry.get("p50_ms"),
                p99_ms=entry.get("p99_ms"),
                peak_memory_mb=entry.get("peak_memory_mb"),
                last_error=_failure(entry.get("last_error")),
                **{c: int(entry.get(c, 0)) for c in _COUNTERS},
            )
        )
    return figures


def _failure(saved: object) -> dict[str, str | None] | None:
    # The file is ours, but a hand edit must not break `stats`: a saved
    # error that is not the shape written above is left out.
    if not isinstance(saved, dict) or not isinstance(
        saved.get("message"), str
    ):
        return None
    return {
        key: value if isinstance(value, str) else None
        for key, value in saved.items()
        if key in {"message", "location", "kind", "at"}
    }

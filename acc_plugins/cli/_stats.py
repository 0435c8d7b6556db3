"""
``acc-plugins stats``: what each plugin has cost, across runs.
"""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import click
import platformdirs
from rich.table import Table

from ._format import console


_NUMBERS = (
    "calls",
    "errors",
    "breaches",
    "denials",
    "refusals",
    "steps",
    "seconds",
    "p50 ms",
    "p99 ms",
    "peak MB",
)


def _cell(value: float | None) -> str:
    return "-" if value is None else f"{value:.3g}"


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def stats(ctx: click.Context, as_json: bool) -> None:
    """
    Calls, errors, budget breaches, denials, refusals, steps (for plugins
    that count them), latency and (for isolated plugins) the worker's peak
    memory per plugin, added up over every host run that shared the data
    folder.

    \b
    Example:
      acc-plugins stats --json
    """
    from acc_plugins.host.core._stats import load  # noqa: PLC0415

    data_dir = (ctx.obj or {}).get("data_dir")
    folder = (
        Path(data_dir)
        if data_dir is not None
        else platformdirs.user_data_path("acc-plugins", appauthor=False)
    )
    figures = load(folder / "stats.json")
    if as_json:
        click.echo(json.dumps([attrs.asdict(f) for f in figures], indent=2))
        return
    if not figures:
        click.echo("no statistics yet: no plugin has been called")
        return
    table = Table(title="plugin statistics", title_justify="left")
    table.add_column("plugin")
    for column in _NUMBERS:
        table.add_column(column, justify="right")
    for f in figures:
        counts = (f.calls, f.errors, f.breaches, f.denials, f.violations)
        steps = str(f.steps) if f.steps else "-"
        table.add_row(
            f.name,
            *map(str, counts),
            steps,
            f"{f.seconds:.3f}",
            _cell(f.p50_ms),
            _cell(f.p99_ms),
            _cell(f.peak_memory_mb),
        )
    console().print(table)

"""
Benchmarks: each figure is the median of per-round ratios against a
reference run in the same rounds, interleaved (plain Python, pluggy,
compile(), import), never an absolute time.

    python benchmarks/run.py                      # everything, 3-5 minutes
    python benchmarks/run.py --quick              # fewer rounds
    python benchmarks/run.py --only thirdparty    # one group (repeatable)

Results are recorded in docs/performance.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from _report import render
from application import bench_application
from dispatch import bench_dispatch, bench_isolation
from execution import bench_execution
from install import bench_install
from lifecycle import bench_dependencies, bench_reload
from loading import bench_loading
from mcpcall import bench_mcp
from pluginlog import bench_pluginlog
from providers import bench_providers
from scale import bench_scale
from search import bench_search
from thirdparty._fetch import DEFAULT_CACHE
from thirdparty.report import bench_thirdparty

from market import bench_market


if TYPE_CHECKING:
    from collections.abc import Callable

    from _report import Row


def _groups(cache: Path) -> dict[str, list[Callable[[int], list[Row]]]]:
    return {
        "dispatch": [bench_dispatch, bench_isolation],
        "application": [bench_application],
        "logging": [bench_pluginlog],
        "mcp": [bench_mcp],
        "providers": [bench_providers],
        "loading": [bench_loading],
        "execution": [bench_execution],
        "lifecycle": [bench_reload, bench_dependencies],
        "scale": [bench_scale],
        "market": [bench_market, bench_install],
        "search": [bench_search],
        "thirdparty": [lambda rounds: bench_thirdparty(cache, rounds)],
    }


# Rounds per group, (quick, full): fewer where one round takes seconds.
ROUNDS = {
    "loading": (3, 9),
    "lifecycle": (3, 5),
    "scale": (1, 3),
    "search": (3, 7),
    "thirdparty": (3, 7),
}
DEFAULT_ROUNDS = (5, 21)


def main() -> None:
    """
    Run the chosen groups and print each one's table as it finishes.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    parser.add_argument(
        "--only",
        action="append",
        choices=list(_groups(DEFAULT_CACHE)),
        help="run only this group (may be given more than once)",
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=DEFAULT_CACHE,
        help=f"where PyPI downloads are kept (default {DEFAULT_CACHE})",
    )
    options = parser.parse_args()
    groups = _groups(options.cache)
    chosen = options.only or list(groups)
    print(
        f"Python {sys.version.split()[0]}; median of per-round ratios, "
        "reference and measured interleaved; spread = lowest-highest round\n"
    )
    started = time.perf_counter()
    for group in chosen:
        quick, full = ROUNDS.get(group, DEFAULT_ROUNDS)
        rounds = quick if options.quick else full
        group_started = time.perf_counter()
        rows = [row for bench in groups[group] for row in bench(rounds)]
        seconds = time.perf_counter() - group_started
        print(f"== {group} ({rounds} rounds, {seconds:.0f} s)")
        print(render(rows), end="\n\n", flush=True)
    print(f"all done in {time.perf_counter() - started:.0f} s")
    print("Reproduce: nox -s bench   (or: python benchmarks/run.py)")


if __name__ == "__main__":
    main()

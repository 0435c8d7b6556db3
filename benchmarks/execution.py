"""
Restricted execution: ``main()`` of each workload and of each program of
the compatibility suite, imported normally and as plugin code.
"""

from __future__ import annotations

import importlib.util
import statistics
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from _interleave import Ratio, compare
from _report import Row, ratio_row

from acc_plugins.sandbox import Sandbox


if TYPE_CHECKING:
    from collections.abc import Callable


ROOT = Path(__file__).resolve().parent
WORKLOADS = ROOT / "workloads"
PROGRAMS = ROOT.parent / "tests" / "compat" / "programs"

WORKLOAD_TARGETS = {
    "tokenizer": 1.5,
    "string_building": 1.5,
    "records": 1.5,
    "attribute_heavy": 2.0,
}


def _plain_main(path: Path) -> Callable[[], object]:
    name = f"bench_plain_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    main: Callable[[], object] = module.main
    return main


def _ratio(
    folder: Path, name: str, rounds: int, steps: int | None = None
) -> Ratio:
    plain = _plain_main(folder / f"{name}.py")
    sandbox = Sandbox(folder, f"bench-{name}", steps=steps)
    try:
        main = sandbox.import_module(name).main

        def sandboxed() -> object:
            # As the host calls plugin code: under the plugin's budget.
            return sandbox.run(main)

        assert plain() == sandboxed(), name
        return compare(plain, sandboxed, rounds=rounds)
    finally:
        sandbox.close()


def bench_execution(rounds: int) -> list[Row]:
    """
    The workloads (and with ``[limits] steps`` counted), then the
    compatibility suite's median and max.
    """
    rows = [
        ratio_row(
            f"workload {name} / plain", _ratio(WORKLOADS, name, rounds), target
        )
        for name, target in WORKLOAD_TARGETS.items()
    ]
    rows += [
        # Opt-in, so no target: what counting steps costs.
        ratio_row(
            f"workload {name}, steps counted / plain",
            _ratio(WORKLOADS, name, rounds, 10**12),
        )
        for name in WORKLOAD_TARGETS
    ]
    medians = {
        path.stem: _ratio(PROGRAMS, path.stem, rounds).median
        for path in sorted(PROGRAMS.glob("*.py"))
    }
    worst = max(medians, key=medians.__getitem__)
    rows.append(
        Row(
            f"compatibility suite ({len(medians)} programs), median / plain",
            f"{statistics.median(medians.values()):.2f}x",
            f"{min(medians.values()):.2f}-{medians[worst]:.2f}",
            "<= 1.5x",
            statistics.median(medians.values()) <= 1.5,
            note=f"slowest {worst} {medians[worst]:.2f}x",
        )
    )
    return rows

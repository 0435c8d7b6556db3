"""
Loading 100 plugins: a cold start (empty caches) against ``compile()`` of
their sources, and a warm start against importing the same code as
ordinary packages with their ``__pycache__`` written.
"""

from __future__ import annotations

import compileall
import dataclasses
import importlib
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from _interleave import Ratio, interleave
from _report import Row, ratio_row
from plugins import GENERATED, SMALL, plain_instance, write_plugins

from acc_plugins.host import PluginHost


if TYPE_CHECKING:
    from collections.abc import Callable


COUNT = 100


def _host_start(home: Path, *, cold: bool) -> Callable[[], float]:
    plugins, cache, data = home / "plugins", home / "cache", home / "data"

    def start() -> float:
        if cold:
            shutil.rmtree(cache, ignore_errors=True)
            shutil.rmtree(data, ignore_errors=True)
        host = PluginHost([plugins], cache_dir=cache, data_dir=data)
        started = time.perf_counter()
        host.start()
        elapsed = time.perf_counter() - started
        tools = len(host.tools())
        host.stop()
        assert tools >= 2 * COUNT, f"only {tools} tools: {host.plugins()[0]}"
        return elapsed

    return start


def _compile_all(sources: list[str]) -> Callable[[], float]:
    def compile_all() -> float:
        started = time.perf_counter()
        for n, source in enumerate(sources):
            compile(source, f"gen{n}.py", "exec")
        return time.perf_counter() - started

    return compile_all


def _plain_packages(root: Path, sources: list[str]) -> Callable[[], float]:
    # The same modules as ordinary packages bench_gen0...; each batch
    # imports them afresh from their __pycache__ and makes each plugin's
    # instance, as the host does.
    names = [f"bench_gen{n}" for n in range(len(sources))]
    for name, source in zip(names, sources, strict=True):
        (root / name).mkdir(parents=True)
        (root / name / "__init__.py").write_text(source)
    # Written here, as PYTHONDONTWRITEBYTECODE may keep import from it.
    compileall.compile_dir(root, quiet=1)

    def import_all() -> float:
        for name in names:
            sys.modules.pop(name, None)
        started = time.perf_counter()
        for n, name in enumerate(names):
            plain_instance(
                getattr(importlib.import_module(name), f"Generated{n}")
            )
        return time.perf_counter() - started

    return import_all


def _bench_size(label: str, template: str, rounds: int) -> list[Row]:
    with tempfile.TemporaryDirectory() as home:
        root = Path(home)
        sources = write_plugins(root / "plugins", COUNT, template=template)
        packages = root / "packages"
        sys.path.insert(0, str(packages))
        try:
            cold = interleave(
                _compile_all(sources),
                _host_start(root, cold=True),
                rounds=rounds,
            )
            warm = interleave(
                _plain_packages(packages, sources),
                _host_start(root, cold=False),
                rounds=rounds,
            )
        finally:
            sys.path.remove(str(packages))
            for name in [n for n in sys.modules if n.startswith("bench_gen")]:
                del sys.modules[name]
    return [
        _with_times(f"cold start, 100 {label} / compile()", cold, 6.0),
        _with_times(f"warm start, 100 {label} / plain import", warm, 1.5),
    ]


def _with_times(case: str, ratio: Ratio, target: float) -> Row:
    row = ratio_row(case, ratio, target)
    times = (
        f"{ratio.measured * 1e3:.0f} ms against {ratio.reference * 1e3:.0f} ms"
    )
    return dataclasses.replace(row, note=times)


def bench_loading(rounds: int) -> list[Row]:
    """
    Cold and warm starts of 100 plugins of about 170 lines, then of 100
    plugins of about 40.
    """
    return [
        *_bench_size("170-line plugins", GENERATED, rounds),
        *_bench_size("40-line plugins", SMALL, rounds),
    ]

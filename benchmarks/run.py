"""
Benchmarks: each figure is a ratio against a reference measured in the same
run (a direct call, pluggy, plain compile()/exec()), never an absolute time.

    python benchmarks/run.py            # all, about a minute
    python benchmarks/run.py --quick    # fewer repetitions

Results are recorded in docs/performance.md.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import shutil
import statistics
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pluggy
from acc_plugins.host import PluginHost
from acc_plugins.sandbox import Sandbox


if TYPE_CHECKING:
    from collections.abc import Callable


ROOT = Path(__file__).resolve().parent
WORKLOADS = ROOT / "workloads"
PROGRAMS = ROOT.parent / "tests" / "compat" / "programs"


def best_of(fn: Callable[[], object], number: int, repeat: int) -> float:
    """
    Seconds per call: the best of *repeat* runs of *number* calls.
    """
    times = []
    for _ in range(repeat):
        gc.disable()
        start = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - start) / number)
        gc.enable()
    return min(times)


# -- (a) dispatch overhead -------------------------------------------------

TRIVIAL_PLUGIN = """
from acc_plugins.sdk import Plugin, tool

class Trivial(Plugin):
    @tool
    def add_one(self, x: int) -> int:
        return x + 1
"""

TRIVIAL_MANIFEST = """
[plugin]
name = "trivial"
version = "1.0.0"
description = "A trivial tool."
entry = "trivial:Trivial"
kind = "tool"
"""


def bench_dispatch(scale: int) -> list[tuple[str, float, str]]:
    hookspec = pluggy.HookspecMarker("bench")
    hookimpl = pluggy.HookimplMarker("bench")

    class Spec:
        @hookspec
        def add_one(self, x: int) -> list[int]:  # type: ignore[empty-body]
            ...

    class Impl:
        @hookimpl
        def add_one(self, x: int) -> int:
            return x + 1

    manager = pluggy.PluginManager("bench")
    manager.add_hookspecs(Spec)
    manager.register(Impl())
    hook = manager.hook.add_one

    def direct(x: int) -> int:
        return x + 1

    with tempfile.TemporaryDirectory() as home:
        folder = Path(home) / "plugins" / "trivial"
        folder.mkdir(parents=True)
        (folder / "plugin.toml").write_text(TRIVIAL_MANIFEST)
        (folder / "trivial.py").write_text(TRIVIAL_PLUGIN)
        with PluginHost(
            [folder.parent],
            cache_dir=Path(home) / "c",
            data_dir=Path(home) / "d",
        ) as host:
            call = host.call_tool
            number, repeat = 20_000 * scale, 7
            t_direct = best_of(lambda: direct(x=1), number, repeat)
            t_pluggy = best_of(lambda: hook(x=1), number, repeat)
            t_host = best_of(
                lambda: call("trivial.add_one", x=1), number, repeat
            )
    return [
        ("direct call", t_direct, "reference"),
        (
            "pluggy hook, one implementation",
            t_pluggy,
            f"{t_pluggy / t_direct:.1f}x direct",
        ),
        (
            "host.call_tool, trivial sandboxed tool",
            t_host,
            (
                f"{t_host / t_pluggy:.2f}x pluggy (target <= 0.5x); "
                f"{t_host / t_direct:.1f}x direct"
            ),
        ),
    ]


# -- (b) loading 100 plugins -----------------------------------------------

GENERATED = '''
"""Generated plugin number {n}."""

import re
from dataclasses import dataclass

from acc_plugins.sdk import Plugin, ToolError, tool


@dataclass
class Record{n}:
    key: str
    count: int = 0


class Generated{n}(Plugin):
    """Plugin {n}."""

    def __init__(self):
        self._records = {{}}

    def _get(self, key):
        if key not in self._records:
            self._records[key] = Record{n}(key)
        return self._records[key]

    @tool
    def count(self, text: str) -> dict[str, int]:
        """Count words."""
        for word in re.findall(r"[a-z]+", text.lower()):
            self._get(word).count += 1
        return {{k: r.count for k, r in self._records.items()}}

    @tool
    def top(self, n: int = 3) -> list[str]:
        """The most frequent words."""
        if n < 1:
            raise ToolError("n must be positive")
        ranked = sorted(self._records.values(), key=lambda r: -r.count)
        return [r.key for r in ranked[:n]]
'''


def _write_plugins(root: Path, count: int) -> list[str]:
    sources = []
    for n in range(count):
        folder = root / f"gen{n}"
        folder.mkdir(parents=True)
        source = GENERATED.format(n=n)
        (folder / "plugin.toml").write_text(
            TRIVIAL_MANIFEST.replace(
                "trivial:Trivial", f"gen:Generated{n}"
            ).replace('"trivial"', f'"gen{n}"')
        )
        (folder / "gen.py").write_text(source)
        sources.append(source)
    return sources


def bench_loading(scale: int) -> list[tuple[str, float, str]]:
    count = 100
    cold_times: list[float] = []
    warm_times: list[float] = []
    compile_times: list[float] = []
    with tempfile.TemporaryDirectory() as home:
        plugins = Path(home) / "plugins"
        sources = _write_plugins(plugins, count)
        for _ in range(3 * scale):
            cache = Path(home) / "cache"
            shutil.rmtree(cache, ignore_errors=True)
            for times in (cold_times, warm_times):
                host = PluginHost(
                    [plugins], cache_dir=cache, data_dir=Path(home) / "d"
                )
                start = time.perf_counter()
                host.start()
                times.append(time.perf_counter() - start)
                assert len(host.tools()) == 2 * count, host.plugins()[
                    0
                ].last_error
                host.stop()
            start = time.perf_counter()
            for n, source in enumerate(sources):
                compile(source, f"gen{n}.py", "exec")
            compile_times.append(time.perf_counter() - start)
    t_compile, t_cold, t_warm = (
        min(compile_times),
        min(cold_times),
        min(warm_times),
    )
    return [
        ("compile() of the 100 sources", t_compile, "reference"),
        (
            "cold load of 100 plugins",
            t_cold,
            f"{t_cold / t_compile:.2f}x compile() (target <= 5x)",
        ),
        (
            "warm load of 100 plugins",
            t_warm,
            f"{t_warm / t_compile:.2f}x compile() (target <= 0.2x)",
        ),
    ]


# -- (c) restricted execution ------------------------------------------------


def _plain_module(path: Path, name: str) -> object:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _ratio(
    folder: Path, name: str, number: int, repeat: int
) -> tuple[float, float]:
    plain = _plain_module(folder / f"{name}.py", f"bench_plain_{name}")
    sandboxed = Sandbox(folder, f"bench-{name}").import_module(name)
    plain_main = plain.main  # type: ignore[attr-defined]
    sandboxed_main = sandboxed.main
    assert plain_main() == sandboxed_main(), name
    t_plain = best_of(plain_main, number, repeat)
    t_sandboxed = best_of(sandboxed_main, number, repeat)
    return t_plain, t_sandboxed


def bench_execution(scale: int) -> list[tuple[str, float, str]]:
    rows = []
    for name, target in (
        ("tokenizer", 1.5),
        ("string_building", 1.5),
        ("records", 1.5),
        ("attribute_heavy", 2.0),
    ):
        t_plain, t_sandboxed = _ratio(WORKLOADS, name, 20 * scale, 5)
        rows.append(
            (
                f"workload {name}",
                t_sandboxed,
                f"{t_sandboxed / t_plain:.2f}x plain (target <= {target}x)",
            )
        )
    ratios = []
    for path in sorted(PROGRAMS.glob("*.py")):
        t_plain, t_sandboxed = _ratio(PROGRAMS, path.stem, 5 * scale, 5)
        ratios.append(t_sandboxed / t_plain)
    rows.append(
        (
            f"compatibility suite ({len(ratios)} programs)",
            0.0,
            (
                f"median {statistics.median(ratios):.2f}x plain (target <= 1.5x), "
                f"max {max(ratios):.2f}x"
            ),
        )
    )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument(
        "--quick", action="store_true", help="fewer repetitions"
    )
    scale = 1 if parser.parse_args().quick else 3
    print(
        f"Python {sys.version.split()[0]}; best of repeated runs; ratios in one run\n"
    )
    print(f"{'benchmark':<44} {'time':>12}  ratio")
    for section in (bench_dispatch, bench_loading, bench_execution):
        for label, seconds, ratio in section(scale):
            shown = (
                f"{seconds * 1e6:10.2f}µs"
                if seconds < 0.01
                else f"{seconds * 1e3:10.2f}ms"
            )
            print(f"{label:<44} {shown if seconds else '':>12}  {ratio}")
    print(
        textwrap.dedent("""
        Reproduce: nox -s bench   (or: python benchmarks/run.py)""")
    )


if __name__ == "__main__":
    main()

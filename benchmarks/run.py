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
import subprocess
import sys
import tempfile
import textwrap
import time
import types
from pathlib import Path
from typing import TYPE_CHECKING

import pluggy
from lifecycle import bench_dependencies, bench_reload
from plugins import TRIVIAL_MANIFEST, write_plugins

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


def _trivial_host(home: Path, *, isolation: str) -> PluginHost:
    folder = home / "plugins" / "trivial"
    folder.mkdir(parents=True)
    (folder / "plugin.toml").write_text(
        f'{TRIVIAL_MANIFEST}isolation = "{isolation}"\n'
    )
    (folder / "trivial.py").write_text(TRIVIAL_PLUGIN)
    return PluginHost(
        [folder.parent], cache_dir=home / "c", data_dir=home / "d"
    )


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

    with (
        tempfile.TemporaryDirectory() as home,
        _trivial_host(Path(home), isolation="in-process") as host,
    ):
        call = host.call_tool
        number, repeat = 20_000 * scale, 7
        t_direct = best_of(lambda: direct(x=1), number, repeat)
        t_pluggy = best_of(lambda: hook(x=1), number, repeat)
        t_host = best_of(lambda: call("trivial.add_one", x=1), number, repeat)
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


# -- (a2) the isolated tier's round trip -------------------------------------

ECHO_LOOP = (
    "import sys, json\n"
    "for line in sys.stdin:\n"
    "    sys.stdout.write(json.dumps({'ok': json.loads(line)['x'] + 1}) + '\\n')\n"
    "    sys.stdout.flush()\n"
)


def bench_isolation(scale: int) -> list[tuple[str, float, str]]:
    """
    A call into a worker against the floor of any pipe protocol: one JSON
    line to a Python echo process and one back.
    """
    echo = subprocess.Popen(  # noqa: S603 -- our own fixed command
        [sys.executable, "-c", ECHO_LOOP],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert echo.stdin is not None
    assert echo.stdout is not None
    stdin, stdout = echo.stdin, echo.stdout

    def pipe_round_trip() -> object:
        stdin.write(b'{"x": 1}\n')
        stdin.flush()
        return stdout.readline()

    with (
        tempfile.TemporaryDirectory() as home,
        _trivial_host(Path(home), isolation="subprocess") as host,
    ):
        call = host.call_tool
        number, repeat = 2_000 * scale, 5
        t_pipe = best_of(pipe_round_trip, number, repeat)
        t_host = best_of(lambda: call("trivial.add_one", x=1), number, repeat)
        started = time.perf_counter()
        host.deactivate("trivial")
        host.activate("trivial")
        t_start = time.perf_counter() - started
    stdin.close()
    echo.wait()
    return [
        ("JSON line to an echo process and back", t_pipe, "reference"),
        (
            "host.call_tool, trivial isolated tool",
            t_host,
            f"{t_host / t_pipe:.1f}x the pipe round trip",
        ),
        ("restart of a worker (stop, spawn, load)", t_start, ""),
    ]


# -- (b) loading 100 plugins -----------------------------------------------


def bench_loading(scale: int) -> list[tuple[str, float, str]]:
    count = 100
    cold_times: list[float] = []
    warm_times: list[float] = []
    compile_times: list[float] = []
    exec_times: list[float] = []
    with tempfile.TemporaryDirectory() as home:
        plugins = Path(home) / "plugins"
        sources = write_plugins(plugins, count)
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
                assert len(host.tools()) == 5 * count, host.plugins()[0]
                host.stop()
            start = time.perf_counter()
            codes = [
                compile(source, f"gen{n}.py", "exec")
                for n, source in enumerate(sources)
            ]
            compile_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            for n, code in enumerate(codes):
                # The floor of any load: running the module, unsandboxed.
                module = types.ModuleType(f"bench_gen{n}")
                sys.modules[module.__name__] = module
                exec(code, module.__dict__)  # noqa: S102 -- the reference
            exec_times.append(time.perf_counter() - start)
    t_compile, t_exec = min(compile_times), min(exec_times)
    t_cold, t_warm = min(cold_times), min(warm_times)
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
        (
            "exec() of the 100 modules, unsandboxed",
            t_exec,
            f"{t_exec / t_compile:.2f}x compile(): the floor of any load",
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
    folder: Path, name: str, number: int, repeat: int, steps: int | None = None
) -> tuple[float, float]:
    plain = _plain_module(folder / f"{name}.py", f"bench_plain_{name}")
    sandbox = Sandbox(folder, f"bench-{name}", steps=steps)
    module = sandbox.import_module(name)
    plain_main = plain.main  # type: ignore[attr-defined]

    def sandboxed_main() -> object:
        # As the host calls plugin code: under the plugin's time budget.
        return sandbox.run(module.main)

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
    for name in ("tokenizer", "string_building", "records", "attribute_heavy"):
        # [limits] steps compiles counting checks: what they cost.
        t_plain, t_counted = _ratio(WORKLOADS, name, 20 * scale, 5, 10**12)
        rows.append(
            (
                f"workload {name}, steps counted",
                t_counted,
                f"{t_counted / t_plain:.2f}x plain (no target: opt-in)",
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
    for section in (
        bench_dispatch,
        bench_isolation,
        bench_loading,
        bench_execution,
        bench_reload,
        bench_dependencies,
    ):
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

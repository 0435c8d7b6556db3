"""
Host lifecycle benchmarks: hot reload latency, and activation with
dependency resolution.
"""

from __future__ import annotations

import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from _interleave import interleave
from _report import Row, ratio_row
from plugins import GENERATED, write_plugins

from acc_plugins.host import PluginHost


if TYPE_CHECKING:
    from collections.abc import Callable


COUNT = 100


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * len(ordered)))]


def _watchfiles_latency(folder: Path, samples: int) -> list[float]:
    """
    The reference: from a write to watchfiles reporting it, with the
    watcher's settings (debounce 50 ms, step 10 ms).
    """
    from watchfiles import watch  # noqa: PLC0415

    stop = threading.Event()
    seen = threading.Event()
    times: list[float] = []

    def follow() -> None:
        for _ in watch(folder, stop_event=stop, debounce=50, step=10,
                       rust_timeout=200, yield_on_timeout=True):  # fmt: skip
            seen.set()

    thread = threading.Thread(target=follow, daemon=True)
    thread.start()
    time.sleep(0.3)
    target = folder / "touched.txt"
    for n in range(samples):
        seen.clear()
        start = time.perf_counter()
        target.write_text(str(n))
        if seen.wait(5):
            times.append(time.perf_counter() - start)
        time.sleep(0.06)
    stop.set()
    thread.join()
    return times


def bench_reload(rounds: int) -> list[Row]:
    """
    From writing a new version of a typical plugin (the 170-line generated
    one) to that version answering a call, with ``host.watch()``.
    """
    samples = 4 * rounds
    with tempfile.TemporaryDirectory() as home:
        root = Path(home)
        reference = _watchfiles_latency(root, samples)
        write_plugins(root / "plugins", 1)
        source_path = root / "plugins" / "gen0" / "gen.py"
        host = PluginHost(
            [root / "plugins"], cache_dir=root / "c", data_dir=root / "d"
        )
        host.start()
        host.watch()
        times = []
        try:
            for n in range(samples):
                marker = f"version {n}"
                source = GENERATED.format(n=0).replace(
                    "What this plugin was asked to do, newest last.", marker
                )
                start = time.perf_counter()
                source_path.write_text(source)
                deadline = start + 5
                while time.perf_counter() < deadline:
                    if (
                        host.describe_tool("gen0.history").description
                        == marker
                    ):
                        times.append(time.perf_counter() - start)
                        break
                    time.sleep(0.0005)
        finally:
            host.stop()
    ref = statistics.median(reference)
    p50, p99 = statistics.median(times), _percentile(times, 0.99)
    return [
        Row(
            "hot reload p50 / watchfiles reporting the write",
            f"{p50 / ref:.2f}x",
            target="50/150 ms",
            passed=p50 <= 0.050 and p99 <= 0.150,
            note=(
                f"p50 {p50 * 1e3:.0f} ms (target <= 50), "
                f"p99 {p99 * 1e3:.0f} ms (target <= 150), "
                f"watchfiles {ref * 1e3:.0f} ms"
            ),
        )
    ]


def _start(folder: Path, root: Path) -> Callable[[], float]:
    def start() -> float:
        host = PluginHost([folder], cache_dir=root / "c", data_dir=root / "d")
        started = time.perf_counter()
        host.start()
        elapsed = time.perf_counter() - started
        assert len(host.tools()) == 5 * COUNT
        host.stop()
        return elapsed

    return start


def bench_dependencies(rounds: int) -> list[Row]:
    """
    Starting a host over 100 plugins that each depend on the one before,
    against the same 100 plugins without dependencies.
    """
    with tempfile.TemporaryDirectory() as home:
        root = Path(home)
        write_plugins(root / "plain", COUNT)
        write_plugins(root / "chained", COUNT, requires=">=1.0")
        ratio = interleave(
            _start(root / "plain", root),
            _start(root / "chained", root),
            rounds=rounds,
        )
    return [
        ratio_row(
            "start of 100 plugins each needing the one before / none",
            ratio,
            1.5,
        )
    ]

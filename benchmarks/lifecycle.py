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

from plugins import GENERATED, write_plugins

from acc_plugins.host import PluginHost


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


def bench_reload(scale: int) -> list[tuple[str, float, str]]:
    """
    From writing a new version of a typical plugin (the 170-line generated
    one) to that version answering a call, with ``host.watch()``.
    """
    samples = 20 * scale
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
        ("watchfiles: a write reported (reference)", ref, "reference"),
        (
            "hot reload: a write to the new version serving",
            p50,
            (
                f"p50 {p50 * 1e3:.0f} ms (target <= 50), p99 {p99 * 1e3:.0f} ms "
                f"(target <= 150); {p50 / ref:.2f}x the reference"
            ),
        ),
    ]


def bench_dependencies(scale: int) -> list[tuple[str, float, str]]:
    """
    Starting a host over 100 plugins that each depend on the one before,
    against the same 100 plugins without dependencies.
    """
    count = 100
    plain_times: list[float] = []
    chained_times: list[float] = []
    with tempfile.TemporaryDirectory() as home:
        root = Path(home)
        write_plugins(root / "plain", count)
        write_plugins(root / "chained", count, requires=">=1.0")
        for _ in range(3 * scale):
            for folder, times in (
                ("plain", plain_times),
                ("chained", chained_times),
            ):
                host = PluginHost(
                    [root / folder], cache_dir=root / "c", data_dir=root / "d"
                )
                start = time.perf_counter()
                host.start()
                times.append(time.perf_counter() - start)
                assert len(host.tools()) == 5 * count
                host.stop()
    plain, chained = min(plain_times), min(chained_times)
    return [
        ("start of 100 plugins, no dependencies", plain, "reference"),
        (
            "start of 100 plugins, each needing the one before",
            chained,
            f"{chained / plain:.2f}x (target <= 1.5x)",
        ),
    ]

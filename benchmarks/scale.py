"""
Scale: what starting, stopping, reloading and emitting cost with 1, 100
and 1,000 plugins of about 40 lines (a tool and a hook each).

Each round times every size in turn, in CPU seconds of this process
(what other processes on a shared machine take does not count), and the
figure is the median of the rounds' 1,000/100 ratios.  Linear costs give 10x; the target, 12x, leaves room for
the larger heap and caches, and nothing quadratic fits in it (100x).
Emitting is compared with a pluggy hook of as many implementations, and
an event no plugin subscribes to should cost the same at any size.

    python benchmarks/scale.py [--rounds N] [--sizes 1,100,1000] [--no-gc]
"""

from __future__ import annotations

import argparse
import gc
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pluggy
from _interleave import Ratio, compare
from _report import Row, render
from plugins import TRIVIAL_MANIFEST

from acc_plugins.host import PluginHost


if TYPE_CHECKING:
    from collections.abc import Callable, Sequence


SIZES = (1, 100, 1000)
# The 1,000/100 ratio of a linear cost is 10; quadratic would be 100.
GROWTH_TARGET = 12.0
# emit() per subscribed hook, against pluggy per implementation.
EMIT_TARGET = 3.0
# An event nobody subscribes to, at 1,000 plugins against 1.
UNSUBSCRIBED_TARGET = 1.5

# About 40 lines: a tool, a helper and a hook.
TEMPLATE = '''
"""Generated scale plugin number {n}."""

import re

from acc_plugins.sdk import Event, Plugin, ToolError, hook, tool

_WORD = re.compile(r"[a-z]+")


def _words(text):
    return _WORD.findall(text.lower())


class Scale{n}(Plugin):
    """Plugin {n}: counts words, and ticks."""

    def __init__(self):
        self._seen = 0
        self.ticks = 0

    @tool
    def count(self, text: str) -> int:
        """
        How many words a text has.

        Args:
            text: The text.
        """
        self._seen += 1
        words = _words(text)
        if not words:
            raise ToolError("no words")
        return len(words)

    @hook("scale.tick")
    def on_tick(self, event: Event) -> None:
        self.ticks += 1
'''

OPERATIONS = ("start, cold", "start, warm", "reload each", "stop")


def write_scale_plugins(root: Path, count: int) -> list[str]:
    """
    Write *count* plugins ``s0``... under *root*; return their names.
    """
    names = []
    for n in range(count):
        name = f"s{n}"
        folder = root / name
        folder.mkdir(parents=True)
        manifest = TRIVIAL_MANIFEST.replace(
            "trivial:Trivial", f"scale:Scale{n}"
        ).replace('"trivial"', f'"{name}"')
        (folder / "plugin.toml").write_text(manifest)
        (folder / "scale.py").write_text(TEMPLATE.format(n=n))
        names.append(name)
    return names


def _clock(action: Callable[[], object], *, collector: bool) -> float:
    # CPU seconds of this process: on a shared machine, what other
    # processes take does not count (file writes wait without it, alike
    # at every size).
    if not collector:
        gc.disable()
    try:
        started = time.process_time()
        action()
        return time.process_time() - started
    finally:
        gc.enable()


def one_round(
    plugins: Path, home: Path, names: list[str], *, collector: bool = True
) -> dict[str, float]:
    """
    Seconds of each operation on the plugins in *plugins*, with caches
    and data under *home* (emptied first: the first start is cold), with
    the cyclic garbage collector on or off (*collector*).
    """
    shutil.rmtree(home, ignore_errors=True)
    cache, data = home / "cache", home / "data"
    times: dict[str, float] = {}
    host = PluginHost([plugins], cache_dir=cache, data_dir=data)
    times["start, cold"] = _clock(host.start, collector=collector)
    assert len(host.tools()) == len(names), host.plugins()[:3]
    host.stop()
    host = PluginHost([plugins], cache_dir=cache, data_dir=data)
    times["start, warm"] = _clock(host.start, collector=collector)

    def reload_each() -> None:
        for name in names:
            host.reload(name)

    times["reload each"] = _clock(reload_each, collector=collector)
    times["stop"] = _clock(host.stop, collector=collector)
    return times


hookimpl = pluggy.HookimplMarker("scale")
hookspec = pluggy.HookspecMarker("scale")


class _Spec:
    @hookspec
    def on_tick(self, event: object) -> None:
        """A tick."""


class _Ticker:
    def __init__(self) -> None:
        self.ticks = 0

    @hookimpl
    def on_tick(self, event: object) -> None:  # noqa: ARG002 -- as the plugins' hook
        self.ticks += 1


def _pluggy_hook(count: int) -> Callable[[], object]:
    manager = pluggy.PluginManager("scale")
    manager.add_hookspecs(_Spec)
    for _ in range(count):
        manager.register(_Ticker())
    hook = manager.hook.on_tick
    return lambda: hook(event={"n": 1})


def _hosted(root: Path, count: int) -> PluginHost:
    return PluginHost(
        [root / f"p{count}"],
        cache_dir=root / "home" / "cache",
        data_dir=root / f"emit{count}",
    )


def emit_figures(
    root: Path, sizes: Sequence[int], rounds: int
) -> dict[int, tuple[Ratio, Ratio]]:
    """
    For each size: ``emit()`` of an event every plugin subscribes to
    against a pluggy hook with as many implementations, and ``emit()`` of
    an event nobody subscribes to against the same with the smallest
    size, the two hosts taking turns.
    """
    figures = {}
    with _hosted(root, sizes[0]) as base:

        def unheard_by_base() -> object:
            return base.emit("scale.nobody", {"n": 1})

        for count in sizes:
            with _hosted(root, count) as host:
                emit = host.emit
                assert emit("scale.tick", {"n": 1}) == count
                hooked = compare(
                    _pluggy_hook(count),
                    lambda: emit("scale.tick", {"n": 1}),  # noqa: B023 -- used in this iteration
                    rounds=rounds,
                )
                unheard = compare(
                    unheard_by_base,
                    lambda: emit("scale.nobody", {"n": 1}),  # noqa: B023 -- used in this iteration
                    rounds=rounds,
                )
            figures[count] = (hooked, unheard)
    return figures


def bench_scale(
    rounds: int, sizes: Sequence[int] = SIZES, *, collector: bool = True
) -> list[Row]:
    """
    The table: per operation, the largest/middle size ratio of each round
    (median and spread) and the per-plugin cost at every size.  Without
    the *collector*, the lifecycle figures show the host's own growth:
    CPython's full collections walk the whole heap, more often at 1,000
    plugins than at 100.
    """
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        names = {n: write_scale_plugins(root / f"p{n}", n) for n in sizes}
        seconds: dict[int, dict[str, list[float]]] = {
            n: {op: [] for op in OPERATIONS} for n in sizes
        }
        for _ in range(rounds):
            for n in sizes:
                figures = one_round(
                    root / f"p{n}",
                    root / "home",
                    names[n],
                    collector=collector,
                )
                for op, value in figures.items():
                    seconds[n][op].append(value)
        emits = emit_figures(root, sizes, max(rounds, 5))
    return _rows(sizes, seconds, emits)


def _rows(
    sizes: Sequence[int],
    seconds: dict[int, dict[str, list[float]]],
    emits: dict[int, tuple[Ratio, Ratio]],
) -> list[Row]:
    small, middle, large = sizes[0], sizes[-2], sizes[-1]
    at = " / ".join(f"{n:,}" for n in sizes)
    rows = []
    for op in OPERATIONS:
        ratios = [
            big / mid
            for big, mid in zip(
                seconds[large][op], seconds[middle][op], strict=True
            )
        ]
        median = statistics.median(ratios)
        per_plugin = " / ".join(
            f"{statistics.median(seconds[n][op]) / n * 1e3:.2f}" for n in sizes
        )
        rows.append(
            Row(
                f"{op}: {large:,} / {middle:,} plugins",
                f"{median:.2f}x",
                f"{min(ratios):.2f}-{max(ratios):.2f}",
                f"<= {GROWTH_TARGET:g}x",
                median <= GROWTH_TARGET,
                f"{per_plugin} ms a plugin at {at} plugins",
            )
        )
    for n in sizes:
        hooked = emits[n][0]
        rows.append(
            Row(
                f"emit, {n:,} hooks / pluggy, {n:,} implementations",
                f"{hooked.median:.2f}x",
                hooked.spread,
                f"<= {EMIT_TARGET:g}x",
                hooked.median <= EMIT_TARGET,
                f"{hooked.measured / n * 1e6:.2f} µs a hook, pluggy "
                f"{hooked.reference / n * 1e6:.2f} µs an implementation",
            )
        )
    unheard = emits[large][1]
    rows.append(
        Row(
            f"emit, no subscriber: {large:,} / {small:,} plugins",
            f"{unheard.median:.2f}x",
            unheard.spread,
            f"<= {UNSUBSCRIBED_TARGET:g}x",
            unheard.median <= UNSUBSCRIBED_TARGET,
            " / ".join(f"{emits[n][1].measured * 1e6:.2f}" for n in sizes)
            + f" µs an event at {at} plugins",
        )
    )
    return rows


def main() -> None:
    """
    Print the scale table.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--sizes",
        default=",".join(map(str, SIZES)),
        help="plugin counts, smallest first (default %(default)s)",
    )
    parser.add_argument(
        "--no-gc",
        action="store_true",
        help="the lifecycle with the cyclic garbage collector off",
    )
    options = parser.parse_args()
    sizes = [int(n) for n in options.sizes.split(",")]
    started = time.perf_counter()
    rows = bench_scale(options.rounds, sizes, collector=not options.no_gc)
    print(render(rows))
    print(
        f"\n{options.rounds} rounds in {time.perf_counter() - started:.0f} s"
    )


if __name__ == "__main__":
    main()

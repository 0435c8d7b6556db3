"""
The host's overhead on an application: a loop whose every iteration does
about 200 µs of its own work and ten tool calls, through the host against
the same functions imported as ordinary Python and called directly.
"""

from __future__ import annotations

import importlib
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from _interleave import compare, timed
from _report import Row, overhead_row
from plugins import plain_instance, write_light_plugin
from thirdparty._outcome import plain_import_path

from acc_plugins.host import PluginHost
from acc_plugins.sdk import Event


if TYPE_CHECKING:
    from collections.abc import Callable


EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

OWN_WORK_SECONDS = 200e-6
WORDS = [
    "the",
    "quick",
    "brown",
    "fox",
    "jumps",
    "over",
    "the",
    "lazy",
    "dog",
    "again",
    "and",
    "again",
]

TEXT = (
    "Plugins extend the application. Each one adds tools, agents and "
    "hooks; the host loads them, checks them and calls them. " * 3
)
CODE = (
    "def f(x):\n    # TODO: handle negative x\n    return x * 2\n"
    "# FIXME: slow\nclass A:\n    pass\n# plain comment\n"
)

# The ten calls of one iteration: (tool, arguments), in order.
REALISTIC_CALLS: list[tuple[str, dict[str, Any]]] = [
    ("word_count", {"text": TEXT}),
    ("slugify", {"text": "Hello, Plugin World: Ünïcödé edition"}),
    ("wrap", {"text": TEXT, "width": 60}),
    ("extract_todos", {"code": CODE}),
    ("strip_comments", {"code": CODE}),
    ("word_count", {"text": CODE}),
    ("slugify", {"text": "Another title, shorter"}),
    ("wrap", {"text": CODE, "width": 40, "mode": "lines"}),
    ("extract_todos", {"code": CODE, "language": "shell"}),
    ("diff_stats", {"old": CODE, "new": CODE.replace("2", "3")}),
]
LIGHT_CALLS: list[tuple[str, dict[str, Any]]] = [
    ("hello", {"name": "world"}),
    ("ping", {}),
] * 5


def own_work(repeat: int) -> int:
    """
    The application's own work: counting words, ``repeat`` times over.
    """
    counts: dict[str, int] = {}
    for _ in range(repeat):
        for word in WORDS:
            counts[word] = counts.get(word, 0) + 1
    return len(counts)


def _repeat_for_own_work() -> int:
    # Repeats of own_work's loop in OWN_WORK_SECONDS on this machine: the
    # best of a few batches, as a busy moment would only make it fewer.
    batch = timed(lambda: own_work(100), 10)
    per_repeat: float = min(batch() for _ in range(5)) / 1000
    return max(1, round(OWN_WORK_SECONDS / per_repeat))


def _loops(
    plugin: str,
    calls: list[tuple[str, dict[str, Any]]],
    direct: object,
    host: PluginHost,
    listener: Callable[[Event], object] | None,
) -> tuple[Callable[[], object], Callable[[], object]]:
    repeat = _repeat_for_own_work()
    bound = [(getattr(direct, name), arguments) for name, arguments in calls]
    hosted = [(f"{plugin}.{name}", arguments) for name, arguments in calls]
    call_tool, emit = host.call_tool, host.emit

    def plain_iteration() -> None:
        own_work(repeat)
        for function, arguments in bound:
            function(**arguments)
        if listener is not None:
            listener(Event("app.tick", {"iteration": 1}))

    def host_iteration() -> None:
        own_work(repeat)
        for name, arguments in hosted:
            call_tool(name, **arguments)
        if listener is not None:
            emit("app.tick", {"iteration": 1})

    return plain_iteration, host_iteration


def bench_application(rounds: int) -> list[Row]:
    """
    Overhead in percent of the host's loop over the direct one, with the
    realistic text tools and with light ones, without and with a hook
    subscribed to an event the loop emits every iteration.
    """
    rows = []
    with tempfile.TemporaryDirectory() as home:
        plugins = Path(home) / "plugins"
        shutil.copytree(EXAMPLES / "text-tools", plugins / "text-tools")
        write_light_plugin(plugins)
        with (
            PluginHost(
                [plugins],
                cache_dir=Path(home) / "c",
                data_dir=Path(home) / "d",
            ) as host,
            plain_import_path(plugins / "text-tools"),
            plain_import_path(plugins / "light"),
        ):
            light = importlib.import_module("light")
            tools = importlib.import_module("tools")
            listener = plain_instance(light.Light)
            for label, plugin, calls, direct, target in (
                (
                    "realistic",
                    "text-tools",
                    REALISTIC_CALLS,
                    plain_instance(tools.TextTools),
                    5,
                ),
                (
                    "light",
                    "light",
                    LIGHT_CALLS,
                    plain_instance(light.Light),
                    10,
                ),
            ):
                for subscriber in (None, listener.on_tick):
                    plain, hosted = _loops(
                        plugin, calls, direct, host, subscriber
                    )
                    suffix = ", event subscriber" if subscriber else ""
                    rows.append(
                        overhead_row(
                            f"application loop, {label} tools{suffix}",
                            compare(plain, hosted, rounds=rounds),
                            target,
                        )
                    )
    return rows

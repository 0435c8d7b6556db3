"""
Dispatch: a tool call through the host against a direct call and a
pluggy hook, in process and across the isolated tier's pipe.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pluggy
from _interleave import compare
from _report import Row, ratio_row
from plugins import TRIVIAL_MANIFEST, write_light_plugin

from acc_plugins.host import PluginHost


TRIVIAL_PLUGIN = """
from acc_plugins.sdk import Plugin, tool

class Trivial(Plugin):
    @tool
    def add_one(self, x: int) -> int:
        return x + 1
"""

hookspec = pluggy.HookspecMarker("bench")
hookimpl = pluggy.HookimplMarker("bench")


class Spec:
    """
    The hooks the pluggy reference offers.
    """

    @hookspec
    def add_one(self, x: int) -> list[int]:  # type: ignore[empty-body]
        """Add one."""

    @hookspec
    def pair(self) -> list[dict[str, int]]:  # type: ignore[empty-body]
        """A two-key dict."""


class Impl:
    """
    Their one implementation.
    """

    @hookimpl
    def add_one(self, x: int) -> int:
        """Add one."""
        return x + 1

    @hookimpl
    def pair(self) -> dict[str, int]:
        """A two-key dict, as the light plugin's tool returns."""
        return {"first": 1, "second": 2}


def _host(home: Path, *, isolation: str) -> PluginHost:
    plugins = home / "plugins"
    trivial = plugins / "trivial"
    trivial.mkdir(parents=True)
    (trivial / "plugin.toml").write_text(
        f'{TRIVIAL_MANIFEST}isolation = "{isolation}"\n'
    )
    (trivial / "trivial.py").write_text(TRIVIAL_PLUGIN)
    write_light_plugin(plugins)
    return PluginHost([plugins], cache_dir=home / "c", data_dir=home / "d")


def bench_dispatch(rounds: int) -> list[Row]:
    """
    In process: pluggy against a direct call, and host calls against
    pluggy, for a trivial tool and for one returning a two-key dict.
    """
    manager = pluggy.PluginManager("bench")
    manager.add_hookspecs(Spec)
    manager.register(Impl())
    add_one, pair = manager.hook.add_one, manager.hook.pair

    def direct(x: int) -> int:
        return x + 1

    with (
        tempfile.TemporaryDirectory() as home,
        _host(Path(home), isolation="in-process") as host,
    ):
        call = host.call_tool
        return [
            ratio_row(
                "pluggy hook / direct call",
                compare(
                    lambda: direct(x=1), lambda: add_one(x=1), rounds=rounds
                ),
            ),
            ratio_row(
                "host.call_tool, trivial tool / pluggy hook",
                compare(
                    lambda: add_one(x=1),
                    lambda: call("trivial.add_one", x=1),
                    rounds=rounds,
                ),
                0.5,
            ),
            ratio_row(
                "host.call_tool, two-key dict / pluggy hook",
                compare(pair, lambda: call("light.pair"), rounds=rounds),
                1.0,
            ),
        ]


ECHO_LOOP = (
    "import sys, json\n"
    "for line in sys.stdin:\n"
    "    sys.stdout.write(json.dumps({'ok': json.loads(line)['x'] + 1}) + '\\n')\n"
    "    sys.stdout.flush()\n"
)


def bench_isolation(rounds: int) -> list[Row]:
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

    try:
        with (
            tempfile.TemporaryDirectory() as home,
            _host(Path(home), isolation="subprocess") as host,
        ):
            ratio = compare(
                pipe_round_trip,
                lambda: host.call_tool("trivial.add_one", x=1),
                rounds=rounds,
            )
    finally:
        stdin.close()
        echo.wait()
    row = ratio_row("host.call_tool, isolated tool / JSON pipe echo", ratio)
    return [
        Row(
            row.case,
            row.value,
            row.spread,
            note=f"{ratio.measured * 1e6:.0f} µs a call (target <= 200 µs)",
        )
    ]

"""
``acc-plugins dev``: the plugin author's loop.  Load a plugin, follow its
files, and show each reload, each error with its source, the plugin's log,
and optionally the result of a tool after every reload.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import TYPE_CHECKING

import click

from acc_plugins.errors import PluginError
from acc_plugins.host import State
from acc_plugins.host.core._record import excerpt

from ._log import hide_host_log


if TYPE_CHECKING:
    from acc_plugins.host import PluginHost
    from acc_plugins.host.reload._watch import Reloaded


class DevLoop:
    """
    What ``acc-plugins dev`` prints, as the host reports it.

    Args:
        host: The started host over the plugin being developed.

        call: ``(tool, arguments)`` to run after the start and each
            reload, or None.
    """

    def __init__(
        self, host: PluginHost, call: tuple[str, dict[str, str]] | None
    ) -> None:
        self._host = host
        self._call = call
        self._logged: dict[str, int] = {}
        self._lock = threading.Lock()

    def start(self) -> None:
        for info in self._host.plugins():
            if info.last_error is None:
                click.echo(
                    f"loaded {info.name} {info.version}: {info.state.value}"
                )
            else:
                self._error(info.name, str(info.last_error.message),
                            info.last_error.location)  # fmt: skip
            self._logged[info.name] = len(info.log)
        self._run_call()

    def on_reload(self, outcome: Reloaded) -> None:
        with self._lock:
            ms = outcome.seconds * 1000
            if outcome.error is not None:
                where = f"{outcome.location}: " if outcome.location else ""
                self._error(
                    outcome.plugin,
                    f"reload refused: {where}{outcome.error}",
                    outcome.location,
                )
                if self._host.state(outcome.plugin) is State.ACTIVE:
                    click.echo("  the previous version keeps serving")
            elif outcome.removed:
                click.echo(f"removed {outcome.plugin}: its folder went away")
            else:
                verb = (
                    "added"
                    if outcome.added
                    else "restarted"
                    if outcome.restarted
                    else "reloaded"
                )
                click.echo(f"{verb} {outcome.plugin} in {ms:.1f} ms")
            self._print_log(outcome.plugin)
            if outcome.error is None:
                self._run_call()

    def _error(self, plugin: str, message: str, location: str | None) -> None:
        click.echo(click.style(f"error in {plugin}: {message}", fg="red"))
        for line in excerpt(location):
            click.echo(f"  {line}")

    def _print_log(self, plugin: str) -> None:
        log = self._host.info(plugin).log
        start = self._logged.get(plugin, 0)
        if start > len(log):
            start = 0
        for line in log[start:]:
            if not line.startswith("ERROR: reload refused"):
                click.echo(f"  log: {line}")
        self._logged[plugin] = len(log)

    def _run_call(self) -> None:
        if self._call is None:
            return
        tool, arguments = self._call
        try:
            result = self._host.call_tool_text(tool, arguments)
        except PluginError as exc:
            click.echo(click.style(f"{tool}: {exc}", fg="red"))
            return
        click.echo(f"{tool} -> {json.dumps(result, ensure_ascii=False)}")


def run_dev(
    host: PluginHost,
    call: tuple[str, dict[str, str]] | None,
    max_reloads: int | None,
) -> None:
    """
    Follow the host's plugins until interrupted (or *max_reloads* reload
    outcomes have been shown).
    """
    # What the host logs, the loop prints better: no duplicates on stderr.
    logging.getLogger("acc_plugins").addHandler(logging.NullHandler())
    hide_host_log()
    loop = DevLoop(host, call)
    loop.start()
    seen = threading.Semaphore(0)

    def on_reload(outcome: Reloaded) -> None:
        loop.on_reload(outcome)
        seen.release()

    watcher = host.watch(on_reload=on_reload)
    click.echo("watching for changes (Ctrl-C to stop)")
    try:
        if max_reloads is None:
            while True:
                time.sleep(3600)
        for _ in range(max_reloads):
            seen.acquire()
    except KeyboardInterrupt:
        click.echo("stopped")
    finally:
        watcher.stop()

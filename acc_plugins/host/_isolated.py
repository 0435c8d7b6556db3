"""
The host's side of the isolated tier: a worker process per plugin, and the
registry entries that forward calls to it.

The host never blocks past a deadline on a worker: every request waits at
most the plugin's time budget plus a little slack, and a worker that does
not answer in time, or dies, is killed and the call fails.  This is the
hard limit the in-process tier cannot give: a long call into C in the
worker ends with the worker.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
from typing import TYPE_CHECKING, Any, Final

from acc_plugins.errors import (
    PermissionDenied,
    PluginCallError,
    PluginNotFoundError,
    ToolArgumentError,
)

from . import _wire


if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path

    from ._record import PluginRecord

_SLACK_SECONDS: Final = 2.0
# The plugin's counters a worker reports with each answer, as totals.
COUNTED: Final = ("steps", "breaches", "denials", "violations")
_START_SECONDS: Final = 30.0


class WorkerGone(RuntimeError):  # noqa: N818 -- reads as what happened
    """
    The worker died or stopped answering; it has been killed.
    """


def _raise_remote(target: str, error: Mapping[str, Any]) -> None:
    kind = error.get("type")
    message = str(error.get("message", "failed"))
    if kind == "ToolArgumentError":
        raise ToolArgumentError(
            target, list(error.get("problems") or [message])
        )
    if kind == "PluginNotFoundError":
        raise PluginNotFoundError(target, message)
    if kind == "PermissionDenied":
        raise PluginCallError(target, message)
    location = error.get("location")
    text = (
        message.split(": ", 1)[-1] if message.startswith(target) else message
    )
    raise PluginCallError(target, text.removeprefix("failed: "), location)


class Worker:
    """
    One plugin running in a worker process.

    Args:
        config: What the worker needs to load the plugin (root, name,
            cache and data folders, workspace, memory and CPU limits).

        timeout: The plugin's time budget in seconds.

        on_request: Answers the worker's own requests (Claude, other
            plugins' tools, events) and returns the JSON result.

        log: Where the worker's stderr goes.
    """

    def __init__(
        self,
        config: Mapping[str, Any],
        *,
        timeout: float,
        on_request: Callable[[dict[str, Any]], object],
        log: Path,
    ) -> None:
        self._config = dict(config)
        self._timeout = timeout
        self._on_request = on_request
        self._log = log
        self._process: subprocess.Popen[bytes] | None = None
        self._reader: _wire.LineReader | None = None
        self._counter = 0
        self.ready: dict[str, Any] = {}
        self._lock = threading.RLock()
        # The most memory the worker has held, in KiB, as it reports.
        self.peak_kb = 0
        # The plugin's counters in the worker (steps, breaches, denials,
        # refusals), in total since it started, as it reports.
        self.counts: dict[str, int] = dict.fromkeys(COUNTED, 0)

    def __repr__(self) -> str:
        pid = self._process.pid if self._process else None
        return f"<Worker {self._config.get('name')!r} pid={pid}>"

    @property
    def pid(self) -> int | None:
        """
        The worker's process id, while it has one.
        """
        return self._process.pid if self._process else None

    @property
    def alive(self) -> bool:
        """
        Whether the process is running.
        """
        return self._process is not None and self._process.poll() is None

    def start(self) -> dict[str, Any]:
        """
        Spawn the worker and wait until it has loaded the plugin.

        Returns:
            What the worker reports: ``state``, ``error``, ``tools``,
            ``agents`` and ``hooks``.

        Raises:
            WorkerGone: If it does not come up.
        """
        self._log.parent.mkdir(parents=True, exist_ok=True)
        environment = {**os.environ, "MALLOC_ARENA_MAX": "2"}
        with self._log.open("ab") as log:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "acc_plugins.host._worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                env=environment,
            )
        assert self._process.stdin is not None  # noqa: S101 -- PIPE above
        assert self._process.stdout is not None  # noqa: S101 -- PIPE above
        self._reader = _wire.LineReader(self._process.stdout.fileno())
        _wire.write(self._process.stdin, self._config)
        deadline = time.monotonic() + max(_START_SECONDS, 3 * self._timeout)
        message = self._read(deadline, "loading the plugin")
        if "ready" not in message:
            self.close()
            msg = "the worker did not report ready"
            raise WorkerGone(msg)
        self.ready = message["ready"]
        return self.ready

    def _read(self, deadline: float, doing: str) -> dict[str, Any]:
        assert self._reader is not None  # noqa: S101 -- started
        try:
            message = self._reader.read(deadline)
        except (TimeoutError, ValueError) as exc:
            self.close(force=True)  # stuck: asking it to stop is no use
            msg = f"the worker stopped answering while {doing} ({exc})"
            raise WorkerGone(msg) from None
        if message is None:
            code = self._process.wait() if self._process else None
            self.close()
            msg = f"the worker died while {doing} (exit status {code})"
            raise WorkerGone(msg)
        return message

    def request(
        self, target: str, message: dict[str, Any]
    ) -> tuple[object, str]:
        """
        Send one request and wait for its answer, serving the worker's own
        requests in between.

        Returns:
            The result and the plugin's state in the worker afterwards.

        Raises:
            WorkerGone: If the worker dies or overruns the deadline.

            PluginCallError, ToolArgumentError, PluginNotFoundError: As the
                plugin's call failed in the worker.
        """
        # One request at a time: the pipe carries one conversation.
        with self._lock:
            return self._request(target, message)

    def _request(
        self, target: str, message: dict[str, Any]
    ) -> tuple[object, str]:
        process = self._process
        if process is None or process.stdin is None:
            msg = "the worker is not running"
            raise WorkerGone(msg)
        code = process.poll()
        if code is not None:
            self.close()
            msg = (
                f"the worker died before serving {target} (exit status {code})"
            )
            raise WorkerGone(msg)
        self._counter += 1
        ident = f"h{self._counter}"
        self._send({"id": ident, **message}, f"serving {target}")
        deadline = time.monotonic() + self._timeout + _SLACK_SECONDS
        while True:
            answer = self._read(deadline, f"serving {target}")
            if answer.get("reply_to") == ident:
                state = str(answer.get("state", "active"))
                peak = answer.get("peak_kb")
                if type(peak) is int:
                    self.peak_kb = max(self.peak_kb, peak)
                self._count(answer.get("counts"))
                if "error" in answer:
                    try:
                        _raise_remote(target, answer["error"])
                    except Exception as exc:
                        exc.worker_state = state  # type: ignore[attr-defined]
                        raise
                return answer.get("ok"), state
            self._answer(answer)

    def _count(self, counts: object) -> None:
        if not isinstance(counts, dict):
            return
        for key in COUNTED:
            value = counts.get(key)
            if type(value) is int:
                self.counts[key] = max(self.counts[key], value)

    def _answer(self, message: dict[str, Any]) -> None:
        process = self._process
        assert process is not None  # noqa: S101 -- a message came from it
        assert process.stdin is not None  # noqa: S101 -- PIPE
        reply: dict[str, Any] = {"reply_to": message.get("id")}
        try:
            reply["ok"] = self._on_request(message)
        except (
            PermissionDenied,
            PluginCallError,
            PluginNotFoundError,
            ToolArgumentError,
            ValueError,
            TypeError,
            RuntimeError,
        ) as exc:
            reply["error"] = {"type": type(exc).__name__, "message": str(exc)}
        self._send(reply, "answering its request")

    def _send(self, message: dict[str, Any], doing: str) -> None:
        process = self._process
        if process is None or process.stdin is None:
            # Closed meanwhile: the host quarantined or stopped the plugin
            # while answering one of the worker's requests.
            msg = f"the worker was stopped while {doing}"
            raise WorkerGone(msg)
        try:
            _wire.write(process.stdin, message)
        except OSError:  # the pipe broke: it died under us
            code = process.poll()
            self.close(force=True)
            msg = f"the worker died while {doing} (exit status {code})"
            raise WorkerGone(msg) from None

    def close(self, *, force: bool = False) -> None:
        """
        Stop the worker: politely (unless *force*), then for good, after
        the request in flight, if any.
        """
        with self._lock:
            self._close(force=force)

    def _close(self, *, force: bool) -> None:
        process, self._process = self._process, None
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        if process is None:
            return
        if not force and process.poll() is None and process.stdin is not None:
            try:
                _wire.write(process.stdin, {"op": "stop"})
                process.wait(timeout=2)
            except (OSError, ValueError, subprocess.TimeoutExpired):
                pass
        if process.poll() is None:
            process.kill()
            process.wait()
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()


class RemoteSchema:
    """
    The argument schema of a tool served by a worker.
    """

    def __init__(self, schema: dict[str, object]) -> None:
        self._schema = schema

    def schema(self) -> dict[str, object]:
        """
        A copy of the JSON Schema.
        """
        return dict(self._schema)


class RemoteTool:
    """
    A registry entry that forwards calls to the plugin's worker.
    """

    def __init__(
        self,
        target: str,
        record: PluginRecord,
        description: str,
        schema: dict[str, object],
        forward: Callable[[str, dict[str, Any]], object],
    ) -> None:
        self.target = target
        self.record = record
        self.description = description
        self.signature = RemoteSchema(schema)
        self._forward = forward

    def call(self, arguments: dict[str, object]) -> object:
        """
        Call the tool in the worker.
        """
        return self._forward(
            self.target,
            {
                "op": "call_tool",
                "tool": self.target,
                "arguments": dict(arguments),
            },
        )

    def invoke(
        self, arguments: Mapping[str, object], *, text: bool = False
    ) -> object:
        """
        Call the tool in the worker, with textual arguments if *text*.
        """
        op = "call_tool_text" if text else "call_tool"
        return self._forward(
            self.target,
            {"op": op, "tool": self.target, "arguments": dict(arguments)},
        )

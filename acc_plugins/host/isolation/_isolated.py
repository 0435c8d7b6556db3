"""
The host's side of the isolated tier: a worker process per plugin, and the
registry entries that forward calls to it.

The host never blocks past a deadline on a worker: every request, and
loading the plugin, waits at most the plugin's time budget plus a little
slack, and a worker that does not answer in time, or dies, is killed and
the call (or the load) fails.  This is the hard limit the in-process tier
cannot give: a long call into C in the worker ends with the worker.

A worker starts with nothing of the host's: its own small environment, a
private empty working directory (removed when it stops), a session of its
own, and an operating-system layer it applies to itself (see
``_oslayer``).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from acc_plugins.errors import (
    PermissionDenied,
    PluginCallError,
    PluginNotFoundError,
    ToolArgumentError,
)

from . import _launch, _wire
from ._workererrors import WorkerGone, WorkerStopped, raise_remote


if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

_SLACK_SECONDS: Final = 2.0
# The plugin's counters a worker reports with each answer, as totals.
COUNTED: Final = ("steps", "breaches", "denials", "violations")
# From spawning the worker to its "started": the interpreter, its imports
# and the operating-system layer, before any plugin code runs.  About
# 0.3 s on an idle machine; generous for a loaded one.  The plugin's load
# then gets its time budget plus the slack, as a call does.
_START_SECONDS: Final = 30.0


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

        test_escape: For tests only: Python source the worker runs
            unrestricted once it is confined, standing in for a broken
            sandbox.  Only this argument sends it: a ``test_escape`` in
            *config* is dropped.

    Attributes:
        confinement: What the worker's operating-system layer applied, as
            it reports (``landlock``, ``seccomp``, ``no_new_privs``,
            ``capabilities``, ``limits``, ``memory``), or the reason a
            layer is not in force.
    """

    def __init__(
        self,
        config: Mapping[str, Any],
        *,
        timeout: float,
        on_request: Callable[[dict[str, Any]], object],
        log: Path,
        test_escape: str | None = None,
    ) -> None:
        self._config = {k: v for k, v in config.items() if k != "test_escape"}
        if test_escape is not None:
            self._config["test_escape"] = test_escape
        self._private: Path | None = None
        self.confinement: dict[str, Any] = {}
        self._timeout = timeout
        self._on_request = on_request
        self._log = log
        self._process: subprocess.Popen[bytes] | None = None
        self._reader: _wire.LineReader | None = None
        self._counter = 0
        self.ready: dict[str, Any] = {}
        self._lock = threading.RLock()
        # Whether the host closed it (not a crash), and, for a worker a
        # reload replaced, how many calls still use it: the last one to
        # finish closes it.
        self.stopped = False
        self._gate = threading.Lock()
        self._users = 0
        self._retired = False
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
        config = dict(self._config)
        permissions = _launch.effective_permissions(config)
        cache = _launch.worker_cache(config)
        for folder in (cache, Path(config["data_dir"])):
            folder.mkdir(parents=True, exist_ok=True)
        config["cache_dir"] = str(cache)
        config["confine"] = _launch.plan(config, permissions)
        self._private = Path(tempfile.mkdtemp(prefix="acc-worker-"))
        try:
            with self._log.open("ab") as log:
                self._process = subprocess.Popen(  # noqa: S603 -- our own interpreter
                    _launch.command(),
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=log,
                    env=_launch.environment(permissions, self._private),
                    cwd=self._private,
                    close_fds=True,
                    # A group of its own: a kill reaches what it started.
                    start_new_session=True,
                )
            assert self._process.stdin is not None  # noqa: S101 -- PIPE above
            assert self._process.stdout is not None  # noqa: S101 -- PIPE above
            self._reader = _wire.LineReader(self._process.stdout.fileno())
            _wire.write(self._process.stdin, config)
        except OSError as exc:
            self._end(force=True)
            msg = f"the worker could not be started ({exc})"
            raise WorkerGone(msg) from None
        started = self._read(
            time.monotonic() + _START_SECONDS, "starting its interpreter"
        )
        if "started" not in started:
            self._end()
            msg = "the worker did not report how it is confined"
            raise WorkerGone(msg)
        self.confinement = dict(started["started"])
        limit = (
            f"the plugin did not load within its time limit "
            f"({self._timeout:g} s, and {_SLACK_SECONDS:g} s of slack)"
        )
        message = self._read(
            time.monotonic() + self._timeout + _SLACK_SECONDS,
            "loading the plugin",
            overdue=limit,
        )
        if "ready" not in message:
            self._end()
            msg = "the worker did not report ready"
            raise WorkerGone(msg)
        self.ready = message["ready"]
        memory = self.ready.get("memory")
        if isinstance(memory, dict):  # as loaded: the cap it serves under
            loading = self.confinement.get("memory") or {}
            self.confinement["memory"] = {
                **memory,
                "load_cap_kb": loading.get("cap_kb"),
            }
        return self.ready

    def _read(
        self, deadline: float, doing: str, overdue: str | None = None
    ) -> dict[str, Any]:
        assert self._reader is not None  # noqa: S101 -- started
        try:
            message = self._reader.read(deadline)
        except (TimeoutError, ValueError) as exc:
            self._end(force=True)  # stuck: asking it to stop is no use
            msg = f"the worker stopped answering while {doing} ({exc})"
            if overdue is not None and isinstance(exc, TimeoutError):
                msg = f"{overdue}; its worker was stopped"
            raise WorkerGone(msg) from None
        if message is None:
            code = self._process.wait() if self._process else None
            self._end()
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
        with self._gate:
            self._users += 1
        try:
            # One request at a time: the pipe carries one conversation.
            with self._lock:
                return self._request(target, message)
        finally:
            with self._gate:
                self._users -= 1
                drained = self._retired and not self._users
            if drained:
                self.close()

    @property
    def retired(self) -> bool:
        """
        Whether a reload replaced it (it closes once its calls are done).
        """
        return self._retired

    def retire(self) -> None:
        """
        Close the worker once the calls that use it have finished (a
        reload replaced it: they finish on the old version).
        """
        with self._gate:
            self._retired = True
            drained = not self._users
        if drained:
            self.close()

    def _request(
        self, target: str, message: dict[str, Any]
    ) -> tuple[object, str]:
        process = self._process
        if process is None or process.stdin is None:
            if self.stopped:
                msg = "the worker was stopped"
                raise WorkerStopped(msg)
            msg = "the worker is not running"
            raise WorkerGone(msg)
        code = process.poll()
        if code is not None:
            self._end()
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
                        raise_remote(target, answer["error"])
                    except Exception as exc:
                        # The worker's state after the failure rides on
                        # the error to the host's mirror of it.
                        vars(exc)["worker_state"] = state
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
            raise WorkerStopped(msg)
        try:
            _wire.write(process.stdin, message)
        except OSError:  # the pipe broke: it died under us
            code = process.poll()
            self._end(force=True)
            msg = f"the worker died while {doing} (exit status {code})"
            raise WorkerGone(msg) from None

    def close(self, *, force: bool = False) -> None:
        """
        Stop the worker: politely (unless *force*), then for good, after
        the request in flight, if any.  Calls after this fail with
        ``WorkerStopped``.
        """
        self.stopped = True
        self._end(force=force)

    def _end(self, *, force: bool = False) -> None:
        # Also where it crashed or overran: not stopped by the host.
        with self._lock:
            self._close(force=force)

    def _close(self, *, force: bool) -> None:
        process, self._process = self._process, None
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        if process is not None:
            _launch.end(process, force=force)
        if self._private is not None:
            shutil.rmtree(self._private, ignore_errors=True)
            self._private = None

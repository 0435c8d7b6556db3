"""
The isolated tier's worker process: one plugin, the same sandbox, and an
operating-system layer beneath it (``_oslayer``) for when the sandbox
breaks.

Started by the host as ``python -m acc_plugins.host.isolation._worker``.  It reads
its configuration as the first message on stdin, confines itself and
says so (``started``, with what holds), loads the plugin with a host of
its own, announces what the plugin offers (``ready``), and then serves
requests.  Capabilities the worker cannot provide itself (Claude, other
plugins' tools, events for other plugins) are requests back to the host,
answered in line.  Only JSON crosses the pipe.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import attrs

from acc_plugins.errors import PluginError

from . import _oslayer, _served, _wire
from ._isolated import COUNTED
from ._launch import policy_of
from ._remoteclaude import RemoteClaude
from ._remotehttp import RemoteHttp


if TYPE_CHECKING:
    from acc_plugins.host.core._record import PluginRecord
    from acc_plugins.host.core._resolve import Node


class _Link:
    """
    Requests from the worker to the host, answered in line.
    """

    def __init__(self, inbox: IO[bytes], outbox: IO[bytes]) -> None:
        self.inbox = inbox
        self.outbox = outbox
        self.counter = 0
        self.serve: Any = None  # set once the host is running

    def request(self, op: str, **fields: Any) -> Any:
        self.counter += 1
        ident = f"w{self.counter}"
        _wire.write(self.outbox, {"id": ident, "op": op, **fields})
        while True:
            message = _wire.read_blocking(self.inbox)
            if message is None:
                raise SystemExit(0)  # the host is gone
            if message.get("reply_to") == ident:
                if "error" in message:
                    error = message["error"]
                    raise RuntimeError(str(error.get("message", "failed")))
                return message.get("ok")
            self.serve(message)  # the host called back in while we waited


def _describe(host: Any, name: str) -> dict[str, Any]:
    record = host.own(name)
    info = host.info(name)
    return {
        "state": info.state.value,
        "error": None
        if info.last_error is None
        else {
            "message": info.last_error.message,
            "location": info.last_error.location,
            "kind": info.last_error.kind,
        },
        "tools": [
            {"name": t.name, "description": t.description, "schema": t.schema}
            for t in host.tools()
        ],
        "agents": [
            {"name": f"{name}.{a.name}", "description": a.description}
            for a in (record.agents.values() if record else ())
        ],
        "hooks": [h.event for h in (record.hooks if record else ())],
        "prompts": [p.agent for p in (record.prompts if record else ())],
        "workflows": [
            attrs.asdict(w)
            for w in (record.workflows.values() if record else ())
        ],
    }


class _Peak:
    """
    The worker's peak resident memory in KiB, read at most four times a
    second (and after every failed call, where memory is the usual cause).

    Linux's ``VmHWM`` is this process image's own peak; ``ru_maxrss``
    would include the parent's peak from before ``exec``.
    """

    def __init__(self) -> None:
        self._read_at = 0.0
        self.kb = 0

    def update(self, *, force: bool) -> int:
        now = time.monotonic()
        if force or now - self._read_at > 0.25:  # noqa: PLR2004 -- see above
            self._read_at = now
            self.kb = max(self.kb, _peak_now())
        return self.kb


def _peak_now() -> int:
    try:
        with open("/proc/self/status", "rb") as status:  # noqa: PTH123
            for line in status:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    import resource  # noqa: PLC0415 -- POSIX only, and only in the worker

    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _error(exc: BaseException) -> dict[str, Any]:
    return {
        "type": type(exc).__name__,
        "message": str(exc),
        "target": getattr(exc, "target", None),
        "location": getattr(exc, "location", None),
        "problems": getattr(exc, "problems", None),
    }


def _perform(host: Any, own: Any, message: dict[str, Any]) -> Any:
    """
    Do what the host asked of the worker's own host.
    """
    op = message.get("op")
    if op == "call_tool":
        return host.call_tool(message["tool"], **message["arguments"])
    if op == "call_tool_text":
        return host.call_tool_text(message["tool"], message["arguments"])
    if op == "run_agent":
        return host.run_local_agent(
            message["agent"], message["task"], message.get("added", "")
        )
    if op == "prompt":
        return host.own_prompt(own, message["agent"], message["task"])
    if op in {"export_state", "import_state", "health"}:
        from acc_plugins.host.core._loader import call_method  # noqa: PLC0415 -- after the limits

        if op in {"export_state", "health"}:
            return call_method(own, op)
        call_method(own, "import_state", message["state"])
        return None
    if op == "configure":
        host.reconfigure(own, dict(message["values"]))
        return None
    if op == "emit":
        return host.emit(
            message["name"], message.get("payload"), source="host"
        )
    msg = f"unknown request {op!r}"
    raise ValueError(msg)


def _escape(source: str) -> object:
    """
    Run *source* as plain Python, outside the sandbox: a test's stand-in
    for a broken sandbox, to show what the operating-system layer still
    refuses.  Only a host-side ``Worker`` built with ``test_escape``
    sends it; no configuration a plugin shapes can.

    Returns:
        What the source left in ``result``, or what it raised.
    """
    namespace: dict[str, Any] = {}
    try:
        exec(compile(source, "<test escape>", "exec"), namespace)  # noqa: S102 -- a simulated sandbox break, for tests
    except BaseException as exc:  # noqa: BLE001 -- reported to the test
        return {"raised": repr(exc)}
    result = namespace.get("result")
    try:
        json.dumps(result)
    except (TypeError, ValueError):
        return repr(result)
    return result


def main() -> None:
    """
    Run the worker until the host closes its stdin.
    """
    inbox = sys.stdin.buffer
    # The protocol owns file descriptor 1; anything printed goes to stderr.
    outbox = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    config = _wire.read_blocking(inbox)
    if config is None:
        return
    report = _oslayer.harden(config)
    from acc_plugins.host import PluginHost  # noqa: PLC0415 -- after the limits

    class _WorkerHost(PluginHost):
        """
        The worker's own host: it loads its one plugin in-process, and
        the worker reaches into it for what only the worker needs.
        """

        _spawns_workers = False

        def own(self, plugin: str) -> PluginRecord | None:
            return self._parts.plugins.records.get(plugin)

        def own_prompt(
            self, record: PluginRecord, agent: str, task: str
        ) -> str:
            return self._parts.prompts.own_prompt(record, agent, task)

        def reconfigure(
            self, record: PluginRecord, values: dict[str, Any]
        ) -> None:
            self._parts.configuration.given[record.name] = values
            self._parts.configuration.apply_values(record)

        def serve_dependencies(self, provided: dict[str, Node]) -> None:
            # Resolved and active in the host, which serves their tools.
            self._parts.loading.provided = provided

    link = _Link(inbox, outbox)
    name = str(config["name"])
    host = _WorkerHost(
        [Path(config["root"])],
        claude=RemoteClaude(link.request),
        cache_dir=config["cache_dir"],
        data_dir=config["data_dir"],
        workspace=config["workspace"],
        scan_threshold=None,  # the host scanned before starting us
        policy=policy_of(config.get("policy")),
        breach_limit=int(config.get("breach_limit", 5)),
        config_dir=config.get("config_dir"),
        settings={name: dict(config.get("settings") or {})},
        tool_fallback=lambda tool, arguments: link.request(
            "call_tool", tool=tool, arguments=arguments
        ),
        auto_update=False,  # the host that started us did that
        http=RemoteHttp(link.request) if config.get("http_via_host") else None,
    )
    host.serve_dependencies(_served.nodes(config.get("provided")))
    private = str(Path.cwd())  # the host made it, empty, for us alone
    report.update(_oslayer.confine(config.get("confine") or {}, private))
    budget = int(config["memory_mb"])
    report["memory"] = _oslayer.cap_memory(budget, loading=True)
    # From here on the plugin's code runs: the host's deadline for the
    # load starts now.
    _wire.write(outbox, {"started": report})

    def forward(event: Any) -> None:
        if event.source == name:  # the plugin's own events, for the others
            link.request("event", name=event.name, payload=event.payload)

    host.subscribe(forward)
    host.start()

    peak = _Peak()
    own = host.own(name)
    assert own is not None  # noqa: S101 -- the host was given its folder

    def serve(message: dict[str, Any]) -> None:
        ident = message.get("id")
        try:
            result = _perform(host, own, message)
            reply: dict[str, Any] = {"reply_to": ident, "ok": result}
        except (PluginError, ValueError, TypeError, LookupError) as exc:
            reply = {"reply_to": ident, "error": _error(exc)}
        reply["state"] = host.state(name).value
        reply["peak_kb"] = peak.update(force="error" in reply)
        reply["counts"] = {key: getattr(own.stats, key) for key in COUNTED}
        _wire.write(outbox, reply)

    link.serve = serve
    ready = _describe(host, name)
    ready["memory"] = _oslayer.cap_memory(budget, loading=False)
    escape = config.get("test_escape")
    if isinstance(escape, str):
        ready["escape"] = _escape(escape)
    _wire.write(outbox, {"ready": ready})
    while (message := _wire.read_blocking(inbox)) is not None:
        if message.get("op") == "stop":
            break
        serve(message)
    host.stop()


if __name__ == "__main__":
    main()

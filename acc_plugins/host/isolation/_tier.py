"""
The isolated tier, host side: start a plugin's worker, register what it
offers, forward calls, answer its requests, and mirror its state.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from acc_plugins.errors import LoadError, PluginCallError, PluginError
from acc_plugins.host.config._configuration import plain_values
from acc_plugins.host.core._lifecycle import SERVING, State
from acc_plugins.host.core._loader import manifest_of
from acc_plugins.host.core._record import Failure
from acc_plugins.sdk import Step, Workflow

from . import _served
from ._isolated import Worker
from ._remoteclaude import answer_for_worker
from ._remotehttp import send_for_worker
from ._remotetool import RemoteTool
from ._replaced import not_its_failure
from ._workererrors import WorkerGone


if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from acc_plugins.host.capabilities._claude import ClaudeProvider
    from acc_plugins.host.capabilities._http import HttpTransport
    from acc_plugins.host.config._config import Layers
    from acc_plugins.host.core._plugins import Plugins
    from acc_plugins.host.core._record import PluginRecord
    from acc_plugins.host.core._registry import Registry
    from acc_plugins.host.gate._security import Security
    from acc_plugins.sandbox import BytecodeCache
    from acc_plugins.security import Policy

# A worker's CPU seconds over its whole life: past this the operating
# system ends it, and its plugin moves to error.
WORKER_CPU_SECONDS = 300

# After a worker crash the next call restarts it, but not sooner than this
# after the crash; each crash in a row doubles the wait, up to the ceiling.
RESTART_BACKOFF_SECONDS = 1.0
RESTART_BACKOFF_CEILING = 60.0


def _workflow(data: dict[str, Any]) -> Workflow:
    """
    A workflow as the worker described it, validated as the SDK would.
    """
    return Workflow(
        name=str(data["name"]),
        steps=tuple(Step(**step) for step in data["steps"]),
        description=str(data.get("description", "")),
        inputs=tuple(data.get("inputs", ())),
        output=data.get("output"),
    )


class IsolatedTier:
    """
    Workers for the plugins that run in their own process.

    Args:
        plugins: The host's plugins.

        security: Consent and quarantine, settled here as in the worker.

        cache: The compiled-code cache the workers share.

        data_dir: The host's data folder.

        workspace: What ``${workspace}`` means.

        layers: The configuration files (the worker reads the same).

        policy: The administrator's policy, handed to each worker.

        breach_limit: Handed to each worker.

        claude: The application's Claude capability.

        spawns: False inside a worker: there a plugin loads in-process,
            under the limits the worker already applied.

        restart: Loads a plugin in ``error`` again.

        call_tool: Calls a tool for a worker (``tool_name, arguments``).

        emit: Emits an event for a worker (``name, payload, source``).

        http: The application's own HTTP transport, if it gave one: then
            workers send their plugins' requests through it, here.
    """

    def __init__(
        self,
        plugins: Plugins,
        security: Security,
        *,
        cache: BytecodeCache,
        data_dir: Path,
        workspace: Path,
        layers: Layers,
        policy: Policy,
        breach_limit: int,
        claude: ClaudeProvider | None,
        spawns: bool,
        restart: Callable[[str], None],
        call_tool: Callable[[str, dict[str, object]], object],
        emit: Callable[[str, object, str], int],
        http: HttpTransport | None = None,
    ) -> None:
        self._plugins = plugins
        self._security = security
        self._cache = cache
        self._data_dir = data_dir
        self._workspace = workspace
        self._layers = layers
        self._policy = policy
        self._breach_limit = breach_limit
        self._claude = claude
        self.spawns = spawns
        self._restart = restart
        self._call_tool = call_tool
        self._emit = emit
        self._http = http

    def __repr__(self) -> str:
        return f"<IsolatedTier spawns={self.spawns}>"

    def load(self, record: PluginRecord) -> None:
        """
        Start the plugin's worker and take over what it reports.

        Raises:
            WorkerGone, PluginCallError: If it does not load.
        """
        manifest = manifest_of(record)
        records = self._plugins.records
        if (unmet := _served.unmet(records, manifest)) is not None:
            raise PluginCallError(record.name, unmet)
        # Settle consent here, once, before a worker reads the same store.
        self._security.effective_grants(record)
        self._security.flush()
        worker = Worker(
            {
                "root": str(record.root),
                "name": record.name,
                "cache_dir": str(self._cache.directory),
                "data_dir": str(self._data_dir),
                "workspace": str(self._workspace),
                "memory_mb": manifest.limits.memory_mb,
                "cpu_seconds": WORKER_CPU_SECONDS,
                # The worker's host settles the same effective grants.
                "policy": {
                    "allow": self._policy.allow,
                    "deny": self._policy.deny,
                    "ceilings": self._policy.ceilings,
                },
                "breach_limit": self._breach_limit,
                "config_dir": str(self._layers.files[0].path.parent),
                # The values this host settled, from every layer.
                "settings": plain_values(record.settings, set_only=True),
                "provided": _served.versions(records, manifest),
                "http_via_host": self._http is not None,
            },
            timeout=manifest.limits.timeout_ms / 1000,
            on_request=lambda message: self.serve(record, message),
            log=self._data_dir / "workers" / f"{record.name}.log",
        )
        ready = worker.start()
        if ready.get("state") != State.ACTIVE.value:
            worker.close()
            error = ready.get("error") or {}
            raise PluginCallError(
                record.name,
                str(error.get("message", "did not activate")),
                error.get("location"),
            )
        try:
            workflows = {
                str(w["name"]): _workflow(w)
                for w in ready.get("workflows", [])
            }
        except (KeyError, TypeError, ValueError) as exc:
            worker.close()
            msg = f"its worker reported a malformed workflow: {exc}"
            raise PluginCallError(record.name, msg) from None
        record.remote = worker
        record.workflows.update(workflows)
        record.remote_offer = {
            "tools": tuple(str(t["name"]) for t in ready.get("tools", [])),
            "agents": tuple(str(a["name"]) for a in ready.get("agents", [])),
            "hooks": tuple(str(h) for h in ready.get("hooks", [])),
            "prompts": tuple(str(p) for p in ready.get("prompts", [])),
        }

    def register(
        self, record: PluginRecord, registry: Registry | None = None
    ) -> None:
        """
        Put what *record*'s worker offers into *registry* (the host's by
        default).
        """
        registry = self._plugins.registry if registry is None else registry
        worker = record.remote
        assert worker is not None  # noqa: S101 -- only isolated records
        for tool in worker.ready.get("tools", []):
            target = str(tool["name"])
            entry = RemoteTool(
                target,
                record,
                str(tool.get("description", "")),
                dict(tool.get("schema", {})),
                lambda t, m: self.forward(record, t, m),
            )
            registry.tools[target] = entry  # type: ignore[assignment]
            registry.calls[target] = entry.call
        for agent in worker.ready.get("agents", []):
            from acc_plugins.sdk import Agent  # noqa: PLC0415

            full = str(agent["name"])
            local = full.partition(".")[2]
            declared = Agent(
                name=local, description=str(agent.get("description", ""))
            )
            registry.agents[full] = (record, declared)
        for local, workflow in record.workflows.items():
            registry.workflows[f"{record.name}.{local}"] = (
                record,
                workflow,
            )

    def forward(
        self, record: PluginRecord, target: str, message: dict[str, Any]
    ) -> object:
        """
        Send *message* for *target* to *record*'s worker and return the
        answer, counting the call in its statistics.
        """
        worker = record.remote
        if worker is None or record.state not in SERVING:
            msg = f"plugin {record.name!r} is {record.state.value}"
            raise PluginCallError(target, msg)
        stats = record.stats
        start = time.perf_counter()
        counted = dict(worker.counts)
        state = State.ACTIVE.value
        try:
            result, state = worker.request(target, message)
        except WorkerGone as exc:
            stats.errors += 1
            current = self._plugins.records.get(record.name)
            if (error := not_its_failure(exc, record, current)) is not None:
                raise error from None
            record.crashes += 1
            wait = RESTART_BACKOFF_SECONDS * 2 ** (record.crashes - 1)
            record.restart_at = time.monotonic() + min(
                wait, RESTART_BACKOFF_CEILING
            )
            self._plugins.fail(record, Failure(str(exc), kind="WorkerGone"))
            raise PluginCallError(target, str(exc)) from None
        except PluginError as exc:
            stats.errors += 1
            state = getattr(exc, "worker_state", state)
            raise
        finally:
            elapsed = time.perf_counter() - start
            stats.calls += 1
            stats.seconds += elapsed
            stats.latencies.append(elapsed)
            for key, before in counted.items():
                added = worker.counts[key] - before
                setattr(stats, key, getattr(stats, key) + added)
            if worker.peak_kb:
                stats.peak_memory_mb = max(
                    stats.peak_memory_mb or 0.0, worker.peak_kb / 1024
                )
            self._mirror(record, state)
        record.crashes = 0  # it answered: the next crash starts afresh
        return result

    def revive(self, target: str) -> bool:
        """
        Restart the crashed worker of the plugin that owns *target*, once
        its backoff has passed.

        Returns:
            Whether it was restarted (False: not a crashed worker).

        Raises:
            PluginCallError: If the backoff has not passed yet, or the
                restart failed.
        """
        record = self._plugins.records.get(target.partition(".")[0])
        if record is None:
            return False
        # One restart at a time: a caller that comes while one runs waits
        # for it, then finds the plugin back (or failed anew).
        with record.lifecycle.restart_lock:
            failure = record.last_error
            if (
                record.state is not State.ERROR
                or failure is None
                or failure.kind != "WorkerGone"
            ):
                return False
            wait = record.restart_at - time.monotonic()
            if wait > 0:
                msg = (
                    f"its worker crashed ({failure.message}); "
                    f"the next restart may run in {wait:.1f} s"
                )
                raise PluginCallError(target, msg)
            try:
                self._restart(record.name)
            except LoadError as exc:
                raise PluginCallError(
                    target, f"restarting its worker: {exc}"
                ) from None
        return True

    def _mirror(self, record: PluginRecord, state: str) -> None:
        # The version the host serves now: a call may have used the old
        # one, or the new one a reload is building.
        current = self._plugins.records.get(record.name, record)
        if state == State.QUARANTINED.value:
            self._security.quarantine(current, "quarantined in its worker")
        elif state == State.ERROR.value and current is record:
            failure = Failure("failed in its worker", kind="WorkerError")
            self._plugins.fail(record, failure)

    def serve(self, record: PluginRecord, message: dict[str, Any]) -> object:
        """
        Answer a request from *record*'s worker, checking its grants again.
        """
        # The worker checked these already; the host checks again because
        # a worker is only as trustworthy as the sandbox inside it.
        op = message.get("op")
        granted = self._security.effective_grants(record)
        if op in {"claude.query", "claude.count"}:
            self._security.require(record, granted, "host:claude.query")
            if self._claude is None:
                msg = "the host application provides no Claude capability"
                raise RuntimeError(msg)
            return answer_for_worker(self._claude, op, message)
        if op == "call_tool":
            target = str(message.get("tool"))
            owner = target.partition(".")[0]
            dependencies = {d.name for d in manifest_of(record).dependencies}
            if (
                owner != record.name
                and owner not in dependencies
                and f"host:tools:{owner}.*" not in granted
            ):
                self._security.require(record, granted, f"host:tools:{target}")
            arguments = message.get("arguments") or {}
            return self._call_tool(target, dict(arguments))
        if op == "event":
            name = str(message.get("name"))
            return self._emit(name, message.get("payload"), record.name)
        if op == "http" and self._http is not None:
            grants = self._security.grants(record, granted)
            return send_for_worker(
                self._http,
                grants,
                message,
                lambda permission: self._security.on_denied(
                    record.name, permission
                ),
            )
        msg = f"unknown request {op!r} from the worker"
        raise ValueError(msg)

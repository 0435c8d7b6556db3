"""
What the host keeps of each plugin, and the read-only views it hands out.
"""

from __future__ import annotations

import traceback
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from acc_plugins.errors import (
    CompileError,
    LoadError,
    PluginCallError,
    SandboxViolation,
)
from acc_plugins.sandbox import module_of, plain_name

from ._hints import hint_for


if TYPE_CHECKING:
    from collections.abc import Callable

    from acc_plugins.host.isolation._isolated import Worker
    from acc_plugins.manifest import Limits, Manifest
    from acc_plugins.sandbox import Sandbox
    from acc_plugins.sdk import Agent, Plugin, Workflow
    from acc_plugins.sdk._decorators import HookSpec, PromptSpec, ToolSpec

    from ._lifecycle import Lifecycle, State, Transition


@attrs.frozen
class Failure:
    """
    Why a plugin failed, where.

    Attributes:
        message: What went wrong.

        location: ``"file:line"`` in the plugin, when known.

        kind: The exception's class name.
    """

    message: str
    location: str | None = None
    kind: str = "Error"

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        return f"{where}{self.message}"


def locate(exc: BaseException, root: Path) -> str | None:
    """
    The innermost ``file:line`` under *root* where *exc* was raised.
    """
    if isinstance(exc, SandboxViolation) and exc.filename:
        return f"{exc.filename}:{exc.lineno}"
    if isinstance(exc, CompileError) and exc.problems:
        head = exc.problems[0]
        parts = head.split(":", 2)
        if len(parts) == 3 and parts[1].isdigit():  # noqa: PLR2004 -- file:line:message
            return ":".join(parts[:2])
        # "file: message", as an unreadable file is reported.
        return parts[0] if len(parts) > 1 else None
    prefix = str(root)
    found = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.startswith(prefix):
            found = f"{frame.filename}:{frame.lineno}"
    return found


_EXCERPT_LINES = 2


def excerpt(location: str | None) -> list[str]:
    """
    The lines around ``file:line``, the line itself marked, or nothing if
    the location is not a readable file position.
    """
    if not location:
        return []
    path_text, _, line_text = location.rpartition(":")
    if not line_text.isdigit():
        return []
    line = int(line_text)
    try:
        lines = Path(path_text).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    first = max(1, line - _EXCERPT_LINES)
    last = min(len(lines), line + _EXCERPT_LINES)
    return [
        f"{'>' if n == line else ' '} {n:4} | {lines[n - 1]}"
        for n in range(first, last + 1)
    ]


def root_cause(exc: BaseException) -> BaseException:
    """
    The plugin's own exception behind a ``PluginCallError``, or *exc*.
    """
    if isinstance(exc, PluginCallError) and exc.__cause__ is not None:
        return exc.__cause__
    return exc


def is_host_made(exc: BaseException) -> bool:
    """
    Whether *exc* is of a class of the host's or Python's own, whose text
    runs none of a plugin's code (its arguments aside).
    """
    module = module_of(type(exc))
    return type(module) is str and (
        module == "builtins" or module.startswith("acc_plugins")
    )


def plain_args_text(exc: BaseException) -> str | None:
    """
    The text of an exception whose arguments are plain data (so that
    ``str()`` runs none of a plugin's code), or None.
    """
    args = exc.args
    if type(args) is not tuple or not all(
        type(arg) in (str, int, float, bool, type(None)) for arg in args
    ):
        return None
    return str(exc) or plain_name(type(exc))


def failure_of(
    exc: BaseException, root: Path, sandbox: Sandbox | None = None
) -> Failure:
    """
    Describe *exc*, raised by or about the plugin at *root*.

    Anything the plugin made (its exception classes, or its objects in a
    built-in exception's arguments) is formatted as plugin code, under its
    sandbox's budget, or, without a sandbox, not at all.
    """
    kind = plain_name(type(exc))
    if isinstance(exc, SandboxViolation):
        message = f"{exc.what} is not allowed in the sandbox"
    elif isinstance(exc, CompileError):
        message = "; ".join(p.split(": ", 1)[-1] for p in exc.problems)
    elif isinstance(exc, LoadError):
        message = str(exc).removeprefix(f"{exc.name}: ")
    else:
        plain = plain_args_text(exc) if is_host_made(exc) else None
        if plain is not None:
            message = plain
        elif sandbox is not None:
            message = sandbox.text_of(exc)
        else:
            message = f"<{kind} raised by the plugin>"
        message = message or kind
        hint = hint_for(exc)
        if hint is not None:
            message = f"{message} ({hint})"
    return Failure(message, locate(exc, root), kind)


@attrs.define
class CallStats:
    """
    Counters of calls into one plugin.

    Attributes:
        calls: Calls served (tools, agents, hooks).

        errors: Calls that failed.

        seconds: Time spent in the plugin's code.

        breaches: Calls stopped because they ran out of budget.

        denials: Capabilities refused to the plugin.

        violations: Sandbox refusals.

        latencies: Seconds taken by the most recent calls.

        steps: Steps its calls took, when ``[limits] steps`` counts them.

        peak_memory_mb: The most memory its worker process has held
            (isolated plugins only; None in-process, where one plugin's
            memory cannot be told from the host's).
    """

    calls: int = 0
    errors: int = 0
    seconds: float = 0.0
    breaches: int = 0
    denials: int = 0
    violations: int = 0
    peak_memory_mb: float | None = None
    steps: int = 0
    latencies: deque[float] = attrs.field(
        factory=lambda: deque(maxlen=4096), repr=False, eq=False
    )


@attrs.define(eq=False)
class PluginRecord:
    """
    The host's state for one plugin.
    """

    name: str
    root: Path
    lifecycle: Lifecycle
    on_violation: Callable[[PluginRecord, BaseException], None] = attrs.field(
        repr=False
    )
    manifest: Manifest | None = None
    sandbox: Sandbox | None = None
    instance: Plugin | None = None
    tools: dict[str, ToolSpec] = attrs.Factory(dict)
    agents: dict[str, Agent] = attrs.Factory(dict)
    workflows: dict[str, Workflow] = attrs.Factory(dict)
    hooks: list[HookSpec] = attrs.Factory(list)
    prompts: list[PromptSpec] = attrs.Factory(list)
    # The current setting values; ctx.settings shows this dict read-only.
    settings: dict[str, Any] = attrs.Factory(dict)
    last_error: Failure | None = None
    log: list[str] = attrs.Factory(list)
    stats: CallStats = attrs.Factory(CallStats)
    # The isolated tier: the worker process and what it reported.
    remote: Worker | None = None
    # What the worker of an isolated plugin reported: namespaced "tools"
    # and "agents", and the event patterns of its "hooks".
    remote_offer: dict[str, tuple[str, ...]] = attrs.Factory(dict)
    # Worker crashes in a row, and when the next automatic restart may run.
    crashes: int = 0
    restart_at: float = 0.0

    @property
    def state(self) -> State:
        return self.lifecycle.state


@attrs.frozen
class PluginInfo:
    """
    A snapshot of one plugin, as ``PluginHost.plugins()`` reports it.

    Attributes:
        name: The plugin's name.

        version: Its version, or ``""`` if its manifest is unreadable.

        kind: ``agent``, ``tool``, ``workflow`` or ``mixed``.

        state: Its lifecycle state.

        description: What it does.

        root: Its folder.

        permissions: What it asks for, in canonical form.

        dependencies: ``name specifier`` of each dependency.

        tools: Its namespaced tools.

        agents: Its namespaced agents.

        workflows: Its namespaced workflows.

        hooks: The events it subscribes to.

        last_error: Its most recent failure, if any.

        transitions: How it reached its state.

        stats: Its call counters.

        log: Its most recent log lines.

        limits: The ``[limits]`` it runs under (the policy's ceilings
            applied), or None if its manifest is unreadable.
    """

    name: str
    version: str
    kind: str
    state: State
    description: str
    root: Path
    permissions: tuple[str, ...]
    dependencies: tuple[str, ...]
    tools: tuple[str, ...]
    agents: tuple[str, ...]
    workflows: tuple[str, ...]
    hooks: tuple[str, ...]
    last_error: Failure | None
    transitions: tuple[Transition, ...]
    stats: CallStats
    log: tuple[str, ...]
    limits: Limits | None = None

    @classmethod
    def of(cls, record: PluginRecord) -> PluginInfo:
        """
        Snapshot *record*.
        """
        manifest = record.manifest
        meta = manifest.plugin if manifest else None
        name = record.name
        return cls(
            name=name,
            version=str(meta.version) if meta else "",
            kind=meta.kind.value if meta else "",
            state=record.state,
            description=meta.description if meta else "",
            root=record.root,
            permissions=tuple(p.canonical for p in manifest.permissions.all)
            if manifest
            else (),
            dependencies=tuple(
                f"{d.name} {d.specifier}".strip()
                for d in manifest.dependencies
            )
            if manifest
            else (),
            tools=tuple(f"{name}.{t}" for t in record.tools)
            + record.remote_offer.get("tools", ()),
            agents=tuple(f"{name}.{a}" for a in record.agents)
            + record.remote_offer.get("agents", ()),
            workflows=tuple(f"{name}.{w}" for w in record.workflows),
            hooks=tuple(h.event for h in record.hooks)
            + record.remote_offer.get("hooks", ()),
            last_error=record.last_error,
            transitions=tuple(record.lifecycle.history),
            stats=attrs.evolve(
                record.stats, latencies=deque(record.stats.latencies)
            ),
            log=tuple(record.log),
            limits=manifest.limits if manifest else None,
        )


@attrs.frozen
class ToolInfo:
    """
    A registered tool, as ``PluginHost.tools()`` lists it.

    Attributes:
        name: Its namespaced name, ``plugin.tool``.

        description: What it does.

        schema: The JSON Schema of its arguments.
    """

    name: str
    description: str
    schema: dict[str, object]


@attrs.frozen
class AgentInfo:
    """
    A registered agent, as ``PluginHost.describe_agent()`` tells it.

    Attributes:
        name: Its namespaced name, ``plugin.agent``.

        description: What it is for.

        system_prompt: The instructions it gives the model; ``""`` when it
            declares none, or when its plugin runs in a worker process.

        tools: The namespaced tools it may use.

        scripted: True when the plugin's own code drives it (an
            ``@agent`` method, or any agent of an isolated plugin); False
            when the host drives it with its Claude capability and the
            system prompt.
    """

    name: str
    description: str
    system_prompt: str
    tools: tuple[str, ...]
    scripted: bool

"""
Dispatch: what embedding code calls on a running host (tools, agents and
workflows), down to the plugin's code or its worker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from acc_plugins.errors import PluginCallError, PluginNotFoundError
from acc_plugins.host.capabilities._allowance import (
    Allowance,
    ExhaustedError,
    estimate_tokens,
    metered_query,
)
from acc_plugins.host.core._lifecycle import State
from acc_plugins.host.core._loader import manifest_of
from acc_plugins.host.core._record import AgentInfo, ToolInfo
from acc_plugins.host.core._registry import lookup

from ._dispatch import call_plugin, copy_json
from ._prompts import additions, join_prompts
from ._workflows import run_workflow


if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from acc_plugins.host.capabilities._claude import ClaudeProvider
    from acc_plugins.host.core._plugins import Plugins
    from acc_plugins.host.core._record import PluginRecord

    from ._dispatch import ToolEntry

    Invoker = Callable[[dict[str, object]], object]

_T = TypeVar("_T")
_SERVING = frozenset({State.ACTIVE, State.RELOADING})


def not_serving(record: PluginRecord, kind: str, name: str) -> str:
    """
    Why *record*'s {kind} *name* cannot be called: the plugin's state and
    its last error, else the reason of its last move.
    """
    if record.last_error is not None:
        reason = str(record.last_error)
    elif record.lifecycle.history:
        reason = record.lifecycle.history[-1].reason or "no reason recorded"
    else:
        reason = "no reason recorded"
    return (
        f"cannot call {kind} {name!r}: plugin {record.name!r} is in "
        f"state {record.state.value!r}: {reason}"
    )


class Calls:
    """
    Calls into plugins: tools, agents, workflows.

    Args:
        plugins: The host's plugins and their registry.

        claude: The application's Claude capability, if any.

        tool_fallback: Called for a tool this host does not have.

        revive: Restarts the crashed worker that owns a target, once its
            backoff has passed.

        telling: Wraps an invoker so that it emits ``tool.called``.

        contributions: What other plugins add to an agent's prompt.

        forward: Sends a request to an isolated plugin's worker.

        effective_grants: What a plugin may use.
    """

    def __init__(
        self,
        plugins: Plugins,
        *,
        claude: ClaudeProvider | None,
        tool_fallback: Callable[[str, dict[str, object]], object] | None,
        revive: Callable[[str], object],
        telling: Callable[[str, Invoker], Invoker],
        contributions: Callable[[str, str], str],
        forward: Callable[[PluginRecord, str, dict[str, Any]], object],
        effective_grants: Callable[[PluginRecord], frozenset[str]],
    ) -> None:
        self._records = plugins.records
        self._registry = plugins.registry
        self._tools = plugins.registry.tools
        self._claude = claude
        self._tool_fallback = tool_fallback
        self._revive = revive
        self._telling = telling
        self._contributions = contributions
        self._forward = forward
        self._effective_grants = effective_grants

    def __repr__(self) -> str:
        return f"<Calls tools={len(self._tools)}>"

    def _lookup(self, table: Mapping[str, _T], kind: str, name: str) -> _T:
        """
        ``table[name]``; if its plugin is there but not serving, an error
        that names the plugin, its state and why, not a list of names.
        """
        if name not in table:
            record = self._records.get(name.partition(".")[0])
            if record is not None and record.state not in _SERVING:
                raise PluginNotFoundError(
                    name, not_serving(record, kind, name)
                )
        return lookup(table, kind, name)

    def call_missing(self, name: str, arguments: dict[str, object]) -> Any:
        """
        ``call_tool`` of a name the hot-path table lacks: the fallback, a
        crashed worker brought back, or a clear error.
        """
        if self._tool_fallback is not None and name not in self._tools:
            return self._tool_fallback(name, arguments)
        return self.tool(name).call(arguments)

    def tool(self, name: str) -> ToolEntry:
        """
        The registered tool *name* (reviving its crashed worker first).

        Raises:
            PluginNotFoundError: If no active plugin offers it.
        """
        if name not in self._tools:
            self._revive(name)
        return self._lookup(self._tools, "tool", name)

    def call_tool_text(self, name: str, arguments: Mapping[str, str]) -> Any:
        """
        Call a tool with textual arguments, converted by its schema.
        """
        entry = self.tool(name)
        if self._registry.calls.get(name) is entry.call:  # no tool.called
            return entry.invoke(arguments, text=True)
        told = self._telling(
            name, lambda _: entry.invoke(arguments, text=True)
        )
        return told({})

    def describe_tool(self, name: str) -> ToolInfo:
        """
        The description and argument schema of one tool.
        """
        entry = self._lookup(self._tools, "tool", name)
        return ToolInfo(name, entry.description, entry.signature.schema())

    def describe_agent(self, name: str) -> AgentInfo:
        """
        What one agent declares: its description, prompt and tools.
        """
        record, agent = self._lookup(self._registry.agents, "agent", name)
        return AgentInfo(
            name,
            agent.description,
            agent.system_prompt,
            agent.tools,
            scripted=agent.function is not None or record.remote is not None,
        )

    def run_agent(self, name: str, task: str) -> Any:
        """
        Run an agent on a task, with what contributors add to its prompt.
        """
        if name not in self._registry.agents:
            self._revive(name)
        record, _ = self._lookup(self._registry.agents, "agent", name)
        if type(task) is not str:
            msg = "task must be a string"
            raise TypeError(msg)
        # What other plugins add to its prompt is decided here, by the
        # host that holds every plugin and the grants.
        added = self._contributions(name, task)
        if record.remote is not None:
            message = {"op": "run_agent", "agent": name, "task": task}
            return self._forward(record, name, {**message, "added": added})
        return self.run_local_agent(name, task, added)

    def run_local_agent(self, name: str, task: str, added: str) -> Any:
        """
        Run an agent of an in-process plugin, with *added* after its
        system prompt.
        """
        record, agent = self._lookup(self._registry.agents, "agent", name)
        if agent.function is not None:
            with additions(record.name, added):
                result = call_plugin(
                    record, name, agent.function, (record.instance, task), {}
                )
            try:
                return copy_json(result, "result")
            except ValueError as exc:
                msg = f"returned a value that is not JSON-compatible: {exc}"
                raise PluginCallError(name, msg) from None
        if self._claude is None:
            msg = "the host provides no Claude capability to drive this agent"
            raise PluginCallError(name, msg)
        granted = self._effective_grants(record)
        if "host:claude.query" not in granted:
            msg = "the plugin lacks permission 'host:claude.query'"
            raise PluginCallError(name, msg)
        # A declared agent's run is one call: the host's own query counts
        # against the plugin's model budget like the plugin's would.
        limits = manifest_of(record).limits
        allowance = Allowance.of(None, limits, tool_calls=False)
        system = join_prompts(agent.system_prompt or None, added)
        asked = estimate_tokens(task, self._claude) + estimate_tokens(
            system or "", self._claude
        )
        room = min(4096, limits.model_tokens - asked)
        try:
            return metered_query(
                self._claude,
                allowance,
                task,
                system=system,
                max_tokens=max(room, 1),
            )
        except ExhaustedError as exc:
            raise PluginCallError(name, str(exc)) from None

    def run_workflow(
        self,
        name: str,
        inputs: dict[str, object],
        call_tool: Callable[[str, dict[str, object]], object],
    ) -> Any:
        """
        Run a workflow with its inputs; its steps call tools through
        *call_tool* and agents through ``run_agent``.
        """
        record, workflow = self._lookup(
            self._registry.workflows, "workflow", name
        )
        copied = {k: copy_json(v, f"input {k!r}") for k, v in inputs.items()}
        return run_workflow(
            name,
            workflow,
            copied,
            owner=record.name,
            call_tool=call_tool,
            run_agent=self.run_agent,
        )

"""
What embedding code calls on a running host: tools, agents, workflows and
events.

``PluginHost`` inherits these; the lifecycle lives in ``_host``.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any

from acc_plugins.errors import PluginCallError

from ._allowance import (
    Allowance,
    ExhaustedError,
    estimate_tokens,
    metered_query,
)
from ._dispatch import call_plugin, copy_json
from ._events import MAX_ROUTES
from ._loader import manifest_of
from ._prompts import additions, join_prompts
from ._record import ToolInfo
from ._registry import lookup
from ._workflows import run_workflow


if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from ._claude import ClaudeProvider
    from ._dispatch import ToolEntry
    from ._events import EventBus, Routes
    from ._order import ActiveOrder
    from ._record import PluginRecord
    from ._registry import Registry


class HostCalls:
    """
    Dispatch for ``PluginHost``.
    """

    _tools: dict[str, ToolEntry]
    _calls: dict[str, Callable[[dict[str, object]], object]]
    _registry: Registry
    _claude: ClaudeProvider | None
    _events: EventBus
    _records: dict[str, PluginRecord]
    _order: ActiveOrder
    _event_routes: dict[str, Routes]
    _tool_fallback: Callable[[str, dict[str, object]], object] | None

    def call_tool(self, name: str, /, **arguments: object) -> Any:
        """
        Call a tool by its namespaced name with keyword arguments.

        Returns:
            A JSON-compatible copy of what the tool returned.

        Raises:
            PluginNotFoundError: If no active plugin offers that tool.

            ToolArgumentError: If the arguments do not fit its signature.

            PluginCallError: If the plugin's code fails.
        """
        invoke = self._calls.get(name)
        if invoke is None:
            if self._tool_fallback is not None and name not in self._tools:
                return self._tool_fallback(name, dict(arguments))
            invoke = self._tool(name).call
        return invoke(arguments)

    async def acall_tool(self, name: str, /, **arguments: object) -> Any:
        """
        ``call_tool`` for an application that runs an event loop: the call
        runs in a worker thread, so a plugin's work (an ``async def`` tool
        included) never blocks the application's loop.
        """
        return await asyncio.to_thread(self.call_tool, name, **arguments)

    def _tool(self, name: str) -> ToolEntry:
        if name not in self._tools:
            self._revive(name)  # type: ignore[attr-defined]
        return lookup(self._tools, "tool", name)

    def call_tool_text(self, name: str, arguments: Mapping[str, str]) -> Any:
        """
        Call a tool with textual arguments (``k=v`` on a command line),
        converted according to its schema.
        """
        entry = self._tool(name)
        if self._calls.get(name) is entry.call:  # nobody wants tool.called
            return entry.invoke(arguments, text=True)
        told = self._telling(  # type: ignore[attr-defined]
            name, lambda _: entry.invoke(arguments, text=True)
        )
        return told({})

    def describe_tool(self, name: str) -> ToolInfo:
        """
        The description and argument schema of one tool.
        """
        entry = lookup(self._tools, "tool", name)
        return ToolInfo(name, entry.description, entry.signature.schema())

    def run_agent(self, name: str, task: str) -> Any:
        """
        Run an agent on a task and return its answer.
        """
        if name not in self._registry.agents:
            self._revive(name)  # type: ignore[attr-defined]
        record, _ = lookup(self._registry.agents, "agent", name)
        if type(task) is not str:
            msg = "task must be a string"
            raise TypeError(msg)
        # What other plugins add to its prompt is decided here, by the
        # host that holds every plugin and the grants.
        added = self._contributions(name, task)  # type: ignore[attr-defined]
        if record.remote is not None:
            message = {"op": "run_agent", "agent": name, "task": task}
            return self._forward(  # type: ignore[attr-defined]
                record, name, {**message, "added": added}
            )
        return self.run_local_agent(name, task, added)

    async def arun_agent(self, name: str, task: str) -> Any:
        """
        ``run_agent`` for an application that runs an event loop, in a
        worker thread like ``acall_tool``.
        """
        return await asyncio.to_thread(self.run_agent, name, task)

    def run_local_agent(self, name: str, task: str, added: str) -> Any:
        """
        Run an agent of an in-process plugin, with *added* after its
        system prompt (what ``run_agent`` collected from contributors).
        """
        record, agent = lookup(self._registry.agents, "agent", name)
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
        granted = self._effective_grants(record)  # type: ignore[attr-defined]
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

    def run_workflow(self, name: str, /, **inputs: object) -> Any:
        """
        Run a workflow with its inputs and return its output.
        """
        record, workflow = lookup(self._registry.workflows, "workflow", name)
        copied = {k: copy_json(v, f"input {k!r}") for k, v in inputs.items()}
        return run_workflow(
            name,
            workflow,
            copied,
            owner=record.name,
            call_tool=lambda tool, arguments: self.call_tool(
                tool, **arguments
            ),
            run_agent=self.run_agent,
        )

    def emit(
        self, name: str, payload: object = None, *, source: str = "host"
    ) -> int:
        """
        Deliver an event to the host's listeners and to matching hooks.

        A failing hook is contained, counted and reported; the others still
        run.  Hooks run in plugin activation order, then declaration order.

        Returns:
            How many plugin hooks received it.
        """
        return self._events.emit(name, payload, source, self._routes(name))

    def _tell(self, name: str, payload: dict[str, object]) -> int:
        """
        ``emit`` of an event the host made, its payload fresh JSON.
        """
        return self._events.deliver(name, payload, "host", self._routes(name))

    def _routes(self, name: str) -> tuple[PluginRecord, ...]:
        routes = self._event_routes.get(name)
        if routes is None:
            routes = self._route_event(name)
        if routes.crashed:
            self._revive_for_event(routes.crashed)
            routes = self._route_event(name)
        return routes.serving

    def _route_event(self, name: str) -> Routes:
        routes = self._event_routes
        if len(routes) >= MAX_ROUTES:  # a plugin may make up any names
            routes.clear()
        found = routes[name] = self._order.routes(name)
        return found

    def _routes_changed(self) -> None:
        """
        Forget the routes of events: plugins, their hooks or their order
        changed.
        """
        self._event_routes.clear()

    def _revive_for_event(self, crashed: tuple[PluginRecord, ...]) -> None:
        # An isolated plugin whose worker crashed is not in the activation
        # order any more; an event its hooks want brings it back, as a
        # call would, once the backoff has passed.
        for record in crashed:
            with contextlib.suppress(PluginCallError):
                self._revive(f"{record.name}.")  # type: ignore[attr-defined]

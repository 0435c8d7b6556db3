"""
The namespaced registry of active tools, agents and workflows.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Any, TypeVar

from acc_plugins.errors import PluginNotFoundError

from ._dispatch import ToolEntry


if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from acc_plugins.sdk import Agent, Workflow

    from ._record import PluginRecord

_T = TypeVar("_T")


def lookup(table: Mapping[str, _T], kind: str, name: str) -> _T:
    """
    ``table[name]``, or a ``PluginNotFoundError`` with a did-you-mean.
    """
    found = table.get(name)
    if found is not None:
        return found
    close = difflib.get_close_matches(name, list(table), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    msg = f"no active {kind} named {name!r}{hint}"
    raise PluginNotFoundError(name, msg)


class Registry:
    """
    What active plugins offer, under ``plugin.name`` keys.

    Attributes:
        tools: Callable tools.

        agents: Agents, with their plugin.

        workflows: Workflows, with their plugin.
    """

    def __init__(self) -> None:
        self.tools: dict[str, ToolEntry] = {}
        # The hot path's table: each tool's invoker, one lookup away.
        self.calls: dict[str, Callable[[dict[str, object]], object]] = {}
        self.agents: dict[str, tuple[PluginRecord, Agent]] = {}
        self.workflows: dict[str, tuple[PluginRecord, Workflow]] = {}
        # Told after every change (the host may wrap the hot-path table).
        self.on_change: Callable[[], object] | None = None

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()

    def __repr__(self) -> str:
        return f"<Registry tools={len(self.tools)} agents={len(self.agents)}>"

    def register(self, record: PluginRecord) -> None:
        """
        Add everything *record* declares.
        """
        name = record.name
        for tool_name, spec in record.tools.items():
            target = f"{name}.{tool_name}"
            entry = ToolEntry(
                target, record, spec.function, spec.signature, spec.description
            )
            self.tools[target] = entry
            self.calls[target] = entry.call
        for agent_name, agent in record.agents.items():
            self.agents[f"{name}.{agent_name}"] = (record, agent)
        for workflow_name, workflow in record.workflows.items():
            self.workflows[f"{name}.{workflow_name}"] = (record, workflow)
        self._changed()

    def take_over(self, fresh: Registry, plugin: str) -> None:
        """
        Put what *fresh* holds for *plugin* in place of what this registry
        holds for it, one name at a time: a caller meanwhile finds the old
        entry or the new one, never none.  Names the new version dropped
        go last.
        """
        prefix = plugin + "."
        pairs: list[tuple[dict[str, Any], dict[str, Any]]] = [
            (self.tools, fresh.tools),
            (self.calls, fresh.calls),
            (self.agents, fresh.agents),
            (self.workflows, fresh.workflows),
        ]
        for mine, theirs in pairs:
            mine.update(theirs)
        for mine, theirs in pairs:
            for key in [k for k in mine if k.startswith(prefix)]:
                if key not in theirs:
                    del mine[key]
        self._changed()

    def unregister(self, plugin: str) -> None:
        """
        Remove everything of *plugin*.
        """
        prefix = plugin + "."
        for table in (self.tools, self.calls, self.agents, self.workflows):
            _drop_prefixed(table, prefix)
        self._changed()


def _drop_prefixed(table: dict[str, Any], prefix: str) -> None:
    for key in [k for k in table if k.startswith(prefix)]:
        del table[key]

"""
The namespaced registry of active tools, agents and workflows.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, TypeVar

from acc_plugins.errors import PluginNotFoundError
from acc_plugins.host.dispatch._dispatch import ToolEntry

from ._order import HookIndex, hook_patterns


if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    from acc_plugins.sdk import Agent, Workflow

    from ._record import PluginRecord

    Invoker = Callable[[dict[str, object]], object]
    Wrapper = Callable[[str, Invoker], Invoker]

_T = TypeVar("_T")
_SHOWN_NAMES = 8  # in a "no such name" message; more say "..."


def lookup(table: Mapping[str, _T], kind: str, name: str) -> _T:
    """
    ``table[name]``, or a ``PluginNotFoundError`` that says what to try.
    """
    found = table.get(name)
    if found is not None:
        return found
    msg = f"no active {kind} named {name!r}{unknown_hint(kind, name, table)}"
    raise PluginNotFoundError(name, msg)


def unknown_hint(kind: str, name: str, known: Iterable[str]) -> str:
    """
    What to say after "no *kind* named *name*": the closest name, else
    the names there are (a few), else that there are none; and, for a
    name without its plugin, how names are spelled.
    """
    names = sorted(known)
    close = difflib.get_close_matches(name, names, n=1)
    if close:
        return f"; did you mean {close[0]!r}?"
    spelled = (
        f" ({kind}s are named PLUGIN.NAME)"
        if "." not in name and any("." in n for n in names)
        else ""
    )
    if not names:
        return f"; there are none{spelled}"
    more = ", ..." if len(names) > _SHOWN_NAMES else ""
    shown = ", ".join(names[:_SHOWN_NAMES]) + more
    return f"; there are: {shown}{spelled}"


class Registry:
    """
    What active plugins offer, under ``plugin.name`` keys.

    Each plugin's names are kept with it, so that removing or replacing
    one plugin touches its own entries, not every plugin's.

    Attributes:
        tools: Callable tools.

        agents: Agents, with their plugin.

        workflows: Workflows, with their plugin.

        hooks: The hook patterns of the plugins registered here.
    """

    def __init__(self) -> None:
        self.tools: dict[str, ToolEntry] = {}
        # The hot path's table: each tool's invoker, one lookup away.
        self.calls: dict[str, Invoker] = {}
        self.agents: dict[str, tuple[PluginRecord, Agent]] = {}
        self.workflows: dict[str, tuple[PluginRecord, Workflow]] = {}
        self.hooks = HookIndex()
        # Told after every change (the host may wrap the hot-path table).
        self.on_change: Callable[[], object] | None = None
        # Told with the plugin's name when a new version takes over.
        self.on_take_over: Callable[[str], object] | None = None
        self._names: dict[str, _Names] = {}
        # Entries written into the tables directly (an isolated plugin's)
        # are adopted by their plugin at the next change.
        self._counted = (0, 0, 0)
        self._wrap: Wrapper | None = None

    def _changed(self) -> None:
        self._counted = self._sizes()
        if self.on_change is not None:
            self.on_change()

    def _sizes(self) -> tuple[int, int, int]:
        return len(self.tools), len(self.agents), len(self.workflows)

    def __repr__(self) -> str:
        return f"<Registry tools={len(self.tools)} agents={len(self.agents)}>"

    def _adopt_strays(self) -> None:
        if self._sizes() == self._counted:
            return
        known = {
            key
            for names in self._names.values()
            for keys in names
            for key in keys
        }
        tables: tuple[Mapping[str, object], ...] = (
            self.tools,
            self.agents,
            self.workflows,
        )
        for index, table in enumerate(tables):
            for key in table:
                if key not in known:
                    plugin = key.partition(".")[0]
                    names = self._names.setdefault(plugin, ([], [], []))
                    names[index].append(key)
                    if index == 0 and self._wrap is not None:
                        self.calls[key] = self._wrap(key, self.tools[key].call)
        self._counted = self._sizes()

    def register(self, record: PluginRecord) -> None:
        """
        Add everything *record* declares.
        """
        self._adopt_strays()
        name = record.name
        wrap = self._wrap
        names = self._names.setdefault(name, ([], [], []))
        for tool_name, spec in record.tools.items():
            target = f"{name}.{tool_name}"
            entry = ToolEntry(
                target, record, spec.function, spec.signature, spec.description
            )
            self.tools[target] = entry
            self.calls[target] = (
                entry.call if wrap is None else wrap(target, entry.call)
            )
            names[0].append(target)
        for agent_name, agent in record.agents.items():
            key = f"{name}.{agent_name}"
            self.agents[key] = (record, agent)
            names[1].append(key)
        for workflow_name, workflow in record.workflows.items():
            key = f"{name}.{workflow_name}"
            self.workflows[key] = (record, workflow)
            names[2].append(key)
        self.hooks.put(name, hook_patterns(record))
        self._changed()

    def take_over(self, fresh: Registry, plugin: str) -> None:
        """
        Put what *fresh* holds for *plugin* in place of what this registry
        holds for it, one name at a time: a caller meanwhile finds the old
        entry or the new one, never none.  Names the new version dropped
        go last.
        """
        self._adopt_strays()
        new: _Names = (
            list(fresh.tools),
            list(fresh.agents),
            list(fresh.workflows),
        )
        wrap = self._wrap
        for key, entry in fresh.tools.items():
            self.tools[key] = entry
            self.calls[key] = (
                entry.call if wrap is None else wrap(key, entry.call)
            )
        self.agents.update(fresh.agents)
        self.workflows.update(fresh.workflows)
        old = self._names.get(plugin, ([], [], []))
        for index, keys in enumerate(old):
            kept = set(new[index])
            for key in keys:
                if key not in kept:
                    self._drop(index, key)
        self._names[plugin] = new
        self.hooks.put(plugin, fresh.hooks.patterns_of(plugin))
        if self.on_take_over is not None:
            self.on_take_over(plugin)
        self._changed()

    def _drop(self, index: int, key: str) -> None:
        if index == 0:
            self.tools.pop(key, None)
            self.calls.pop(key, None)
        elif index == 1:
            self.agents.pop(key, None)
        else:
            self.workflows.pop(key, None)

    def unregister(self, plugin: str) -> None:
        """
        Remove everything of *plugin*.
        """
        self._adopt_strays()
        for index, keys in enumerate(self._names.pop(plugin, ())):
            for key in keys:
                self._drop(index, key)
        self.hooks.drop(plugin)
        self._changed()

    def wrap_calls(self, wrap: Wrapper | None) -> None:
        """
        Put each tool's invoker wrapped by *wrap* in the hot-path table,
        or the plain invokers if None; new tools are wrapped as they
        come.  Only a switch between the two walks the table.
        """
        self._adopt_strays()
        switched = (wrap is None) != (self._wrap is None)
        self._wrap = wrap
        if not switched:
            return
        for target, entry in list(self.tools.items()):
            plain = entry.call
            self.calls[target] = plain if wrap is None else wrap(target, plain)


# One plugin's keys in the tools (and calls), agents and workflows tables.
_Names = tuple[list[str], list[str], list[str]]

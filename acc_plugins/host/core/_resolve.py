"""
Dependency resolution: which plugins can load, and in what order.
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING

import attrs

from acc_plugins.errors import DependencyError


if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from packaging.specifiers import SpecifierSet
    from packaging.version import Version


@attrs.frozen
class Node:
    """
    What resolution needs to know of one plugin.

    Attributes:
        version: The plugin's version.

        requires: ``(name, specifier)`` of each dependency.
    """

    version: Version
    requires: Sequence[tuple[str, SpecifierSet]] = ()


@attrs.frozen
class Resolution:
    """
    The outcome of resolving a set of plugins.

    Attributes:
        order: Plugins that can load, dependencies first.

        failures: Why each other plugin cannot.
    """

    order: tuple[str, ...]
    failures: Mapping[str, DependencyError]


def _cyclic(graph: Mapping[str, list[str]]) -> set[str]:
    """
    The nodes of *graph* that lie on a cycle: Tarjan's strongly connected
    components, iterative (a chain of a thousand plugins is no recursion
    limit), in time linear in nodes and edges.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cyclic: set[str] = set()
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(graph[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            name, deps = work[-1]
            for dep in deps:
                if dep not in graph:
                    continue  # missing: failed on its own
                if dep not in index:
                    index[dep] = low[dep] = len(index)
                    stack.append(dep)
                    on_stack.add(dep)
                    work.append((dep, iter(graph[dep])))
                    break
                if dep in on_stack:
                    low[name] = min(low[name], index[dep])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[name])
                if low[name] == index[name]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == name:
                            break
                    if len(component) > 1 or name in graph[name]:
                        cyclic.update(component)
    return cyclic


def _cycle_through(
    name: str, graph: Mapping[str, list[str]], cyclic: set[str]
) -> list[str]:
    """
    The shortest loop from *name* back to itself (breadth first, along
    declared dependencies in order), as ``[name, ..., name]``.
    """
    came_from: dict[str, str] = {}
    frontier = [name]
    while frontier:
        following: list[str] = []
        for current in frontier:
            for dep in graph[current]:
                if dep == name:
                    path = [current]
                    while path[-1] != name:
                        path.append(came_from[path[-1]])
                    return [*reversed(path), name]
                if dep in cyclic and dep not in came_from:
                    came_from[dep] = current
                    following.append(dep)
        frontier = following
    return [name, name]  # unreachable for a node on a cycle


def resolve(nodes: Mapping[str, Node]) -> Resolution:
    """
    Order *nodes* so that every plugin comes after its dependencies, and
    otherwise by name.

    A plugin fails if a dependency is missing, of a version outside its
    specifier, part of a cycle, or itself failed; each failure names the
    chain that leads to the cause.  Time grows with the number of plugins
    and dependencies (times a logarithm for the ordering), not with its
    square.
    """
    failures: dict[str, DependencyError] = {}
    graph: dict[str, list[str]] = {}
    for name in sorted(nodes):
        graph[name] = []
        for dep, spec in nodes[name].requires:
            found = nodes.get(dep)
            if found is None:
                failures[name] = DependencyError(
                    name,
                    f"requires {dep!r} ({spec or 'any version'}), "
                    "which is not installed",
                    [name, dep],
                )
            elif not spec.contains(found.version, prereleases=True):
                failures[name] = DependencyError(
                    name,
                    f"requires {dep!r} {spec}, but version "
                    f"{found.version} is installed",
                    [name, dep],
                )
            graph[name].append(dep)
    cyclic = _cyclic(graph)
    for name in sorted(cyclic - failures.keys()):
        cycle = _cycle_through(name, graph, cyclic)
        failures[name] = DependencyError(
            name, "dependency cycle: " + " -> ".join(cycle), cycle
        )
    # Kahn's algorithm over the plugins off every cycle, the smallest
    # name first among those ready: a plugin whose dependencies are all
    # decided is placed, or fails with the first failed one.
    waiting = {
        name: sum(1 for d in set(deps) if d in graph and d not in cyclic)
        for name, deps in graph.items()
        if name not in cyclic
    }
    dependents: dict[str, list[str]] = {name: [] for name in graph}
    for name in waiting:
        for dep in set(graph[name]):
            if dep in waiting:
                dependents[dep].append(name)
    ready = [name for name, count in waiting.items() if not count]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        name = heapq.heappop(ready)
        if name not in failures:
            failed = next((d for d in graph[name] if d in failures), None)
            if failed is None:
                order.append(name)
            else:
                failures[name] = DependencyError(
                    name,
                    f"dependency {failed!r} cannot load: {failures[failed]}",
                    [name, *failures[failed].chain],
                )
        for dependent in dependents[name]:
            waiting[dependent] -= 1
            if not waiting[dependent]:
                heapq.heappush(ready, dependent)
    return Resolution(tuple(order), failures)

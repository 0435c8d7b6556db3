"""
Dependency resolution: which plugins can load, and in what order.
"""

from __future__ import annotations

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


def _find_cycle(
    start: str, graph: Mapping[str, list[str]]
) -> list[str] | None:
    path: list[str] = []
    on_path: set[str] = set()
    done: set[str] = set()

    def visit(name: str) -> list[str] | None:
        if name in on_path:
            return [*path[path.index(name) :], name]
        if name in done:
            return None
        path.append(name)
        on_path.add(name)
        for dep in graph.get(name, []):
            found = visit(dep)
            if found:
                return found
        path.pop()
        on_path.discard(name)
        done.add(name)
        return None

    return visit(start)


def resolve(nodes: Mapping[str, Node]) -> Resolution:
    """
    Order *nodes* so that every plugin comes after its dependencies.

    A plugin fails if a dependency is missing, of a version outside its
    specifier, part of a cycle, or itself failed; each failure names the
    chain that leads to the cause.
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
    for name in sorted(graph):
        if name in failures:
            continue
        cycle = _find_cycle(name, graph)
        if cycle and name in cycle:
            failures[name] = DependencyError(
                name, "dependency cycle: " + " -> ".join(cycle), cycle
            )
    order: list[str] = []
    placed: set[str] = set()
    pending = [n for n in sorted(graph) if n not in failures]
    while pending:
        progressed = False
        for name in list(pending):
            deps = graph[name]
            failed = next((d for d in deps if d in failures), None)
            if failed is not None:
                chain = [name, *failures[failed].chain]
                failures[name] = DependencyError(
                    name,
                    f"dependency {failed!r} cannot load: {failures[failed]}",
                    chain,
                )
                pending.remove(name)
                progressed = True
            elif all(d in placed for d in deps):
                order.append(name)
                placed.add(name)
                pending.remove(name)
                progressed = True
        if not progressed:  # only reachable through a cycle's dependents
            for name in pending:
                failures[name] = DependencyError(
                    name, "depends on a dependency cycle", [name]
                )
            break
    return Resolution(tuple(order), failures)

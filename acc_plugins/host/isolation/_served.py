"""
An isolated plugin's dependencies, served to its worker by the host.

A worker's own host sees only its plugin's folder, so the plugins it
depends on are not there to resolve or to call.  The host has resolved
and activated them already: it passes their versions to the worker, whose
host counts them as present and active (and still checks the versions
against the plugin's specifiers), and the plugin's calls to their tools
go back over the wire to the host (``tool_fallback``), which dispatches
them as any call, with the dependency's own grants and budgets, in
whichever tier the dependency runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from packaging.version import InvalidVersion, Version

from acc_plugins.host.core._lifecycle import State
from acc_plugins.host.core._resolve import Node


if TYPE_CHECKING:
    from collections.abc import Mapping

    from acc_plugins.host.core._record import PluginRecord
    from acc_plugins.manifest import Manifest


def versions(
    records: Mapping[str, PluginRecord], manifest: Manifest
) -> dict[str, str]:
    """
    The versions of *manifest*'s dependencies that are active in the host,
    for its worker.
    """
    served = {}
    for dependency in manifest.dependencies:
        record = records.get(dependency.name)
        if (
            record is not None
            and record.manifest is not None
            and record.state is State.ACTIVE
        ):
            served[dependency.name] = str(record.manifest.plugin.version)
    return served


def unmet(
    records: Mapping[str, PluginRecord], manifest: Manifest
) -> str | None:
    """
    Why *manifest*'s plugin cannot start yet (a dependency that is not
    active, said as activation says it), or None: checked before its
    worker starts, since a worker activates the plugin as it loads.
    """
    for dependency in manifest.dependencies:
        record = records.get(dependency.name)
        if record is None or record.state is not State.ACTIVE:
            state = record.state.value if record else "missing"
            return f"dependency {dependency.name!r} is {state}"
    return None


def nodes(data: object) -> dict[str, Node]:
    """
    What the worker's host resolves the served dependencies as, from what
    crossed the pipe (anything malformed is left out: the plugin then
    fails to resolve, with the usual message).
    """
    if not isinstance(data, dict):
        return {}
    found = {}
    for name, version in data.items():
        try:
            found[str(name)] = Node(Version(str(version)))
        except InvalidVersion:
            continue
    return found

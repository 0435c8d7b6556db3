"""
The publishing pipeline's load check: a plugin about to be published,
activated in a throw-away host, to learn what it adds (tools with their
argument schemas, agents, workflows, hooks) and to refuse one that does
not activate.

Why a real host and not a reading of the source: what a plugin registers
is decided when its code runs, and a plugin that fails to activate on a
clean machine would fail for every user who installs it.  The host is
thrown away with its temporary data, cache and config folders and talks
to `FakeClaude`, so nothing of the publisher's own setup leaks in.  The
plugin's dependencies come from the registry it is published to, checked
against its index, so a plugin that needs one the registry lacks is
refused with the reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import attrs

from acc_plugins.errors import PublishError

from ._archive import archive_digest
from ._extract import extract_archive
from ._regfolder import RegistryFolder


if TYPE_CHECKING:
    from pathlib import Path

    from packaging.specifiers import SpecifierSet

    from acc_plugins.host import ToolInfo
    from acc_plugins.manifest import Manifest

    from ._index import Index

_MAX_DEPENDENCIES: Final = 100


@attrs.frozen
class LoadedPlugin:
    """
    What an activated plugin added to its host.

    Attributes:
        manifest: Its manifest.

        tool_infos: Its tools, with their argument schemas.

        tools, agents, workflows: Their names, without the plugin's.

        hooks: The events it subscribes to.
    """

    manifest: Manifest
    tool_infos: tuple[ToolInfo, ...]
    tools: tuple[str, ...]
    agents: tuple[str, ...]
    workflows: tuple[str, ...]
    hooks: tuple[str, ...]


def load_plugin(
    scratch: Path, manifest: Manifest, registry: Path, index: Index
) -> LoadedPlugin:
    """
    Activate the plugin extracted in ``<scratch>/plugins/<name>`` with
    its dependencies from the registry in *registry*.

    Raises:
        PublishError: If a dependency is not in the registry, or the
            plugin does not activate.
    """
    from acc_plugins.host import FakeClaude, PluginHost, State  # noqa: PLC0415 -- heavy

    name = manifest.plugin.name
    plugins = scratch / "plugins"
    _dependencies(manifest, plugins, registry, index)
    host = PluginHost(
        [plugins],
        claude=FakeClaude(),
        cache_dir=scratch / "cache",
        data_dir=scratch / "data",
        config_dir=scratch / "config",
        scan_threshold=None,  # the pipeline scanned it, with its threshold
        auto_update=False,
    )
    try:
        host.start()
        info = host.info(name)
        if info.state is not State.ACTIVE:
            reason = str(info.last_error or f"it is {info.state.value}")
            msg = f"{name} does not activate in a clean host:"
            raise PublishError(msg, [reason], step="load")
        tool_infos = tuple(host.describe_tool(tool) for tool in info.tools)
    finally:
        host.stop()
    prefix = f"{name}."
    return LoadedPlugin(
        manifest,
        tool_infos,
        tuple(tool.removeprefix(prefix) for tool in info.tools),
        tuple(agent.removeprefix(prefix) for agent in info.agents),
        tuple(flow.removeprefix(prefix) for flow in info.workflows),
        info.hooks,
    )


def _dependencies(
    manifest: Manifest, plugins: Path, registry: Path, index: Index
) -> None:
    """
    Extract into *plugins* the newest release, not yanked, of each
    plugin that *manifest* needs, directly or not.
    """
    pending = [
        (manifest.plugin.name, d.name, d.specifier)
        for d in manifest.dependencies
    ]
    done = {manifest.plugin.name}
    while pending:
        needer, name, specifier = pending.pop()
        if name in done:
            continue
        if len(done) > _MAX_DEPENDENCIES:
            msg = f"more than {_MAX_DEPENDENCIES} dependencies"
            raise PublishError(msg, [], step="load")
        data = _newest(needer, name, specifier, registry, index)
        needed = extract_archive(data, plugins / name)
        done.add(name)
        pending += [(name, d.name, d.specifier) for d in needed.dependencies]


def _newest(
    needer: str,
    name: str,
    specifier: SpecifierSet,
    registry: Path,
    index: Index,
) -> bytes:
    listing = index.plugins.get(name)
    candidates = [
        (version, release)
        for version, release in (listing.ordered() if listing else [])
        if release.yanked is None
        and specifier.contains(version, prereleases=True)
    ]
    if not candidates:
        wanted = f"{name} {specifier}".strip()
        msg = f"{needer} needs {wanted}, which registry {index.registry!r} does not have:"
        raise PublishError(msg, [f"publish {wanted} to it first"], step="load")
    version, release = max(candidates, key=lambda pair: pair[0])
    data = RegistryFolder(registry).read(release.archive, release.size)
    if data is None or archive_digest(data) != release.sha256:
        msg = f"{name} {version}: its archive in the registry does not match the index"
        raise PublishError(msg, [release.archive], step="load")
    return data

"""
Building a host from its parts: each part is made once, in an order in
which everything it is handed exists, and handed exactly what it needs.

The few loops in the design (enabling a plugin activates it, activating
reads its configuration; a worker's crash is revived by a restart that
loads it) are closed here with small functions, so that no part ever
holds another's private state.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import attrs
import platformdirs

from acc_plugins.sandbox import BytecodeCache

from ._commands import Commands
from ._config import CONFIG_NAME, ConfigFile, Layers, SecretStore
from ._configshare import ConfigShare
from ._contexts import Contexts
from ._discovery import default_paths
from ._events import EventBus
from ._hostcalls import Calls
from ._hostconfig import Configuration
from ._hostisolation import IsolatedTier
from ._hostsecurity import Security
from ._loading import Folders, Loading
from ._plugins import Plugins
from ._prompts import Prompts
from ._reload import Reloading
from ._routing import Events
from ._toolevents import ToolEvents
from ._trail import AuditTrail


if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    from acc_plugins.security import Policy, Severity

    from ._claude import ClaudeProvider

_APP = "acc-plugins"


@attrs.frozen
class Parts:
    """
    The parts of one host.
    """

    plugins: Plugins
    trail: AuditTrail
    security: Security
    events: Events
    tier: IsolatedTier
    configuration: Configuration
    share: ConfigShare
    prompts: Prompts
    calls: Calls
    loading: Loading
    commands: Commands
    reloading: Reloading
    cache: BytecodeCache


@attrs.frozen
class Options:
    """
    What ``PluginHost`` was given, defaults filled in.
    """

    paths: list[Path]
    cache_dir: Path
    data_dir: Path
    config_dir: Path
    workspace: Path
    settings: dict[str, dict[str, object]]

    @classmethod
    def of(
        cls,
        *,
        paths: Iterable[str | Path] | None,
        cache_dir: str | Path | None,
        data_dir: str | Path | None,
        config_dir: str | Path | None,
        workspace: str | Path | None,
        settings: Mapping[str, Mapping[str, object]] | None,
    ) -> Options:
        """
        The options, with each missing folder at its default place.
        """
        from_env = os.environ.get("ACC_PLUGINS_CONFIG_DIR")
        return cls(
            [Path(p) for p in paths] if paths is not None else default_paths(),
            Path(cache_dir)
            if cache_dir is not None
            else platformdirs.user_cache_path(_APP, appauthor=False)
            / "bytecode",
            Path(data_dir)
            if data_dir is not None
            else platformdirs.user_data_path(_APP, appauthor=False),
            Path(config_dir)
            if config_dir is not None
            else Path(from_env)
            if from_env
            else platformdirs.user_config_path(_APP, appauthor=False),
            Path(workspace) if workspace is not None else Path.cwd(),
            {k: dict(v) for k, v in (settings or {}).items()},
        )


def compose(
    options: Options,
    *,
    claude: ClaudeProvider | None,
    policy: Policy,
    scan_threshold: Severity | None,
    breach_limit: int,
    tool_fallback: Callable[[str, dict[str, object]], object] | None,
    spawns_workers: bool,
) -> Parts:
    """
    Make every part of a host, wired together.
    """
    cache = BytecodeCache(options.cache_dir)
    data_dir = options.data_dir
    trail = AuditTrail(data_dir / "audit")
    plugins = Plugins(trail)
    security = Security(
        plugins,
        trail,
        data_dir=data_dir,
        workspace=options.workspace,
        policy=policy,
        breach_limit=breach_limit,
        # The host's own folders, which no filesystem grant may cover.
        protected=(
            cache.directory.resolve(),
            data_dir.resolve(),
            Path(__file__).resolve().parent.parent,  # the library itself
        ),
    )
    bus = EventBus()
    events = Events(plugins, bus, revive=lambda target: tier.revive(target))  # noqa: PLW0108 -- tier is made below
    tool_events = ToolEvents(plugins, bus, events.tell)

    def changed() -> None:
        events.changed()
        tool_events.refresh()

    plugins.on_change.append(events.changed)
    plugins.registry.on_change = changed
    bus.on_subscribe = changed
    table = plugins.registry.calls

    def call_tool(name: str, arguments: dict[str, object]) -> object:
        invoke = table.get(name)
        if invoke is None:
            return calls.call_missing(name, arguments)
        return invoke(arguments)

    layers = Layers(
        (
            ConfigFile(options.config_dir / CONFIG_NAME),
            ConfigFile(options.workspace / ".acc" / CONFIG_NAME),
        ),
        SecretStore(data_dir / "secrets.json"),
        policy.settings,
    )
    tier = IsolatedTier(
        plugins,
        security,
        cache=cache,
        data_dir=data_dir,
        workspace=options.workspace,
        layers=layers,
        policy=policy,
        breach_limit=breach_limit,
        claude=claude,
        spawns=spawns_workers,
        restart=lambda name: commands.restart(name),  # noqa: PLW0108 -- made below
        call_tool=call_tool,
        emit=lambda name, payload, source: events.emit(
            name, payload, source=source
        ),
    )
    bus.forward = tier.forward
    configuration = Configuration(
        plugins,
        layers,
        options.settings,
        emit=events.emit,
        activate=lambda name: commands.activate(name),  # noqa: PLW0108 -- made below
        deactivate=lambda name: commands.deactivate(name),  # noqa: PLW0108 -- made below
        forward=tier.forward,
    )
    prompts = Prompts(
        plugins,
        trail,
        effective_grants=security.effective_grants,
        on_denied=security.on_denied,
        forward=tier.forward,
    )
    calls = Calls(
        plugins,
        claude=claude,
        tool_fallback=tool_fallback,
        revive=tier.revive,
        telling=tool_events.telling,
        contributions=prompts.contributions,
        forward=tier.forward,
        effective_grants=security.effective_grants,
    )
    loading = Loading(
        plugins,
        Folders(options.paths, cache, data_dir),
        security=security,
        configuration=configuration,
        tier=tier,
        events=events,
        trail=trail,
        policy=policy,
        scan_threshold=scan_threshold,
        contexts=Contexts(
            security,
            events,
            data_dir=data_dir,
            claude=claude,
            call_tool=call_tool,
        ),
    )
    commands = Commands(plugins, loading, tier)
    reloading = Reloading(
        plugins,
        options.paths,
        loading=loading,
        commands=commands,
        configuration=configuration,
        security=security,
        tier=tier,
        events=events,
    )
    share = ConfigShare(
        plugins,
        layers,
        grant_store=lambda: security.grant_store,
        grant=security.grant,
        apply=configuration.apply,
    )
    return Parts(
        plugins,
        trail,
        security,
        events,
        tier,
        configuration,
        share,
        prompts,
        calls,
        loading,
        commands,
        reloading,
        cache,
    )

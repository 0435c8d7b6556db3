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
from typing import TYPE_CHECKING, Literal

import attrs
import platformdirs

from acc_plugins.sandbox import BytecodeCache

from .capabilities._contexts import Contexts
from .config._config import CONFIG_NAME, ConfigFile, Layers, SecretStore
from .config._configuration import Configuration
from .config._share import ConfigShare
from .core._commands import Commands
from .core._discovery import default_paths
from .core._loading import Folders, Loading
from .core._plugins import Plugins
from .debug._journal import Journal
from .debug._logstore import LogStore
from .dispatch._calls import Calls
from .dispatch._prompts import Prompts
from .events._bus import EventBus
from .events._routing import Events
from .events._toolevents import ToolEvents
from .gate._admission import registry_locations
from .gate._security import Security
from .gate._trail import AuditTrail
from .isolation._tier import IsolatedTier
from .reload._reload import Reloading


if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    from acc_plugins.market._autostart import StartupUpdates
    from acc_plugins.security import Policy, Severity
    from acc_plugins.security._updatemode import UpdateMode

    from .capabilities._claude import ClaudeProvider
    from .capabilities._http import HttpTransport

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
    journal: Journal


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


def startup_updates(
    options: Options,
    policy: Policy,
    given: UpdateMode | str | Literal[False] | None,
) -> StartupUpdates | None:
    """
    The automatic-update check ``start()`` runs over the install root
    (the first plugin folder: the first path given, else the user plugin
    folder), or None when *given* is False or there are no paths.

    Raises:
        ValueError: If *given* is not a mode.
    """
    if given is False or not options.paths:
        return None
    from acc_plugins.market._autostart import StartupUpdates  # noqa: PLC0415 -- the market is heavy
    from acc_plugins.security._updatemode import UpdateMode  # noqa: PLC0415

    mode = None if given is None else UpdateMode(given)
    return StartupUpdates(
        options.paths[0], options.config_dir, options.data_dir, policy, mode
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
    http: HttpTransport | None = None,
    on_permission_used: Callable[[str, str], None] | None = None,
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
        locate=registry_locations(options.config_dir),
        on_used=on_permission_used,
        http=http,
    )
    bus = EventBus()
    events = Events(plugins, bus, revive=lambda target: tier.revive(target))  # noqa: PLW0108 -- tier is made below
    journal = Journal(LogStore(data_dir / "logs"))
    if spawns_workers:  # a worker's host would report its plugin twice
        events.host_observers.append(journal.host_event)
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
        http=http,
    )
    bus.forward = tier.forward
    configuration = Configuration(
        plugins,
        layers,
        options.settings,
        policy=policy,
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
    share = ConfigShare(
        plugins,
        layers,
        grant_store=lambda: security.grant_store,
        apply=configuration.apply,
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
        settle=share.settle,
        contexts=Contexts(
            security,
            events,
            data_dir=data_dir,
            claude=claude,
            call_tool=call_tool,
            on_log=journal.plugin_line,
        ),
    )
    commands = Commands(plugins, loading, tier, admit=security.admission.check)
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
        journal,
    )

"""
``PluginHost``: the one object an application holds.  A thin façade: each
method hands the work to the part that does it (see ``_compose``), and the
whole public surface is written out here.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Self, TypeVar

from acc_plugins.security import Policy, Severity

from ._compose import Options, compose, startup_updates
from .config._policypath import load_policy
from .core._record import AgentInfo, PluginInfo, ToolInfo
from .core._stats import PluginStats
from .debug._profile import profile_call
from .reload._watch import DEBOUNCE_MS


if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Iterable, Mapping
    from pathlib import Path

    from acc_plugins.manifest import Setting
    from acc_plugins.sandbox import BytecodeCache
    from acc_plugins.sdk import Event
    from acc_plugins.security import AuditLog
    from acc_plugins.security._updatemode import UpdateMode

    from .capabilities._claude import ClaudeProvider
    from .capabilities._http import HttpTransport
    from .capabilities._storage import KeyValueStore
    from .core._lifecycle import State
    from .debug._logentry import LogEntry
    from .debug._logstore import LogStore
    from .debug._profile import Profile
    from .gate._consent import GrantStore
    from .gate._quarantine import QuarantineList
    from .reload._watch import Reloaded, Watcher

_T = TypeVar("_T")


class PluginHost:
    """
    Discovers, loads and runs sandboxed plugins, and dispatches calls to
    their tools, agents, workflows and hooks.

    Args:
        paths: Folders to search for plugins; each holds plugin folders or
            is one.  By default the user plugin folder and
            ``./.acc/plugins``.

        claude: The application's Claude capability, offered to plugins
            granted ``host:claude.query``.

        cache_dir: Where compiled plugin code is cached.

        data_dir: Where plugin storage lives.

        settings: Setting values per plugin, over the configuration files
            (only the policy's enforced values rank higher).

        scan_threshold: Plugins whose code the static scanner rates at this
            severity or above are not loaded; None turns the scan off.

        workspace: What ``${workspace}`` means in filesystem permissions;
            the current directory by default.

        breach_limit: After this many budget breaches a plugin is
            quarantined.

        tool_fallback: Called with ``(name, arguments)`` for a tool this
            host does not have (an isolated worker asks its host this way).

        policy: The administrator's policy: which plugins may load,
            which permissions may be granted at all, a tier every plugin
            must run in, and scan and quarantine thresholds that override
            the two arguments above.  By default the file named by
            ``ACC_PLUGINS_POLICY``, else by ``policy = "..."`` in the
            user's ``config.toml``; none if neither names one.

        config_dir: Where the user's ``config.toml`` lives; by default
            ``ACC_PLUGINS_CONFIG_DIR``, else the user config folder.  The
            project's is ``<workspace>/.acc/config.toml``.

        auto_update: Whether ``start()`` first runs the automatic-update
            check (at most once a day) over the install root: the first
            of *paths*, else the user plugin folder.  None (the default)
            follows the user's ``auto-update`` setting (``off`` unless
            set); a mode (``"notify"``, ``"patch"``, ``"minor"``,
            ``"any"``) is used instead of it; False never checks.  An
            administrator's policy that sets ``[updates] auto`` wins over
            all but False.

        http: Sends the HTTP requests of plugins granted ``net:``
            permissions, once this host has checked them (an
            ``HttpTransport``); the standard library by default.  Tests
            hand a fake (``acc_plugins.testing.FakeHttp``).  Given one,
            isolated plugins' workers send their requests through it
            too, checked again here.

        on_permission_used: Told ``(plugin, permission)`` of every use a
            grant allowed an in-process plugin, with the narrowest
            permission that covers it (denials are in the audit trail).

    Use it as a context manager, or call ``start()`` and ``stop()``.

    Raises:
        PolicyError: If a policy is named (by the environment or the
            configuration) that cannot be read or is invalid: a host
            never runs without the policy it was told to enforce.
    """

    # False in a worker: there the plugin loads in-process, under the
    # limits the worker already applied.
    _spawns_workers: ClassVar[bool] = True

    def __init__(
        self,
        paths: Iterable[str | Path] | None = None,
        *,
        claude: ClaudeProvider | None = None,
        cache_dir: str | Path | None = None,
        data_dir: str | Path | None = None,
        settings: Mapping[str, Mapping[str, object]] | None = None,
        scan_threshold: Severity | None = Severity.CRITICAL,
        workspace: str | Path | None = None,
        breach_limit: int = 5,
        tool_fallback: Callable[[str, dict[str, object]], object]
        | None = None,
        policy: Policy | None = None,
        config_dir: str | Path | None = None,
        auto_update: UpdateMode | str | Literal[False] | None = None,
        http: HttpTransport | None = None,
        on_permission_used: Callable[[str, str], None] | None = None,
    ) -> None:
        options = Options.of(
            paths=paths,
            cache_dir=cache_dir,
            data_dir=data_dir,
            config_dir=config_dir,
            workspace=workspace,
            settings=settings,
        )
        if policy is None:
            policy, _ = load_policy(options.config_dir)
        self._parts = parts = compose(
            options,
            claude=claude,
            policy=policy,
            scan_threshold=policy.scan_blocks
            if policy.scan_blocks is not None
            else scan_threshold,
            breach_limit=policy.breach_limit or breach_limit,
            tool_fallback=tool_fallback,
            spawns_workers=self._spawns_workers,
            http=http,
            on_permission_used=on_permission_used,
        )
        self._updates = startup_updates(options, policy, auto_update)
        self._plugins = parts.plugins
        self._table = parts.plugins.registry.calls  # the hot path's
        self._calls = parts.calls

    def __repr__(self) -> str:
        records = self._plugins.records
        return (
            f"<acc_plugins.PluginHost(plugins={len(records)}, "
            f"active={len(self._plugins.order)})>"
        )

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # Loading and stopping.

    def start(self) -> None:
        """
        Discover every plugin, resolve dependencies, load and activate.

        A plugin that fails at any step moves to ``error``; the others go
        on.  Never raises because of a plugin.  First, when automatic
        updates are on and a check is due, updates the installed plugins
        (see *auto_update*); that never stops the start either.
        """
        if self._updates is not None:
            self._updates.run()
        self._parts.loading.start()

    def survey(self) -> list[str]:
        """
        Discover every plugin and read its manifest and configuration,
        without running any plugin code: enough to inspect and configure
        plugins (what the ``config`` commands need).  ``start`` does this
        first.

        Returns:
            The plugins that could be loaded, in dependency order.
        """
        return self._parts.loading.survey()

    def stop(self) -> None:
        """
        Deactivate every plugin (dependents first) and unload them all.
        """
        self._parts.reloading.stop_watching()
        self._parts.commands.stop_all()
        self._parts.loading.close()

    # What is there.

    @property
    def cache(self) -> BytecodeCache:
        """
        The bytecode cache, with its hit and miss counters.
        """
        return self._parts.cache

    @property
    def storage(self) -> KeyValueStore:
        """
        The plugins' key-value storage (``storage.sqlite3`` in the data
        folder): ``usage(name)`` and ``purge(name)`` for administrators.
        """
        return self._parts.loading.storage

    def plugins(self) -> list[PluginInfo]:
        """
        A snapshot of every plugin found, in discovery order.
        """
        return [PluginInfo.of(r) for r in self._plugins.records.values()]

    def info(self, name: str) -> PluginInfo:
        """
        A snapshot of one plugin.

        Raises:
            PluginNotFoundError: If no plugin has that name.
        """
        return PluginInfo.of(self._plugins.record(name))

    def state(self, name: str) -> State:
        """
        The lifecycle state of one plugin.
        """
        return self._plugins.record(name).state

    def stats(self) -> list[PluginStats]:
        """
        What each plugin has cost in this host: calls, errors, budget
        breaches, denials, sandbox refusals, time, and p50/p99 latency of
        its recent calls.
        """
        return [PluginStats.of(r) for r in self._plugins.records.values()]

    def tools(self) -> list[ToolInfo]:
        """
        Every callable tool, sorted by name.
        """
        return [
            ToolInfo(name, entry.description, entry.signature.schema())
            for name, entry in sorted(self._plugins.registry.tools.items())
        ]

    def agents(self) -> list[str]:
        """
        Every registered agent's namespaced name, sorted.
        """
        return sorted(self._plugins.registry.agents)

    def workflows(self) -> list[str]:
        """
        Every registered workflow's namespaced name, sorted.
        """
        return sorted(self._plugins.registry.workflows)

    def dependents(self, name: str) -> list[str]:
        """
        The plugins that need *name*, directly or not (as their manifests
        say), in the order they would stop.
        """
        return self._plugins.all_dependents(name)

    # Calls.

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
        invoke = self._table.get(name)
        if invoke is None:
            return self._calls.call_missing(name, arguments)
        return invoke(arguments)

    async def acall_tool(self, name: str, /, **arguments: object) -> Any:
        """
        ``call_tool`` for an application that runs an event loop: the call
        runs in a worker thread, so a plugin's work (an ``async def`` tool
        included) never blocks the application's loop.
        """
        return await asyncio.to_thread(self.call_tool, name, **arguments)

    def call_tool_text(self, name: str, arguments: Mapping[str, str]) -> Any:
        """
        Call a tool with textual arguments (``k=v`` on a command line),
        converted according to its schema.
        """
        return self._calls.call_tool_text(name, arguments)

    def describe_tool(self, name: str) -> ToolInfo:
        """
        The description and argument schema of one tool.
        """
        return self._calls.describe_tool(name)

    def describe_agent(self, name: str) -> AgentInfo:
        """
        The description, system prompt and tools of one agent, and whether
        the plugin's code drives it.

        Raises:
            PluginNotFoundError: If no active plugin offers that agent.
        """
        return self._calls.describe_agent(name)

    def mcp_server(self) -> Any:
        """
        An MCP server over this host's tools and agents, for Claude Code
        or any MCP client: the ``mcp`` SDK's low-level ``Server``, to run
        on any transport the SDK offers.  The host must be started; the
        server calls into it from worker threads.  Needs the ``mcp``
        extra (`acc_plugins.claude.mcp_server` is the same).
        """
        from acc_plugins.claude import mcp_server  # noqa: PLC0415 -- optional extra

        return mcp_server(self)

    def run_agent(self, name: str, task: str) -> Any:
        """
        Run an agent on a task and return its answer.
        """
        return self._calls.run_agent(name, task)

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
        return self._calls.run_local_agent(name, task, added)

    def run_workflow(self, name: str, /, **inputs: object) -> Any:
        """
        Run a workflow with its inputs and return its output.
        """
        return self._calls.run_workflow(
            name,
            inputs,
            lambda tool, arguments: self.call_tool(tool, **arguments),
        )

    # Events.

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
        return self._parts.events.emit(name, payload, source=source)

    def subscribe(self, listener: Callable[[Event], None]) -> None:
        """
        Receive every event, host and plugin, including each lifecycle
        transition (``plugin.loaded``, ``plugin.activated``, ``plugin.error``,
        ...); *listener* runs in the host, unsandboxed.
        """
        self._parts.events.subscribe(listener)

    def unsubscribe(self, listener: Callable[[Event], None]) -> None:
        """
        Stop *listener* receiving events (one that is not subscribed is
        ignored).
        """
        self._parts.events.unsubscribe(listener)

    # Debugging.

    @property
    def log_store(self) -> LogStore:
        """
        Every plugin's log on disk (``logs/`` in the data folder): what
        it wrote through ``self.ctx.log``, and the host's reports about
        it (state changes, errors with their ``file:line``).
        """
        return self._parts.journal.store

    def logs(
        self,
        name: str,
        *,
        level: str | None = None,
        since: dt.datetime | None = None,
    ) -> list[LogEntry]:
        """
        A plugin's log, oldest first: its lines at *level* (``DEBUG``,
        ``INFO``, ``WARNING``, ``ERROR``) or above, written at *since* (an
        aware datetime) or later.  Kept across runs, a few MiB at most.
        """
        return self.log_store.entries(name, level=level, since=since)

    def tier(self, name: str) -> str | None:
        """
        Where a plugin's code runs: ``"sandboxed"`` (in this process) or
        ``"isolated"`` (in a worker process); None if its manifest could
        not be read.

        Raises:
            PluginNotFoundError: If no plugin has that name.
        """
        record = self._plugins.record(name)
        if record.manifest is None:
            return None
        isolated = self._parts.loading.isolated(record)
        return "isolated" if isolated else "sandboxed"

    def profile(self, name: str, run: Callable[[], _T]) -> tuple[_T, Profile]:
        """
        Run *run* (a call into the plugin *name*, such as ``lambda:
        host.call_tool("p.t", x=1)``) and measure, for each of the
        plugin's own functions, the sandbox steps and the time spent in
        it.  Steps are counted only for a plugin whose code counts them
        (``[limits] steps``, or a policy with a ``steps`` ceiling).

        Returns:
            What *run* returned, and the profile.

        Raises:
            LoadError: If the plugin is isolated or not loaded.
        """
        return profile_call(self._plugins.record(name), run)

    # Lifecycle commands.

    def deactivate(self, name: str) -> None:
        """
        Deactivate an active plugin, after the active plugins that need it.
        """
        self._parts.commands.deactivate(name)

    def activate(self, name: str) -> None:
        """
        Activate a deactivated plugin again.

        Raises:
            LoadError: If it is not deactivated or it fails to activate.
        """
        self._parts.commands.activate(name)

    def check_health(self, name: str) -> bool | None:
        """
        Run an active plugin's own ``health()`` check, as plugin code
        (sandboxed, budgeted, in its worker if it is isolated).

        Returns:
            What it returned: True or False, or None when it has no check
            of its own.

        Raises:
            LoadError: If the plugin is not active (its last error says
                why).

            PluginCallError: If the check raised, or returned something
                else than a bool or None.
        """
        return self._parts.commands.check_health(name)

    def restart(self, name: str) -> None:
        """
        Load and activate a plugin in ``error`` again, from its files.

        Raises:
            LoadError: If it is not in ``error``, or fails again.
        """
        self._parts.commands.restart(name)

    # Hot reload.

    def watch(
        self,
        *,
        on_reload: Callable[[Reloaded], object] = lambda _: None,
        debounce_ms: int = DEBOUNCE_MS,
    ) -> Watcher:
        """
        Follow the plugins' folders and reload a plugin when its manifest
        or sources change, until the watcher is stopped (or the host is).

        Args:
            on_reload: Called with each outcome, on the watcher's thread.

            debounce_ms: How long a burst of changes may last.
        """
        return self._parts.reloading.watch(
            self, on_reload=on_reload, debounce_ms=debounce_ms
        )

    def reload(self, name: str) -> float:
        """
        Replace an active plugin with the version now in its folder, then
        reload the active plugins that depend on it.

        Returns:
            Seconds from the start of the reload to the new version
            serving (this plugin's own reload).

        Raises:
            ReloadError: If the new version is refused; the old one keeps
                serving.

            LoadError: If the plugin is not active.
        """
        return self._parts.reloading.reload(name)

    def add(self, root: Path) -> str:
        """
        Load and activate a plugin whose folder appeared after the host
        started (its dependencies must be active already).

        Returns:
            The plugin's name (or its folder's, if its manifest is bad).

        Raises:
            LoadError: If a plugin from that folder is already known (one
                unloaded because its folder went away is replaced).
        """
        return self._parts.reloading.add(root)

    def forget(self, name: str) -> None:
        """
        Deactivate and unload a plugin whose folder went away.
        """
        self._parts.reloading.forget(name)

    def search_paths(self) -> list[Path]:
        """
        The folders this host finds plugins in.
        """
        return self._parts.reloading.search_paths()

    # Consent, audit and quarantine.

    @property
    def grant_store(self) -> GrantStore:
        """
        What the user granted each plugin (``grants.json`` in the data
        folder).
        """
        return self._parts.security.grant_store

    def permissions(self, name: str) -> dict[str, list[str]]:
        """
        A plugin's permissions: what it requests, what the user granted,
        what the administrator's policy blocks, and what it gets (requested
        and granted and not blocked).
        """
        return self._parts.security.permissions(name)

    def grant(self, name: str, permissions: Iterable[str]) -> None:
        """
        Grant *permissions* to a plugin; they apply from its next load.
        """
        self._parts.security.grant(name, permissions)

    def revoke(self, name: str, permissions: Iterable[str]) -> None:
        """
        Revoke *permissions* from a plugin; it loses them at its next load.
        """
        self._parts.security.revoke(name, permissions)

    @property
    def audit_log(self) -> AuditLog:
        """
        The tamper-evident audit trail, under the data folder.
        """
        return self._parts.trail.log

    @property
    def quarantine_list(self) -> QuarantineList:
        """
        The plugins this host (and every host sharing its data folder)
        will not load until they are released.
        """
        return self._parts.security.quarantine_list

    def release(self, name: str) -> None:
        """
        Take a plugin out of quarantine and load it again.

        Raises:
            LoadError: If it is not quarantined, or fails to load.
        """
        reload = self._parts.commands.reload_record
        self._parts.security.release(name, reload=reload)

    # Configuration.

    def config_files(self) -> list[Path]:
        """
        The configuration files, lowest layer first: the user's, then the
        project's.
        """
        return self._parts.configuration.config_files()

    def config(self, name: str) -> dict[str, dict[str, Any]]:
        """
        A plugin's settings: each key's value (secrets masked), where it
        came from, and its type and description.

        Raises:
            ConfigError: If the configuration cannot be read.
        """
        return self._parts.configuration.config(name)

    def setting(self, name: str, key: str) -> Setting:
        """
        The declaration of one of a plugin's settings.

        Raises:
            ConfigError: If the plugin has no such setting.
        """
        return self._parts.configuration.setting(name, key)

    def configure(
        self, name: str, key: str, value: object, *, project: bool = False
    ) -> None:
        """
        Set a setting in the user's configuration (or the project's), or
        in the secret store for a secret; running plugins see it at once.

        Raises:
            ConfigError: If the key or the value is not valid (nothing is
                written).
        """
        self._parts.configuration.configure(name, key, value, project=project)

    def unconfigure(
        self, name: str, key: str, *, project: bool = False
    ) -> None:
        """
        Remove a setting from the user's configuration (or the project's,
        or the secret store); the next layer down applies again.

        Raises:
            ConfigError: If the plugin has no such setting (a stale key,
                one it no longer declares, is removed from the file).
        """
        self._parts.configuration.unconfigure(name, key, project=project)

    def set_enabled(
        self, name: str, enabled: bool, *, project: bool = False
    ) -> None:
        """
        Enable or disable a plugin in the user's configuration (or the
        project's), and activate or deactivate it now.

        Raises:
            LoadError: If it fails to activate.
        """
        self._parts.configuration.set_enabled(name, enabled, project=project)

    def apply_config(self) -> None:
        """
        Read the configuration again and apply it to running plugins:
        changed values, then enabled flags.  An invalid file changes
        nothing and is reported.
        """
        self._parts.configuration.apply()

    def export_config(self) -> str:
        """
        The setup of every plugin with a valid manifest, as TOML: its
        version, whether it is enabled, what the user granted it, and the
        setting values the configuration files give it (secrets left out).

        Raises:
            ConfigError: If a configuration file is invalid.
        """
        return self._parts.share.export_config()

    def import_config(
        self, text: str, *, source: str, project: bool = False
    ) -> list[str]:
        """
        Apply an exported setup: enabled flags and settings go into the
        user's configuration (or the project's), grants into the grant
        store.  Everything is checked first; on any problem nothing
        changes.

        Returns:
            Warnings (a version that differs from the installed one).

        Raises:
            ConfigError: Naming every problem.
        """
        return self._parts.share.import_config(
            text, source=source, project=project
        )

"""
Building ``self.ctx`` for one plugin: its log, settings, storage, events
and permission-checked host capabilities.
"""

from __future__ import annotations

import logging
import types
from typing import TYPE_CHECKING, Any, Final

import attrs

from acc_plugins.errors import PermissionDenied
from acc_plugins.host.dispatch._dispatch import copy_json
from acc_plugins.host.dispatch._prompts import with_additions

from ._allowance import metered_query
from ._facades import facade
from ._shield import shielded


if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from acc_plugins.sdk import Context

    from ._allowance import Allowance
    from ._claude import ClaudeProvider
    from ._storage import KeyValueStore

_MAX_KEY: Final = 256
_MAX_PROMPT: Final = 1_000_000


def _text(what: str, value: object, limit: int = _MAX_PROMPT) -> str:
    # Exact type: a plugin's str subclass could carry its own methods.
    if type(value) is not str:
        msg = f"{what} must be a string, got {type(value).__name__}"
        raise TypeError(msg)
    if len(value) > limit:
        msg = f"{what} is longer than {limit} characters"
        raise ValueError(msg)
    return value


@attrs.frozen
class Capabilities:
    """
    What the host lends to the contexts it builds.

    Attributes:
        store: Opens (once) and returns the per-plugin key-value storage:
            a plugin that never uses storage never needs the database.

        claude: The embedding application's Claude provider, if any.

        emit: Delivers an event; returns how many hooks received it.

        call_tool: Calls a namespaced tool on behalf of a plugin.

        denied: Told ``(plugin, permission)`` of every refusal.

        used: Told ``(plugin, permission)`` of every use a grant allowed.
    """

    store: Callable[[], KeyValueStore]
    claude: ClaudeProvider | None
    emit: Callable[[str, object, str], int]
    call_tool: Callable[[str, dict[str, object], str], object]
    denied: Callable[[str, str], None] = lambda _plugin, _permission: None
    used: Callable[[str, str], None] = lambda _plugin, _permission: None


def _logger(
    plugin: str,
    log_lines: list[str],
    on_log: Callable[[str, str], None] | None,
) -> object:
    # ``self.ctx.log``: each line to the host's recent lines, to the
    # ``acc_plugins.plugin.<name>`` logger, and to *on_log*.
    logger = logging.getLogger(f"acc_plugins.plugin.{plugin}")

    def log_at(level: int) -> Callable[[str], None]:
        name = logging.getLevelName(level)

        def log(message: str) -> None:
            text = _text("message", message, 100_000)
            log_lines.append(f"{name}: {text}")
            del log_lines[:-200]
            logger.log(level, "%s", text)
            if on_log is not None:
                on_log(name, text)

        return log

    return facade(
        "Logger",
        debug=shielded(log_at(logging.DEBUG)),
        info=shielded(log_at(logging.INFO)),
        warning=shielded(log_at(logging.WARNING)),
        error=shielded(log_at(logging.ERROR)),
    )


def build_context(
    plugin: str,
    *,
    granted: frozenset[str],
    dependencies: frozenset[str],
    settings: dict[str, object],
    capabilities: Capabilities,
    log_lines: list[str],
    outside: Mapping[str, object] | None = None,
    allowance: Allowance | None = None,
    storage_quota: int | None = None,
    time_left: Callable[[], float] = lambda: 5.0,
    on_log: Callable[[str, str], None] | None = None,
) -> Context:
    """
    The capability context of *plugin*.

    Args:
        plugin: The plugin's name.

        granted: Its effective permissions, in canonical form.

        dependencies: Names of the plugins it declares it depends on; their
            tools are callable without a further grant.

        settings: Its settings, shown read-only and kept live: the host
            updates this dict when the configuration changes.

        capabilities: What the host provides.

        log_lines: Receives each line the plugin logs, for the host's view.

        outside: The ``fs``, ``env`` and ``process`` facades.

        allowance: What one call may spend on Claude and on tool calls;
            unlimited without one.

        storage_quota: The bytes its storage may hold; unlimited if None.

        time_left: Seconds the running call may still take: how long its
            storage may wait for another process's lock, so that waiting
            on the host fails the call with ``StorageBusyError`` rather
            than running out the plugin's budget (a breach).

        on_log: Told ``(level name, text)`` of each line it logs, for the
            log kept on disk.
    """

    def require(permission: str, covered_by: str = "") -> None:
        # *covered_by*: a wider grant that allows it too (``plugin.*``).
        if permission not in granted and covered_by not in granted:
            capabilities.denied(plugin, permission)
            raise PermissionDenied(plugin, permission)
        capabilities.used(plugin, permission)

    def wait() -> float:
        # A tenth of the budget, at least 10 ms, stays for the plugin.
        left = time_left()
        return left - max(0.01, left / 10)

    def storage_get(key: str, default: object = None) -> object:
        text = capabilities.store().get(
            plugin, _text("key", key, _MAX_KEY), wait=wait()
        )
        if text is None:
            return copy_json(default, "storage default")
        import json  # noqa: PLC0415 -- only on this path

        return json.loads(text)

    def storage_set(key: str, value: object) -> None:
        key = _text("key", key, _MAX_KEY)
        copied = copy_json(value, f"storage value {key!r}")
        capabilities.store().set(
            plugin, key, copied, storage_quota, wait=wait()
        )

    def storage_delete(key: str) -> None:
        capabilities.store().delete(
            plugin, _text("key", key, _MAX_KEY), wait=wait()
        )

    def storage_keys() -> list[str]:
        return capabilities.store().keys(plugin, wait=wait())

    def emit(name: str, payload: object = None) -> int:
        require("host:events.emit")
        text = _text("event name", name, 200)
        copied = copy_json(payload, f"event {text!r} payload")
        return capabilities.emit(f"{plugin}.{text}", copied, plugin)

    def query(
        prompt: str, *, system: str | None = None, max_tokens: int = 1024
    ) -> str:
        require("host:claude.query")
        provider = capabilities.claude
        if provider is None:
            msg = "the host application provides no Claude capability"
            raise RuntimeError(msg)
        if system is not None:
            _text("system", system)
        if type(max_tokens) is not int or not 1 <= max_tokens <= 200_000:  # noqa: PLR2004 -- the API's own ceiling
            msg = "max_tokens must be an integer from 1 to 200000"
            raise ValueError(msg)
        return metered_query(
            provider,
            allowance,
            _text("prompt", prompt),
            system=with_additions(plugin, system),
            max_tokens=max_tokens,
        )

    def call(name: str, /, **arguments: Any) -> object:
        target = _text("tool name", name, 200)
        owner = target.partition(".")[0]
        if owner != plugin and owner not in dependencies:
            require(f"host:tools:{target}", f"host:tools:{owner}.*")
        if allowance is not None:
            allowance.count_tool_call()
        return capabilities.call_tool(target, arguments, plugin)

    log = _logger(plugin, log_lines, on_log)
    return facade(  # type: ignore[no-any-return]
        "Context",
        plugin=plugin,
        log=log,
        # Live: the host updates the dict when the configuration changes.
        settings=types.MappingProxyType(settings),
        storage=facade(
            "Storage",
            get=shielded(storage_get),
            set=shielded(storage_set),
            delete=shielded(storage_delete),
            keys=shielded(storage_keys),
        ),
        events=facade("Events", emit=shielded(emit)),
        claude=facade("Claude", query=shielded(query)),
        tools=facade("Tools", call=shielded(call)),
        **(outside or {}),
    )

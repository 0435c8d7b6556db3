"""
Loading one plugin: its sandbox, its entry class, its settings and its
instance.  Each step raises; the host turns failures into ``error``.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from acc_plugins.errors import LoadError
from acc_plugins.host.dispatch._dispatch import call_plugin
from acc_plugins.sandbox import BytecodeCache, RefusedImport, Sandbox
from acc_plugins.sdk import Plugin, ToolError
from acc_plugins.sdk._plugin import binding

from ._registration import collect


if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from acc_plugins.manifest import Manifest
    from acc_plugins.sdk import Context

    from ._record import PluginRecord

# Host classes plugin classes may derive from.
SAFE_BASES = (Plugin, ToolError)


def manifest_of(record: PluginRecord) -> Manifest:
    """
    The record's manifest; admitted records always have one.
    """
    if record.manifest is None:  # pragma: no cover -- a host bug, not input
        msg = "has no valid manifest"
        raise LoadError(record.name, msg)
    return record.manifest


def instance_of(record: PluginRecord) -> Plugin:
    """
    The record's plugin instance; loaded records always have one.
    """
    if record.instance is None:  # pragma: no cover -- a host bug, not input
        msg = "has no instance"
        raise LoadError(record.name, msg)
    return record.instance


def call_method(record: PluginRecord, method: str, *args: object) -> object:
    """
    Call one of the ``Plugin`` methods the host drives (``on_activate``,
    ``export_state``, ...) on the plugin's instance, as plugin code.

    Raises:
        PluginCallError: With the plugin's exception as ``__cause__``.
    """
    function = getattr(type(instance_of(record)), method)
    target = f"{record.name}.{method}"
    return call_plugin(record, target, function, (record.instance, *args))


def _refused_import(
    record: PluginRecord,
    audit: Callable[[RefusedImport], None],
    refused: RefusedImport,
) -> None:
    record.log.append(f"IMPORT REFUSED: {refused.message}")
    audit(refused)


def load_entry_class(
    record: PluginRecord,
    *,
    cache: BytecodeCache,
    sdk: Mapping[str, object],
    on_refused_import: Callable[[RefusedImport], None] = lambda _: None,
    sources: Mapping[str, bytes] | None = None,
) -> type[Plugin]:
    """
    Run the plugin's entry module in a new sandbox; return its class.

    Every import the sandbox refuses goes to the plugin's log and to
    *on_refused_import* (the host's audit trail).  With *sources* (the
    files the scanner read), modules run from exactly those bytes.

    Raises:
        LoadError: If the entry is not a ``Plugin`` subclass of the plugin.

        CompileError, SandboxViolation: If its code is refused.
    """
    manifest = manifest_of(record)
    entry = manifest.plugin.entry
    record.sandbox = sandbox = Sandbox(
        record.root,
        record.name,
        cache=cache,
        # The package's top level is where people look first:
        # ``from acc_plugins import Plugin`` gives the SDK's names too.
        extra_modules={"acc_plugins": sdk, "acc_plugins.sdk": sdk},
        safe_bases=SAFE_BASES,
        on_print=lambda text: record.log.append(f"PRINT: {text.rstrip()}"),
        on_refused_import=functools.partial(
            _refused_import, record, on_refused_import
        ),
        timeout=manifest.limits.timeout_ms / 1000,
        memory_mb=manifest.limits.memory_mb,
        steps=manifest.limits.steps or None,
        sources=sources,
    )
    cls = sandbox.load_attribute(entry.module, entry.attr)
    if not (
        isinstance(cls, type) and issubclass(cls, Plugin) and sandbox.owns(cls)
    ):
        msg = f"entry {entry.text!r} is not a Plugin subclass defined by the plugin"
        raise LoadError(record.name, msg)
    return cls


def construct(record: PluginRecord, cls: type[Plugin], ctx: Context) -> None:
    """
    Create the plugin's instance with *ctx* and read its declarations.

    Raises:
        PluginCallError: If the plugin's constructor fails.

        LoadError: If its declarations are malformed.
    """
    with binding(ctx):
        instance = call_plugin(record, f"{record.name} (constructor)", cls, ())
    record.instance = instance  # type: ignore[assignment]
    collect(record, cls)

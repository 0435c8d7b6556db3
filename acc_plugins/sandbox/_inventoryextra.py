"""
The inventory's entries for the modules the sandbox builds per plugin
(``_extramodules``): ``html``, ``io``, ``logging``, ``sys``, ``types`` and
``warnings``.  ``_inventorytable`` and ``_inventoryguarded`` merge them
into their tables.
"""

from __future__ import annotations

from typing import Final


_OWN_LOG = "bound to the plugin's own log and logger tree (see _logging)"
_OWN_LOG_CLASS = (
    "the sandbox's own class, made for this plugin and marked as its own: "
    "its objects keep plain public data, and records go to the plugin's log"
)
_OWN_WARNINGS = (
    "the plugin's own warning filters (see _warnings): the process-wide "
    "warnings.filters is never touched"
)
_CHECK_ONLY = (
    "a check-only stand-in: isinstance() and issubclass() test the real "
    "type, calling it raises TypeError (it would build a function, code or "
    "module from parts)"
)
_FACT = "returns a fact about the interpreter, computed by the sandbox"

# Members the sandbox replaces, and what the replacement forbids.
EXTRA_WRAPPED: Final[dict[str, str]] = {
    "array.array": "the sandbox's subclass: calling it (or type() of an "
    "array, or a subclass, or the real __new__) builds a real array from an "
    "initializer sized in bytes, lazy ones chunk by chunk; extend, from*, "
    "tolist, +, * are sized; buffer_info, tofile and fromfile refused",
    "html.escape": "sized: refuses a result larger than the memory budget",
    "io.BytesIO": "the sandbox's own subclass: a write is sized against "
    "the memory budget (seek far then write would fill the gap); no "
    "getbuffer()",
    "io.StringIO": "the sandbox's own subclass: a write is sized against "
    "the memory budget (seek far then write would fill the gap)",
    "logging.Formatter": _OWN_LOG_CLASS,
    "logging.Handler": _OWN_LOG_CLASS,
    "logging.Logger": _OWN_LOG_CLASS,
    "logging.NullHandler": _OWN_LOG_CLASS,
    "logging.StreamHandler": _OWN_LOG_CLASS,
    "logging.basicConfig": "sets the level of the plugin's own root "
    "logger; nothing else",
    "logging.critical": _OWN_LOG,
    "logging.debug": _OWN_LOG,
    "logging.disable": "disables levels in the plugin's own loggers only",
    "logging.error": _OWN_LOG,
    "logging.exception": _OWN_LOG,
    "logging.getLevelName": "reads a fixed table of the standard levels",
    "logging.getLogger": "a logger of the plugin's own tree (at most "
    "1,000 of them), never one of the host's",
    "logging.info": _OWN_LOG,
    "logging.log": _OWN_LOG,
    "logging.warning": _OWN_LOG,
    "sys.getdefaultencoding": _FACT,
    "sys.getrecursionlimit": f"{_FACT}; the limit cannot be set",
    "types.AsyncGeneratorType": _CHECK_ONLY,
    "types.BuiltinFunctionType": _CHECK_ONLY,
    "types.BuiltinMethodType": _CHECK_ONLY,
    "types.CoroutineType": _CHECK_ONLY,
    "types.FunctionType": _CHECK_ONLY,
    "types.GeneratorType": _CHECK_ONLY,
    "types.LambdaType": _CHECK_ONLY,
    "types.MethodType": _CHECK_ONLY,
    "types.ModuleType": _CHECK_ONLY,
    "types.SimpleNamespace": "the sandbox's own subclass, marked as the "
    "plugin's: its attributes may be set",
    "warnings.catch_warnings": _OWN_WARNINGS,
    "warnings.filterwarnings": f"{_OWN_WARNINGS}; message and module "
    "match as plain-text prefixes, not regular expressions",
    "warnings.resetwarnings": _OWN_WARNINGS,
    "warnings.simplefilter": _OWN_WARNINGS,
    "warnings.warn": "writes to the plugin's log, by the plugin's own filters",
}

_STREAM = (
    "a stream of the plugin's own: what is written goes to its log, a "
    "line at a time"
)

# Single paths safe for a reason of their own.
EXTRA_EXPLICIT: Final[dict[str, str]] = {
    "type(logging.getLogger('x'))": "the plugin's own Logger class: the "
    "name is text it stores, not an attribute it reads",
    "sys.stderr": _STREAM,
    "sys.stdout": _STREAM,
    "sys.PluginStream.flush": _STREAM,
    "sys.PluginStream.isatty": _STREAM,
    "sys.PluginStream.readable": _STREAM,
    "sys.PluginStream.writable": _STREAM,
    "sys.PluginStream.write": _STREAM,
    "sys.PluginStream.writelines": _STREAM,
}

# Immutable classes: facts about the interpreter.
EXTRA_IMMUTABLE: Final = frozenset(
    {"sys.float_info", "sys.int_info", "sys.version_info"}
)

# Module functions, by their module, and why they are safe.
EXTRA_MODULE_FUNCTIONS: Final[dict[str, str]] = {
    "html": "unescapes character references: the result is no longer "
    "than the text (one pass of the library's fixed pattern)",
}

"""
The host: discovery, dependency resolution, lifecycle, dispatch, events.
"""

from ._claude import ClaudeProvider, FakeClaude
from ._host import PluginHost
from ._lifecycle import State, Transition
from ._record import CallStats, Failure, PluginInfo, ToolInfo
from ._stats import PluginStats
from ._validate import ValidationReport, validate_plugin
from ._watch import Reloaded, Watcher


__all__ = [
    "CallStats",
    "ClaudeProvider",
    "Failure",
    "FakeClaude",
    "PluginHost",
    "PluginInfo",
    "PluginStats",
    "Reloaded",
    "State",
    "ToolInfo",
    "Transition",
    "ValidationReport",
    "Watcher",
    "validate_plugin",
]

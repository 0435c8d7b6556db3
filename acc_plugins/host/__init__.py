"""
The host: ``PluginHost``, a façade over parts that each do one job, one
sub-package per part (see the architecture page of the documentation):

- ``core``: the plugin records, the registry, the lifecycle, discovery,
  dependency resolution, loading and the lifecycle commands;
- ``dispatch``: calls into tools, agents and workflows, and prompts;
- ``events``: the bus and the routes of events to hooks;
- ``reload``: hot reload and the watcher;
- ``config``: settings, enabled flags, secrets, sharing a setup;
- ``gate``: consent, quarantine, the audit trail, the scan at load;
- ``capabilities``: what a plugin's ``self.ctx`` reaches;
- ``isolation``: a worker process per isolated plugin;
- ``debug``: each plugin's log on disk, and the profiler.
"""

from ._host import PluginHost
from ._validate import ValidationReport, validate_plugin
from .capabilities._claude import ClaudeProvider, ClaudeReply, FakeClaude
from .core._lifecycle import State, Transition
from .core._record import (
    AgentInfo,
    CallStats,
    Failure,
    PluginInfo,
    ToolInfo,
)
from .core._stats import PluginStats
from .debug import FunctionCost, LogEntry, LogStore, Profile
from .reload._watch import Reloaded, Watcher


__all__ = [
    "AgentInfo",
    "CallStats",
    "ClaudeProvider",
    "ClaudeReply",
    "Failure",
    "FakeClaude",
    "FunctionCost",
    "LogEntry",
    "LogStore",
    "PluginHost",
    "PluginInfo",
    "PluginStats",
    "Profile",
    "Reloaded",
    "State",
    "ToolInfo",
    "Transition",
    "ValidationReport",
    "Watcher",
    "validate_plugin",
]

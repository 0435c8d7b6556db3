"""
Debugging and monitoring: each plugin's log on disk, and the profiler
that tells which of a plugin's functions a call spent its steps and time
in.
"""

from ._logentry import LEVELS, LogEntry
from ._logstore import LogStore
from ._profile import Profile
from ._profiler import FunctionCost


__all__ = ["LEVELS", "FunctionCost", "LogEntry", "LogStore", "Profile"]

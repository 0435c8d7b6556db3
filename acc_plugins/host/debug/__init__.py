"""
Debugging and monitoring: each plugin's log on disk, and the profiler
that tells which of a plugin's functions a call spent its steps and time
in.
"""

from ._logentry import LEVELS, LogEntry
from ._logstore import LogStore


__all__ = ["LEVELS", "LogEntry", "LogStore"]

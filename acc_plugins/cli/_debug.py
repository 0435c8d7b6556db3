"""
The commands for finding out what a plugin does, registered together:
``inspect``, ``logs`` and ``profile``, and ``run-agent`` and
``run-workflow`` beside ``call``.
"""

from ._inspect import inspect_
from ._logs import logs
from ._profile import profile
from ._run import run_agent, run_workflow


DEBUG_COMMANDS = (run_agent, run_workflow, inspect_, logs, profile)

"""
The sandbox: restricted compilation, guards, and the import gate.

It knows nothing of the host, the market or the command line.
"""

from ._allowlist import ALLOWED_MODULES
from ._budget import Budget
from ._builtmodules import SANDBOX_MODULES
from ._classnames import module_of, plain_name
from ._compiler import BytecodeCache, compile_plugin_source
from ._imports import ModuleProxy
from ._pluginfiles import AUTHOR_TESTS
from ._policy import POLICY_VERSION
from ._sandbox import Sandbox
from ._unavailable import RefusedImport, fix_for, unavailable


__all__ = [
    "ALLOWED_MODULES",
    "AUTHOR_TESTS",
    "POLICY_VERSION",
    "SANDBOX_MODULES",
    "Budget",
    "BytecodeCache",
    "ModuleProxy",
    "RefusedImport",
    "Sandbox",
    "compile_plugin_source",
    "fix_for",
    "module_of",
    "plain_name",
    "unavailable",
]

"""
The built-ins every sandbox starts from, as a literal table.
"""

from __future__ import annotations

import builtins
from typing import Final


# Built-ins every plugin gets, unchanged.  Left out on purpose: file and
# console access (open, input, help, breakpoint, exit, quit), evaluation of
# text (exec, eval, compile), namespace introspection (globals, locals,
# dir), memoryview, and the real attribute functions, type, vars, print and
# the import hook, whose guarded versions are added by ``Guards.builtins``.
_PLAIN_BUILTINS: Final = (
    "ArithmeticError",
    "AssertionError",
    "AttributeError",
    "BaseException",
    "DeprecationWarning",
    "EOFError",
    "Ellipsis",
    "Exception",
    "False",
    "FileExistsError",
    "FileNotFoundError",
    "FloatingPointError",
    "GeneratorExit",
    "ImportError",
    "IndexError",
    "IsADirectoryError",
    "KeyError",
    "LookupError",
    "MemoryError",
    "ModuleNotFoundError",
    "NameError",
    "None",
    "NotADirectoryError",
    "NotImplemented",
    "NotImplementedError",
    "OSError",
    "OverflowError",
    "PermissionError",
    "RecursionError",
    "RuntimeError",
    "RuntimeWarning",
    "StopIteration",
    "SyntaxError",
    "TimeoutError",
    "True",
    "TypeError",
    "UnboundLocalError",
    "UnicodeDecodeError",
    "UnicodeEncodeError",
    "UnicodeError",
    "UserWarning",
    "ValueError",
    "Warning",
    "ZeroDivisionError",
    "__build_class__",
    "abs",
    "all",
    "any",
    "ascii",
    "bin",
    "bool",
    "bytearray",
    "bytes",
    "callable",
    "chr",
    "classmethod",
    "complex",
    "dict",
    "divmod",
    "enumerate",
    "filter",
    "float",
    "format",
    "frozenset",
    "hash",
    "hex",
    "id",
    "int",
    "isinstance",
    "issubclass",
    "iter",
    "len",
    "list",
    "map",
    "max",
    "min",
    "next",
    "object",
    "oct",
    "ord",
    "property",
    "repr",
    "reversed",
    "round",
    "set",
    "slice",
    "sorted",
    "staticmethod",
    "str",
    "sum",
    "super",
    "tuple",
    "zip",
)

_PLAIN_TABLE: Final[dict[str, object]] = {
    name: getattr(builtins, name) for name in _PLAIN_BUILTINS
}


def plain_builtins() -> dict[str, object]:
    """
    A fresh copy of the unguarded part of every sandbox's builtins.
    """
    return dict(_PLAIN_TABLE)

"""
Parsing source into ``ast`` trees, and compiling trees, safely from
several threads at once.

Why this exists: CPython 3.11 converts between its C syntax trees and
``ast`` objects with a recursion counter kept per interpreter, not per
thread.  A collection of garbage during the conversion can run Python
code (``gc.callbacks``, finalizers), which lets another thread convert a
tree of its own and move the counter under the first one, which then
fails with ``SystemError: AST constructor recursion depth mismatch``
(python/cpython#106905).  The host parses in several threads (loads,
reloads, publishes, the isolated tier's supervisor), so every conversion
of ours goes through one lock here; a conversion made by code that is not
ours can still race with one of ours, so the error, which leaves nothing
behind, is retried once.
"""

from __future__ import annotations

import ast
import threading
from typing import TYPE_CHECKING, Any, Final, Literal


if TYPE_CHECKING:
    import types
    from collections.abc import Callable

_LOCK: Final = threading.RLock()
_MISMATCH: Final = "AST constructor recursion depth mismatch"


def _guarded(convert: Callable[[], Any]) -> Any:
    with _LOCK:
        try:
            return convert()
        except SystemError as exc:
            if _MISMATCH not in str(exc):
                raise
            return convert()


def parse(
    source: str | bytes,
    filename: str = "<unknown>",
    mode: Literal["exec", "eval"] = "exec",
) -> Any:
    """
    ``ast.parse(source, filename, mode)``, safe beside other threads.

    Raises:
        SyntaxError: As ``ast.parse`` does.
    """
    return _guarded(lambda: ast.parse(source, filename, mode))


def parse_module(
    source: str | bytes, filename: str = "<unknown>"
) -> ast.Module:
    """
    `parse` of a whole module, typed as one.
    """
    tree: ast.Module = parse(source, filename)
    return tree


def compile_tree(tree: ast.Module, filename: str) -> types.CodeType:
    """
    ``compile(tree, filename, "exec", dont_inherit=True)``, safe beside
    other threads: the code gets exactly the future features its source
    asks for, none of ours.
    """
    code: types.CodeType = _guarded(
        lambda: compile(tree, filename, "exec", dont_inherit=True)
    )
    return code

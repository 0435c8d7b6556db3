"""
The name rules of the policy: names reserved for the sandbox are refused,
and dunder names only pass where ordinary code needs them.

Kept apart from the transformer as one pure decision a reviewer can read
next to the tables in ``_policy``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from ._attributes import HINT_INTROSPECTION
from ._classdunders import CLASS_BODY_DUNDERS, DEFINABLE_DUNDERS
from ._policy import (
    MODULE_DUNDERS,
    READABLE_DUNDER_NAMES,
    RESERVED_NAMES,
    is_dunder,
    is_metadata_name,
)


if TYPE_CHECKING:
    import ast


def name_problem(
    name: str, kind: str, *, load: bool, definition: bool
) -> str | None:
    """
    Why plugin code may not use *name* here, or None if it may.

    Args:
        name: The name read, bound or defined.

        kind: The kind of the innermost scope: ``"module"``, ``"class"``
            or ``"function"``.

        load: The name is read.

        definition: The name is that of a ``def``.
    """
    if name in RESERVED_NAMES:
        return f"name {name!r} is reserved for the sandbox"
    if not is_dunder(name):
        return None
    allowed = (
        (load and name in READABLE_DUNDER_NAMES)
        # ``__license__ = "MIT"`` at the top of a module, read anywhere.
        or ((load or kind == "module") and is_metadata_name(name))
        or (kind == "module" and not load and name in MODULE_DUNDERS)
        # ``__rmul__ = __mul__`` in a class body reads the class's own
        # namespace, so loads are as safe as definitions there.
        or (kind == "class" and name in DEFINABLE_DUNDERS | CLASS_BODY_DUNDERS)
    )
    if allowed:
        return None
    if definition and kind == "class":
        return (
            f"defining {name!r} is not allowed: it would run outside "
            "the plugin's control (allowed protocol methods include "
            "__init__, __repr__, __eq__, __iter__, __len__, ...)"
        )
    return f"name {name!r} is not allowed: {HINT_INTROSPECTION}"


class NameCheck(Protocol):
    """
    The transformer's ``check_name``, as its parts call it.
    """

    def __call__(
        self,
        node: ast.AST,
        name: str | None,
        *,
        load: bool = False,
        definition: bool = False,
    ) -> None: ...

"""
The dunder names the scanner treats as ordinary code rather than findings:
what the sandbox serves through its guards (``self.__class__.__name__``,
``super().__new__(cls)``), the names a class or module may bind, and the
ones text may mention.  Derived from the sandbox policy's tables, so that
the scanner and the sandbox never disagree.

Kept apart from the checks' walk (``_checks``) as the scanner's view of
the policy.
"""

from __future__ import annotations

import re
from typing import Final

from acc_plugins.sandbox._classdunders import (
    CLASS_BODY_DUNDERS,
    DEFINABLE_DUNDERS,
    OWN_OBJECT_DUNDERS,
)
from acc_plugins.sandbox._policy import (
    DESCRIPTIVE_DUNDERS,
    FORBIDDEN_ATTRIBUTES,
    INTROSPECTIVE_DUNDERS,
    MODULE_DUNDERS,
    PROTOCOL_DUNDERS,
    READABLE_DUNDER_NAMES,
    is_dunder,
)


# What the sandbox serves through its guards is ordinary code, not a
# finding: ``self.__class__.__name__``, ``super().__new__(cls)``.
READABLE_ATTRIBUTES: Final = (
    DESCRIPTIVE_DUNDERS
    | PROTOCOL_DUNDERS
    | INTROSPECTIVE_DUNDERS
    | OWN_OBJECT_DUNDERS
    | frozenset({"__getattr__", "__getattribute__", "__new__"})
)
READABLE_NAMES: Final = (
    READABLE_DUNDER_NAMES
    | MODULE_DUNDERS
    | DEFINABLE_DUNDERS
    | CLASS_BODY_DUNDERS
)
CLASS_DUNDERS: Final = DEFINABLE_DUNDERS | CLASS_BODY_DUNDERS
NAMED_IN_STRINGS: Final = (
    READABLE_ATTRIBUTES
    | DEFINABLE_DUNDERS
    | MODULE_DUNDERS
    | frozenset({"__future__", "__init__", "__main__", "__pycache__"})
)
DUNDER_IN_TEXT: Final = re.compile(r"\b__[A-Za-z][A-Za-z0-9_]*__\b")


def hidden_name(name: str) -> bool:
    """
    Tell whether an attribute name is one the sandbox guards.
    """
    if is_dunder(name):
        return name not in READABLE_ATTRIBUTES
    return name in FORBIDDEN_ATTRIBUTES

"""
Calls the compiler can prove harmless, and so leaves to CPython.

``getattr(x, "name")`` and ``hasattr(x, "name")`` with a public name the
guard would pass anyway need no guard call, and neither does
``"total: {:>8}".format(a)``: a template written out in the source, whose
one field names no attribute or item and whose spec is a small number,
can walk nothing and build nothing large.  (Two fields can name one large
value twice, ``"{0}{0}"``, and ``!r`` or ``!a`` can write a character as
ten: those meet the guard, which counts what they make.)  Nor does a ``range()`` that a
loop of plugin code walks.  Everything else keeps its guard.
"""

from __future__ import annotations

import ast
import re
import string
from typing import Final

from ._astutil import bound_names, descendants
from ._guardnames import GUARD_RAW_GETATTR, GUARD_RAW_HASATTR, GUARD_RAW_RANGE
from ._policy import FORBIDDEN_ATTRIBUTES, GUARDED_ATTRIBUTES


# The attribute built-ins with a raw counterpart, and the argument counts
# the shortcut accepts (with or without a default).
_RAW_ATTRIBUTE_CALLS: Final = {
    "getattr": (GUARD_RAW_GETATTR, (2, 3)),
    "hasattr": (GUARD_RAW_HASATTR, (2,)),
}

# A width or precision that could pass the smallest memory budget.
_LARGE_NUMBER: Final = re.compile(r"\d{6,}")


def unbound_builtins(
    module: ast.Module, source: str | None = None
) -> frozenset[str]:
    """
    The built-ins the module never rebinds, whose calls the compiler may
    treat as theirs: the attribute built-ins, ``range``, ``str`` and
    ``super``.

    Args:
        module: The parsed module.

        source: The text *module* was parsed from, if known.  Every
            identifier of ASCII text is spelled out in it, so a name the
            text never mentions is bound nowhere, and a module that
            mentions none of them need not be walked.
    """
    names = (*_RAW_ATTRIBUTE_CALLS, "range", "str", "super")
    if (
        source is not None
        and source.isascii()
        and not any(name in source for name in names)
    ):
        return frozenset(names)
    bound = bound_names(descendants(module))
    return frozenset(name for name in names if name not in bound)


def _plain_public(name: object) -> bool:
    return (
        type(name) is str
        and name.isidentifier()
        and not name.startswith("_")
        and name not in FORBIDDEN_ATTRIBUTES
        and name not in GUARDED_ATTRIBUTES
    )


def raw_attribute_call(node: ast.Call, unbound: frozenset[str]) -> bool:
    """
    Point ``getattr(x, "name"[, default])`` or ``hasattr(x, "name")`` at
    the raw built-in when the guard would allow the name anyway.

    Returns:
        True if *node* was changed.
    """
    func = node.func
    if (
        not isinstance(func, ast.Name)
        or func.id not in unbound
        or func.id not in _RAW_ATTRIBUTE_CALLS
    ):
        return False
    raw, counts = _RAW_ATTRIBUTE_CALLS[func.id]
    args = node.args
    if (
        node.keywords
        or len(args) not in counts
        or any(isinstance(a, ast.Starred) for a in args)
        or not isinstance(args[1], ast.Constant)
        or not _plain_public(args[1].value)
    ):
        return False
    node.func = ast.copy_location(ast.Name(raw, ast.Load()), func)
    return True


def raw_loop_range(iterable: ast.expr, unbound: frozenset[str]) -> None:
    """
    ``for i in range(n)``: a range a loop of plugin code walks is checked
    item by item by the loop's budget check, so it needs none of the size
    check that guards ranges C would drain in one call (``sum(range(n))``).
    """
    if (
        isinstance(iterable, ast.Call)
        and isinstance(iterable.func, ast.Name)
        and iterable.func.id == "range"
        and "range" in unbound
        and not iterable.keywords
        and not any(isinstance(a, ast.Starred) for a in iterable.args)
    ):
        iterable.func = ast.copy_location(
            ast.Name(GUARD_RAW_RANGE, ast.Load()), iterable.func
        )


def plain_template(node: ast.Call) -> bool:
    """
    Tell whether *node* is ``"<template>".format(...)`` whose template can
    neither walk attributes nor build anything large.
    """
    func = node.func
    if not (
        isinstance(func, ast.Attribute)
        and func.attr == "format"
        and isinstance(func.value, ast.Constant)
        and type(func.value.value) is str
    ):
        return False
    try:
        fields = [
            (field, spec, conversion)
            for _, field, spec, conversion in string.Formatter().parse(
                func.value.value
            )
            if field is not None
        ]
    except ValueError:
        return False  # the guard reports it as CPython would
    if len(fields) > 1:
        return False
    for field, spec, conversion in fields:
        if "." in field or "[" in field or conversion in ("r", "a"):
            return False
        if spec and ("{" in spec or _LARGE_NUMBER.search(spec)):
            return False
    return True


def shrinking_replace(
    name: str, args: list[ast.expr], keywords: list[ast.keyword]
) -> bool:
    """
    Tell whether ``x.<name>(*args)`` is ``x.replace(old, new[, count])``
    with *old* and *new* written out and *new* no longer than *old*: it
    can build nothing larger than *x*, whatever *x* is, and needs no size
    check.  (The attribute itself is public: any other method of that
    name is read as any other public method is.)
    """
    if name != "replace" or keywords or len(args) not in (2, 3):
        return False
    old, new, *count = args
    if not (isinstance(old, ast.Constant) and isinstance(new, ast.Constant)):
        return False
    before, after = old.value, new.value
    return (
        isinstance(before, (str, bytes))
        and isinstance(after, (str, bytes))
        and type(after) is type(before)
        and len(after) <= len(before)
        and all(
            isinstance(c, ast.Constant) and type(c.value) is int for c in count
        )
    )

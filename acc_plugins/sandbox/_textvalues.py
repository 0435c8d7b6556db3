"""
The compile-time checks of values that become text: an f-string field, a
%-format's arguments, a template's values.  A container's text can be far
longer than the container (its items shared many times), so such a value
is checked by a guard unless an inline test shows it is of a plain type.

Kept apart from the operator rules (``_sizedrules``) because calls and
f-strings use them as well as operators.
"""

from __future__ import annotations

import ast
import copy
from typing import TYPE_CHECKING

from ._astutil import call, located
from ._guardnames import (
    GUARD_PLAIN_TYPES,
    GUARD_RAW_TYPE,
    GUARD_RENDER,
    GUARD_RENDER_ARGS,
)


if TYPE_CHECKING:
    from ._inlinechecks import Temporaries


def rendered(
    value: ast.expr, temporaries: Temporaries | None = None
) -> ast.expr:
    """
    An f-string field's value with its text checked: constants as they
    are, a name (or, where ``:=`` is allowed, a temporary holding any
    value) tested inline (``x if type(x) in plain else check(x)``),
    anything else through the guard.
    """
    if isinstance(value, ast.Constant):
        return value
    if isinstance(value, ast.Name):
        read: ast.expr = value
        first: ast.expr = ast.Name(value.id, ast.Load())
    elif temporaries is not None:
        name = temporaries.new()
        read = ast.Name(name, ast.Load())
        first = ast.NamedExpr(target=ast.Name(name, ast.Store()), value=value)
    else:
        return located(call(GUARD_RENDER, value), value)
    test = ast.IfExp(
        test=ast.Compare(
            left=call(GUARD_RAW_TYPE, first),
            ops=[ast.In()],
            comparators=[ast.Name(GUARD_PLAIN_TYPES, ast.Load())],
        ),
        body=read,
        orelse=call(GUARD_RENDER, copy.copy(read)),
    )
    return located(test, value)


def rendered_arguments(
    node: ast.expr, temporaries: Temporaries | None = None
) -> ast.expr:
    """
    The values of a %-format (a tuple or mapping written out, or any
    expression) with their texts checked.
    """
    if isinstance(node, ast.Tuple) and not any(
        isinstance(item, ast.Starred) for item in node.elts
    ):
        node.elts = [rendered(item, temporaries) for item in node.elts]
        return node
    if isinstance(node, ast.Dict) and None not in node.keys:
        node.values = [rendered(value, temporaries) for value in node.values]
        return node
    return located(call(GUARD_RENDER_ARGS, node), node)


def rendered_values(
    node: ast.Call, temporaries: Temporaries | None = None
) -> ast.Call:
    """
    A call the compiler proved harmless, with the texts of its values
    checked when it formats them (``"{}".format(x)``): its arguments,
    starred ones through the guard as one list.
    """
    func = node.func
    if not (isinstance(func, ast.Attribute) and func.attr == "format"):
        return node  # getattr() and hasattr(): nothing becomes text
    node.args = [
        located(
            ast.Starred(call(GUARD_RENDER_ARGS, item.value), ast.Load()), item
        )
        if isinstance(item, ast.Starred)
        else rendered(item, temporaries)
        for item in node.args
    ]
    for keyword in node.keywords:
        keyword.value = (
            located(call(GUARD_RENDER_ARGS, keyword.value), keyword.value)
            if keyword.arg is None
            else rendered(keyword.value, temporaries)
        )
    return node

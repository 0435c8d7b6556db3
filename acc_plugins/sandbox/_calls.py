"""
The call rules of the policy: ``eval`` and ``exec`` are refused, calls
proven harmless at compile time run as written, and calls that can build
a huge value in one C call (``sep.join``, ``str(x)``, ``f(*a, *a)``) are
sized first.

Calls are the commonest node after names, with rules of their own, so
they have their own module.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from ._astutil import call, located
from ._guardnames import GUARD_SIZED_CALL, GUARD_STR, GUARD_UNPACK
from ._policy import SIZED_METHODS
from ._shortcuts import plain_template, raw_attribute_call, shrinking_replace
from ._sizedrules import starred_parts
from ._textvalues import rendered_values


if TYPE_CHECKING:
    from collections.abc import Callable

    from ._attributes import AttributeRules
    from ._context import ModuleContext


def rendered_call(node: ast.Call, unbound: frozenset[str]) -> ast.AST:
    """
    ``str(x)``, the builtin's own name called with one argument: its
    text is checked first (``__acc_str__(x)``).  *node*'s children are
    already visited.
    """
    func = node.func
    if (
        isinstance(func, ast.Name)
        and func.id == "str"
        and "str" in unbound
        and len(node.args) == 1
        and not node.keywords
        and not isinstance(node.args[0], ast.Starred)
    ):
        node.func = located(ast.Name(GUARD_STR, ast.Load()), func)
    return node


def starred_arguments(node: ast.Call) -> None:
    """
    ``f(*a, *a)`` builds a tuple twice as long as ``a``: positional
    arguments with two or more ``*`` parts are joined (and sized) by
    the guard first.  *node*'s children are already visited.
    """
    parts = starred_parts(node.args)
    if parts is not None:
        joined = call(GUARD_UNPACK, ast.Constant("list"), *parts)
        node.args = [ast.Starred(joined, ast.Load())]
        ast.fix_missing_locations(located(node, node))


class CallRules:
    """
    Checks and rewrites calls for the transformer.

    Args:
        context: Where the walk is.

        attributes: The attribute rules, for a method's name.

        error: Reports a problem at a node.

        visit: Visits a subtree with the whole policy.

        contents_visit: Visits a node's children with the whole policy.
    """

    def __init__(
        self,
        context: ModuleContext,
        attributes: AttributeRules,
        *,
        error: Callable[[ast.AST, str], None],
        visit: Callable[[ast.AST], Any],
        contents_visit: Callable[[ast.Call], ast.Call],
    ) -> None:
        self._context = context
        self._attributes = attributes
        self._error = error
        self._visit = visit
        self._contents_visit = contents_visit

    def visit(self, node: ast.Call) -> ast.AST:
        """
        The call, checked, and sized where it can build a huge value.
        """
        visit = self._visit
        if isinstance(node.func, ast.Name) and node.func.id in {
            "eval",
            "exec",
        }:
            self._error(node, f"{node.func.id}() is not allowed in plugins")
        if plain_template(node) or raw_attribute_call(
            node, self._context.unbound
        ):
            # Proven harmless at compile time: only the arguments are
            # plugin code to check (and a template's values' own texts).
            node.args = [visit(argument) for argument in node.args]
            node.keywords = [visit(keyword) for keyword in node.keywords]
            starred_arguments(node)
            return rendered_values(node, self._context.temporaries())
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr in SIZED_METHODS
            and self._attributes.allowed(func, store=False)
        ):
            # ``sep.join(items)`` checks its size in one guard call, not an
            # attribute guard handing out a wrapper that is then called.
            receiver = visit(func.value)
            arguments = [visit(argument) for argument in node.args]
            keywords = [visit(keyword) for keyword in node.keywords]
            if shrinking_replace(func.attr, arguments, keywords):
                # Proven at compile time to build nothing larger.
                func.value = receiver
                node.args, node.keywords = arguments, keywords
                return node
            sized = ast.Call(
                func=ast.Name(GUARD_SIZED_CALL, ast.Load()),
                args=[receiver, ast.Constant(func.attr), *arguments],
                keywords=keywords,
            )
            starred_arguments(sized)
            return ast.fix_missing_locations(located(sized, node))
        node = self._contents_visit(node)
        starred_arguments(node)
        return rendered_call(node, self._context.unbound)

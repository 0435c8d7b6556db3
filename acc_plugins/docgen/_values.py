"""
The value of an expression in plugin source, worked out from the syntax
tree alone: literals, names bound to them at module level, subscripts of
those, and calls of the SDK's ``Agent``, ``Workflow`` and ``Step``.

Why not ``ast.literal_eval``: an agent's prompt is often a name
(``SYSTEM_PROMPTS["friendly"]``) and a workflow is a call; both are
plain data to a reader.  Anything else (a function call, arithmetic
other than joining strings, an f-string) is `UNKNOWN`, and the caller
says so in the documentation instead of guessing.
"""

from __future__ import annotations

import ast
from typing import Final

import attrs


UNKNOWN: Final = object()
"""What an expression is worth when the source alone cannot tell."""

_MAX_DEPTH: Final = 32


@attrs.frozen
class Call:
    """
    A call, such as ``Step(tool="x", save_as="y")``, as plain data.

    Attributes:
        function: The called name (its last part: ``sdk.Step`` is ``Step``).

        arguments: The keyword arguments whose values are known.

        unknown: The keyword arguments whose values are not.

        positional: The positional arguments (`UNKNOWN` where not known).
    """

    function: str
    arguments: dict[str, object]
    unknown: tuple[str, ...] = ()
    positional: tuple[object, ...] = ()


def called_name(node: ast.expr) -> str:
    """
    The last part of a name or attribute (``sdk.tool`` is ``tool``), or
    ``""`` for any other expression.
    """
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""


def module_constants(tree: ast.Module) -> dict[str, ast.expr]:
    """
    The names a module binds once, at its top level, to an expression.

    A name bound twice is left out: which binding a reader would see
    depends on the order the code runs in.
    """
    found: dict[str, ast.expr] = {}
    twice: set[str] = set()
    for statement in tree.body:
        targets: list[ast.expr] = []
        value: ast.expr | None = None
        if isinstance(statement, ast.Assign):
            targets, value = statement.targets, statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value:
            targets, value = [statement.target], statement.value
        for target in targets:
            if isinstance(target, ast.Name) and value is not None:
                if target.id in found:
                    twice.add(target.id)
                found[target.id] = value
    return {name: value for name, value in found.items() if name not in twice}


def value_of(
    node: ast.expr, constants: dict[str, ast.expr], depth: int = 0
) -> object:
    """
    The value of *node*, or `UNKNOWN`.

    Args:
        node: The expression.

        constants: The module's top-level names (`module_constants`).

        depth: How deep the evaluation already is (names can refer to
            each other in a loop).
    """
    if depth > _MAX_DEPTH:
        return UNKNOWN
    deeper = depth + 1
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        items = [value_of(item, constants, deeper) for item in node.elts]
        return UNKNOWN if any(i is UNKNOWN for i in items) else items
    if isinstance(node, ast.Dict):
        return _dict(node, constants, deeper)
    if isinstance(node, ast.Name) and node.id in constants:
        return value_of(constants[node.id], constants, deeper)
    if isinstance(node, ast.Subscript):
        return _subscript(node, constants, deeper)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left = value_of(node.left, constants, deeper)
        right = value_of(node.right, constants, deeper)
        if type(left) is str and type(right) is str:
            return left + right
        return UNKNOWN
    if isinstance(node, ast.Call):
        return _call(node, constants, deeper)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        number = value_of(node.operand, constants, deeper)
        if type(number) in {int, float}:
            return -number  # type: ignore[operator]
    return UNKNOWN


def _dict(
    node: ast.Dict, constants: dict[str, ast.expr], depth: int
) -> object:
    result: dict[object, object] = {}
    for key, item in zip(node.keys, node.values, strict=True):
        if key is None:  # ``**other``
            return UNKNOWN
        known_key = value_of(key, constants, depth)
        if not isinstance(known_key, str | int | bool | None):
            return UNKNOWN
        result[known_key] = value_of(item, constants, depth)
    if any(value is UNKNOWN for value in result.values()):
        return UNKNOWN
    return result


def _subscript(
    node: ast.Subscript, constants: dict[str, ast.expr], depth: int
) -> object:
    container = value_of(node.value, constants, depth)
    key = value_of(node.slice, constants, depth)
    if isinstance(container, dict) and isinstance(key, str | int | bool):
        return container.get(key, UNKNOWN)
    if isinstance(container, list) and type(key) is int:
        return (
            container[key]
            if -len(container) <= key < len(container)
            else UNKNOWN
        )
    return UNKNOWN


def _call(
    node: ast.Call, constants: dict[str, ast.expr], depth: int
) -> object:
    name = called_name(node.func)
    if not name or any(isinstance(a, ast.Starred) for a in node.args):
        return UNKNOWN
    known: dict[str, object] = {}
    unknown: list[str] = []
    for keyword in node.keywords:
        if keyword.arg is None:  # ``**options``
            return UNKNOWN
        value = value_of(keyword.value, constants, depth)
        if value is UNKNOWN:
            unknown.append(keyword.arg)
        else:
            known[keyword.arg] = value
    positional = tuple(value_of(arg, constants, depth) for arg in node.args)
    return Call(name, known, tuple(unknown), positional)

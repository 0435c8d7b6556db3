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
_MAX_STEPS: Final = 20_000
_MAX_TEXT: Final = 100_000


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


def text_of(value: object) -> str:
    """
    *value* when it is text, else ``""`` (a known value of another type,
    or `UNKNOWN`).
    """
    return value if type(value) is str else ""


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


def value_of(node: ast.expr, constants: dict[str, ast.expr]) -> object:
    """
    The value of *node*, or `UNKNOWN`.

    Args:
        node: The expression.

        constants: The module's top-level names (`module_constants`).
    """
    return _Evaluation(constants).value(node, 0)


@attrs.define
class _Evaluation:
    """
    One evaluation, with a budget: names may refer to each other in a
    loop or fan out (``A = (B, B)``, ``B = (C, C)``, ...), and joined or
    repeated names may double a text at each step; source from a
    stranger must not make a reading take exponential time or memory.
    """

    constants: dict[str, ast.expr]
    steps: int = _MAX_STEPS
    chars: int = _MAX_TEXT * 10

    def value(self, node: ast.expr, depth: int) -> object:
        self.steps -= 1
        if depth > _MAX_DEPTH or self.steps < 0:
            return UNKNOWN
        deeper = depth + 1
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            items = [self.value(item, deeper) for item in node.elts]
            return UNKNOWN if any(i is UNKNOWN for i in items) else items
        if isinstance(node, ast.Dict):
            return self._dict(node, deeper)
        if isinstance(node, ast.Name) and node.id in self.constants:
            found = self.value(self.constants[node.id], deeper)
            # Each use of a name copies its text into the page.
            self.chars -= len(found) if type(found) is str else 0
            return UNKNOWN if self.chars < 0 else found
        if isinstance(node, ast.Subscript):
            return self._subscript(node, deeper)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left = self.value(node.left, deeper)
            right = self.value(node.right, deeper)
            if (
                type(left) is str
                and type(right) is str
                and len(left) + len(right) <= _MAX_TEXT
            ):
                return left + right
            return UNKNOWN
        if isinstance(node, ast.Call):
            return self._call(node, deeper)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            number = self.value(node.operand, deeper)
            if type(number) in {int, float}:
                return -number  # type: ignore[operator]
        return UNKNOWN

    def _dict(self, node: ast.Dict, depth: int) -> object:
        result: dict[object, object] = {}
        for key, item in zip(node.keys, node.values, strict=True):
            if key is None:  # ``**other``
                return UNKNOWN
            known_key = self.value(key, depth)
            if not isinstance(known_key, str | int | bool | None):
                return UNKNOWN
            result[known_key] = self.value(item, depth)
        if any(value is UNKNOWN for value in result.values()):
            return UNKNOWN
        return result

    def _subscript(self, node: ast.Subscript, depth: int) -> object:
        container = self.value(node.value, depth)
        key = self.value(node.slice, depth)
        if isinstance(container, dict) and isinstance(key, str | int | bool):
            return container.get(key, UNKNOWN)
        if isinstance(container, list) and type(key) is int:
            inside = -len(container) <= key < len(container)
            return container[key] if inside else UNKNOWN
        return UNKNOWN

    def _call(self, node: ast.Call, depth: int) -> object:
        name = called_name(node.func)
        if not name or any(isinstance(a, ast.Starred) for a in node.args):
            return UNKNOWN
        known: dict[str, object] = {}
        unknown: list[str] = []
        for keyword in node.keywords:
            if keyword.arg is None:  # ``**options``
                return UNKNOWN
            value = self.value(keyword.value, depth)
            if value is UNKNOWN:
                unknown.append(keyword.arg)
            else:
                known[keyword.arg] = value
        positional = tuple(self.value(arg, depth) for arg in node.args)
        return Call(name, known, tuple(unknown), positional)

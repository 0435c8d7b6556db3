"""
How plugin source spells text, for the scanner's obfuscation rules: the
text a literal (or a sum of literals, or an f-string of literals) builds,
its entropy, and text spelt as code points (``chr(104)``,
``map(chr, [104, 105])``).

Kept apart from the checks' walk (``_checks``) as pure functions of one
node each.
"""

from __future__ import annotations

import ast
import math
from collections import Counter
from typing import Final


_PRINTABLE: Final = range(32, 127)


def literal_text(node: ast.AST) -> str | None:
    """
    The text of a string literal, or of one assembled only from literals.
    """
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = literal_text(node.left), literal_text(node.right)
        return None if left is None or right is None else left + right
    if isinstance(node, ast.JoinedStr):
        parts = [literal_text(value) for value in node.values]
        return None if None in parts else "".join(map(str, parts))
    return None


def entropy(text: str) -> float:
    counts = Counter(text).values()
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts)


def call_of(node: ast.AST, name: str) -> list[ast.expr] | None:
    """
    The positional arguments of a call to the plain name *name*, or None.
    """
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == name
    ):
        return node.args
    return None


def _int_list(node: ast.AST) -> bool:
    return isinstance(node, ast.List | ast.Tuple) and all(
        isinstance(e, ast.Constant)
        and type(e.value) is int
        and e.value in _PRINTABLE
        for e in node.elts
    )


def code_points(node: ast.AST) -> bool:
    """
    Tell whether *node* spells text as literal numbers: ``chr(104)``,
    ``map(chr, [104, 105])``, ``(chr(c) for c in [104, 105])``.
    """
    if (args := call_of(node, "chr")) is not None:
        return len(args) == 1 and _int_list(ast.List(args))
    if (args := call_of(node, "map")) is not None:
        return (
            len(args) == 2  # noqa: PLR2004 -- map(function, iterable)
            and isinstance(args[0], ast.Name)
            and args[0].id == "chr"
            and _int_list(args[1])
        )
    if isinstance(node, ast.GeneratorExp | ast.ListComp):
        return call_of(node.elt, "chr") is not None and any(
            _int_list(g.iter) for g in node.generators
        )
    if isinstance(node, ast.List | ast.Tuple):
        return len(node.elts) > 1 and all(map(code_points, node.elts))
    return False


def add_leaves(node: ast.AST) -> list[ast.AST]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return [*add_leaves(node.left), *add_leaves(node.right)]
    return [node]

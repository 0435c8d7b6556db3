"""
The size rules of the sandbox policy: operators and formatting whose
result a single call into C could make huge (``*``, ``**``, ``<<``, ``%``,
format specs) are routed through the run-time checks of ``_bombs`` and
``_formats``, except where the operands show at compile time that the
result stays small.
"""

from __future__ import annotations

import ast
import copy
import re
from typing import Final

from RestrictedPython.transformer import RestrictingNodeTransformer

from ._astutil import call, located
from ._guardnames import (
    GUARD_ADD,
    GUARD_ADD_CHECK,
    GUARD_FORMAT,
    GUARD_LSHIFT,
    GUARD_MOD,
    GUARD_MUL,
    GUARD_POW,
    GUARD_UNPACK,
)
from ._inlinechecks import (
    Temporaries,
    evaluated_first,
    inline_sized,
    number_test,
    operand_read,
)
from ._textvalues import rendered, rendered_arguments


SIZED_OPS: Final[dict[type[ast.operator], str]] = {
    ast.LShift: GUARD_LSHIFT,
    ast.Mod: GUARD_MOD,
    ast.Mult: GUARD_MUL,
    ast.Pow: GUARD_POW,
}
AUG_TEXT: Final[dict[type[ast.operator], str]] = {
    ast.Add: "+=",
    ast.LShift: "<<=",
    ast.Mod: "%=",
    ast.Mult: "*=",
    ast.Pow: "**=",
}
# A %-conversion whose width could pass the smallest memory budget (1
# MiB): six digits or more, or ``*`` (taken from the arguments).
_SPEC_NUMBER: Final = re.compile(r"\d{6,}")
_TEMPLATE_NUMBER: Final = re.compile(r"%[^a-zA-Z%]*?(\d{6,}|\*)")


def _harmless_template(op: ast.operator, node: ast.expr) -> bool:
    """
    A constant left operand of ``%`` that cannot format anything huge: a
    number, or a template without ``*`` or a six-digit width.
    """
    if not isinstance(op, ast.Mod) or not isinstance(node, ast.Constant):
        return False
    value = node.value
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if isinstance(value, str):
        return _TEMPLATE_NUMBER.search(value) is None
    return type(value) in (int, float, complex, bool)


def _harmless_spec(spec: ast.expr) -> bool:
    """
    An f-string format spec written out in full (``{x:>12}``) whose
    numbers are all below six digits: it cannot pass any memory budget,
    and is left to CPython's own fast formatting.
    """
    if not isinstance(spec, ast.JoinedStr):
        return False
    parts = spec.values
    return all(
        isinstance(part, ast.Constant)
        and isinstance(part.value, str)
        and _SPEC_NUMBER.search(part.value) is None
        for part in parts
    )


def _harmless_factor(op: ast.operator, node: ast.expr) -> bool:
    """
    A constant operand of ``*`` that bounds the result: a float or complex
    makes it a number (or a TypeError), and a small integer can at most
    multiply what already exists by 16.
    """
    if not isinstance(op, ast.Mult) or not isinstance(node, ast.Constant):
        return False
    value = node.value
    return type(value) in (float, complex) or (
        type(value) is int and -16 <= value <= 16  # noqa: PLR2004 -- the bound above
    )


def starred_parts(elements: list[ast.expr]) -> list[ast.expr] | None:
    """
    The parts of a display or argument list with two or more ``*``
    elements, for ``__acc_unpack__``: runs of plain elements as list
    displays, and each starred value as it is; None for fewer stars.
    """
    if sum(isinstance(element, ast.Starred) for element in elements) < 2:  # noqa: PLR2004 -- one star copies, two can double
        return None
    parts: list[ast.expr] = []
    run: list[ast.expr] = []
    for element in elements:
        if isinstance(element, ast.Starred):
            if run:
                parts.append(ast.List(run, ast.Load()))
                run = []
            parts.append(element.value)
        else:
            run.append(element)
    if run:
        parts.append(ast.List(run, ast.Load()))
    return parts


class SizedRules(RestrictingNodeTransformer):
    """
    Visitors for the operators and f-string fields that can build huge
    values.
    """

    def temporaries(self) -> Temporaries | None:
        """
        Where operands may be kept in temporaries here, their names; None
        where ``:=`` is not allowed.  The policy, which knows the scopes,
        decides.
        """
        return None

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        node = self.node_contents_visit(node)
        if isinstance(node.op, ast.Add):
            # ``s + s`` doubles; ``s + "x"`` and ``n + 1`` grow by a
            # constant, which the memory watch sees in time.
            if isinstance(node.left, ast.Constant) or isinstance(
                node.right, ast.Constant
            ):
                return node
            inline = inline_sized(node, GUARD_ADD, self.temporaries())
            return located(inline, node)
        guard = SIZED_OPS.get(type(node.op))
        if _harmless_template(node.op, node.left):
            # Its widths are small, but a value's own text may not be.
            node.right = rendered_arguments(node.right, self.temporaries())
            return node
        # Constants are no exception: CPython leaves ``1 << 10**9`` for run
        # time rather than fold it, and then computes it unchecked.
        if (
            guard is None
            or _harmless_factor(node.op, node.left)
            or _harmless_factor(node.op, node.right)
        ):
            return node
        inline = inline_sized(node, guard, self.temporaries())
        return located(inline, node)

    def checked_addend(self, node: ast.AugAssign) -> bool:
        """
        Make ``target += value`` check the concatenation's size first, as
        ``target += __acc_addcheck__(target, value)``, which keeps CPython's
        in-place concatenation of text.  True if done; False where reading
        the target twice could have side effects (the caller then takes
        the augmented-assignment guard).  *node.value* is already visited.
        """
        if isinstance(node.value, ast.Constant):
            return True
        target = node.target
        if isinstance(target, ast.Name):
            read: ast.expr = ast.Name(target.id, ast.Load())
        elif isinstance(target, ast.Attribute) and isinstance(
            target.value, ast.Name
        ):
            read = ast.Attribute(
                ast.Name(target.value.id, ast.Load()), target.attr, ast.Load()
            )
        elif (
            isinstance(target, ast.Subscript)
            and isinstance(target.value, ast.Name)
            and isinstance(target.slice, (ast.Name, ast.Constant))
        ):
            read = ast.Subscript(
                ast.Name(target.value.id, ast.Load()),
                copy.deepcopy(target.slice),
                ast.Load(),
            )
        else:
            return False
        read = self.visit(ast.copy_location(read, target))
        found = operand_read(node.value, self.temporaries())
        if found is None:
            checked: ast.expr = call(GUARD_ADD_CHECK, read, node.value)
        else:
            # ``total += x * y`` on a number needs no check: tested inline.
            value, binding = found
            test = number_test(value, self.temporaries())
            if test is True:
                return True
            checked = call(GUARD_ADD_CHECK, read, value)
            if test is not False:
                checked = ast.IfExp(
                    test=evaluated_first(
                        [binding] if binding is not None else [], test
                    ),
                    body=value,
                    orelse=checked,
                )
        node.value = ast.fix_missing_locations(located(checked, node))
        return True

    def visit_List(self, node: ast.List) -> ast.AST:
        node = self.node_contents_visit(node)
        return self._starred_display(node, "list")

    def visit_Tuple(self, node: ast.Tuple) -> ast.AST:
        node = self.node_contents_visit(node)
        return self._starred_display(node, "tuple")

    def _starred_display(
        self, node: ast.List | ast.Tuple, kind: str
    ) -> ast.AST:
        # ``[*a, *a]`` doubles a list in one call into C, as ``a + a``.
        parts = starred_parts(node.elts)
        if parts is None or not isinstance(node.ctx, ast.Load):
            return node
        joined = call(GUARD_UNPACK, ast.Constant(kind), *parts)
        return ast.fix_missing_locations(located(joined, node))

    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.AST:
        # ``f"{x:>{w}}"``: a spec is a size, checked before ``format()``
        # runs; fields without a spec make ``str(x)``, whose length a
        # container's shared items can multiply: checked unless ``x`` is
        # of a plain type.
        node = self.node_contents_visit(node)
        if node.format_spec is None or _harmless_spec(node.format_spec):
            node.value = rendered(node.value, self.temporaries())
            return node
        conversion = "" if node.conversion == -1 else chr(node.conversion)
        value = call(
            GUARD_FORMAT,
            node.value,
            node.format_spec,
            ast.Constant(conversion),
        )
        return located(
            ast.FormattedValue(value=value, conversion=-1, format_spec=None),
            node,
        )

"""
The augmented-assignment rules of the policy: ``self.n += 1`` and
``grid[y][x] -= 1`` are everyday code, but ``x *= n`` can build a huge
value in one C call.

The target is evaluated once, as Python does; an attribute target is first
passed through the write guard; operators that can grow a value are sized
by a guard unless an inline test proves the value a plain number.  This is
the largest single rewrite of the policy, so it has its own module.
"""

from __future__ import annotations

import ast
import copy
from typing import TYPE_CHECKING, Any

from ._astutil import call, located
from ._guardnames import GUARD_AUG_ATTR, GUARD_AUG_ITEM, GUARD_INPLACE
from ._inlinechecks import augmented_test, evaluated_first
from ._sizedrules import AUG_TEXT, SIZED_OPS


if TYPE_CHECKING:
    from collections.abc import Callable

    from ._attributes import AttributeRules
    from ._context import ModuleContext


class AugAssignRules:
    """
    Rewrites ``target op= value`` for the transformer.

    Args:
        context: Where the walk is.

        attributes: The attribute rules, for attribute targets.

        errors: The transformer's problems so far (a rewrite that is
            dropped takes back what it reported).

        visit: Visits a subtree with the whole policy.

        check_name: Checks a name the target binds.

        checked_addend: Makes ``target += value`` size-check its value;
            False where it cannot.
    """

    def __init__(
        self,
        context: ModuleContext,
        attributes: AttributeRules,
        *,
        errors: list[str],
        visit: Callable[[ast.AST], Any],
        check_name: Callable[[ast.AST, str], None],
        checked_addend: Callable[[ast.AugAssign], bool],
    ) -> None:
        self._context = context
        self._attributes = attributes
        self._errors = errors
        self._visit = visit
        self._check_name = check_name
        self._checked_addend = checked_addend

    def visit(self, node: ast.AugAssign) -> ast.AST:
        """
        The rewritten statement (or statements, as one ``if``).
        """
        node.value = self._visit(node.value)
        if type(node.op) in SIZED_OPS or (
            isinstance(node.op, ast.Add) and not self._checked_addend(node)
        ):
            plain = copy.deepcopy(node)
            return self._unless_plain_value(plain, self._sized(node))
        return self._target(node)

    def _sized(self, node: ast.AugAssign) -> ast.AST:
        # ``x *= n`` may build a huge sequence in one C call: check sizes
        # first, evaluating the target's parts once, as Python does.
        op = ast.Constant(AUG_TEXT[type(node.op)])
        target = node.target
        if isinstance(target, ast.Name):
            self._check_name(target, target.id)
            value = call(
                GUARD_INPLACE, op, ast.Name(target.id, ast.Load()), node.value
            )
            return located(ast.Assign(targets=[target], value=value), node)
        if isinstance(target, ast.Subscript):
            key = self._visit(target.slice)
            if isinstance(key, ast.Slice):
                key = call(
                    "slice",
                    *(
                        part or ast.Constant(None)
                        for part in (key.lower, key.upper, key.step)
                    ),
                )
            update = call(
                GUARD_AUG_ITEM, self._visit(target.value), key, op, node.value
            )
            return located(ast.Expr(update), node)
        assert isinstance(target, ast.Attribute)  # noqa: S101 -- the grammar's third form
        attributes = self._attributes
        if not attributes.allowed(target, store=True):
            return node
        trusted = attributes.is_trusted(target.value)
        obj = self._visit(target.value)
        if not trusted:
            obj = attributes.writable(obj)
        update = call(
            GUARD_AUG_ATTR,
            obj,
            ast.Constant(self._context.mangle(target.attr)),
            op,
            node.value,
        )
        return located(ast.Expr(update), node)

    def _unless_plain_value(
        self, node: ast.AugAssign, guarded: ast.AST
    ) -> ast.AST:
        """
        ``if <value is a plain number>: node else: guarded``, or *guarded*
        alone where no such test exists (see ``augmented_test``).
        """
        temporaries = self._context.temporaries()
        found = (
            None
            if temporaries is None
            else augmented_test(node.op, node.value, temporaries)
        )
        call_of = getattr(guarded, "value", None)
        if found is None or not isinstance(call_of, ast.Call):
            return guarded  # no test, or a refused target
        bindings, test = found
        if bindings:
            kept = bindings[0].target.id
            node.value = ast.Name(kept, ast.Load())
            call_of.args[-1] = ast.Name(kept, ast.Load())
        # The target was visited for the guarded form, with its problems.
        reported = len(self._errors)
        plain = self._target(node)
        del self._errors[reported:]
        if test is True:
            return plain
        assert not isinstance(test, bool)  # noqa: S101 -- False never comes back
        check = ast.If(
            test=evaluated_first(bindings, test),
            body=[plain],  # type: ignore[list-item]
            orelse=[guarded],  # type: ignore[list-item]
        )
        return ast.fix_missing_locations(located(check, node))

    def _target(self, node: ast.AugAssign) -> ast.AST:
        target = node.target
        if isinstance(target, ast.Attribute):
            self._attributes.store_target(target)
        else:
            node.target = self._visit(target)
        return node

"""
The attribute rules of the policy: which attributes plugin code may name,
and how reads and writes of the rest go through the guards.

Attributes are the sandbox's main door, so their rules are kept in one
place a reviewer can read apart from the rest of the transformer.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any, Final

from ._astutil import call, is_super_of, located, owned_test
from ._classdunders import OWN_OBJECT_DUNDERS
from ._guardnames import GUARD_GETATTR, GUARD_TYPE_OF, GUARD_WRITE
from ._inlinechecks import evaluated_first, operand_read
from ._policy import (
    DESCRIPTIVE_DUNDERS,
    FORBIDDEN_ATTRIBUTES,
    GUARDED_ATTRIBUTES,
    INTROSPECTIVE_DUNDERS,
    PROTOCOL_DUNDERS,
    WRITABLE_DUNDERS,
    is_dunder,
)


if TYPE_CHECKING:
    from collections.abc import Callable

    from ._context import ModuleContext


HINT_INTROSPECTION: Final = (
    "introspection reaches the interpreter's internals; "
    "use type(x), isinstance() or ordinary attributes"
)


class AttributeRules:
    """
    Checks and rewrites ``obj.attr`` for the transformer.

    Args:
        context: Where the walk is.

        error: Reports a problem at a node.

        visit: Visits a subtree with the whole policy.
    """

    def __init__(
        self,
        context: ModuleContext,
        error: Callable[[ast.AST, str], None],
        visit: Callable[[ast.AST], Any],
    ) -> None:
        self._context = context
        self._error = error
        self._visit = visit

    def allowed(self, node: ast.Attribute, *, store: bool) -> bool:
        """
        Whether plugin code may name ``node.attr``; reports it if not.
        """
        attr = node.attr
        if attr in FORBIDDEN_ATTRIBUTES:
            self._error(
                node,
                f"attribute {attr!r} is not allowed: {HINT_INTROSPECTION}",
            )
            return False
        if is_dunder(attr):
            allowed = (
                WRITABLE_DUNDERS
                if store
                else (
                    DESCRIPTIVE_DUNDERS
                    | PROTOCOL_DUNDERS
                    | INTROSPECTIVE_DUNDERS
                    | OWN_OBJECT_DUNDERS
                    | {"__getattr__", "__getattribute__", "__new__"}
                )
            )
            if attr not in allowed:
                verb = "assigning" if store else "access to"
                self._error(
                    node,
                    f"{verb} attribute {attr!r} is not allowed: "
                    f"{HINT_INTROSPECTION}",
                )
                return False
        return True

    def writable(self, value: ast.expr) -> ast.expr:
        """
        *value*, passed through the write guard unless owned.
        """
        found = operand_read(value, self._context.temporaries())
        if found is None or not isinstance(found[0], ast.Name):
            return call(GUARD_WRITE, value)
        # Same inline ownership test as for reads of private names; an
        # expression (``self.output().value = x``) is kept in a temporary.
        read, binding = found
        assert isinstance(read, ast.Name)  # noqa: S101 -- checked above
        return ast.IfExp(
            test=evaluated_first(
                [binding] if binding is not None else [], owned_test(read.id)
            ),
            body=ast.Name(id=read.id, ctx=ast.Load()),
            orelse=call(GUARD_WRITE, ast.Name(id=read.id, ctx=ast.Load())),
        )

    def is_trusted(self, value: ast.expr) -> bool:
        """
        Whether *value* is the method's trusted ``self`` (or its super).
        """
        trusted = self._context.trusted_self()
        if not trusted:
            return False
        if isinstance(value, ast.Name):
            return value.id == trusted
        # ``super().__init__()`` and ``super(Cls, self).method``: a super
        # object bound to the trusted ``self`` is the plugin's too.
        return "super" in self._context.unbound and is_super_of(value, trusted)

    def visit(self, node: ast.Attribute) -> ast.AST:
        """
        An attribute read, written or deleted, guarded where needed.
        """
        store = not isinstance(node.ctx, ast.Load)
        if not self.allowed(node, store=store):
            node.value = self._visit(node.value)  # report inner problems too
            return node
        trusted = self.is_trusted(node.value)
        node.value = self._visit(node.value)
        attr = node.attr
        if store:
            if not trusted:
                node.value = located(self.writable(node.value), node)
            return node
        if attr == "__class__":
            # What type() answers, always allowed: no guard to consult.
            return located(call(GUARD_TYPE_OF, node.value), node)
        if attr in GUARDED_ATTRIBUTES or (
            attr.startswith("_")
            and attr not in DESCRIPTIVE_DUNDERS
            and not trusted
        ):
            guarded = call(
                GUARD_GETATTR,
                node.value,
                ast.Constant(self._context.mangle(attr)),
            )
            if attr in GUARDED_ATTRIBUTES or not isinstance(
                node.value, ast.Name
            ):
                return located(guarded, node)
            # ``other._x`` on a plain name: test ownership inline and read
            # directly, falling back to the guard (and its refusal) only
            # for objects that are not the plugin's.
            fast = ast.IfExp(
                test=owned_test(node.value.id), body=node, orelse=guarded
            )
            return located(fast, node)
        return node

    def store_target(self, target: ast.Attribute) -> None:
        """
        Visit the object of an augmented assignment's attribute target,
        guarding the write unless it is the trusted ``self``.
        """
        if self.allowed(target, store=True):
            trusted = self.is_trusted(target.value)
            target.value = self._visit(target.value)
            if not trusted:
                target.value = located(self.writable(target.value), target)

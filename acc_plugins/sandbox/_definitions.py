"""
The definition rules of the policy: ``def``, ``class`` and ``lambda``.

Every function and lambda checks the budget when called; a class is built
through the class hook (its ``metaclass``); inside a method, ``self`` (or
``cls``) is checked once at entry and then used without guards, the
"trusted self".  Which parameter is trusted, and the entry check that earns
it, are pure functions of the method's tree.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from ._astutil import (
    after_docstring,
    bound_names,
    budget_check,
    budget_filter,
    call,
    descendants,
    located,
    needs_trust,
    owned_test,
)
from ._context import Scope
from ._guardnames import GUARD_CLASS, GUARD_RAW_TYPE, GUARD_SELF
from ._policy import SELF_NAMES


if TYPE_CHECKING:
    from collections.abc import Callable

    from ._context import ModuleContext
    from ._names import NameCheck


def trust_for(
    node: ast.FunctionDef | ast.AsyncFunctionDef, scope_kind: str
) -> str:
    """
    The parameter a method may use without guards, or ``""``.

    Args:
        node: The ``def``.

        scope_kind: The kind of the scope it is defined in.
    """
    if scope_kind != "class":
        return ""
    positional = [*node.args.posonlyargs, *node.args.args]
    if not positional or positional[0].arg not in SELF_NAMES:
        return ""
    if any(
        isinstance(d, ast.Name) and d.id == "staticmethod"
        for d in node.decorator_list
    ):
        return ""
    first = positional[0]
    # A method that only reads public attributes of ``self`` gains
    # nothing from trusting it, and skips the entry check.
    nodes = descendants(node)
    if not needs_trust(nodes, first.arg) or first.arg in bound_names(
        nodes, skip=first
    ):
        return ""
    return first.arg


def entry_check(trusted: str, *, exact_type: bool, at: ast.AST) -> ast.If:
    """
    ``if not owned(self): __acc_self__(self)``: one inline test per call
    buys unguarded use of ``self`` in the whole body.

    An instance of the class the method is defined in (``__class__``, a
    cell plugin code cannot name or reach) is owned: that class statement
    ran through the class hook.  With *exact_type*, for classes the module
    derives no class from (a subclass's instance would pay both tests), the
    exact type is compared inline, before the attribute lookup.

    Args:
        trusted: The trusted parameter's name.

        exact_type: Test the exact type first.

        at: The node whose location the check takes.
    """
    owned: ast.expr = owned_test(trusted)
    if exact_type:
        exact = ast.Compare(
            left=call(GUARD_RAW_TYPE, ast.Name(trusted, ast.Load())),
            ops=[ast.Is()],
            comparators=[ast.Name("__class__", ast.Load())],
        )
        owned = ast.BoolOp(ast.Or(), [exact, owned])
    return located(
        ast.If(
            test=ast.UnaryOp(op=ast.Not(), operand=owned),
            body=[ast.Expr(call(GUARD_SELF, ast.Name(trusted, ast.Load())))],
            orelse=[],
        ),
        at,
    )


class DefinitionRules:
    """
    Checks and rewrites definitions for the transformer.

    Args:
        context: Where the walk is.

        error: Reports a problem at a node.

        check_name: Checks a name that is read, bound or defined.

        visit: Visits a subtree with the whole policy.

        contents_visit: Visits a node's children with the whole policy.
    """

    def __init__(
        self,
        context: ModuleContext,
        *,
        error: Callable[[ast.AST, str], None],
        check_name: NameCheck,
        visit: Callable[[ast.AST], Any],
        contents_visit: Callable[[ast.Lambda], ast.Lambda],
    ) -> None:
        self._context = context
        self._error = error
        self._check_name = check_name
        self._visit = visit
        self._contents_visit = contents_visit

    def check_arguments(self, args: ast.arguments) -> None:
        """
        Check the names of every parameter in *args*.
        """
        every = [*args.posonlyargs, *args.args, *args.kwonlyargs]
        every += [a for a in (args.vararg, args.kwarg) if a is not None]
        for arg in every:
            self._check_name(arg, arg.arg)

    def _visit_without_temporaries(self, node: ast.AST) -> Any:
        with self._context.without_temporaries():
            return self._visit(node)

    def function(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef
    ) -> ast.AST:
        """
        A ``def``: its budget check, and its trusted ``self`` if any.
        """
        context = self._context
        self._check_name(node, node.name, definition=True)
        self.check_arguments(node.args)
        # Decorators, defaults and annotations belong to the outer scope.
        node.decorator_list = [self._visit(d) for d in node.decorator_list]
        node.args = self._visit_without_temporaries(node.args)
        if node.returns is not None:
            node.returns = self._visit_without_temporaries(node.returns)
        kind = context.scope.kind
        trusted = trust_for(node, kind)
        # A nested function shares the method's ``self``, which
        # ``trust_for`` has proved is never rebound anywhere inside.
        inherited = "" if kind == "class" else context.trusted_self()
        scope = Scope("function", trusted_self=trusted or inherited)
        with context.enter(scope):
            node.body = self._visit_body(node.body)
        if trusted:
            exact_type = context.scope.class_name not in context.bases
            check = entry_check(
                trusted, exact_type=exact_type, at=node.body[0]
            )
            node.body.insert(after_docstring(node.body), check)
        # Every call checks the budget: recursion and long call chains stop.
        node.body.insert(
            after_docstring(node.body),
            budget_check(node, steps=context.count_steps),
        )
        return node

    def _visit_body(self, body: list[ast.stmt]) -> list[ast.stmt]:
        new: list[ast.stmt] = []
        for statement in body:
            result = self._visit(statement)
            if isinstance(result, list):
                new.extend(result)
            elif result is not None:
                new.append(result)
        return new

    def class_(self, node: ast.ClassDef) -> ast.AST:
        """
        A ``class``, built through the class hook.
        """
        self._check_name(node, node.name)
        if any(k.arg == "metaclass" for k in node.keywords):
            self._error(node, "the 'metaclass' keyword is not allowed")
        node.bases = [self._visit(b) for b in node.bases]
        node.keywords = [self._visit(k) for k in node.keywords]
        node.decorator_list = [self._visit(d) for d in node.decorator_list]
        with self._context.enter(Scope("class", class_name=node.name)):
            node.body = self._visit_body(node.body)
        node.keywords.append(
            located(
                ast.keyword(
                    arg="metaclass", value=ast.Name(GUARD_CLASS, ast.Load())
                ),
                node,
            )
        )
        return node

    def lambda_(self, node: ast.Lambda) -> ast.AST:
        """
        A ``lambda``, which checks the budget when called.
        """
        self.check_arguments(node.args)
        node = self._contents_visit(node)
        # A lambda that C calls in a loop (a sort key, map) runs no loop
        # of ours, so it checks the budget itself, as functions do:
        # ``body if (<budget filter> or True) else None``.
        always = ast.BoolOp(
            op=ast.Or(),
            values=[
                budget_filter(node, steps=self._context.count_steps),
                ast.Constant(True),
            ],
        )
        node.body = located(
            ast.IfExp(test=always, body=node.body, orelse=ast.Constant(None)),
            node.body,
        )
        return node

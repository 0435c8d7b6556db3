"""
The compile-time half of the sandbox: a RestrictedPython policy for
ordinary plugin code.

RestrictedPython's own policy refuses most everyday Python (private names,
dunder methods, ``self.n += 1``, annotations, ``match``).  This policy keeps
its refusals of what is dangerous and lets the rest through, so that the
run-time guards only see the few operations that need them:

- every public attribute not in ``FORBIDDEN_ATTRIBUTES`` is read directly;
- private and protocol-dunder attributes go through ``__acc_getattr__``,
  which allows them only on objects the plugin owns;
- inside a method, ``self`` (or ``cls``) is checked once at entry by
  ``__acc_self__`` and is then used directly, private names included;
- attribute writes go through ``__acc_write__`` (ownership again);
- every ``except`` clause and ``with`` block re-raises sandbox errors, so
  plugin code cannot swallow them.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any, Final, TypeVar

from ._arithmetic import HOISTED, inline_expression
from ._astutil import (
    budget_check,
    budget_filter,
    call,
    jumps_out_of_finally,
    located,
)
from ._attributes import AttributeRules
from ._augassign import AugAssignRules
from ._calls import CallRules
from ._context import ModuleContext
from ._definitions import DefinitionRules
from ._guardnames import GUARD_ASYNC_WITH, GUARD_RERAISE, GUARD_WITH
from ._match import MatchRules
from ._names import name_problem
from ._shortcuts import raw_loop_range
from ._sizedrules import SizedRules
from ._slicestore import sized_slice_store


if TYPE_CHECKING:
    from collections.abc import Callable

    from ._inlinechecks import Temporaries


_N = TypeVar("_N", bound=ast.AST)

# Nodes without children or checks; the policy never needs to visit them.
_LEAVES: Final = (
    ast.expr_context,
    ast.operator,
    ast.cmpop,
    ast.unaryop,
    ast.boolop,
    ast.Constant,
)


class PluginTransformer(SizedRules, MatchRules):
    """
    The RestrictedPython policy of acc_plugins.

    Errors are collected (never raised) in ``self.errors`` as
    ``"Line N: message"``, the format RestrictedPython uses.  Attributes,
    augmented assignments, calls, definitions (with methods' trusted
    ``self``) and names have their rules in parts of their own, handed
    what they need; this class is the one walk over them.
    """

    def __init__(
        self,
        errors: list[str] | None = None,
        warnings: list[str] | None = None,
        used_names: dict[str, bool] | None = None,
        *,
        count_steps: bool = False,
        source: str | None = None,
    ) -> None:
        super().__init__(errors, warnings, used_names)
        # The module's text, if known: it spares a walk (unbound_builtins).
        self._source = source
        self._visitors: dict[type[ast.AST], Callable[[Any], Any]] = {}
        self._context = ModuleContext(count_steps=count_steps)
        # Inside the fallback of a whole arithmetic expression.
        self._per_operator = 0
        self._attributes = AttributeRules(
            self._context, self.error, self.visit
        )
        self._augmented = AugAssignRules(
            self._context,
            self._attributes,
            errors=self.errors,
            visit=self.visit,
            check_name=self.check_name,
            checked_addend=self.checked_addend,
        )
        self._calls = CallRules(
            self._context,
            self._attributes,
            error=self.error,
            visit=self.visit,
            contents_visit=self.node_contents_visit,
        )
        self._definitions = DefinitionRules(
            self._context,
            error=self.error,
            check_name=self.check_name,
            visit=self.visit,
            contents_visit=self.node_contents_visit,
        )

    def visit(self, node: ast.AST) -> Any:
        """
        Dispatch as ``ast.NodeVisitor.visit`` does, finding each node
        class's method once per module instead of building its name and
        looking it up at every node.
        """
        kind = type(node)
        try:
            method = self._visitors[kind]
        except KeyError:
            method = getattr(
                self, f"visit_{kind.__name__}", self.generic_visit
            )
            self._visitors[kind] = method
        return method(node)

    def node_contents_visit(self, node: _N) -> _N:
        """
        Visit the children of *node*, as ``ast.NodeTransformer`` does, but
        without dispatching on leaves that carry nothing to check (contexts,
        operators, constants): they are a third of all nodes.
        """
        visit = self.visit
        for field in node._fields:
            value = getattr(node, field, None)
            if isinstance(value, list):
                if not value:
                    continue
                kept: list[object] = []
                for item in value:
                    if isinstance(item, ast.AST) and not isinstance(
                        item, _LEAVES
                    ):
                        result = visit(item)
                        if result is None:
                            continue
                        if not isinstance(result, ast.AST):
                            kept.extend(result)
                            continue
                        item = result  # noqa: PLW2901 -- replaced in place
                    kept.append(item)
                value[:] = kept
            elif isinstance(value, ast.AST) and not isinstance(value, _LEAVES):
                result = visit(value)
                if result is None:
                    delattr(node, field)
                else:
                    setattr(node, field, result)
        return node

    def temporaries(self) -> Temporaries | None:
        """
        Temporaries in function bodies only (see ``ModuleContext``).
        """
        return self._context.temporaries()

    def _visit_without_temporaries(self, node: _N) -> _N:
        with self._context.without_temporaries():
            return self.visit(node)  # type: ignore[no-any-return]

    def check_name(  # type: ignore[override]
        self,
        node: ast.AST,
        name: str | None,
        *,
        load: bool = False,
        definition: bool = False,
    ) -> None:
        """
        Refuse names reserved for the sandbox and dunder names, except the
        few that ordinary code needs where it needs them.
        """
        if name is None:
            return
        problem = name_problem(
            name, self._context.scope.kind, load=load, definition=definition
        )
        if problem is not None:
            self.error(node, problem)

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if getattr(node, HOISTED, False):
            return node  # a temporary of _arithmetic, already checked
        self.check_name(node, node.id, load=isinstance(node.ctx, ast.Load))
        return node

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        temporaries = self.temporaries()
        if temporaries is not None and not self._per_operator:
            whole = inline_expression(
                node, temporaries, self.visit, self._per_operator_visit
            )
            if whole is not None:
                return located(whole, node)
        return super().visit_BinOp(node)

    def _per_operator_visit(self, node: ast.BinOp) -> ast.expr:
        self._per_operator += 1
        try:
            return super().visit_BinOp(node)  # type: ignore[return-value]
        finally:
            self._per_operator -= 1

    def visit_Global(self, node: ast.Global) -> ast.AST:
        for name in node.names:
            self.check_name(node, name)
        return node

    def visit_Nonlocal(self, node: ast.Nonlocal) -> ast.AST:
        for name in node.names:
            self.check_name(node, name)
        return node

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        return self._attributes.visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.AST:
        return self._augmented.visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        # Items are data: every container a plugin can reach is its own or a
        # fresh copy, so subscripts need no guard.
        return self.node_contents_visit(node)

    def visit_Call(self, node: ast.Call) -> ast.AST:
        return self._calls.visit(node)

    def visit_For(self, node: ast.For) -> ast.AST:
        node = self.node_contents_visit(node)
        raw_loop_range(node.iter, self._context.unbound)
        node.body.insert(
            0, budget_check(node, steps=self._context.count_steps)
        )
        return node

    def visit_AsyncFor(self, node: ast.AsyncFor) -> ast.AST:
        node = self.node_contents_visit(node)
        node.body.insert(
            0, budget_check(node, steps=self._context.count_steps)
        )
        return node

    def visit_Await(self, node: ast.Await) -> ast.AST:
        return self.node_contents_visit(node)

    def visit_While(self, node: ast.While) -> ast.AST:
        node = self.node_contents_visit(node)
        node.body.insert(
            0, budget_check(node, steps=self._context.count_steps)
        )
        return node

    def visit_comprehension(self, node: ast.comprehension) -> ast.AST:
        node.iter = self._visit_without_temporaries(node.iter)
        raw_loop_range(node.iter, self._context.unbound)
        node.target = self._visit_without_temporaries(node.target)
        node.ifs = [self.visit(test) for test in node.ifs]
        node.ifs.append(
            budget_filter(node.target, steps=self._context.count_steps)
        )
        return node

    def visit_Assign(self, node: ast.Assign) -> ast.AST:
        node = self.node_contents_visit(node)
        target = node.targets[0]
        if (
            len(node.targets) == 1
            and isinstance(target, ast.Subscript)
            and isinstance(target.slice, ast.Slice)
        ):
            # ``x[len(x):] = x`` doubles like ``x.extend(x)``: sized by
            # the guard, the value evaluated first as Python does.
            return located(sized_slice_store(node, self.temporaries()), node)
        return node

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.AST:
        node.annotation = self._visit_without_temporaries(node.annotation)
        node.target = self.visit(node.target)
        if node.value is not None:
            node.value = self.visit(node.value)
        return node

    def visit_Module(self, node: ast.Module) -> ast.AST:
        self._context.learn(node, self._source)
        return self.node_contents_visit(node)

    def visit_Lambda(self, node: ast.Lambda) -> ast.AST:
        return self._definitions.lambda_(node)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> ast.AST:
        self.check_name(node, node.name)
        node = self.node_contents_visit(node)
        reraise = located(ast.Expr(value=call(GUARD_RERAISE)), node)
        node.body.insert(0, reraise)
        return node

    def visit_Try(self, node: ast.Try) -> ast.AST:
        jump = jumps_out_of_finally(node.finalbody)
        if jump is not None:
            self.error(
                jump,
                f"'{type(jump).__name__.lower()}' inside 'finally' is not "
                "allowed: it would silently discard the exception in flight",
            )
        return self.node_contents_visit(node)

    def visit_With(self, node: ast.With) -> ast.AST:
        return self._guard_managers(node, GUARD_WITH)

    def visit_AsyncWith(self, node: ast.AsyncWith) -> ast.AST:
        return self._guard_managers(node, GUARD_ASYNC_WITH)

    def _guard_managers(
        self, node: ast.With | ast.AsyncWith, guard: str
    ) -> ast.AST:
        node = self.node_contents_visit(node)
        for item in node.items:
            item.context_expr = located(
                call(guard, item.context_expr), item.context_expr
            )
        return node

    def _visit_import(self, node: ast.Import | ast.ImportFrom) -> ast.AST:
        for alias in node.names:
            if alias.name == "*":
                self.error(node, "'import *' is not allowed; import names")
                continue
            bound = alias.asname or alias.name.partition(".")[0]
            self.check_name(node, bound)
            if isinstance(node, ast.ImportFrom):
                self.check_name(node, alias.name)
        return node

    def visit_Import(self, node: ast.Import) -> ast.AST:
        return self._visit_import(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> ast.AST:
        return self._visit_import(node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        return self._definitions.function(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> ast.AST:
        # A coroutine's body is plugin code like any other: the host drives
        # it inside a call, and each step meets the same budget checks.
        return self._definitions.function(node)

    def visit_arguments(self, node: ast.arguments) -> ast.AST:
        return self.node_contents_visit(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        return self._definitions.class_(node)

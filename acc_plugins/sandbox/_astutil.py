"""
Small AST helpers for the transformer: building guard calls, and the scans
that decide what a method may trust.
"""

from __future__ import annotations

import ast
from typing import TypeVar

from ._guardnames import (
    GUARD_BUDGET,
    GUARD_NEXT,
    GUARD_RAW_GETATTR,
    GUARD_TICK,
    GUARD_TOKEN,
    OWNER_MARK,
)


_N = TypeVar("_N", bound=ast.AST)


_POSITIONS = ("lineno", "col_offset", "end_lineno", "end_col_offset")


# Fields that hold only contexts and operators (Load, Add, Eq...): no
# position to give and no name to find below them, yet a third of all
# nodes.  Every walk here leaves them out.
_LEAF_FIELDS = frozenset({"ctx", "op", "ops"})
# The fields walked below each node class, found once.
_WALKED: dict[type[ast.AST], tuple[str, ...]] = {}


def walked_fields(kind: type[ast.AST]) -> tuple[str, ...]:
    """
    The fields of nodes of class *kind* that a walk descends into: all
    but contexts and operators.
    """
    fields = _WALKED.get(kind)
    if fields is None:
        fields = _WALKED[kind] = tuple(
            f for f in kind._fields if f not in _LEAF_FIELDS
        )
    return fields


def _add_children(node: ast.AST, into: list[ast.AST]) -> None:
    # ``ast.iter_child_nodes`` without its generators: appended in place.
    for field in walked_fields(type(node)):
        value = getattr(node, field, None)
        if type(value) is list:
            # Lists of a node's fields hold nodes, or names and None
            # (Global.names, Dict.keys): only the nodes are walked.
            into += [v for v in value if isinstance(v, ast.AST)]
        elif isinstance(value, ast.AST):
            into.append(value)


def located(new: _N, old: ast.AST) -> _N:
    """
    Give *new* and its fresh descendants the position of *old*.

    Descends only into nodes without a position of their own: the plugin's
    nodes inside *new* keep theirs, and are not walked again (which
    ``ast.fix_missing_locations`` would do, at quadratic cost).
    """
    where = [(field, getattr(old, field, None)) for field in _POSITIONS]
    stack: list[ast.AST] = [new]
    while stack:
        node = stack.pop()
        takes = "lineno" in node._attributes  # noqa: SLF001 -- the ast module's own list
        if node is not new and (not takes or hasattr(node, "lineno")):
            continue
        if takes:
            for field, value in where:
                setattr(node, field, value)
        _add_children(node, stack)
    return new


def call(name: str, *args: ast.expr) -> ast.Call:
    return ast.Call(
        func=ast.Name(id=name, ctx=ast.Load()), args=list(args), keywords=[]
    )


def owned_test(name: str) -> ast.Compare:
    """
    ``__acc_rawgetattr__(name, "__acc_sandbox__", None) is __acc_token__``:
    an inline ownership test, a C-level call instead of a guard call.
    """
    probe = call(
        GUARD_RAW_GETATTR,
        ast.Name(id=name, ctx=ast.Load()),
        ast.Constant(OWNER_MARK),
        ast.Constant(None),
    )
    return ast.Compare(
        left=probe,
        ops=[ast.Is()],
        comparators=[ast.Name(id=GUARD_TOKEN, ctx=ast.Load())],
    )


def _budget_attribute(name: str) -> ast.Attribute:
    return ast.Attribute(
        value=ast.Name(id=GUARD_BUDGET, ctx=ast.Load()),
        attr=name,
        ctx=ast.Load(),
    )


def _next_step() -> ast.Call:
    """
    ``__acc_next__(__acc_budget__.steps)``: one step counted, and the
    watchdog's alarm met, in one C call (see ``Budget``).
    """
    return call(GUARD_NEXT, _budget_attribute("steps"))


def budget_check(where: ast.AST, *, steps: bool) -> ast.stmt:
    """
    ``if __acc_budget__.expired: __acc_tick__()`` (one attribute read), or
    the counting check when *steps*, placed at *where*.
    """
    check: ast.stmt
    if steps:
        check = ast.Expr(_next_step())
    else:
        check = ast.If(
            test=_budget_attribute("expired"),
            body=[ast.Expr(call(GUARD_TICK))],
            orelse=[],
        )
    return located(check, where)


def budget_filter(where: ast.AST, *, steps: bool) -> ast.expr:
    """
    The same check as a comprehension filter that lets every item through:
    ``not __acc_budget__.expired or __acc_tick__()``, or
    ``not __acc_next__(__acc_budget__.steps)`` (steps yield None).
    """
    test: ast.expr
    if steps:
        test = ast.UnaryOp(op=ast.Not(), operand=_next_step())
    else:
        test = ast.BoolOp(
            op=ast.Or(),
            values=[
                ast.UnaryOp(
                    op=ast.Not(), operand=_budget_attribute("expired")
                ),
                call(GUARD_TICK),
            ],
        )
    return located(test, where)


def descendants(tree: ast.AST) -> list[ast.AST]:
    """
    *tree* and every node below it, in no particular order: what
    ``ast.walk`` yields, gathered in one list without its per-node
    generators, so that several scans of one subtree walk it once.
    """
    found = [tree]
    for node in found:  # grows while it is read: each node once
        _add_children(node, found)
    return found


def _bound_by(node: ast.AST, skip: ast.arg | None) -> tuple[str | None, ...]:
    # The names one node binds, if it is a binder; a Name that reads, and
    # every node that binds nothing, bind no name.
    match node:
        case ast.Name(id=found, ctx=ast.Store() | ast.Del()):
            return (found,)
        case ast.arg(arg=found) if node is not skip:
            return (found,)
        case ast.Global(names=names) | ast.Nonlocal(names=names):
            return tuple(names)
        case ast.alias(name=found, asname=alias):
            return (alias or found.partition(".")[0],)
        case (
            ast.ExceptHandler(name=found)
            | ast.MatchAs(name=found)
            | ast.MatchStar(name=found)
            | ast.MatchMapping(rest=found)
        ):
            return (found,)
    return ()


_BINDERS = (
    ast.Name,
    ast.arg,
    ast.Global,
    ast.Nonlocal,
    ast.alias,
    ast.ExceptHandler,
    ast.MatchAs,
    ast.MatchStar,
    ast.MatchMapping,
)


def bound_names(
    nodes: list[ast.AST], *, skip: ast.arg | None = None
) -> set[str]:
    """
    Every name bound (assigned, deleted, a parameter other than *skip*,
    imported, declared global or nonlocal, caught, captured) by one of
    *nodes*, as ``descendants`` lists them: one pass for all names.
    """
    names: set[str] = set()
    for node in nodes:
        if isinstance(node, _BINDERS):  # the common case, kept cheap
            names.update(n for n in _bound_by(node, skip) if n)
    return names


def is_super_of(node: ast.expr, name: str) -> bool:
    """
    Tell whether *node* is ``super()`` or ``super(<class>, name)``.
    """
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "super"
        and not node.keywords
        and (
            not node.args
            or (
                len(node.args) == 2  # noqa: PLR2004 -- super(cls, obj)
                and isinstance(node.args[1], ast.Name)
                and node.args[1].id == name
            )
        )
    )


def needs_trust(nodes: list[ast.AST], name: str) -> bool:
    """
    Tell whether code among *nodes* (a subtree's ``descendants``) writes
    attributes of *name* or reads its private ones (or those of
    ``super()``): the only uses that trusting it saves a guard on.
    """
    for node in nodes:
        if not isinstance(node, ast.Attribute):
            continue
        value = node.value
        if isinstance(value, ast.Name) and value.id == name:
            if not isinstance(node.ctx, ast.Load) or node.attr.startswith("_"):
                return True
        elif node.attr.startswith("_") and is_super_of(value, name):
            return True
    return False


def jumps_out_of_finally(body: list[ast.stmt]) -> ast.stmt | None:
    """
    Find a ``return``, ``break`` or ``continue`` that would leave a
    ``finally`` block and so discard the exception in flight.
    """

    def walk(nodes: list[ast.stmt], in_loop: bool) -> ast.stmt | None:
        for node in nodes:
            if isinstance(node, ast.Return) or (
                isinstance(node, ast.Break | ast.Continue) and not in_loop
            ):
                return node
            if isinstance(
                node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
            ):
                continue
            loop = isinstance(node, ast.For | ast.While | ast.AsyncFor)
            for field in ("body", "orelse", "finalbody"):
                inner = getattr(node, field, None)
                if inner:
                    found = walk(inner, in_loop or (loop and field == "body"))
                    if found:
                        return found
            for handler in getattr(node, "handlers", ()):
                found = walk(handler.body, in_loop)
                if found:
                    return found
            for case in getattr(node, "cases", ()):
                found = walk(case.body, in_loop)
                if found:
                    return found
        return None

    return walk(body, in_loop=False)


def after_docstring(body: list[ast.stmt]) -> int:
    first = body[0] if body else None
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        return 1
    return 0

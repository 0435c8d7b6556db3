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
import contextlib
from typing import TYPE_CHECKING, Final, TypeVar

from RestrictedPython.transformer import RestrictingNodeTransformer

from ._policy import (
    CLASS_BODY_DUNDERS,
    DEFINABLE_DUNDERS,
    DESCRIPTIVE_DUNDERS,
    FORBIDDEN_ATTRIBUTES,
    GUARD_CLASS,
    GUARD_GETATTR,
    GUARD_RAW_GETATTR,
    GUARD_RERAISE,
    GUARD_SELF,
    GUARD_TOKEN,
    GUARD_WITH,
    GUARD_WRITE,
    GUARDED_ATTRIBUTES,
    MODULE_DUNDERS,
    OWNER_MARK,
    PROTOCOL_DUNDERS,
    READABLE_DUNDER_NAMES,
    RESERVED_NAMES,
    SELF_NAMES,
    WRITABLE_DUNDERS,
    is_dunder,
)


if TYPE_CHECKING:
    from collections.abc import Iterator


_N = TypeVar("_N", bound=ast.AST)

_HINT_INTROSPECTION: Final = (
    "introspection reaches the interpreter's internals; "
    "use type(x), isinstance() or ordinary attributes"
)


def _located(new: _N, old: ast.AST) -> _N:
    ast.copy_location(new, old)
    return ast.fix_missing_locations(new)


def _call(name: str, *args: ast.expr) -> ast.Call:
    return ast.Call(
        func=ast.Name(id=name, ctx=ast.Load()), args=list(args), keywords=[]
    )


def _owned_test(name: str) -> ast.Compare:
    """
    ``__acc_rawgetattr__(name, "__acc_sandbox__", None) is __acc_token__``:
    an inline ownership test, a C-level call instead of a guard call.
    """
    probe = _call(
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


class _Scope:
    """
    One lexical scope while the tree is walked.
    """

    __slots__ = ("class_name", "kind", "trusted_self")

    def __init__(
        self, kind: str, *, class_name: str = "", trusted_self: str = ""
    ) -> None:
        self.kind = kind
        self.class_name = class_name
        self.trusted_self = trusted_self


def _binds(tree: ast.AST, name: str, *, skip: ast.arg) -> bool:
    """
    Tell whether *name* is rebound anywhere inside *tree*.
    """
    for node in ast.walk(tree):
        match node:
            case ast.Name(id=found, ctx=ast.Store() | ast.Del()) if (
                found == name
            ):
                return True
            case ast.arg(arg=found) if found == name and node is not skip:
                return True
            case ast.Global(names=names) | ast.Nonlocal(names=names) if (
                name in names
            ):
                return True
            case ast.alias(name=found, asname=alias) if (
                alias or found.partition(".")[0]
            ) == name:
                return True
            case (
                ast.ExceptHandler(name=found)
                | ast.MatchAs(name=found)
                | ast.MatchStar(name=found)
                | ast.MatchMapping(rest=found)
            ) if found == name:
                return True
    return False


def _jumps_out_of_finally(body: list[ast.stmt]) -> ast.stmt | None:
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


class PluginTransformer(RestrictingNodeTransformer):
    """
    The RestrictedPython policy of acc_plugins.

    Errors are collected (never raised) in ``self.errors`` as
    ``"Line N: message"``, the format RestrictedPython uses.
    """

    def __init__(
        self,
        errors: list[str] | None = None,
        warnings: list[str] | None = None,
        used_names: dict[str, bool] | None = None,
    ) -> None:
        super().__init__(errors, warnings, used_names)
        self._scopes: list[_Scope] = [_Scope("module")]

    # -- scopes -----------------------------------------------------------

    @property
    def _scope(self) -> _Scope:
        return self._scopes[-1]

    def _trusted_self(self) -> str:
        return self._scope.trusted_self

    def _mangle(self, attr: str) -> str:
        # Python mangles ``__x`` inside a class body at compile time, but not
        # inside the string constants we pass to the guard: do it here.
        if not attr.startswith("__") or attr.endswith("__"):
            return attr
        for scope in reversed(self._scopes):
            if scope.kind == "class":
                owner = scope.class_name.lstrip("_")
                return f"_{owner}{attr}" if owner else attr
        return attr

    @contextlib.contextmanager
    def _enter(self, scope: _Scope) -> Iterator[None]:
        self._scopes.append(scope)
        try:
            yield
        finally:
            self._scopes.pop()

    # -- names ------------------------------------------------------------

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
        if name in RESERVED_NAMES:
            self.error(node, f"name {name!r} is reserved for the sandbox")
            return
        if not is_dunder(name):
            return
        kind = self._scope.kind
        allowed = (
            (load and name in READABLE_DUNDER_NAMES)
            or (kind == "module" and not load and name in MODULE_DUNDERS)
            # ``__rmul__ = __mul__`` in a class body reads the class's own
            # namespace, so loads are as safe as definitions there.
            or (
                kind == "class"
                and name in DEFINABLE_DUNDERS | CLASS_BODY_DUNDERS
            )
        )
        if allowed:
            return
        if definition and kind == "class":
            self.error(
                node,
                f"defining {name!r} is not allowed: it would run outside "
                "the plugin's control (allowed protocol methods include "
                "__init__, __repr__, __eq__, __iter__, __len__, ...)",
            )
        else:
            self.error(
                node, f"name {name!r} is not allowed: {_HINT_INTROSPECTION}"
            )

    def _check_arguments(self, args: ast.arguments) -> None:
        every = [*args.posonlyargs, *args.args, *args.kwonlyargs]
        every += [a for a in (args.vararg, args.kwarg) if a is not None]
        for arg in every:
            self.check_name(arg, arg.arg)

    def visit_Name(self, node: ast.Name) -> ast.AST:
        self.check_name(node, node.id, load=isinstance(node.ctx, ast.Load))
        return node

    def visit_Global(self, node: ast.Global) -> ast.AST:
        for name in node.names:
            self.check_name(node, name)
        return node

    def visit_Nonlocal(self, node: ast.Nonlocal) -> ast.AST:
        for name in node.names:
            self.check_name(node, name)
        return node

    # -- attributes -------------------------------------------------------

    def _attribute_allowed(self, node: ast.Attribute, *, store: bool) -> bool:
        attr = node.attr
        if attr in FORBIDDEN_ATTRIBUTES:
            self.error(
                node,
                f"attribute {attr!r} is not allowed: {_HINT_INTROSPECTION}",
            )
            return False
        if is_dunder(attr):
            allowed = (
                WRITABLE_DUNDERS
                if store
                else (DESCRIPTIVE_DUNDERS | PROTOCOL_DUNDERS)
            )
            if attr not in allowed:
                verb = "assigning" if store else "access to"
                self.error(
                    node,
                    f"{verb} attribute {attr!r} is not allowed: "
                    f"{_HINT_INTROSPECTION}",
                )
                return False
        return True

    @staticmethod
    def _writable(value: ast.expr) -> ast.expr:
        guarded = _call(GUARD_WRITE, value)
        if not isinstance(value, ast.Name):
            return guarded
        # Same inline ownership test as for reads of private names.
        return ast.IfExp(
            test=_owned_test(value.id),
            body=ast.Name(id=value.id, ctx=ast.Load()),
            orelse=guarded,
        )

    def _is_trusted(self, value: ast.expr) -> bool:
        trusted = self._trusted_self()
        return (
            bool(trusted)
            and isinstance(value, ast.Name)
            and (value.id == trusted)
        )

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        store = not isinstance(node.ctx, ast.Load)
        if not self._attribute_allowed(node, store=store):
            node.value = self.visit(node.value)  # report inner problems too
            return node
        trusted = self._is_trusted(node.value)
        node.value = self.visit(node.value)
        attr = node.attr
        if store:
            if not trusted:
                node.value = _located(self._writable(node.value), node)
            return node
        if attr in GUARDED_ATTRIBUTES or (
            attr.startswith("_")
            and attr not in DESCRIPTIVE_DUNDERS
            and not trusted
        ):
            guarded = _call(
                GUARD_GETATTR, node.value, ast.Constant(self._mangle(attr))
            )
            if attr in GUARDED_ATTRIBUTES or not isinstance(
                node.value, ast.Name
            ):
                return _located(guarded, node)
            # ``other._x`` on a plain name: test ownership inline and read
            # directly, falling back to the guard (and its refusal) only
            # for objects that are not the plugin's.
            fast = ast.IfExp(
                test=_owned_test(node.value.id), body=node, orelse=guarded
            )
            return _located(fast, node)
        return node

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.AST:
        # ``self.n += 1`` and ``grid[y][x] -= 1`` are everyday code.  The
        # target is evaluated once, as Python does; an attribute target is
        # first passed through the write guard.
        node.value = self.visit(node.value)
        target = node.target
        if isinstance(target, ast.Attribute):
            if self._attribute_allowed(target, store=True):
                trusted = self._is_trusted(target.value)
                target.value = self.visit(target.value)
                if not trusted:
                    target.value = _located(
                        self._writable(target.value), target
                    )
        else:
            node.target = self.visit(target)
        return node

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        # Items are data: every container a plugin can reach is its own or a
        # fresh copy, so subscripts need no guard.
        return self.node_contents_visit(node)

    # -- calls, loops, assignments: plain Python --------------------------

    def visit_Call(self, node: ast.Call) -> ast.AST:
        if isinstance(node.func, ast.Name) and node.func.id in {
            "eval",
            "exec",
        }:
            self.error(node, f"{node.func.id}() is not allowed in plugins")
        return self.node_contents_visit(node)

    def visit_For(self, node: ast.For) -> ast.AST:
        return self.node_contents_visit(node)

    def visit_comprehension(self, node: ast.comprehension) -> ast.AST:
        return self.node_contents_visit(node)

    def visit_Assign(self, node: ast.Assign) -> ast.AST:
        return self.node_contents_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.AST:
        return self.node_contents_visit(node)

    def visit_Module(self, node: ast.Module) -> ast.AST:
        return self.node_contents_visit(node)

    def visit_Lambda(self, node: ast.Lambda) -> ast.AST:
        self._check_arguments(node.args)
        return self.node_contents_visit(node)

    # -- exceptions and context managers ----------------------------------

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> ast.AST:
        self.check_name(node, node.name)
        node = self.node_contents_visit(node)
        reraise = _located(ast.Expr(value=_call(GUARD_RERAISE)), node)
        node.body.insert(0, reraise)
        return node

    def visit_Try(self, node: ast.Try) -> ast.AST:
        jump = _jumps_out_of_finally(node.finalbody)
        if jump is not None:
            self.error(
                jump,
                f"'{type(jump).__name__.lower()}' inside 'finally' is not "
                "allowed: it would silently discard the exception in flight",
            )
        return self.node_contents_visit(node)

    def visit_With(self, node: ast.With) -> ast.AST:
        node = self.node_contents_visit(node)
        for item in node.items:
            item.context_expr = _located(
                _call(GUARD_WITH, item.context_expr), item.context_expr
            )
        return node

    # -- imports ----------------------------------------------------------

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

    # -- definitions ------------------------------------------------------

    def _trust_for(self, node: ast.FunctionDef) -> str:
        """
        The parameter a method may use without guards, or ``""``.
        """
        if self._scope.kind != "class":
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
        if _binds(node, first.arg, skip=first):
            return ""
        return first.arg

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        self.check_name(node, node.name, definition=True)
        self._check_arguments(node.args)
        # Decorators, defaults and annotations belong to the outer scope.
        node.decorator_list = [self.visit(d) for d in node.decorator_list]
        node.args = self.visit(node.args)
        if node.returns is not None:
            node.returns = self.visit(node.returns)
        trusted = self._trust_for(node)
        # A nested function shares the method's ``self``, which
        # ``_trust_for`` has proved is never rebound anywhere inside.
        inherited = "" if self._scope.kind == "class" else self._trusted_self()
        scope = _Scope("function", trusted_self=trusted or inherited)
        with self._enter(scope):
            node.body = self._visit_body(node.body)
        if trusted:
            # ``if not owned(self): __acc_self__(self)``: one inline test per
            # call buys unguarded use of ``self`` in the whole body.
            check = _located(
                ast.If(
                    test=ast.UnaryOp(
                        op=ast.Not(), operand=_owned_test(trusted)
                    ),
                    body=[
                        ast.Expr(
                            _call(GUARD_SELF, ast.Name(trusted, ast.Load()))
                        )
                    ],
                    orelse=[],
                ),
                node.body[0],
            )
            node.body.insert(_after_docstring(node.body), check)
        return node

    def _visit_body(self, body: list[ast.stmt]) -> list[ast.stmt]:
        new: list[ast.stmt] = []
        for statement in body:
            result = self.visit(statement)
            if isinstance(result, list):
                new.extend(result)
            elif result is not None:
                new.append(result)
        return new

    def visit_arguments(self, node: ast.arguments) -> ast.AST:
        return self.node_contents_visit(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        self.check_name(node, node.name)
        if any(k.arg == "metaclass" for k in node.keywords):
            self.error(node, "the 'metaclass' keyword is not allowed")
        node.bases = [self.visit(b) for b in node.bases]
        node.keywords = [self.visit(k) for k in node.keywords]
        node.decorator_list = [self.visit(d) for d in node.decorator_list]
        with self._enter(_Scope("class", class_name=node.name)):
            node.body = self._visit_body(node.body)
        node.keywords.append(
            _located(
                ast.keyword(
                    arg="metaclass", value=ast.Name(GUARD_CLASS, ast.Load())
                ),
                node,
            )
        )
        return node

    # -- pattern matching -------------------------------------------------

    def visit_Match(self, node: ast.Match) -> ast.AST:
        return self.node_contents_visit(node)

    def visit_match_case(self, node: ast.match_case) -> ast.AST:
        return self.node_contents_visit(node)

    def visit_MatchValue(self, node: ast.MatchValue) -> ast.AST:
        return self.node_contents_visit(node)

    def visit_MatchSingleton(self, node: ast.MatchSingleton) -> ast.AST:
        return node

    def visit_MatchSequence(self, node: ast.MatchSequence) -> ast.AST:
        return self.node_contents_visit(node)

    def visit_MatchStar(self, node: ast.MatchStar) -> ast.AST:
        self.check_name(node, node.name)
        return node

    def visit_MatchMapping(self, node: ast.MatchMapping) -> ast.AST:
        self.check_name(node, node.rest)
        return self.node_contents_visit(node)

    def visit_MatchAs(self, node: ast.MatchAs) -> ast.AST:
        self.check_name(node, node.name)
        return self.node_contents_visit(node)

    def visit_MatchOr(self, node: ast.MatchOr) -> ast.AST:
        return self.node_contents_visit(node)

    def visit_MatchClass(self, node: ast.MatchClass) -> ast.AST:
        # Keyword patterns read attributes with a plain getattr, so they get
        # the strictest rule: public, unguarded names only.
        for attr in node.kwd_attrs:
            if (
                attr.startswith("_")
                or attr in FORBIDDEN_ATTRIBUTES
                or attr in GUARDED_ATTRIBUTES
            ):
                self.error(
                    node, f"matching on attribute {attr!r} is not allowed"
                )
        return self.node_contents_visit(node)


def _after_docstring(body: list[ast.stmt]) -> int:
    first = body[0] if body else None
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        return 1
    return 0

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
import copy
from typing import TYPE_CHECKING, Any, Final, TypeVar

from ._arithmetic import HOISTED, inline_expression
from ._astutil import (
    Scope,
    after_docstring,
    bound_names,
    budget_check,
    budget_filter,
    call,
    descendants,
    is_super_of,
    jumps_out_of_finally,
    located,
    needs_trust,
    owned_test,
)
from ._inlinechecks import (
    Temporaries,
    augmented_test,
    evaluated_first,
    operand_read,
)
from ._match import MatchRules
from ._policy import (
    CLASS_BODY_DUNDERS,
    DEFINABLE_DUNDERS,
    DESCRIPTIVE_DUNDERS,
    FORBIDDEN_ATTRIBUTES,
    GUARD_ASYNC_WITH,
    GUARD_AUG_ATTR,
    GUARD_AUG_ITEM,
    GUARD_CLASS,
    GUARD_GETATTR,
    GUARD_INPLACE,
    GUARD_RAW_TYPE,
    GUARD_RERAISE,
    GUARD_SELF,
    GUARD_SIZED_CALL,
    GUARD_TYPE_OF,
    GUARD_WITH,
    GUARD_WRITE,
    GUARDED_ATTRIBUTES,
    INTROSPECTIVE_DUNDERS,
    MODULE_DUNDERS,
    OWN_OBJECT_DUNDERS,
    PROTOCOL_DUNDERS,
    READABLE_DUNDER_NAMES,
    RESERVED_NAMES,
    SELF_NAMES,
    SIZED_METHODS,
    WRITABLE_DUNDERS,
    is_dunder,
    is_metadata_name,
)
from ._shortcuts import (
    plain_template,
    raw_attribute_call,
    raw_loop_range,
    shrinking_replace,
    unbound_builtins,
)
from ._sizedrules import (
    AUG_TEXT,
    SIZED_OPS,
    SizedRules,
    rendered_values,
    sized_slice_store,
)


if TYPE_CHECKING:
    from collections.abc import Callable, Iterator


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

# Operators whose result can dwarf their operands, and their size checks.
_HINT_INTROSPECTION: Final = (
    "introspection reaches the interpreter's internals; "
    "use type(x), isinstance() or ordinary attributes"
)


class PluginTransformer(SizedRules, MatchRules):
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
        *,
        count_steps: bool = False,
        source: str | None = None,
    ) -> None:
        super().__init__(errors, warnings, used_names)
        # The module's text, if known: it spares a walk (unbound_builtins).
        self._source = source
        self._visitors: dict[type[ast.AST], Callable[[Any], Any]] = {}
        self._scopes: list[Scope] = [Scope("module")]
        self._temporaries = Temporaries()
        # Attribute built-ins the module never rebinds (see _shortcuts).
        self._unbound: frozenset[str] = frozenset()
        # Inside comprehension iterables and annotations, where ``:=`` is
        # a syntax error.
        self._no_temporaries = 0
        # Inside the fallback of a whole arithmetic expression.
        self._per_operator = 0
        # Names the module's top-level classes derive from.
        self._bases: set[str] = set()
        # Budget checks that also count steps (``[limits] steps``).
        self.count_steps = count_steps

    # -- traversal --------------------------------------------------------

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

    # -- scopes -----------------------------------------------------------

    def temporaries(self) -> Temporaries | None:
        """
        Temporaries in function bodies only: class bodies and module code
        run once, and ``:=`` is refused in comprehension iterables and
        annotations.
        """
        if self._no_temporaries or self._scope.kind != "function":
            return None
        return self._temporaries

    def _visit_without_temporaries(self, node: _N) -> _N:
        self._no_temporaries += 1
        try:
            return self.visit(node)  # type: ignore[no-any-return]
        finally:
            self._no_temporaries -= 1

    @property
    def _scope(self) -> Scope:
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
    def _enter(self, scope: Scope) -> Iterator[None]:
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
            # ``__license__ = "MIT"`` at the top of a module, read anywhere.
            or ((load or kind == "module") and is_metadata_name(name))
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
        if getattr(node, HOISTED, False):
            return node  # a temporary of _arithmetic, already checked
        self.check_name(node, node.id, load=isinstance(node.ctx, ast.Load))
        return node

    # -- arithmetic -------------------------------------------------------

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
                self.error(
                    node,
                    f"{verb} attribute {attr!r} is not allowed: "
                    f"{_HINT_INTROSPECTION}",
                )
                return False
        return True

    def _writable(self, value: ast.expr) -> ast.expr:
        found = operand_read(value, self.temporaries())
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

    def _is_trusted(self, value: ast.expr) -> bool:
        trusted = self._trusted_self()
        if not trusted:
            return False
        if isinstance(value, ast.Name):
            return value.id == trusted
        # ``super().__init__()`` and ``super(Cls, self).method``: a super
        # object bound to the trusted ``self`` is the plugin's too.
        return "super" in self._unbound and is_super_of(value, trusted)

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
                node.value = located(self._writable(node.value), node)
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
                GUARD_GETATTR, node.value, ast.Constant(self._mangle(attr))
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

    def _sized_aug_assign(self, node: ast.AugAssign) -> ast.AST:
        # ``x *= n`` may build a huge sequence in one C call: check sizes
        # first, evaluating the target's parts once, as Python does.
        op = ast.Constant(AUG_TEXT[type(node.op)])
        target = node.target
        if isinstance(target, ast.Name):
            self.check_name(target, target.id)
            value = call(
                GUARD_INPLACE, op, ast.Name(target.id, ast.Load()), node.value
            )
            return located(ast.Assign(targets=[target], value=value), node)
        if isinstance(target, ast.Subscript):
            key = self.visit(target.slice)
            if isinstance(key, ast.Slice):
                key = call(
                    "slice",
                    *(
                        part or ast.Constant(None)
                        for part in (key.lower, key.upper, key.step)
                    ),
                )
            update = call(
                GUARD_AUG_ITEM, self.visit(target.value), key, op, node.value
            )
            return located(ast.Expr(update), node)
        assert isinstance(target, ast.Attribute)  # noqa: S101 -- the grammar's third form
        if not self._attribute_allowed(target, store=True):
            return node
        trusted = self._is_trusted(target.value)
        obj = self.visit(target.value)
        if not trusted:
            obj = self._writable(obj)
        update = call(
            GUARD_AUG_ATTR,
            obj,
            ast.Constant(self._mangle(target.attr)),
            op,
            node.value,
        )
        return located(ast.Expr(update), node)

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.AST:
        # ``self.n += 1`` and ``grid[y][x] -= 1`` are everyday code.  The
        # target is evaluated once, as Python does; an attribute target is
        # first passed through the write guard.
        node.value = self.visit(node.value)
        if type(node.op) in SIZED_OPS or (
            isinstance(node.op, ast.Add) and not self.checked_addend(node)
        ):
            plain = copy.deepcopy(node)
            return self._unless_plain_value(
                plain, self._sized_aug_assign(node)
            )
        return self._aug_target(node)

    def _unless_plain_value(
        self, node: ast.AugAssign, guarded: ast.AST
    ) -> ast.AST:
        """
        ``if <value is a plain number>: node else: guarded``, or *guarded*
        alone where no such test exists (see ``augmented_test``).
        """
        temporaries = self.temporaries()
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
        reported = len(self.errors)
        plain = self._aug_target(node)
        del self.errors[reported:]
        if test is True:
            return plain
        assert not isinstance(test, bool)  # noqa: S101 -- False never comes back
        check = ast.If(
            test=evaluated_first(bindings, test),
            body=[plain],  # type: ignore[list-item]
            orelse=[guarded],  # type: ignore[list-item]
        )
        return ast.fix_missing_locations(located(check, node))

    def _aug_target(self, node: ast.AugAssign) -> ast.AST:
        target = node.target
        if isinstance(target, ast.Attribute):
            if self._attribute_allowed(target, store=True):
                trusted = self._is_trusted(target.value)
                target.value = self.visit(target.value)
                if not trusted:
                    target.value = located(
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
        if plain_template(node) or raw_attribute_call(node, self._unbound):
            # Proven harmless at compile time: only the arguments are
            # plugin code to check (and a template's values' own texts).
            node.args = [self.visit(argument) for argument in node.args]
            node.keywords = [self.visit(keyword) for keyword in node.keywords]
            self.starred_arguments(node)
            return rendered_values(node, self.temporaries())
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr in SIZED_METHODS
            and self._attribute_allowed(func, store=False)
        ):
            # ``sep.join(items)`` checks its size in one guard call, not an
            # attribute guard handing out a wrapper that is then called.
            receiver = self.visit(func.value)
            arguments = [self.visit(argument) for argument in node.args]
            keywords = [self.visit(keyword) for keyword in node.keywords]
            if shrinking_replace(func.attr, arguments, keywords):
                # Proven at compile time to build nothing larger.
                func.value = receiver
                node.args, node.keywords = arguments, keywords
                return node
            sized = ast.Call(
                func=ast.Name(GUARD_SIZED_CALL, ast.Load()),
                args=[receiver, ast.Constant(func.attr), *arguments],
                keywords=keywords,
            )
            self.starred_arguments(sized)
            return ast.fix_missing_locations(located(sized, node))
        node = self.node_contents_visit(node)
        self.starred_arguments(node)
        return self.rendered_call(node, self._unbound)

    def visit_For(self, node: ast.For) -> ast.AST:
        node = self.node_contents_visit(node)
        raw_loop_range(node.iter, self._unbound)
        node.body.insert(0, budget_check(node, steps=self.count_steps))
        return node

    def visit_AsyncFor(self, node: ast.AsyncFor) -> ast.AST:
        node = self.node_contents_visit(node)
        node.body.insert(0, budget_check(node, steps=self.count_steps))
        return node

    def visit_Await(self, node: ast.Await) -> ast.AST:
        return self.node_contents_visit(node)

    def visit_While(self, node: ast.While) -> ast.AST:
        node = self.node_contents_visit(node)
        node.body.insert(0, budget_check(node, steps=self.count_steps))
        return node

    def visit_comprehension(self, node: ast.comprehension) -> ast.AST:
        node.iter = self._visit_without_temporaries(node.iter)
        raw_loop_range(node.iter, self._unbound)
        node.target = self._visit_without_temporaries(node.target)
        node.ifs = [self.visit(test) for test in node.ifs]
        node.ifs.append(budget_filter(node.target, steps=self.count_steps))
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
        self._unbound = unbound_builtins(node, self._source)
        self._bases = {
            base.id if isinstance(base, ast.Name) else base.attr
            for statement in node.body
            if isinstance(statement, ast.ClassDef)
            for base in statement.bases
            if isinstance(base, ast.Name | ast.Attribute)
        }
        return self.node_contents_visit(node)

    def visit_Lambda(self, node: ast.Lambda) -> ast.AST:
        self._check_arguments(node.args)
        node = self.node_contents_visit(node)
        # A lambda that C calls in a loop (a sort key, map) runs no loop
        # of ours, so it checks the budget itself, as functions do:
        # ``body if (<budget filter> or True) else None``.
        always = ast.BoolOp(
            op=ast.Or(),
            values=[
                budget_filter(node, steps=self.count_steps),
                ast.Constant(True),
            ],
        )
        node.body = located(
            ast.IfExp(test=always, body=node.body, orelse=ast.Constant(None)),
            node.body,
        )
        return node

    # -- exceptions and context managers ----------------------------------

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

    def _trust_for(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
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
        # A method that only reads public attributes of ``self`` gains
        # nothing from trusting it, and skips the entry check.
        nodes = descendants(node)
        if not needs_trust(nodes, first.arg) or first.arg in bound_names(
            nodes, skip=first
        ):
            return ""
        return first.arg

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> ast.AST:
        # A coroutine's body is plugin code like any other: the host drives
        # it inside a call, and each step meets the same budget checks.
        return self.visit_FunctionDef(node)

    def visit_FunctionDef(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef
    ) -> ast.AST:
        self.check_name(node, node.name, definition=True)
        self._check_arguments(node.args)
        # Decorators, defaults and annotations belong to the outer scope.
        node.decorator_list = [self.visit(d) for d in node.decorator_list]
        node.args = self._visit_without_temporaries(node.args)
        if node.returns is not None:
            node.returns = self._visit_without_temporaries(node.returns)
        trusted = self._trust_for(node)
        # A nested function shares the method's ``self``, which
        # ``_trust_for`` has proved is never rebound anywhere inside.
        inherited = "" if self._scope.kind == "class" else self._trusted_self()
        scope = Scope("function", trusted_self=trusted or inherited)
        with self._enter(scope):
            node.body = self._visit_body(node.body)
        if trusted:
            # ``if not owned(self): __acc_self__(self)``: one inline test per
            # call buys unguarded use of ``self`` in the whole body.  An
            # instance of the class the method is defined in (``__class__``,
            # a cell plugin code cannot name or reach) is owned: that class
            # statement ran through the class hook.  The exact type is
            # compared inline, before the attribute lookup, in classes the
            # module derives no class from (a subclass's instance would pay
            # both tests).
            owned: ast.expr = owned_test(trusted)
            if self._scope.class_name not in self._bases:
                exact = ast.Compare(
                    left=call(GUARD_RAW_TYPE, ast.Name(trusted, ast.Load())),
                    ops=[ast.Is()],
                    comparators=[ast.Name("__class__", ast.Load())],
                )
                owned = ast.BoolOp(ast.Or(), [exact, owned])
            check = located(
                ast.If(
                    test=ast.UnaryOp(op=ast.Not(), operand=owned),
                    body=[
                        ast.Expr(
                            call(GUARD_SELF, ast.Name(trusted, ast.Load()))
                        )
                    ],
                    orelse=[],
                ),
                node.body[0],
            )
            node.body.insert(after_docstring(node.body), check)
        # Every call checks the budget: recursion and long call chains stop.
        node.body.insert(
            after_docstring(node.body),
            budget_check(node, steps=self.count_steps),
        )
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
        with self._enter(Scope("class", class_name=node.name)):
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

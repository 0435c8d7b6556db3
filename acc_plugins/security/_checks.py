"""
The scanner's checks: one AST walk that applies every rule.

It returns raw ``(rule, line, column, message)`` tuples; ``_scanner``
turns them into findings and applies suppressions.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any, Final

from acc_plugins.sandbox._astutil import walked_fields
from acc_plugins.sandbox._policy import (
    FORBIDDEN_ATTRIBUTES,
    is_dunder,
    is_metadata_name,
)

from ._literals import (
    _int_list,
    add_leaves,
    code_points,
    entropy,
    literal_text,
)
from ._ordinarynames import (
    CLASS_DUNDERS,
    DUNDER_IN_TEXT,
    NAMED_IN_STRINGS,
    READABLE_ATTRIBUTES,
    READABLE_NAMES,
    hidden_name,
)
from ._rules import (
    ATTRIBUTE_BUILTINS,
    CAPABILITIES,
    CODE_BUILTINS,
    DANGEROUS_MODULES,
    DECODERS,
    ENTROPY_BITS,
    ENTROPY_MIN_LENGTH,
    INTROSPECTION_BUILTINS,
    LONG_LITERAL,
    PROCESS_CALLS,
    RULES_BY_ID,
    SENSITIVE_PATHS,
)


if TYPE_CHECKING:
    from collections.abc import Callable


Raw = tuple[str, int, int, str]

_SCOPES: Final = (
    ast.Module,
    ast.ClassDef,
    ast.FunctionDef,
    ast.AsyncFunctionDef,
)


def _is_ctx(node: ast.AST) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "ctx") or (
        isinstance(node, ast.Name) and node.id == "ctx"
    )


# The fields that hold statements (or handlers and match cases, which
# hold statements); in an expression, "body" and "orelse" are not lists.
_BLOCKS: Final = frozenset(
    {"body", "orelse", "finalbody", "handlers", "cases"}
)


def _statements(tree: ast.Module) -> list[ast.AST]:
    """
    The module, its statements, except handlers and match cases, in the
    order ``ast.walk`` meets them: imports and scopes are statements, so
    the first pass need not walk every expression.
    """
    found: list[ast.AST] = [tree]
    for node in found:  # grows as it goes: breadth first, like ast.walk
        for field in node._fields:
            if field in _BLOCKS:
                value = getattr(node, field, None)
                if isinstance(value, list):
                    found.extend(value)
    return found


class _Visitor(ast.NodeVisitor):
    def __init__(self, tree: ast.Module, requested: frozenset[str]) -> None:
        self.found: list[Raw] = []
        self._requested = requested
        self._skip: set[int] = set()  # reported already, or docstrings
        self._origins: dict[str, str] = {}  # local name -> dotted origin
        self._modules: set[str] = set()  # names bound by "import x"
        self._constants: set[str] = set()  # module-level literal names
        self._methods: dict[type[ast.AST], Callable[[Any], None]] = {}
        for node in _statements(tree):
            if isinstance(node, _SCOPES) and node.body:
                first = node.body[0]
                if isinstance(first, ast.Expr):
                    self._skip.add(id(first.value))
            if isinstance(node, ast.Import):
                for alias in node.names:
                    local = alias.asname or alias.name.partition(".")[0]
                    self._modules.add(local)
                    self._origins[local] = (
                        alias.name if alias.asname else local
                    )
            elif isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    local = alias.asname or alias.name
                    self._origins[local] = f"{node.module}.{alias.name}"
        for stmt in tree.body:
            if isinstance(stmt, ast.Assign) and isinstance(
                stmt.value, ast.Constant
            ):
                self._constants.update(
                    t.id for t in stmt.targets if isinstance(t, ast.Name)
                )

    # ast.NodeVisitor looks its method up by name at every node and walks
    # fields through a generator; every file of every plugin is walked
    # at load, so the method is found once per node class here.
    def visit(self, node: ast.AST) -> None:
        kind = type(node)
        method = self._methods.get(kind)
        if method is None:
            method = getattr(self, f"visit_{kind.__name__}", None)
            if method is None:
                method = self.generic_visit
            self._methods[kind] = method
        method(node)

    def generic_visit(self, node: ast.AST) -> None:
        # Contexts and operators are left out: no rule looks at them.
        for field in walked_fields(type(node)):
            value = getattr(node, field, None)
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST):
                        self.visit(item)
            elif isinstance(value, ast.AST):
                self.visit(value)

    def report(self, rule: str, node: ast.AST, **fields: object) -> None:
        line = getattr(node, "lineno", 1)
        column = getattr(node, "col_offset", 0) + 1
        if isinstance(node, ast.Attribute) and node.end_col_offset:
            # Point at the attribute's name, not at the start of the chain.
            line = node.end_lineno or line
            column = node.end_col_offset - len(node.attr) + 1
        message = RULES_BY_ID[rule].message(**fields)
        self.found.append((rule, line, column, message))

    def _dotted(self, node: ast.AST) -> str:
        if isinstance(node, ast.Name):
            return self._origins.get(node.id, node.id)
        if isinstance(node, ast.Attribute):
            return f"{self._dotted(node.value)}.{node.attr}"
        return "?"

    def _import(self, node: ast.AST, module: str) -> None:
        if module.partition(".")[0] in DANGEROUS_MODULES:
            self.report("ACC201", node, module=module)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._import(node, alias.name)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.module and not node.level:
            self._import(node, node.module)

    def visit_Try(self, node: ast.Try) -> None:
        imports = any(
            isinstance(n, ast.Import | ast.ImportFrom)
            for stmt in node.body
            for n in ast.walk(stmt)
        )
        for handler in node.handlers if imports else ():
            caught = handler.type
            names = caught.elts if isinstance(caught, ast.Tuple) else [caught]
            if caught is None:
                self.report("ACC504", handler, what="a bare except")
            elif any(
                isinstance(n, ast.Name) and n.id == "BaseException"
                for n in names
            ):
                self.report("ACC504", handler, what="except BaseException")
        self.generic_visit(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for stmt in node.body:
            names: list[str] = []
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
                names = [stmt.name]
            elif isinstance(stmt, ast.Assign):
                names = [t.id for t in stmt.targets if isinstance(t, ast.Name)]
            for name in names:
                if is_dunder(name) and name not in CLASS_DUNDERS:
                    self.report("ACC306", stmt, name=f"{node.name}.{name}")
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if node.id == "__import__":
            self.report("ACC202", node, call="__import__()")
        elif (
            isinstance(node.ctx, ast.Load)
            and is_dunder(node.id)
            and node.id not in READABLE_NAMES
            and not is_metadata_name(node.id)
        ):
            self.report("ACC301", node, what=f"the name {node.id}")

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if is_dunder(node.attr) and node.attr not in READABLE_ATTRIBUTES:
            self.report("ACC301", node, what=f"access to .{node.attr}")
        elif node.attr in FORBIDDEN_ATTRIBUTES:
            self.report("ACC302", node, attr=node.attr)
        for facade, method, prefix, needed in CAPABILITIES:
            use = node.value if method else node
            if (
                (method is None or node.attr == method)
                and isinstance(use, ast.Attribute)
                and use.attr == facade
                and _is_ctx(use.value)
                and not any(p.startswith(prefix) for p in self._requested)
            ):
                use_text = f"ctx.{facade}" + (f".{method}" if method else "")
                self.report("ACC401", node, use=use_text, needed=needed)
        self.generic_visit(node)

    def _assigned(self, targets: list[ast.expr]) -> None:
        for target in targets:
            if (
                isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and target.value.id in self._modules
            ):
                what = f"assigning {ast.unparse(target)}"
                self.report("ACC503", target, what=what)

    def visit_Assign(self, node: ast.Assign) -> None:
        self._assigned(node.targets)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._assigned([node.target])
        self.generic_visit(node)

    def visit_Delete(self, node: ast.Delete) -> None:
        self._assigned(node.targets)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        name = node.func.id if isinstance(node.func, ast.Name) else ""
        dotted = self._dotted(node.func)
        module, _, function = dotted.rpartition(".")
        first = node.args[0] if node.args else None
        if name in CODE_BUILTINS:
            literal = isinstance(first, ast.Constant) and isinstance(
                first.value, str | bytes
            )
            self.report("ACC102" if literal else "ACC101", node, name=name)
        elif name in INTROSPECTION_BUILTINS:
            self.report("ACC307", node, name=name)
        elif name in ATTRIBUTE_BUILTINS and len(node.args) > 1:
            self._attribute_call(node, name)
        elif function in DECODERS.get(module, ()) and (
            (isinstance(first, ast.Constant) and first.value)
            or (first is not None and literal_text(first) is not None)
            or (isinstance(first, ast.Name) and first.id in self._constants)
        ):
            self.report("ACC103", node, call=dotted)
        elif function in PROCESS_CALLS.get(module, ()):
            self.report("ACC501", node, call=dotted)
        elif dotted == "importlib.import_module":
            self.report("ACC202", node, call="importlib.import_module()")
        if (function == "join" and any(map(code_points, node.args))) or (
            name in {"bytes", "bytearray"} and first and _int_list(first)
        ):
            self.report("ACC104", node)
            self._skip.update(id(n) for n in ast.walk(node))
        self.generic_visit(node)

    def _attribute_call(self, node: ast.Call, call: str) -> None:
        obj, arg = node.args[0], node.args[1]
        text = literal_text(arg)
        self._skip.update(id(n) for n in ast.walk(arg))
        if call in {"setattr", "delattr"} and (
            isinstance(obj, ast.Name) and obj.id in self._modules
        ):
            self.report("ACC503", node, what=f"{call}() on module {obj.id!r}")
        pieces = not isinstance(arg, ast.Constant)
        if text is not None and (
            hidden_name(text) or (pieces and text.startswith("_"))
        ):
            how = " (assembled from pieces)" if pieces else ""
            self.report("ACC304", node, call=call, name=text, how=how)
        elif text is None:
            self.report("ACC303", node, call=call, what="a computed name")
        elif pieces or (text.startswith("_") and not is_dunder(text)):
            what = f"the name {text!r}" + (
                " built from pieces" if pieces else ""
            )
            self.report("ACC303", node, call=call, what=what)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        if id(node) not in self._skip and isinstance(node.op, ast.Add):
            text = literal_text(node)
            if sum(map(code_points, add_leaves(node))) > 1:
                self.report("ACC104", node)
                self._skip.update(id(n) for n in ast.walk(node))
            elif text is not None:
                self._skip.update(id(n) for n in ast.walk(node))
                self._text(node, text)
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if id(node) in self._skip:
            return
        if isinstance(node.value, str):
            self._text(node, node.value)
        elif isinstance(node.value, bytes):
            self._size(node, node.value.decode("latin-1"))

    def _text(self, node: ast.AST, text: str) -> None:
        lowered = text.lower()
        secret = next((p for p in SENSITIVE_PATHS if p in lowered), None)
        if secret:
            self.report("ACC502", node, secret=secret)
        names = [m.group() for m in DUNDER_IN_TEXT.finditer(text)]
        hidden = [n for n in names if n not in NAMED_IN_STRINGS]
        if text in FORBIDDEN_ATTRIBUTES:
            hidden.append(text)
        if hidden:
            self.report("ACC305", node, name=hidden[0])
        self._size(node, text)

    def _size(self, node: ast.AST, text: str) -> None:
        blanks = sum(c.isspace() for c in text)
        if len(text) > LONG_LITERAL and blanks < len(text) / 20:
            self.report("ACC105", node, length=len(text))
        elif len(text) > ENTROPY_MIN_LENGTH and (
            (bits := entropy(text)) > ENTROPY_BITS
        ):
            self.report("ACC106", node, bits=bits)


def check(tree: ast.Module, requested: frozenset[str]) -> list[Raw]:
    """
    Apply every rule to a parsed module.

    Args:
        tree: The module.

        requested: The permissions the plugin requests, canonical form.

    Returns:
        ``(rule, line, column, message)`` for each finding, in walk order.
    """
    visitor = _Visitor(tree, requested)
    visitor.visit(tree)
    return visitor.found

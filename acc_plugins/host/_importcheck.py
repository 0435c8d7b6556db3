"""
What ``acc-plugins validate`` says of a plugin's imports, read from its
source alone: every import the sandbox's gate will refuse, with its file,
its line and what to use instead.

Imports under ``if TYPE_CHECKING:`` never run and are not checked.  An
import inside ``try: ... except ImportError:`` (or
``ModuleNotFoundError``, ``Exception``, ``BaseException``, a bare
``except``) is the optional-dependency idiom: the plugin runs without the
module, so it is a warning rather than an error.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Final

import attrs

from acc_plugins.sandbox import (
    ALLOWED_MODULES,
    SANDBOX_MODULES,
    fix_for,
    unavailable,
)


if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping
    from pathlib import Path

# Exception names whose handler catches a refused import.
_CATCHES_IMPORTS: Final = frozenset(
    {"BaseException", "Exception", "ImportError", "ModuleNotFoundError"}
)


@attrs.frozen
class ImportFinding:
    """
    One import the sandbox will refuse.

    Attributes:
        text: ``file:line: what and the fix``.

        optional: True when plugin code catches the ``ImportError``.
    """

    text: str
    optional: bool


@attrs.frozen
class PluginModules:
    """
    What a plugin's imports may name.

    Attributes:
        own: The plugin's own modules and packages, as dotted names.

        host: Host modules plugin code may import, with their members.
    """

    own: frozenset[str]
    host: Mapping[str, frozenset[str]]

    def offers(self, module: str) -> frozenset[str] | None:
        """
        The members a non-plugin module offers, or None if the gate
        refuses it.
        """
        if module in self.host:
            return self.host[module] | self._children(module)
        for table in (ALLOWED_MODULES, SANDBOX_MODULES):
            if module in table:
                return frozenset(table[module]) | self._children(module)
        return None

    def _children(self, module: str) -> frozenset[str]:
        prefix = module + "."
        return frozenset(
            other.removeprefix(prefix)
            for other in (*ALLOWED_MODULES, *SANDBOX_MODULES, *self.host)
            if other.startswith(prefix) and "." not in other[len(prefix) :]
        )


def _catches_imports(handler: ast.ExceptHandler) -> bool:
    kind = handler.type
    if kind is None:
        return True
    names = kind.elts if isinstance(kind, ast.Tuple) else [kind]
    return any(
        isinstance(name, ast.Name) and name.id in _CATCHES_IMPORTS
        for name in names
    )


def _imports(
    node: ast.AST, *, optional: bool = False
) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    """
    Every import under *node*, and whether a handler catches its failure.
    """
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        yield node, optional
        return
    if isinstance(node, ast.If) and _is_type_checking(node.test):
        # Imports for type checkers only: they never run.
        for branch in node.orelse:
            yield from _imports(branch, optional=optional)
        return
    if isinstance(node, (ast.Try, ast.TryStar)):
        guarded = optional or any(_catches_imports(h) for h in node.handlers)
        for statement in node.body:
            yield from _imports(statement, optional=guarded)
        rest: list[ast.AST] = [*node.handlers, *node.orelse, *node.finalbody]
        for other in rest:
            yield from _imports(other, optional=optional)
        return
    for child in ast.iter_child_nodes(node):
        yield from _imports(child, optional=optional)


def _is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _base_of(module: str, *, is_package: bool, level: int) -> list[str] | None:
    parts = module.split(".") if module else []
    if not is_package:
        parts = parts[:-1]
    if level - 1 > len(parts):
        return None
    return parts[: len(parts) - (level - 1)]


def import_findings(
    path: Path,
    tree: ast.Module,
    module: str,
    *,
    is_package: bool,
    modules: PluginModules,
) -> list[ImportFinding]:
    """
    The imports of one module (*path*, dotted name *module*) the sandbox
    will refuse.
    """
    found: list[ImportFinding] = []

    def report(line: int, what: str, *, optional: bool) -> None:
        if optional:
            what += " (caught as ImportError: the plugin runs without it)"
        found.append(ImportFinding(f"{path}:{line}: {what}", optional))

    for node, optional in _imports(tree):
        line = node.lineno
        if isinstance(node, ast.Import):
            for alias in node.names:
                if not _importable(alias.name, modules):
                    report(line, unavailable(alias.name), optional=optional)
            continue
        if node.level:
            base = _base_of(module, is_package=is_package, level=node.level)
            if base is None:
                what = "a relative import beyond the plugin's folder"
                found.append(ImportFinding(f"{path}:{line}: {what}", False))
                continue
            target = ".".join([*base, node.module] if node.module else base)
            if target and target not in modules.own:
                report(
                    line,
                    f"the plugin has no module {target!r}",
                    optional=optional,
                )
            elif not target:
                for alias in node.names:
                    if alias.name not in modules.own:
                        what = f"the plugin has no module {alias.name!r}"
                        report(line, what, optional=optional)
            continue
        target = node.module or ""
        if _own(target, modules):
            continue
        offered = modules.offers(target)
        if offered is None:
            report(line, unavailable(target), optional=optional)
            continue
        for alias in node.names:
            if alias.name != "*" and alias.name not in offered:
                what = (
                    f"the sandbox's {target!r} offers no {alias.name!r}; "
                    f"{fix_for(target)}"
                )
                report(line, what, optional=optional)
    return found


def _own(name: str, modules: PluginModules) -> bool:
    return name in modules.own


def _importable(name: str, modules: PluginModules) -> bool:
    if _own(name, modules):
        return True
    return modules.offers(name) is not None or any(
        other.startswith(name + ".") for other in modules.host
    )

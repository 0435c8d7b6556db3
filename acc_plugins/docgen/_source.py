"""
The plugin class, found in the plugin's source files by reading them,
with the members it has from its own body and from the base classes
the plugin itself defines.

Why read and never run: the marketplace documents archives from
strangers, and a person runs ``acc-plugins docs`` to decide whether to
trust a plugin at all.  Loading it, even in the sandbox with no grants,
runs its module and class bodies (CPU, memory, and whatever a guard
might miss) before a single line of documentation exists.  The syntax
tree gives the same declarations for plugins written the usual way;
what is computed at load time is reported as a note instead.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Final

import attrs

from acc_plugins._syntax import parse_module

from ._values import module_constants


if TYPE_CHECKING:
    from pathlib import Path

    from acc_plugins.manifest import EntryPoint

MAX_SOURCE_BYTES: Final = 1024 * 1024
"""The largest source file read; a plugin module is far smaller."""

_MAX_HOPS: Final = 16  # ``from`` imports followed to find one class
_MAX_BASES: Final = 64  # classes between the plugin class and its base


class SourceProblem(Exception):  # noqa: N818 -- a note, caught by the caller
    """
    A source file that cannot be read or parsed; the message says which
    and why.
    """


@attrs.frozen
class Module:
    """
    One parsed module of the plugin.

    Attributes:
        name: Its dotted name, relative to the plugin's root.

        path: Its file, relative to the plugin's root.

        tree: Its syntax tree.

        constants: Its top-level names bound once (`module_constants`).

        source: Its text.
    """

    name: str
    path: str
    tree: ast.Module = attrs.field(repr=False)
    constants: dict[str, ast.expr] = attrs.field(repr=False, eq=False)
    source: str = attrs.field(repr=False, eq=False)

    def text(self, node: ast.expr) -> str:
        """
        *node* as written in the source, on one line.
        """
        written = ast.get_source_segment(self.source, node)
        return " ".join((written or ast.unparse(node)).split())

    def top_level(self, name: str) -> ast.ClassDef | ast.ImportFrom | None:
        """
        The class *name* defined here, or the ``from`` import binding it.
        """
        found: ast.ClassDef | ast.ImportFrom | None = None
        for statement in self.tree.body:
            if (
                isinstance(statement, ast.ClassDef) and statement.name == name
            ) or (
                isinstance(statement, ast.ImportFrom)
                and any(
                    (alias.asname or alias.name) == name
                    for alias in statement.names
                )
            ):
                found = statement
        return found


@attrs.frozen
class Member:
    """
    A statement of a class body, with the module it is written in.

    Attributes:
        node: A function definition or an assignment.

        module: Where it is written (for its names and path).
    """

    node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Assign | ast.AnnAssign
    module: Module


@attrs.define
class SourceReader:
    """
    Reads and parses the modules of the plugin in *root*, once each.
    """

    root: Path
    _parsed: dict[str, Module] = attrs.Factory(dict)

    def module(self, name: str) -> Module | None:
        """
        The module *name* (``tools``, ``pkg.mod``), or None when the
        plugin has no such file.

        Raises:
            SourceProblem: The file is too large, not UTF-8, or not
                Python.
        """
        if name in self._parsed:
            return self._parsed[name]
        parts = name.split(".")
        if not all(part.isidentifier() for part in parts):
            return None
        root = self.root.resolve()
        for relative in (
            f"{'/'.join(parts)}.py",
            f"{'/'.join(parts)}/__init__.py",
        ):
            path = root / relative
            # Only files inside the plugin: a link out of it is not its code.
            if path.is_file() and path.resolve().is_relative_to(root):
                module = _parse(name, relative, path)
                self._parsed[name] = module
                return module
        return None

    def find_class(
        self, module_name: str, class_name: str, hops: int = 0
    ) -> tuple[Module, ast.ClassDef] | None:
        """
        The class *class_name* as *module_name* binds it, following
        ``from`` imports of the plugin's own modules.

        Raises:
            SourceProblem: A module on the way cannot be parsed.
        """
        module = self.module(module_name)
        if module is None or hops > _MAX_HOPS:
            return None
        found = module.top_level(class_name)
        if isinstance(found, ast.ClassDef):
            return module, found
        if found is None:
            return None
        original = next(
            alias.name
            for alias in found.names
            if (alias.asname or alias.name) == class_name
        )
        source = _imported(module.name, found)
        if source is None:
            return None
        return self.find_class(source, original, hops + 1)

    def members(self, module: Module, cls: ast.ClassDef) -> list[Member]:
        """
        The functions and assignments of *cls*, its own overriding those
        of its bases (the bases the plugin defines; the SDK's ``Plugin``
        declares nothing to document).

        Raises:
            SourceProblem: A base's module cannot be parsed.
        """
        by_name: dict[str, Member] = {}
        self._collect(module, cls, by_name, set(), 0)
        return list(by_name.values())

    def _collect(
        self,
        module: Module,
        cls: ast.ClassDef,
        by_name: dict[str, Member],
        seen: set[int],
        depth: int,
    ) -> None:
        # Each class once, as in Python's method order: a diamond, or a
        # hostile class naming one base a hundred times, is read once.
        if id(cls) in seen or depth > _MAX_BASES:
            return
        seen.add(id(cls))
        # Python looks left to right; so the leftmost base is applied last.
        for base in reversed(cls.bases):
            if isinstance(base, ast.Name):
                found = self.find_class(module.name, base.id)
                if found is not None:
                    self._collect(*found, by_name, seen, depth + 1)
        for statement in cls.body:
            if isinstance(statement, _MEMBERS):
                for name in _bound(statement):
                    by_name.pop(name, None)  # the order of definition
                    by_name[name] = Member(statement, module)


_MEMBERS: Final = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.Assign,
    ast.AnnAssign,
)


def _bound(
    statement: ast.FunctionDef
    | ast.AsyncFunctionDef
    | ast.Assign
    | ast.AnnAssign,
) -> list[str]:
    if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
        return [statement.name]
    if isinstance(statement, ast.Assign):
        return [t.id for t in statement.targets if isinstance(t, ast.Name)]
    if isinstance(statement.target, ast.Name):
        return [statement.target.id]
    return []


def _imported(importer: str, node: ast.ImportFrom) -> str | None:
    """
    The dotted name of the module a ``from`` import reads, relative to
    the plugin's root; None when it cannot be one of the plugin's.
    """
    if node.level == 0:
        return node.module
    parts = importer.split(".")
    if node.level > len(parts):  # above the plugin's root
        return None
    package = parts[: -node.level]
    return ".".join([*package, *([node.module] if node.module else [])])


def _parse(name: str, relative: str, path: Path) -> Module:
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_SOURCE_BYTES + 1)
    except OSError as exc:
        msg = f"{relative}: cannot read: {exc.strerror or exc}"
        raise SourceProblem(msg) from None
    if len(raw) > MAX_SOURCE_BYTES:
        msg = f"{relative}: larger than {MAX_SOURCE_BYTES} bytes; not read"
        raise SourceProblem(msg)
    try:
        source = raw.decode("utf-8")
        tree = parse_module(source, relative)
    except UnicodeDecodeError:
        msg = f"{relative}: not UTF-8 text"
        raise SourceProblem(msg) from None
    except SyntaxError as exc:
        msg = f"{relative}:{exc.lineno}: {exc.msg}"
        raise SourceProblem(msg) from None
    except (ValueError, RecursionError, MemoryError):
        msg = (
            f"{relative}: cannot be parsed (null bytes, or nested too deeply)"
        )
        raise SourceProblem(msg) from None
    return Module(name, relative, tree, module_constants(tree), source)


def locate(
    reader: SourceReader, entry: EntryPoint
) -> tuple[Module, ast.ClassDef]:
    """
    The plugin class *entry* names.

    Raises:
        SourceProblem: It cannot be found, or its module cannot be parsed.
    """
    found = reader.find_class(entry.module, entry.attr)
    if found is None:
        msg = (
            f"no class {entry.attr} in module {entry.module} "
            f"(entry {entry.text}) that a reading of the source finds"
        )
        raise SourceProblem(msg)
    return found

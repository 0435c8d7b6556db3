"""
Checking a plugin folder before anything of it runs: its manifest, every
module's compilation under the sandbox policy, its imports and its entry
point.  Nothing here executes plugin code.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

import attrs

from acc_plugins._syntax import parse_module
from acc_plugins.errors import CompileError, ManifestError
from acc_plugins.manifest import Manifest, load_manifest
from acc_plugins.sandbox import AUTHOR_TESTS, compile_plugin_source

from ._importcheck import PluginModules, import_findings
from .core._discovery import MANIFEST_NAME
from .core._registration import sdk_members


if TYPE_CHECKING:
    from pathlib import Path


@attrs.frozen
class ValidationReport:
    """
    What ``validate_plugin`` found.

    Attributes:
        root: The plugin folder.

        manifest: The parsed manifest, if it is valid.

        modules: The plugin's Python files, relative to *root*.

        problems: Every problem, each ``"file[:line]: reason"``.

        warnings: What works but may not do what the author expects, such
            as an optional import the sandbox will refuse.
    """

    root: Path
    manifest: Manifest | None
    modules: tuple[str, ...]
    problems: tuple[str, ...]
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """
        True when nothing is wrong.
        """
        return not self.problems


def _module_files(root: Path) -> list[Path]:
    """
    The plugin's modules: every ``.py`` file but those in hidden folders,
    ``__pycache__`` and the top-level ``tests/`` folder, which holds the
    author's pytest tests: pytest runs them, the host never loads them
    (the sandbox refuses to import ``tests``), so what the sandbox would
    refuse in them, ``import pytest`` first, is no problem of the plugin.
    """
    return sorted(
        path
        for path in root.rglob("*.py")
        if not _skipped(path.relative_to(root).parts)
    )


def _skipped(parts: tuple[str, ...]) -> bool:
    if len(parts) > 1 and parts[0] == AUTHOR_TESTS:
        return True
    return any(part.startswith(".") or part == "__pycache__" for part in parts)


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _plugin_modules(root: Path, files: list[Path]) -> PluginModules:
    own: set[str] = set()
    for path in files:
        name = _module_name(root, path)
        parts = name.split(".") if name else []
        # Every folder on the way is a package the gate imports.
        own.update(".".join(parts[:n]) for n in range(1, len(parts) + 1))
    sdk = frozenset(sdk_members())
    host = {"acc_plugins": sdk, "acc_plugins.sdk": sdk}
    return PluginModules(frozenset(own), host)


def validate_plugin(root: Path) -> ValidationReport:
    """
    Check the plugin at *root* without running any of its code.
    """
    problems: list[str] = []
    manifest: Manifest | None = None
    manifest_path = root / MANIFEST_NAME
    if not manifest_path.is_file():
        problems.append(f"{manifest_path}: missing; every plugin has one")
    else:
        try:
            manifest = load_manifest(manifest_path)
        except ManifestError as exc:
            problems.extend(f"{exc.path}: {p}" for p in exc.problems)
    files = _module_files(root)
    modules = _plugin_modules(root, files)
    own = modules.own
    trees: dict[str, ast.Module] = {}
    warnings: list[str] = []
    for path in files:
        try:
            source = path.read_text(encoding="utf-8")
            compile_plugin_source(source, str(path))
            trees[_module_name(root, path)] = parse_module(source, str(path))
        except CompileError as exc:
            problems.extend(exc.problems)
            continue
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{path}: cannot read: {exc}")
            continue
        for finding in import_findings(
            path,
            trees[_module_name(root, path)],
            _module_name(root, path),
            is_package=path.name == "__init__.py",
            modules=modules,
        ):
            (warnings if finding.optional else problems).append(finding.text)
    if manifest is not None:
        entry = manifest.plugin.entry
        tree = trees.get(entry.module)
        if entry.module not in own:
            problems.append(
                f"{manifest_path}: plugin.entry: module {entry.module!r} "
                f"not found in {root}"
            )
        elif tree is not None and not any(
            isinstance(node, ast.ClassDef) and node.name == entry.attr
            for node in tree.body
        ):
            problems.append(
                f"{manifest_path}: plugin.entry: module {entry.module!r} "
                f"defines no class {entry.attr!r}"
            )
    names = tuple(str(f.relative_to(root)) for f in files)
    return ValidationReport(
        root, manifest, names, tuple(problems), tuple(warnings)
    )

"""
The static scanner: plugin source in, findings out, nothing run.

``scan_source`` is pure; ``scan_plugin`` reads a plugin folder and hands
each file to it.  The rules live in ``_rules``; this module walks the AST.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs

from acc_plugins._syntax import parse_module
from acc_plugins.errors import ManifestError
from acc_plugins.manifest import parse_manifest

from ._checks import check
from ._rules import RULES, RULES_BY_ID, Severity


if TYPE_CHECKING:
    import ast
    from collections.abc import Callable, Mapping


_SUPPRESSION: Final = re.compile(r"#\s*acc:\s*ignore\[([A-Z0-9,\s]+)\]")


@attrs.frozen
class Finding:
    """
    One thing the scanner found.

    Attributes:
        rule: The rule's id, such as ``"ACC101"``.

        severity: How bad it is.

        path: The file, relative to the plugin root when scanning a plugin.

        line: 1-based line.

        column: 1-based column.

        message: What was found and why it matters.
    """

    rule: str
    severity: Severity
    path: str
    line: int
    column: int
    message: str

    def to_json(self) -> dict[str, Any]:
        """
        The finding as JSON-compatible values.
        """
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "title": RULES_BY_ID[self.rule].title,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


def _sorted(findings: Any) -> tuple[Finding, ...]:
    return tuple(
        sorted(findings, key=lambda f: (f.path, f.line, f.column, f.rule))
    )


@attrs.frozen
class ScanReport:
    """
    Everything the scanner found in one plugin.

    Attributes:
        root: The plugin folder, as given.

        findings: Sorted by path, line, column and rule.

        files: How many Python files were scanned.

        suppressed: How many findings ``# acc: ignore[...]`` comments hid.
    """

    root: str
    findings: tuple[Finding, ...] = attrs.field(converter=_sorted)
    files: int = 0
    suppressed: int = 0

    @property
    def max_severity(self) -> Severity | None:
        """
        The worst severity found, or ``None`` when nothing was found.
        """
        return max((f.severity for f in self.findings), default=None)

    def blocking(self, threshold: Severity) -> list[Finding]:
        """
        The findings at or above *threshold*.
        """
        return [f for f in self.findings if f.severity >= threshold]

    def to_json(self) -> dict[str, Any]:
        """
        The report as JSON-compatible values.
        """
        worst = self.max_severity
        return {
            "root": self.root,
            "files": self.files,
            "suppressed": self.suppressed,
            "max_severity": worst.value if worst else None,
            "findings": [f.to_json() for f in self.findings],
        }

    def to_sarif(self) -> dict[str, Any]:
        """
        The report as a SARIF 2.1.0 log with one run.
        """
        rules = [
            {
                "id": rule.id,
                "shortDescription": {"text": rule.title},
                "fullDescription": {"text": rule.explanation},
                "defaultConfiguration": {"level": rule.severity.sarif_level},
                "properties": {"severity": rule.severity.value},
            }
            for rule in RULES
        ]
        index = {rule.id: i for i, rule in enumerate(RULES)}
        results = [
            {
                "ruleId": f.rule,
                "ruleIndex": index[f.rule],
                "level": f.severity.sarif_level,
                "message": {"text": f.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": f.path},
                            "region": {
                                "startLine": f.line,
                                "startColumn": f.column,
                            },
                        }
                    }
                ],
                "properties": {"severity": f.severity.value},
            }
            for f in self.findings
        ]
        driver = {"name": "acc-plugins scan", "rules": rules}
        return {
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{"tool": {"driver": driver}, "results": results}],
        }


def _finding(
    rule: str, path: str, line: int, column: int, **fields: object
) -> Finding:
    spec = RULES_BY_ID[rule]
    return Finding(
        rule, spec.severity, path, line, column, spec.message(**fields)
    )


def _suppressions(source: str) -> dict[int, set[str]]:
    lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    found: dict[int, set[str]] = {}
    for number, line in enumerate(lines, 1):
        if match := _SUPPRESSION.search(line):
            ids = {part.strip() for part in match.group(1).split(",")}
            found[number] = ids
    return found


def _scan(
    source: str,
    filename: str,
    requested: frozenset[str],
    parse: Callable[[str, str], ast.Module] = parse_module,
) -> tuple[list[Finding], int]:
    try:
        tree = parse(source, filename)
        found = check(tree, requested)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        # ValueError: null bytes or lone surrogates; RecursionError and
        # MemoryError: nesting too deep for the parser or the walk.
        line = getattr(exc, "lineno", None) or 1
        column = getattr(exc, "offset", None) or 1
        reason = getattr(exc, "msg", None) or str(exc) or type(exc).__name__
        unparsable = _finding(
            "ACC001", filename, line, column, action="parsed", reason=reason
        )
        return [unparsable], 0
    ignored = _suppressions(source)
    findings = [
        Finding(rule, RULES_BY_ID[rule].severity, filename, line, col, msg)
        for rule, line, col, msg in found
        if rule not in ignored.get(line, ())
    ]
    return list(_sorted(findings)), len(found) - len(findings)


def scan_source(
    source: str, filename: str, *, requested: frozenset[str] = frozenset()
) -> list[Finding]:
    """
    Scan one file's source text.

    Args:
        source: The Python source.

        filename: The name findings carry as their ``path``.

        requested: The permissions the plugin requests, in canonical form
            (``"host:claude.query"``); capability use outside them is
            reported.

    Returns:
        The findings, sorted by line; a file that does not parse gives one
        ``ACC001`` finding.  Suppressed findings are left out.
    """
    return _scan(source, filename, requested)[0]


def _reader(root: Path) -> Callable[[str], bytes]:
    def read(name: str) -> bytes:
        return (root / name).read_bytes()

    return read


def _python_files(root: Path) -> list[Path]:
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(
            d for d in dirs if not d.startswith(".") and d != "__pycache__"
        )
        found.extend(
            Path(folder, f) for f in sorted(files) if f.endswith(".py")
        )
    return found


def scan_plugin(
    root: Path,
    *,
    parse: Callable[[str, str], ast.Module] = parse_module,
    sources: Mapping[str, bytes] | None = None,
) -> ScanReport:
    """
    Scan every Python file of a plugin folder against its manifest.

    Hidden folders and ``__pycache__`` are skipped.

    Args:
        root: The plugin folder; ``plugin.toml`` in it, if present, says
            which permissions the plugin requests.

        parse: Parses ``(source, filename)`` as ``ast.parse`` does; the
            host passes one that keeps each tree for the compiler, which
            then need not parse the same text again.  The scanner never
            changes a tree.

        sources: The plugin's files as already read, by path relative to
            *root* (``/``-separated): scanned instead of the folder, so
            that what is scanned is exactly what the caller will run.

    Returns:
        The report; files that cannot be read or parsed are findings.

    Raises:
        NotADirectoryError: *root* is not a folder.
    """
    if not root.is_dir():
        raise NotADirectoryError(str(root))
    findings: list[Finding] = []
    requested: frozenset[str] = frozenset()
    read: Callable[[str], bytes]
    if sources is None:
        manifest = root / "plugin.toml"
        has_manifest = manifest.is_file()
        names = [p.relative_to(root).as_posix() for p in _python_files(root)]
        read = _reader(root)
    else:
        has_manifest = "plugin.toml" in sources
        names = sorted(n for n in sources if n.endswith(".py"))
        read = sources.__getitem__
    if has_manifest:
        try:
            permissions = parse_manifest(read("plugin.toml")).permissions.all
            requested = frozenset(p.canonical for p in permissions)
        except OSError as exc:
            reason = f"cannot read: {exc.strerror or exc}"
            findings.append(
                _finding("ACC002", "plugin.toml", 1, 1, reason=reason)
            )
        except ManifestError as exc:
            reason = exc.problems[0] if exc.problems else "invalid"
            findings.append(
                _finding("ACC002", "plugin.toml", 1, 1, reason=reason)
            )
    suppressed = 0
    for name in names:
        try:
            source = read(name).decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            findings.append(
                _finding("ACC001", name, 1, 1, action="read", reason=exc)
            )
            continue
        found, hidden = _scan(source, name, requested, parse)
        findings.extend(found)
        suppressed += hidden
    return ScanReport(str(root), findings, len(names), suppressed)

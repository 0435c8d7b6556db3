"""
The scanner at load time: a plugin whose code has findings at or above the
host's threshold is not loaded.

Findings are kept in the bytecode cache, keyed by the rules and the exact
bytes of every file the scan reads, and integrity-checked as code entries
are: a damaged entry is scanned again, so it can never hide a finding.
On a scan, each module is parsed once: the cache keeps the scanner's trees
for the compiler.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from acc_plugins.errors import LoadError
from acc_plugins.security import RULES, Finding, Severity, scan_plugin


if TYPE_CHECKING:
    from collections.abc import Mapping

    from acc_plugins.host.core._record import PluginRecord
    from acc_plugins.sandbox import BytecodeCache

_RULES_FINGERPRINT = hashlib.sha256(
    "|".join(f"{r.id}:{r.severity.value}:{r.template}" for r in RULES).encode()
).hexdigest()
# The kind of cache entry that holds findings.
SCAN_SUFFIX = "accs"


def read_sources(root: Path) -> dict[str, bytes]:
    """
    Every file the scanner reads under *root*, by ``/``-separated
    relative path, read once: the scan, the cache key and the compiler
    all take their bytes from here.

    Raises:
        LoadError: Naming a file that cannot be read, and why.
    """
    sources = {}
    for relative in _scanned_files(root):
        path = root / relative
        try:
            sources[relative] = path.read_bytes()
        except OSError as exc:
            # The plugin's own trouble, named: it goes to ``error``.
            msg = f"{path}: cannot read: {exc.strerror or exc}"
            raise LoadError(root.name, msg) from None
    return sources


def _key(sources: Mapping[str, bytes]) -> str:
    digest = hashlib.sha256(_RULES_FINGERPRINT.encode())
    for relative, data in sources.items():
        digest.update(relative.encode() + b"\0" + data)
    return digest.hexdigest()


def _scanned_files(root: Path) -> list[str]:
    """
    The ``.py`` and ``.toml`` files under *root*, relative and sorted as
    paths sort: every file the scanner reads.  Hidden folders and
    ``__pycache__`` are left out, as the scanner leaves them, without
    being walked (a plugin installed from git has a ``.git`` folder).
    """
    found: list[tuple[Path, str]] = []
    # os.scandir's entries know their type from the directory listing
    # (links followed, as Path.is_file does), without a stat per file.
    folders = [Path()]
    while folders:
        base = folders.pop()
        try:
            entries = list(os.scandir(root / base))
        except OSError:
            continue  # unreadable: skipped, as os.walk skips it
        for entry in entries:
            name = entry.name
            if entry.is_file():
                if name.endswith((".py", ".toml")):
                    found.append((base / name, (base / name).as_posix()))
            elif (
                entry.is_dir(follow_symlinks=False)
                and not name.startswith(".")
                and name != "__pycache__"
            ):
                folders.append(base / name)
    return [text for _, text in sorted(found)]


def _decoded(payload: bytes) -> list[Finding] | None:
    try:
        rows = json.loads(payload)
        return [
            Finding(
                rule=row["rule"],
                severity=Severity(row["severity"]),
                path=row["path"],
                line=row["line"],
                column=row["column"],
                message=row["message"],
            )
            for row in rows
        ]
    except (ValueError, KeyError, TypeError):
        return None


def cached_findings(
    root: Path,
    cache: BytecodeCache,
    sources: Mapping[str, bytes] | None = None,
) -> list[Finding]:
    """
    The scanner's findings for the plugin folder *root*, whose files are
    *sources* (read from *root* if not given), through *cache*.
    """
    if sources is None:
        sources = read_sources(root)
    key = _key(sources)
    owner = str(root)
    payload = cache.load_entry(key, SCAN_SUFFIX, owner=owner)
    found = None if payload is None else _decoded(payload)
    if found is not None:
        return found
    report = scan_plugin(root, parse=cache.parse, sources=sources)
    findings = list(report.findings)
    rows = [f.to_json() for f in findings]
    payload = json.dumps(rows).encode()
    cache.store_entry(key, SCAN_SUFFIX, payload, owner=owner)
    return findings


def scan_gate(
    record: PluginRecord, cache: BytecodeCache, threshold: Severity | None
) -> Mapping[str, bytes] | None:
    """
    Scan the plugin; refuse it if anything reaches *threshold*.

    Returns:
        The files scanned, for the sandbox to run exactly those bytes; None
        when nothing is scanned (no threshold).

    Raises:
        LoadError: Naming the worst finding and how many block, or a file
            that cannot be read.
    """
    if threshold is None:
        return None
    sources = read_sources(record.root)
    findings = cached_findings(record.root, cache, sources)
    blocking = [f for f in findings if f.severity >= threshold]
    if blocking:
        worst = max(blocking, key=lambda f: f.severity)
        msg = (
            f"blocked by the scanner: {len(blocking)} finding(s) at "
            f"{threshold.value} or above; worst: {worst.path}:{worst.line}: "
            f"{worst.rule} [{worst.severity.value}] {worst.message}"
        )
        raise LoadError(record.name, msg)
    return sources

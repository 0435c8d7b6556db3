"""
The scanner at load time: a plugin whose code has findings at or above the
host's threshold is not loaded.

Scanning parses every file again, so results are cached on disk, keyed by
the rules and the exact bytes of every file the scan reads.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from acc_plugins.errors import LoadError
from acc_plugins.security import RULES, Finding, Severity, scan_plugin


if TYPE_CHECKING:
    from ._record import PluginRecord

_RULES_FINGERPRINT = hashlib.sha256(
    "|".join(f"{r.id}:{r.severity.value}:{r.template}" for r in RULES).encode()
).hexdigest()


def _key(root: Path) -> str:
    digest = hashlib.sha256(_RULES_FINGERPRINT.encode())
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if any(
            p.startswith(".") or p == "__pycache__" for p in relative.parts
        ):
            continue
        if path.is_file() and path.suffix in {".py", ".toml"}:
            digest.update(str(relative).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _cached_findings(root: Path, cache_dir: Path) -> list[Finding]:
    key = _key(root)
    entry = cache_dir / f"{key}.json"
    try:
        rows = json.loads(entry.read_text())
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
    except (OSError, ValueError, KeyError, TypeError):
        pass
    findings = list(scan_plugin(root).findings)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
        with os.fdopen(fd, "w") as handle:
            json.dump([f.to_json() for f in findings], handle)
        Path(tmp).replace(entry)
    except OSError:
        pass  # a failed cache write only costs the next start a scan
    return findings


def scan_gate(
    record: PluginRecord, cache_dir: Path, threshold: Severity | None
) -> list[Finding]:
    """
    Scan the plugin; refuse it if anything reaches *threshold*.

    Returns:
        Every finding, for the record.

    Raises:
        LoadError: Naming the worst finding and how many block.
    """
    if threshold is None:
        return []
    findings = _cached_findings(record.root, cache_dir)
    blocking = [f for f in findings if f.severity >= threshold]
    if blocking:
        worst = max(blocking, key=lambda f: f.severity)
        msg = (
            f"blocked by the scanner: {len(blocking)} finding(s) at "
            f"{threshold.value} or above; worst: {worst.path}:{worst.line}: "
            f"{worst.rule} [{worst.severity.value}] {worst.message}"
        )
        raise LoadError(record.name, msg)
    return findings

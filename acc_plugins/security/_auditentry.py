"""
One entry of the audit trail: its kinds, its fields, its canonical JSON
and hash, and the checks a line must pass to count as an entry.
"""

from __future__ import annotations

import enum
import hashlib
import json
import re
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

import attrs


if TYPE_CHECKING:
    from pathlib import Path

_HEX: Final = re.compile(r"[0-9a-f]{64}")
_KEYS: Final = frozenset(
    {"seq", "time", "kind", "plugin", "detail", "prev", "hash"}
)
_ENCODER: Final = json.JSONEncoder(
    ensure_ascii=False, allow_nan=False, sort_keys=True, separators=(",", ":")
)


class AuditKind(enum.Enum):
    """
    What an audit entry records.
    """

    INSTALL = "install"
    UPDATE = "update"
    REMOVE = "remove"
    ENABLE = "enable"
    DISABLE = "disable"
    GRANT = "grant"
    REVOKE = "revoke"
    DENIAL = "denial"
    VIOLATION = "violation"
    BUDGET = "budget"
    QUARANTINE = "quarantine"
    PROMPT = "prompt"
    RELEASE = "release"
    LOAD = "load"
    ERROR = "error"
    REPAIR = "repair"
    POLICY = "policy"


@attrs.frozen
class AuditEntry:
    """
    One line of the audit trail.

    Attributes:
        seq: Position in the trail, from 1, continuous across rotated files.

        time: When it was written, UTC ISO 8601 with microseconds.

        kind: What happened.

        plugin: The plugin concerned, if any.

        detail: Further facts, JSON values only.

        prev: The previous entry's ``hash``; 64 zeros for the first entry.

        hash: SHA-256 (hex) of the canonical JSON of the other fields.
    """

    seq: int
    time: str
    kind: AuditKind
    plugin: str | None
    detail: dict[str, Any]
    prev: str
    hash: str

    def as_dict(self) -> dict[str, Any]:
        """
        The entry as the JSON object stored on its line.
        """
        return {**attrs.asdict(self), "kind": self.kind.value}


@attrs.frozen
class VerifyResult:
    """
    The outcome of `AuditLog.verify`.

    Attributes:
        ok: Whether the whole chain is intact.

        entries: Entries checked and found good before any problem.

        files: Log files found.

        problem: What is wrong, starting with ``edited``, ``reordered``,
            ``deleted`` or ``truncated``; None when ok.

        file: The file holding the first broken entry.

        line: Its line number (1-based) in that file.
    """

    ok: bool
    entries: int
    files: int
    problem: str | None = None
    file: Path | None = None
    line: int | None = None


_KINDS: Final = frozenset(kind.value for kind in AuditKind)


def canonical(value: object) -> str:
    return _ENCODER.encode(value)


def hash_of(fields: dict[str, Any]) -> str:
    body = {key: value for key, value in fields.items() if key != "hash"}
    return hashlib.sha256(canonical(body).encode("utf-8")).hexdigest()


def _no_constants(name: str) -> None:
    msg = f"{name} is not JSON"
    raise ValueError(msg)


def parse_entry(raw: bytes) -> AuditEntry | str:
    """
    The entry on one line (without its newline), or what is wrong with it.
    """
    try:
        text = raw.decode("utf-8")
        obj = json.loads(text, parse_constant=_no_constants)
    except (ValueError, RecursionError) as exc:
        # A torn write leaves a prefix, which cannot end an object.
        if not raw.endswith(b"}"):
            return "truncated: the line ends before its entry does"
        return f"edited: not valid JSON ({exc})"
    if not isinstance(obj, dict) or obj.keys() != _KEYS:
        return "edited: not an audit entry (wrong fields)"
    seq, time, kind = obj["seq"], obj["time"], obj["kind"]
    if (
        type(seq) is not int
        or seq < 1
        or not isinstance(time, str)
        or not isinstance(kind, str)
        or kind not in _KINDS
        or not isinstance(obj["plugin"], str | None)
        or not isinstance(obj["detail"], dict)
        or not all(
            isinstance(obj[key], str) and _HEX.fullmatch(obj[key])
            for key in ("prev", "hash")
        )
    ):
        return "edited: a field has the wrong type"
    try:
        datetime.fromisoformat(time)
    except ValueError:
        return "edited: time is not ISO 8601"
    if canonical(obj) != text:
        return "edited: the line is not in canonical form"
    if hash_of(obj) != obj["hash"]:
        return "edited: the content does not match its hash"
    return AuditEntry(
        seq, time, AuditKind(kind), obj["plugin"], obj["detail"],
        obj["prev"], obj["hash"],
    )  # fmt: skip

"""
Checking the whole audit chain: every line an entry, seqs continuous
across files, each ``prev`` the hash before it, and ``audit.head``
agreeing with the newest entry.

Kept apart from `AuditLog` because it only reads: it works on files the
log opened for it and reports problems as data, never raising for them.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from ._auditentry import AuditEntry, VerifyResult, parse_entry
from ._auditfiles import CURRENT, GENESIS, HEAD, ROTATED


if TYPE_CHECKING:
    from collections.abc import Iterator


Opened = tuple[Path, BinaryIO, int]
Record = tuple[Path, int, bytes | None]


def records(opened: list[Opened]) -> Iterator[Record]:
    """
    ``(file, line number, line)`` for each line up to each file's snapshot
    size, then ``(file, lines in it, None)`` at the end of each file.
    """
    for path, file, size in opened:
        consumed = number = 0
        for whole in file:
            if consumed >= size:
                break
            raw = whole[: size - consumed]
            consumed += len(raw)
            number += 1
            yield path, number, raw
        yield path, number, None


def _seq_appears(seq: int, records: Iterator[Record]) -> bool:
    for _, _, raw in records:
        entry = parse_entry(raw.removesuffix(b"\n")) if raw else None
        if isinstance(entry, AuditEntry) and entry.seq == seq:
            return True
    return False


def _read_head(raw: bytes | None) -> tuple[int, str] | str | None:
    if raw is None:
        return None
    with contextlib.suppress(ValueError, TypeError, KeyError, RecursionError):
        head = json.loads(raw)
        if type(head["seq"]) is int and isinstance(head["hash"], str):
            return head["seq"], head["hash"]
    return "edited: audit.head is not a head record"


def _missing(first: int | str, last: int | str) -> str:
    if str(first) == str(last):
        return f"entry {first} is missing"
    return f"entries {first}-{last} are missing"


def _check(
    raw: bytes, expected: int, prev: str, records: Iterator[Record]
) -> AuditEntry | str:
    """
    The entry on *raw* if it is the one the chain expects, else the problem.
    """
    entry = parse_entry(raw.removesuffix(b"\n"))
    if isinstance(entry, str):
        return entry
    if entry.seq > expected and not _seq_appears(expected, records):
        return f"deleted: {_missing(expected, entry.seq - 1)} before this one"
    if entry.seq != expected:
        return f"reordered: entry {entry.seq} stands where {expected} belongs"
    if entry.prev != prev:
        return "edited: prev does not match the hash of the entry before"
    return entry


def verify(
    opened: list[Opened], head_raw: bytes | None, directory: Path
) -> VerifyResult:
    count, prev = 0, GENESIS

    def broken(problem: str, path: Path, line: int) -> VerifyResult:
        return VerifyResult(False, count, len(opened), problem, path, line)

    head = _read_head(head_raw)
    if isinstance(head, str):
        return broken(head, directory / HEAD, 1)
    path, line = directory / CURRENT, 0
    lines = records(opened)
    for path, line, raw in lines:
        if raw is not None:
            entry = _check(raw, count + 1, prev, lines)
            if isinstance(entry, str):
                return broken(entry, path, line)
            if head and head[0] == entry.seq and head[1] != entry.hash:
                problem = "edited: the entry does not match audit.head"
                return broken(problem, path, line)
            count, prev = entry.seq, entry.hash
        elif (named := ROTATED.fullmatch(path.name)) and int(named[2]) > count:
            # A rotated file ends short of the last seq its name gives.
            problem = f"deleted: {_missing(count + 1, named[2])}"
            return broken(problem, path, line + 1)
    if head is None and count > 1:
        return broken("deleted: audit.head is missing", directory / HEAD, 1)
    if head and head[0] > count:
        problem = f"deleted: {_missing(count + 1, head[0])}"
        return broken(problem, path, line + 1)
    return VerifyResult(True, count, len(opened))

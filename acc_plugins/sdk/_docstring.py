"""
The summary and ``Args:`` entries of a Google-style docstring.
"""

from __future__ import annotations

import inspect
import re
from typing import Final


__all__ = ["parse_docstring"]

_ARG_SECTIONS: Final = (
    "Args",
    "Arguments",
    "Keyword Args",
    "Keyword Arguments",
    "Parameters",
)
_SECTION: Final = re.compile(r"^\s*([A-Z][A-Za-z ]*):\s*$")
_ENTRY: Final = re.compile(r"^\*{0,2}(\w+)\s*(?:\([^)]*\))?\s*:(.*)$")


def parse_docstring(doc: str) -> tuple[str, dict[str, str]]:
    """
    Split a Google-style docstring into its summary and ``Args:`` entries.
    """
    lines = inspect.cleandoc(doc).splitlines()
    summary: list[str] = []
    for line in lines:
        if not line.strip() or _SECTION.match(line):
            break
        summary.append(line)
    entries: dict[str, list[str]] = {}
    section: int | None = None  # indent of the current Args: header
    entry_indent: int | None = None
    current: list[str] | None = None
    for line in lines:
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if not stripped:
            continue
        if section is not None and indent <= section:
            section = None
        if section is None:
            header = _SECTION.match(line)
            if header and header.group(1) in _ARG_SECTIONS:
                section, entry_indent, current = indent, None, None
            continue
        entry = _ENTRY.match(stripped)
        if entry and (entry_indent is None or indent <= entry_indent):
            entry_indent = indent
            current = entries[entry.group(1)] = [entry.group(2)]
        elif current is not None:
            current.append(stripped)
    described = {name: _normalise(text) for name, text in entries.items()}
    return _normalise(summary), described


def _normalise(lines: list[str]) -> str:
    return " ".join(" ".join(lines).split())

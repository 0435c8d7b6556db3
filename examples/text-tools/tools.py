"""
Text and code utilities, each a typed tool.
"""

from __future__ import annotations

import difflib
import re
import textwrap
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Literal

from markers import COMMENT_PREFIXES, MARKERS

from acc_plugins.sdk import Plugin, ToolError, tool


@dataclass(frozen=True)
class Marker:
    """A TODO-style marker found in source code."""

    line: int
    kind: str
    text: str

    def as_dict(self) -> dict[str, object]:
        return {"line": self.line, "kind": self.kind, "text": self.text}


class TextTools(Plugin):
    """Typed text and code utilities."""

    def __init__(self) -> None:
        self._calls: Counter[str] = Counter()

    def _count(self, name: str) -> None:
        self._calls[name] += 1

    @tool
    def word_count(self, text: str) -> dict[str, int]:
        """
        Count the words, lines and characters of a text.

        Args:
            text: The text to measure.
        """
        self._count("word_count")
        return {
            "words": len(text.split()),
            "lines": len(text.splitlines()),
            "characters": len(text),
        }

    @tool
    def slugify(
        self, text: str, separator: str = "-", max_length: int = 64
    ) -> str:
        """
        Turn a title into a URL slug.

        Args:
            text: The title.
            separator: What joins the words.
            max_length: Longest slug returned.
        """
        self._count("slugify")
        if max_length < 1:
            raise ToolError("max_length must be at least 1")
        ascii_text = (
            unicodedata.normalize("NFKD", text)
            .encode("ascii", "ignore")
            .decode()
        )
        words = re.findall(r"[a-z0-9]+", ascii_text.lower())
        return separator.join(words)[:max_length].rstrip(separator)

    @tool
    def wrap(
        self,
        text: str,
        width: int | None = None,
        mode: Literal["fill", "lines"] = "fill",
    ) -> str | list[str]:
        """
        Wrap text to a width.

        Args:
            text: The text to wrap.
            width: The column to wrap at; the plugin's default_width setting if omitted.
            mode: "fill" returns one string, "lines" a list of lines.
        """
        self._count("wrap")
        columns = (
            width if width is not None else self.ctx.settings["default_width"]
        )
        lines = textwrap.wrap(text, width=columns)
        return "\n".join(lines) if mode == "fill" else lines

    @tool
    def extract_todos(
        self, code: str, language: str = "python"
    ) -> list[dict[str, object]]:
        """
        Find TODO, FIXME, XXX and HACK markers in comments.

        Args:
            code: Source code to scan.
            language: Decides which comment prefixes count.
        """
        self._count("extract_todos")
        prefixes = COMMENT_PREFIXES.get(language)
        if prefixes is None:
            known = ", ".join(sorted(COMMENT_PREFIXES))
            raise ToolError(f"unknown language {language!r}; known: {known}")
        found: list[Marker] = []
        for number, line in enumerate(code.splitlines(), start=1):
            stripped = line.strip()
            for prefix in prefixes:
                position = stripped.find(prefix)
                if position < 0:
                    continue
                comment = stripped[position + len(prefix) :].strip()
                if (match := MARKERS.match(comment)) is not None:
                    kind, rest = match.group(1), match.group(2)
                    found.append(Marker(number, kind, rest.strip(" :-")))
                break
        return [marker.as_dict() for marker in found]

    @tool
    def strip_comments(self, code: str) -> str:
        """
        Remove full-line '#' comments and trailing blank lines from Python code.

        Args:
            code: Python source.
        """
        self._count("strip_comments")
        kept = [
            line
            for line in code.splitlines()
            if not line.lstrip().startswith("#")
        ]
        while kept and not kept[-1].strip():
            kept.pop()
        return "\n".join(kept)

    @tool
    def diff_stats(self, old: str, new: str) -> dict[str, object]:
        """
        Compare two texts line by line.

        Args:
            old: The text before.
            new: The text after.
        """
        self._count("diff_stats")
        added = removed = 0
        for line in difflib.unified_diff(
            old.splitlines(), new.splitlines(), lineterm=""
        ):
            if line.startswith("+") and not line.startswith("+++"):
                added += 1
            elif line.startswith("-") and not line.startswith("---"):
                removed += 1
        ratio = difflib.SequenceMatcher(None, old, new).ratio()
        return {
            "added": added,
            "removed": removed,
            "similarity": round(ratio, 3),
        }

    @tool
    def usage(self) -> dict[str, int]:
        """How often each tool of this plugin was called since activation."""
        return dict(sorted(self._calls.items()))

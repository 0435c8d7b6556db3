"""
Plugins the benchmarks load: a trivial manifest, and a generated plugin of
about 170 lines (a dataclass, an index class, five typed tools).
"""

from __future__ import annotations

from typing import TYPE_CHECKING


if TYPE_CHECKING:
    from pathlib import Path


TRIVIAL_MANIFEST = """
[plugin]
name = "trivial"
version = "1.0.0"
description = "A trivial tool."
entry = "trivial:Trivial"
kind = "tool"
"""

GENERATED = '''
"""Generated plugin number {n}: a realistic text-analysis plugin."""

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from acc_plugins.sdk import Plugin, ToolError, tool

_WORD = re.compile(r"[a-z][a-z0-9_-]*")
_SENTENCE = re.compile(r"[.!?]+\\s+")
STOPWORDS = frozenset(("a", "an", "and", "are", "as", "at", "be", "by", "for",
                       "from", "in", "is", "it", "of", "on", "or", "the", "to"))


@dataclass
class Record{n}:
    """One word and where it was seen."""

    key: str
    count: int = 0
    lines: list = field(default_factory=list)

    def seen(self, line):
        self.count += 1
        if len(self.lines) < 10:
            self.lines.append(line)


class Index{n}:
    """An inverted index of words to records."""

    def __init__(self):
        self._records = {{}}
        self._documents = 0

    def __len__(self):
        return len(self._records)

    def __contains__(self, word):
        return word in self._records

    def add(self, text):
        self._documents += 1
        for number, line in enumerate(text.splitlines(), start=1):
            for word in _WORD.findall(line.lower()):
                if word in STOPWORDS:
                    continue
                record = self._records.get(word)
                if record is None:
                    record = self._records[word] = Record{n}(word)
                record.seen(number)

    def top(self, n):
        ranked = sorted(self._records.values(), key=lambda r: (-r.count, r.key))
        return ranked[:n]

    def lookup(self, word):
        record = self._records.get(word.lower())
        return None if record is None else record


def _sentences(text):
    return [part.strip() for part in _SENTENCE.split(text) if part.strip()]


def _shape(text):
    words = _WORD.findall(text.lower())
    lengths = Counter(len(word) for word in words)
    return {{"words": len(words), "lengths": dict(sorted(lengths.items()))}}


class Generated{n}(Plugin):
    """Plugin {n}: indexes texts and answers questions about them."""

    def __init__(self):
        self._index = Index{n}()
        self._history = []

    def _remember(self, action, detail):
        self._history.append({{"action": action, "detail": detail}})
        del self._history[:-50]

    @tool
    def index(self, text: str, source: str = "inline") -> dict[str, int]:
        """
        Add a text to the index.

        Args:
            text: The text to index.
            source: Where it came from.
        """
        if not text.strip():
            raise ToolError("nothing to index")
        self._index.add(text)
        self._remember("index", source)
        return {{"documents": self._index._documents, "words": len(self._index)}}

    @tool
    def top(self, n: int = 5) -> list[dict[str, object]]:
        """
        The most frequent words.

        Args:
            n: How many.
        """
        if n < 1:
            raise ToolError("n must be positive")
        return [{{"word": r.key, "count": r.count}} for r in self._index.top(n)]

    @tool
    def find(self, word: str) -> dict[str, object] | None:
        """
        Where a word was seen.

        Args:
            word: The word to look up.
        """
        record = self._index.lookup(word)
        if record is None:
            return None
        return {{"word": record.key, "count": record.count, "lines": list(record.lines)}}

    @tool
    def summary(self, text: str, sentences: int = 2) -> dict[str, object]:
        """
        Summarise a text: its first sentences and its shape.

        Args:
            text: The text.
            sentences: How many sentences to keep.
        """
        parts = _sentences(text)
        grouped = defaultdict(list)
        for part in parts:
            grouped[len(part) // 40].append(part)
        return {{
            "lead": parts[:sentences],
            "shape": _shape(text),
            "buckets": json.loads(json.dumps({{str(k): len(v) for k, v in grouped.items()}})),
        }}

    @tool
    def history(self) -> list[dict[str, str]]:
        """What this plugin was asked to do, newest last."""
        return list(self._history)
'''


def write_plugins(
    root: Path, count: int, *, requires: str | None = None
) -> list[str]:
    """
    Write *count* generated plugins ``gen0``... under *root*; with
    *requires*, each depends on the one before it (``gen1`` on ``gen0``),
    with that version specifier.
    """
    sources = []
    for n in range(count):
        folder = root / f"gen{n}"
        folder.mkdir(parents=True)
        source = GENERATED.format(n=n)
        manifest = TRIVIAL_MANIFEST.replace(
            "trivial:Trivial", f"gen:Generated{n}"
        ).replace('"trivial"', f'"gen{n}"')
        if requires is not None and n:
            manifest += f'\n[dependencies]\ngen{n - 1} = "{requires}"\n'
        (folder / "plugin.toml").write_text(manifest)
        (folder / "gen.py").write_text(source)
        sources.append(source)
    return sources

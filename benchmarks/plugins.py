"""
Plugins the benchmarks load: a trivial manifest, a light plugin, and
generated plugins of about 170 lines (a dataclass, an index class, five
typed tools) or about 40 (two tools).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar


if TYPE_CHECKING:
    from pathlib import Path


_T = TypeVar("_T")


TRIVIAL_MANIFEST = """
[plugin]
name = "trivial"
version = "1.0.0"
description = "A trivial tool."
entry = "trivial:Trivial"
kind = "tool"
"""

LIGHT_MANIFEST = """
[plugin]
name = "light"
version = "1.0.0"
description = "Light tools and a hook, for the application benchmark."
entry = "light:Light"
kind = "tool"
"""

LIGHT_PLUGIN = """
from acc_plugins.sdk import Event, Plugin, hook, tool


class Light(Plugin):
    def __init__(self):
        self.ticks = 0

    @tool
    def hello(self, name: str) -> str:
        return "hello " + name

    @tool
    def ping(self) -> str:
        return "pong"

    @tool
    def pair(self) -> dict[str, int]:
        return {"first": 1, "second": 2}

    @hook("app.tick")
    def on_tick(self, event: Event) -> None:
        self.ticks += 1
"""

# A small plugin of about 40 lines: two tools and a helper.
SMALL = '''
"""Generated small plugin number {n}."""

import re

from acc_plugins.sdk import Plugin, ToolError, tool

_WORD = re.compile(r"[a-z]+")


def _words(text):
    return _WORD.findall(text.lower())


class Generated{n}(Plugin):
    """Plugin {n}: counts and finds words."""

    def __init__(self):
        self._seen = 0

    @tool
    def count(self, text: str) -> int:
        """
        How many words a text has.

        Args:
            text: The text.
        """
        self._seen += 1
        return len(_words(text))

    @tool
    def longest(self, text: str) -> str:
        """
        The longest word of a text.

        Args:
            text: The text.
        """
        words = _words(text)
        if not words:
            raise ToolError("no words")
        return max(words, key=len)
'''

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


def write_light_plugin(root: Path) -> None:
    """
    Write the light plugin into ``root / "light"``.
    """
    (root / "light").mkdir(parents=True)
    (root / "light" / "plugin.toml").write_text(LIGHT_MANIFEST)
    (root / "light" / "light.py").write_text(LIGHT_PLUGIN)


def plain_instance(cls: type[_T]) -> _T:
    """
    An instance of a plugin class imported as ordinary Python, made
    without the host (``Plugin.__new__`` refuses that): the reference
    the benchmarks call directly.
    """
    instance = object.__new__(cls)
    cls.__init__(instance)
    return instance


def write_plugins(
    root: Path,
    count: int,
    *,
    requires: str | None = None,
    template: str = GENERATED,
) -> list[str]:
    """
    Write *count* generated plugins ``gen0``... under *root*; with
    *requires*, each depends on the one before it (``gen1`` on ``gen0``),
    with that version specifier.  *template* is ``GENERATED`` (about 170
    lines) or ``SMALL`` (about 40).
    """
    sources = []
    for n in range(count):
        folder = root / f"gen{n}"
        folder.mkdir(parents=True)
        source = template.format(n=n)
        manifest = TRIVIAL_MANIFEST.replace(
            "trivial:Trivial", f"gen:Generated{n}"
        ).replace('"trivial"', f'"gen{n}"')
        if requires is not None and n:
            manifest += f'\n[dependencies]\ngen{n - 1} = "{requires}"\n'
        (folder / "plugin.toml").write_text(manifest)
        (folder / "gen.py").write_text(source)
        sources.append(source)
    return sources

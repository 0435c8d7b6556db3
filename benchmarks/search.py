"""
Search benchmark: queries over a generated 10,000-plugin registry index
through the Python API (`Catalog`), the issue's target being a p50 of at
most 20 ms.

Unlike the other groups this is an absolute time, as the target is: each
query is timed alone, interpreter start and the one-off preparation of
the index (reported in a note) not counted.  The queries are what people
type: one common word, two words, a rare word, a prefix half typed, a
category, every sort order, and no words at all.
"""

from __future__ import annotations

import datetime as dt
import gc
import random
import statistics
import time
from typing import Final

from _report import Row
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
)

from acc_plugins.market._index import (
    Index,
    Listing,
    Publisher,
    Rating,
    Release,
)
from acc_plugins.market._indexfile import open_index, seal_index
from acc_plugins.market._keys import PublicKey
from acc_plugins.market._search import Catalog


PLUGINS: Final = 10_000
TARGET_MS: Final = 20.0
_VOCABULARY: Final = [
    "git",
    "lint",
    "format",
    "sql",
    "agent",
    "test",
    "docs",
    "deploy",
    "cloud",
    "aws",
    "azure",
    "gcp",
    "docker",
    "kube",
    "search",
    "index",
    "cache",
    "http",
    "json",
    "yaml",
    "toml",
    "csv",
    "markdown",
    "review",
    "code",
    "python",
    "rust",
    "go",
    "java",
    "typescript",
    "security",
    "scan",
    "audit",
    "secrets",
    "slack",
    "email",
    "calendar",
    "notes",
    "todo",
    "jira",
    "github",
    "gitlab",
    "metrics",
    "logs",
    "trace",
    "profile",
    "translate",
    "summarise",
    "chat",
    "image",
    "pdf",
    "spreadsheet",
    "database",
    "backup",
    "sync",
]
_QUERIES: Final = (
    ("lint", None, "relevance"),
    ("git review", None, "relevance"),
    ("spreadsheet backup", None, "relevance"),
    ("fo", None, "relevance"),
    ("kube", "agent", "relevance"),
    ("python", None, "downloads"),
    ("", None, "rating"),
    ("", "workflow", "updated"),
    ("zzzz", None, "relevance"),
)


def _index(count: int, seed: int = 11) -> Index:
    chance = random.Random(seed)  # noqa: S311 -- test data, not secrets
    key = Ed25519PrivateKey.from_private_bytes(bytes(32))
    public = PublicKey.of(key)
    base = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    plugins = {}
    for number in range(count):
        words = chance.sample(_VOCABULARY, 2)
        name = f"{words[0]}-{words[1]}-{number}"
        version = f"1.{chance.randrange(10)}.0"
        plugins[name] = Listing(
            name=name,
            description=" ".join(chance.choices(_VOCABULARY, k=12)),
            kind=chance.choice(("tool", "agent", "workflow", "mixed")),
            keywords=tuple(chance.sample(_VOCABULARY, 3)),
            publisher="acme",
            downloads=chance.randrange(100_000),
            rating=Rating(
                count=chance.randrange(50),
                average=round(chance.uniform(1, 5), 2),
            ),
            versions={
                version: Release(
                    archive=f"archives/{name}/{name}-{version}.accp",
                    sha256="0" * 64,
                    size=1000,
                    key_id=public.key_id,
                    signature="c2ln",
                    published_at=(
                        base + dt.timedelta(minutes=chance.randrange(500_000))
                    ).isoformat(),
                )
            },
        )
    return Index(
        registry="bench",
        serial=1,
        updated_at=base.isoformat(),
        expires_at=(base + dt.timedelta(days=3650)).isoformat(),
        publishers={"acme": Publisher(keys={public.key_id: public.text})},
        plugins=plugins,
    )


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def bench_search(rounds: int) -> list[Row]:
    """
    p50 and p95 of one search over a 10,000-plugin index.
    """
    key = Ed25519PrivateKey.from_private_bytes(bytes(32))
    signed = open_index(
        seal_index(_index(PLUGINS), key), where="bench", owner=None
    )
    start = time.perf_counter()
    Catalog.of([("bench", signed)])
    prepare = time.perf_counter() - start
    times: list[float] = []
    gc.collect()
    for _ in range(rounds * 3):
        for query, category, sort in _QUERIES:
            start = time.perf_counter()
            Catalog.of([("bench", signed)]).search(
                query, category=category, sort=sort
            )
            times.append(time.perf_counter() - start)
    p50 = _percentile(times, 0.5) * 1e3
    p95 = _percentile(times, 0.95) * 1e3
    worst = max(times) * 1e3
    return [
        Row(
            f"search, {PLUGINS:,} plugins, p50",
            f"{p50:.1f} ms",
            f"p95 {p95:.1f} ms",
            f"<= {TARGET_MS:g} ms",
            p50 <= TARGET_MS,
            note=(
                f"{len(times)} queries, slowest {worst:.1f} ms, mean "
                f"{statistics.fmean(times) * 1e3:.1f} ms; preparing the "
                f"index once: {prepare * 1e3:.0f} ms"
            ),
        )
    ]

"""
Hypothesis strategies for registry indexes: every one valid, so that a
round trip must give it back and any single change must be noticed.
"""

import datetime as dt
import string

from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
)
from hypothesis import strategies as st

from acc_plugins.market._index import (
    Index,
    Listing,
    Publisher,
    Rating,
    Release,
)
from acc_plugins.market._keys import PublicKey


# A few real keys: generating one per example would only slow the search.
KEYS = [PublicKey.of(Ed25519PrivateKey.generate()) for _ in range(3)]

texts = st.text(st.characters(codec="utf-8"), max_size=20)
names = st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True)
words = st.text(string.ascii_lowercase, min_size=1, max_size=8)
times = st.datetimes(
    min_value=dt.datetime(2000, 1, 1),  # noqa: DTZ001 -- hypothesis wants naive bounds
    max_value=dt.datetime(2100, 1, 1),  # noqa: DTZ001 -- likewise
    timezones=st.just(dt.UTC),
).map(lambda moment: moment.isoformat())
versions = st.tuples(
    st.integers(0, 20), st.integers(0, 20), st.integers(0, 20)
).map(lambda parts: ".".join(map(str, parts)))
hexes = st.text("0123456789abcdef", min_size=64, max_size=64)
text_tuples = st.lists(words, max_size=3).map(tuple)


@st.composite
def releases(draw: st.DrawFn, name: str, version: str) -> Release:
    return Release(
        archive=f"archives/{name}/{name}-{version}.accp",
        sha256=draw(hexes),
        size=draw(st.integers(1, 2**40)),
        key_id=draw(st.sampled_from(KEYS)).key_id,
        signature=draw(texts),
        published_at=draw(times),
        requires_acc=draw(st.sampled_from(["", ">=1.0", ">=1,<3"])),
        dependencies=draw(st.dictionaries(names, st.just(">=1"), max_size=2)),
        permissions=draw(text_tuples),
        tools=draw(text_tuples),
        agents=draw(text_tuples),
        workflows=draw(text_tuples),
        hooks=draw(text_tuples),
        settings=draw(st.dictionaries(words, words, max_size=2)),
        isolation=draw(st.sampled_from(["in-process", "isolated"])),
        yanked=draw(st.none() | texts),
    )


@st.composite
def listings(draw: st.DrawFn, name: str, publishers: list[str]) -> Listing:
    chosen = draw(st.lists(versions, max_size=3, unique=True))
    return Listing(
        name=name,
        description=draw(texts),
        kind=draw(st.sampled_from(["agent", "tool", "workflow", "mixed"])),
        keywords=draw(text_tuples),
        publisher=draw(st.sampled_from(publishers)),
        homepage=draw(st.none() | st.just("https://example.org")),
        license=draw(st.none() | st.just("MIT")),
        downloads=draw(st.integers(0, 2**40)),
        rating=Rating(
            count=draw(st.integers(0, 1000)),
            average=draw(st.floats(0, 5, allow_nan=False)),
        ),
        reports=draw(st.integers(0, 9)),
        versions={v: draw(releases(name, v)) for v in chosen},
    )


@st.composite
def indexes(draw: st.DrawFn) -> Index:
    owners = draw(
        st.lists(st.sampled_from(KEYS), unique=True, min_size=1, max_size=3)
    )
    publishers = {
        f"pub{number}": Publisher(
            keys={key.key_id: key.text}, vouched=draw(st.booleans())
        )
        for number, key in enumerate(owners)
    }
    # Releases sign with any of the three keys; the index does not check
    # which publisher a release's key belongs to (the client does).
    plugin_names = draw(st.lists(names, unique=True, max_size=4))
    return Index(
        registry=draw(texts),
        serial=draw(st.integers(0, 2**53)),
        updated_at=draw(times),
        expires_at=draw(times),
        publishers=publishers,
        plugins={
            name: draw(listings(name, list(publishers)))
            for name in plugin_names
        },
    )


def places(node, where=()):
    """
    Every value inside JSON data *node*, with where it is (keys, and
    indices for arrays), containers after their contents.
    """
    if isinstance(node, dict):
        for key, value in node.items():
            yield from places(value, (*where, key))
    elif isinstance(node, list):
        for number, value in enumerate(node):
            yield from places(value, (*where, number))
    yield where, node

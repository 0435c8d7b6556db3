"""
Finding plugins in one or many registry indexes: query words, a category
filter, four sort orders, and pages.

Why a prepared `Catalog`: an index of 10,000 plugins must answer in a few
milliseconds (``search`` in the terminal, a host's own plugin browser).
Everything that does not depend on the query is done once per index
digest and cached: each listing's text folded into one lowercase
haystack, its sort keys, and the listings pre-sorted in every order but
relevance.  A query then costs a substring test per listing and a sort of
the matches by score.

Matching: a listing matches when every query word occurs in its name,
keywords, description or publisher (a substring, so ``form`` finds
``formatter`` as the user types).  Relevance weighs where each word was
found, the name most, then keywords, description, publisher; ties go to
the more downloaded.  A plugin whose every release is yanked is hidden.
"""

from __future__ import annotations

import datetime as dt
import heapq
import threading
import unicodedata
from collections import OrderedDict
from typing import TYPE_CHECKING, Final

import attrs


if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence

    from ._index import Listing
    from ._indexfile import SignedIndex

SORTS: Final = ("relevance", "downloads", "rating", "updated")
"""The orders results can come in; relevance is the default."""

MAX_PER_PAGE: Final = 1000

# Where a query word was found, by field: the name counts most.
_NAME, _KEYWORDS, _DESCRIPTION, _PUBLISHER = 8.0, 4.0, 2.0, 1.0
_NAME_PREFIX: Final = 4.0
_NAME_EXACT: Final = 16.0
_CACHED: Final = 16


def normalise(text: str) -> str:
    """
    *text* as searched: NFKC-normalised and case-folded, so that full-width
    letters and ``FOO`` both find ``foo``.
    """
    return unicodedata.normalize("NFKC", text).casefold()


def query_words(query: str) -> list[str]:
    """
    The words of *query*, normalised, in order, without repeats.
    """
    return list(dict.fromkeys(normalise(query).split()))


@attrs.frozen
class Hit:
    """
    One plugin found.

    Attributes:
        registry: The registry it was found in.

        listing: The plugin.

        score: How well it matched (0 for an empty query); only the order
            of scores means anything.
    """

    registry: str
    listing: Listing
    score: float


@attrs.frozen
class Page:
    """
    One page of results.

    Attributes:
        hits: The plugins on this page, in order.

        total: How many plugins matched, on every page.

        page: Which page, from 1.

        per_page: How many plugins a full page holds.
    """

    hits: tuple[Hit, ...]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """
        How many pages the results fill (at least 1).
        """
        return max(1, -(-self.total // self.per_page))


@attrs.frozen(slots=True)
class _Entry:
    """
    One listing, prepared: its fields normalised and its sort keys.
    """

    registry: str
    listing: Listing
    name: str
    keywords: str
    description: str
    publisher: str
    haystack: str
    kind: str
    downloads: int
    rating: tuple[float, int]
    updated: float

    def matches(self, words: Sequence[str]) -> bool:
        haystack = self.haystack
        return all(word in haystack for word in words)

    def score(self, words: Sequence[str], phrase: str) -> float:
        total = _NAME_EXACT if self.name == phrase else 0.0
        for word in words:
            if word in self.name:
                total += _NAME
                if self.name.startswith(word):
                    total += _NAME_PREFIX
            elif word in self.keywords:
                total += _KEYWORDS
            elif word in self.description:
                total += _DESCRIPTION
            else:
                total += _PUBLISHER
        return total


def timestamp(text: str) -> float:
    """
    An ISO 8601 time as seconds since the epoch, 0 when it is not one.
    """
    try:
        return dt.datetime.fromisoformat(text).timestamp()
    except ValueError:
        return 0.0


def _entry(registry: str, listing: Listing) -> _Entry:
    fields = (
        normalise(listing.name),
        normalise(" ".join(listing.keywords)),
        normalise(listing.description),
        normalise(listing.publisher),
    )
    return _Entry(
        registry,
        listing,
        *fields,
        # A newline never occurs in a query word, so no word can match
        # across two fields.
        haystack="\n".join(fields),
        kind=normalise(listing.kind),
        downloads=listing.downloads,
        rating=(listing.rating.average, listing.rating.count),
        updated=timestamp(listing.updated_at),
    )


def _visible(listing: Listing) -> bool:
    return any(r.yanked is None for r in listing.versions.values())


# The sort keys of each order but relevance; ascending, ties by name.
_ORDER_KEYS: Final[dict[str, Callable[[_Entry], tuple[object, ...]]]] = {
    "downloads": lambda e: (-e.downloads, e.name),
    "rating": lambda e: (-e.rating[0], -e.rating[1], -e.downloads, e.name),
    "updated": lambda e: (-e.updated, e.name),
}
_BASE: Final = "downloads"


@attrs.frozen
class _Prepared:
    """
    One registry's index, prepared for searching.
    """

    orders: dict[str, list[_Entry]]
    categories: frozenset[str]


def _prepare(registry: str, signed: SignedIndex) -> _Prepared:
    entries = [
        _entry(registry, listing)
        for listing in signed.index.plugins.values()
        if _visible(listing)
    ]
    orders = {
        sort: sorted(entries, key=key) for sort, key in _ORDER_KEYS.items()
    }
    return _Prepared(orders, frozenset(e.kind for e in entries))


class _Cache:
    """
    Prepared indexes by (registry, digest), the few most recently used:
    a host that searches again and again prepares each index once.
    """

    def __init__(self) -> None:
        self._items: OrderedDict[tuple[str, str], _Prepared] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, registry: str, signed: SignedIndex) -> _Prepared:
        key = (registry, signed.digest)
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        prepared = _prepare(registry, signed)
        with self._lock:
            self._items[key] = prepared
            while len(self._items) > _CACHED:
                self._items.popitem(last=False)
        return prepared


_cache: Final = _Cache()


class Catalog:
    """
    The plugins of one or more registries, ready to search.

    Build it with `Catalog.of`; searching never changes it, so one
    catalog may serve many threads.

    Example:
        >>> catalog = Catalog.of([("team", client.index())])  # doctest: +SKIP
        >>> catalog.search("lint", sort="downloads").hits  # doctest: +SKIP
    """

    def __init__(self, parts: Sequence[_Prepared]) -> None:
        self._parts = tuple(parts)

    def __repr__(self) -> str:
        count = sum(len(p.orders[_BASE]) for p in self._parts)
        return f"<Catalog registries={len(self._parts)} plugins={count}>"

    @classmethod
    def of(cls, indexes: Iterable[tuple[str, SignedIndex]]) -> Catalog:
        """
        A catalog of *indexes*: (registry name, its checked index) pairs,
        in the order their registries are searched (on equal terms, a
        plugin of an earlier registry comes first).
        """
        return cls([_cache.get(name, signed) for name, signed in indexes])

    def categories(self) -> list[str]:
        """
        Every category (plugin kind) some visible plugin has, sorted.
        """
        return sorted(set().union(*(p.categories for p in self._parts)))

    def search(
        self,
        query: str = "",
        *,
        category: str | None = None,
        sort: str = "relevance",
        page: int = 1,
        per_page: int = 20,
    ) -> Page:
        """
        The plugins that match *query*, one page of them.

        Args:
            query: Words that must all occur in a plugin's name, keywords,
                description or publisher; empty for every plugin.

            category: Only plugins of this kind (agent, tool, workflow,
                mixed); None for all.

            sort: One of `SORTS`.

            page: Which page, from 1; past the last, a page with no hits.

            per_page: How many plugins a page holds.

        Raises:
            ValueError: If *sort*, *page* or *per_page* is out of range.
        """
        if sort not in SORTS:
            msg = f"sort must be one of {', '.join(SORTS)}, not {sort!r}"
            raise ValueError(msg)
        if page < 1:
            msg = f"page must be 1 or more, not {page}"
            raise ValueError(msg)
        if not 1 <= per_page <= MAX_PER_PAGE:
            msg = f"per_page must be 1 to {MAX_PER_PAGE}, not {per_page}"
            raise ValueError(msg)
        words = query_words(query)
        kind = None if category is None else normalise(category)
        base = _BASE if sort == "relevance" else sort
        found = [
            entry
            for entry in self._ordered(base)
            if (kind is None or entry.kind == kind) and entry.matches(words)
        ]
        if sort == "relevance" and words:
            phrase = " ".join(words)
            scores = {id(e): e.score(words, phrase) for e in found}
            # Stable: equal scores keep the downloads order.
            found.sort(key=lambda e: -scores[id(e)])
        else:
            scores = {}
        start = (page - 1) * per_page
        hits = tuple(
            Hit(e.registry, e.listing, scores.get(id(e), 0.0))
            for e in found[start : start + per_page]
        )
        return Page(hits, len(found), page, per_page)

    def _ordered(self, sort: str) -> Iterator[_Entry]:
        lists = [part.orders[sort] for part in self._parts]
        if len(lists) == 1:
            return iter(lists[0])
        # heapq.merge keeps equal keys in the order of the lists.
        return heapq.merge(*lists, key=_ORDER_KEYS[sort])

"""
Searching registry indexes: matching, ranking, filters, sorts and pages.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acc_plugins.market._search import Catalog, normalise, query_words

from ._catalog import index, listing, release, signed


_WORDS = ["git", "lint", "format", "Sql", "agent", "Ünï", "doc", "fmt"]
_KINDS = ["tool", "agent", "workflow", "mixed"]


@st.composite
def _listings(draw):
    names = draw(
        st.lists(
            st.text("abcdefgh-", min_size=1, max_size=8).map(
                lambda s: "p" + s
            ),
            min_size=0,
            max_size=25,
            unique=True,
        )
    )
    items = []
    for number, name in enumerate(names):
        yanked = draw(st.booleans()) and draw(st.booleans())
        items.append(
            listing(
                name,
                description=" ".join(
                    draw(st.lists(st.sampled_from(_WORDS), max_size=4))
                ),
                keywords=tuple(
                    draw(st.lists(st.sampled_from(_WORDS), max_size=3))
                ),
                kind=draw(st.sampled_from(_KINDS)),
                publisher=draw(st.sampled_from(["acme", "nobody"])),
                downloads=draw(st.integers(0, 50)),
                rating=(
                    draw(st.sampled_from([0.0, 2.5, 4.0, 5.0])),
                    draw(st.integers(0, 3)),
                ),
                versions={
                    "1.0.0": release(
                        name,
                        "1.0.0",
                        day=draw(st.integers(0, 9)) + number % 3,
                        yanked="broken" if yanked else None,
                    )
                },
            )
        )
    return items


_QUERIES = st.lists(
    st.sampled_from([*_WORDS, "p", "a", "ab", "zzz"]), max_size=3
).map(" ".join)


def _haystack(item):
    return "\n".join(
        normalise(field)
        for field in (
            item.name,
            " ".join(item.keywords),
            item.description,
            item.publisher,
        )
    )


def _expected(items, query, category=None):
    words = query_words(query)
    return {
        item.name
        for item in items
        if all(word in _haystack(item) for word in words)
        and (category is None or item.kind == category)
        and any(r.yanked is None for r in item.versions.values())
    }


@given(_listings(), _QUERIES, st.none() | st.sampled_from(_KINDS))
def test_results_are_exactly_the_listings_matching_every_word(
    items, query, category
):
    """Every hit holds every query word, and every visible listing that does is a hit."""
    catalog = Catalog.of([("test", signed(index(items)))])

    page = catalog.search(query, category=category, per_page=1000)

    assert {hit.listing.name for hit in page.hits} == _expected(
        items, query, category
    )
    assert page.total == len(page.hits)


@given(_listings(), _QUERIES)
def test_sort_orders_hold(items, query):
    """Each sort order is monotonic in its key, and relevance in the score."""
    catalog = Catalog.of([("test", signed(index(items)))])

    def results(sort):
        return list(catalog.search(query, sort=sort, per_page=1000).hits)

    downloads = [hit.listing.downloads for hit in results("downloads")]
    ratings = [
        (hit.listing.rating.average, hit.listing.rating.count)
        for hit in results("rating")
    ]
    updated = [hit.listing.updated_at for hit in results("updated")]
    scores = [hit.score for hit in results("relevance")]
    assert downloads == sorted(downloads, reverse=True)
    assert ratings == sorted(ratings, reverse=True)
    assert updated == sorted(updated, reverse=True)
    assert scores == sorted(scores, reverse=True)


@given(
    _listings(),
    _QUERIES,
    st.sampled_from(["relevance", "downloads", "rating", "updated"]),
    st.integers(1, 7),
)
def test_pages_partition_the_results(items, query, sort, per_page):
    """The pages, in turn, hold every result once and in order."""
    catalog = Catalog.of([("test", signed(index(items)))])
    whole = catalog.search(query, sort=sort, per_page=1000)

    first = catalog.search(query, sort=sort, per_page=per_page)
    paged = [
        hit
        for number in range(1, first.pages + 1)
        for hit in catalog.search(
            query, sort=sort, page=number, per_page=per_page
        ).hits
    ]

    assert paged == list(whole.hits)
    assert first.total == whole.total
    assert (
        catalog.search(
            query, sort=sort, page=first.pages + 1, per_page=per_page
        ).hits
        == ()
    )


def test_a_word_in_the_name_ranks_above_the_same_word_elsewhere():
    """Name, keywords, description, publisher: in that order of weight."""
    items = [
        listing("by-publisher", publisher="lint", downloads=90),
        listing("by-description", description="a lint tool", downloads=80),
        listing("by-keyword", keywords=("lint",), downloads=70),
        listing("linter", downloads=0),
        listing("lint", downloads=0),
    ]
    value = index(items)
    value = value.__class__(
        registry=value.registry,
        serial=value.serial,
        updated_at=value.updated_at,
        expires_at=value.expires_at,
        publishers={**value.publishers, "lint": value.publishers["acme"]},
        plugins=value.plugins,
    )
    catalog = Catalog.of([("test", signed(value))])

    names = [hit.listing.name for hit in catalog.search("LINT").hits]

    assert names == [
        "lint",
        "linter",
        "by-keyword",
        "by-description",
        "by-publisher",
    ]


def test_an_empty_query_lists_everything_most_downloaded_first():
    """No words: every visible plugin, by downloads."""
    items = [
        listing("a", downloads=1),
        listing("b", downloads=5),
        listing("c"),
    ]
    catalog = Catalog.of([("test", signed(index(items)))])

    page = catalog.search()

    assert [hit.listing.name for hit in page.hits] == ["b", "a", "c"]


def test_plugins_with_every_version_yanked_are_hidden():
    """A plugin with one installable version shows; one with none does not."""
    items = [
        listing(
            "half",
            versions={
                "1.0.0": release("half", "1.0.0"),
                "2.0.0": release("half", "2.0.0", yanked="broken"),
            },
        ),
        listing(
            "gone",
            versions={"1.0.0": release("gone", "1.0.0", yanked="malware")},
        ),
    ]
    catalog = Catalog.of([("test", signed(index(items)))])

    assert [hit.listing.name for hit in catalog.search().hits] == ["half"]
    assert catalog.search("gone").total == 0


def test_several_registries_are_searched_and_ties_keep_their_order():
    """The same plugin in two registries is two hits, the first registry's first."""
    first = Catalog.of(
        [
            (
                "one",
                signed(
                    index([listing("dup"), listing("x", downloads=3)]), "one"
                ),
            ),
            (
                "two",
                signed(
                    index([listing("dup"), listing("y", downloads=2)]), "two"
                ),
            ),
        ]
    )

    hits = first.search(sort="downloads").hits

    assert [(h.registry, h.listing.name) for h in hits] == [
        ("one", "x"),
        ("two", "y"),
        ("one", "dup"),
        ("two", "dup"),
    ]
    assert first.categories() == ["tool"]


def test_the_category_filter_ignores_case():
    """--category Agent finds agents."""
    items = [listing("a", kind="agent"), listing("t", kind="tool")]
    catalog = Catalog.of([("test", signed(index(items)))])

    assert [h.listing.name for h in catalog.search(category="Agent").hits] == [
        "a"
    ]


def test_unicode_folds_on_both_sides():
    """Full-width and upper-case text finds its plain lower-case form."""
    catalog = Catalog.of(
        [
            (
                "test",
                signed(
                    index([listing("strasse", description="Über formatter")])
                ),
            )
        ]
    )

    assert catalog.search("\uff26\uff2f\uff32\uff2d über").total == 1
    assert catalog.search("STRASSE").total == 1


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"sort": "name"}, "sort must be one of"),
        ({"page": 0}, "page must be 1 or more"),
        ({"per_page": 0}, "per_page must be 1 to 1000"),
        ({"per_page": 1001}, "per_page must be 1 to 1000"),
    ],
)
def test_out_of_range_arguments_are_refused(arguments, message):
    """A caller's mistake is a ValueError that says what is allowed."""
    catalog = Catalog.of([("test", signed(index([])))])

    with pytest.raises(ValueError, match=message):
        catalog.search(**arguments)


def test_an_index_is_prepared_once_per_digest():
    """Two catalogs of the same checked index share its preparation."""
    value = signed(index([listing("a")]))

    first = Catalog.of([("test", value)])
    second = Catalog.of([("test", value)])

    assert first._parts[0] is second._parts[0]
    assert repr(first) == "<Catalog registries=1 plugins=1>"

"""
Reviews and reports: signed by the reviewer's key, one per reviewer,
forged ones dropped, counted into the index by the owner.
"""

import datetime as dt
import json

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from acc_plugins.errors import MarketplaceError
from acc_plugins.market._keys import generate_private_key
from acc_plugins.market._publish import publish
from acc_plugins.market._reports import ReportBook
from acc_plugins.market._reviews import (
    ReviewBook,
    check_review,
    rating_of,
    write_review,
)

from ._owned import make_owner, plugin_copy, tree_hash


@pytest.fixture(name="owner")
def _owner(tmp_path):
    owner = make_owner(tmp_path)
    publish(plugin_copy(tmp_path, "text-tools"), owner, "owner")
    return owner


def _review(stars, comment="fine", *, key=None, plugin="text-tools", at=None):
    return write_review(
        plugin,
        stars=stars,
        comment=comment,
        reviewer="Ann",
        private_key=key or generate_private_key(),
        now=at,
    )


def _file(owner):
    return owner.root / "reviews" / "text-tools.json"


def test_a_review_is_stored_and_read_back_checked(owner):
    """A signed review reads back as written."""
    review = _review(4, "Does what it says.")

    replaced = ReviewBook(owner.root).add(review)

    read = ReviewBook(owner.root).read("text-tools")
    assert replaced is False
    assert read.reviews == (review,)
    assert read.dropped == ()
    assert read.rating.count == 1
    assert read.rating.average == 4.0


def test_a_new_review_by_the_same_key_replaces_the_old(owner):
    """One review per reviewer: the newest wins."""
    key = generate_private_key()
    book = ReviewBook(owner.root)
    book.add(_review(2, "meh", key=key))
    book.add(_review(5, "other person"))

    replaced = book.add(_review(4, "better now", key=key))

    reviews = book.read("text-tools").reviews
    assert replaced is True
    assert sorted((r.stars, r.comment) for r in reviews) == [
        (4, "better now"),
        (5, "other person"),
    ]


def test_a_forged_review_is_dropped_and_reported(owner):
    """A review edited after signing is not counted."""
    book = ReviewBook(owner.root)
    book.add(_review(1, "broken"))
    book.add(_review(2, "poor"))
    entries = json.loads(_file(owner).read_text())
    entries[0]["stars"] = 5
    _file(owner).write_text(json.dumps(entries))

    read = book.read("text-tools")

    assert [r.stars for r in read.reviews] == [entries[1]["stars"]]
    assert len(read.dropped) == 1
    assert "bad signature" in read.dropped[0]


def test_a_review_in_anothers_name_is_dropped(owner):
    """Naming someone else's key without their private key fails."""
    victim = _review(5, "great")
    forger = generate_private_key()
    forged = _review(1, "awful", key=forger).to_json()
    forged["key"] = victim.key.text
    _file(owner).write_text(json.dumps([victim.to_json(), forged]))

    read = ReviewBook(owner.root).read("text-tools")

    assert read.reviews == (victim,)
    assert len(read.dropped) == 1


def test_a_review_moved_to_another_plugin_is_dropped(owner):
    """The signature covers the plugin's name."""
    elsewhere = _review(1, "bad", plugin="other-plugin").to_json()
    _file(owner).write_text(json.dumps([elsewhere]))

    read = ReviewBook(owner.root).read("text-tools")

    assert read.reviews == ()
    assert "not of 'text-tools'" in read.dropped[0]


def test_replaying_an_older_review_does_not_bring_it_back(owner):
    """Of two reviews by one key, the newest is the one kept."""
    key = generate_private_key()
    then = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    old = _review(1, "old", key=key, at=then)
    new = _review(5, "new", key=key, at=then + dt.timedelta(days=1))
    _file(owner).write_text(json.dumps([new.to_json(), old.to_json()]))

    read = ReviewBook(owner.root).read("text-tools")

    assert read.reviews == (new,)


def test_a_review_of_an_unknown_plugin_is_refused(owner):
    """Nothing is written for a plugin the registry does not have."""
    before = tree_hash(owner.root)

    with pytest.raises(MarketplaceError, match="no plugin named 'nope'"):
        ReviewBook(owner.root).add(_review(3, plugin="nope"))

    assert tree_hash(owner.root) == before


@pytest.mark.parametrize("stars", [0, 6, -1, True, 2.5])
def test_stars_are_one_to_five(stars):
    """Other star counts are refused."""
    with pytest.raises(MarketplaceError, match="1 to 5"):
        _review(stars)


def _written(comment):
    try:
        return _review(3, comment)
    except MarketplaceError as exc:
        return exc


@given(st.text(max_size=2100))
def test_any_comment_is_signed_and_checks_or_is_refused(comment):
    """A comment that is accepted survives storing and checking."""
    review = _written(comment)

    if isinstance(review, MarketplaceError):
        assert str(review).startswith("the comment ")
    else:
        assert check_review(review.to_json(), "text-tools") == review
        assert review.comment == comment.strip()


@given(st.lists(st.integers(min_value=1, max_value=5), max_size=20))
def test_the_rating_is_the_count_and_mean(stars):
    """The rating sums the reviews up."""
    key = generate_private_key()
    reviews = [_review(s, key=key) for s in stars]

    rating = rating_of(reviews)

    assert rating.count == len(stars)
    expected = round(sum(stars) / len(stars), 2) if stars else 0.0
    assert rating.average == expected


def test_ratings_and_reports_reach_the_index_at_the_owners_next_change(
    owner,
):
    """refresh() counts reviews and reports into the listing."""
    ReviewBook(owner.root).add(_review(5))
    ReviewBook(owner.root).add(_review(2))
    ReportBook(owner.root).add("text-tools", "It phones home.", "Bob")
    before = owner.index().plugins["text-tools"]

    after = owner.refresh().plugins["text-tools"]

    assert (before.rating.count, before.reports) == (0, 0)
    assert (after.rating.count, after.rating.average) == (2, 3.5)
    assert after.reports == 1


def test_reports_are_appended_and_listed(owner):
    """Every report is kept, oldest first."""
    book = ReportBook(owner.root)
    book.add("text-tools", "It phones home.", "Bob")
    book.add("text-tools", "Bad licence.\nSee LICENSE.", "Eve")

    reports = book.entries()

    assert [(r.reporter, r.reason) for r in reports] == [
        ("Bob", "It phones home."),
        ("Eve", "Bad licence.\nSee LICENSE."),
    ]
    assert book.counts() == {"text-tools": 2}


@pytest.mark.parametrize(
    ("name", "reason", "problem"),
    [
        ("nope", "bad", "no plugin named 'nope'"),
        ("text-tools", "", "the reason is empty"),
        ("text-tools", "x" * 2001, "at most 2000"),
        ("text-tools", "bell\a", "control characters"),
    ],
)
def test_bad_reports_are_refused(owner, name, reason, problem):
    """A report of nothing, or without a readable reason, is refused."""
    before = tree_hash(owner.root)

    with pytest.raises(MarketplaceError, match=problem):
        ReportBook(owner.root).add(name, reason, "Bob")

    assert tree_hash(owner.root) == before


def test_a_damaged_reports_file_is_named(owner):
    """reports.json that is not a list of reports is an error naming it."""
    (owner.root / "reports.json").write_text('{"not": "a list"}')

    with pytest.raises(MarketplaceError, match=r"reports\.json: must hold"):
        ReportBook(owner.root).entries()


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
_FIELDS = ["plugin", "key", "stars", "comment", "reviewer", "written_at"]


def _checked_entry(entry):
    try:
        return check_review(entry, "text-tools")
    except MarketplaceError as exc:
        return exc


@given(
    st.one_of(
        _JSON,
        st.fixed_dictionaries(dict.fromkeys([*_FIELDS, "signature"], _JSON)),
    )
)
def test_any_stored_entry_is_a_checked_review_or_refused(entry):
    """Whatever a review file holds, reading it never fails otherwise."""
    result = _checked_entry(entry)

    assert isinstance(result, MarketplaceError)


@given(
    st.sampled_from([*_FIELDS, "signature"]),
    st.one_of(st.none(), st.integers(), st.text(max_size=30)),
)
def test_changing_any_field_of_a_signed_review_is_caught(field, value):
    """Each field is covered by the signature, or checked."""
    stored = _review(3, "fine").to_json()
    assume(stored[field] != value)
    stored[field] = value

    result = _checked_entry(stored)

    assert isinstance(result, MarketplaceError)

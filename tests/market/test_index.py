"""
The registry index model: what is written reads back the same, and every
malformed field is one problem naming its ``$.path``.
"""

import copy
import datetime as dt
import json
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.market._indexes import KEYS, indexes, places

from acc_plugins.errors import MarketplaceError
from acc_plugins.market._index import (
    Index,
    IndexFormatError,
    Listing,
    Publisher,
    Release,
    canonical,
    index_from_json,
    index_to_json,
)


SHA = "a" * 64
KEY = KEYS[0]
RELEASE: dict[str, Any] = {
    "archive": "archives/demo/demo-1.0.0.accp",
    "sha256": SHA,
    "size": 10,
    "key_id": KEY.key_id,
    "signature": "c2ln",
    "published_at": "2026-01-01T00:00:00+00:00",
}
VALID: dict[str, Any] = {
    "format": 1,
    "registry": "team",
    "serial": 3,
    "updated_at": "2026-01-01T00:00:00+00:00",
    "expires_at": "2027-01-01T00:00:00+00:00",
    "publishers": {"acme": {"keys": {KEY.key_id: KEY.text}}},
    "plugins": {
        "demo": {
            "name": "demo",
            "publisher": "acme",
            "versions": {"1.0.0": RELEASE},
        }
    },
}
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


def _with(path: str, value: object) -> dict[str, Any]:
    """*VALID* with the field at dotted *path* set to *value*."""
    data = copy.deepcopy(VALID)
    *parents, last = path.split("/")
    node: Any = data
    for part in parents:
        node = node[part]
    if value is _DELETE:
        del node[last]
    else:
        node[last] = value
    return data


_DELETE = object()
_RELEASE_AT = "plugins/demo/versions/1.0.0"


def _problems(data: object) -> list[str]:
    with pytest.raises(IndexFormatError) as caught:
        index_from_json(data, where="index.json")
    assert caught.value.where == "index.json"
    assert str(caught.value).startswith("index.json: not a valid registry")
    return caught.value.problems


@given(indexes())
def test_an_index_round_trips_through_json(index):
    """Any index, written as JSON text and read back, is the same index."""
    text = canonical(index_to_json(index))

    again = index_from_json(json.loads(text), where="test")

    assert again == index
    assert canonical(index_to_json(again)) == text


@given(json_values)
def test_arbitrary_json_is_an_index_or_a_format_error(data):
    """Nothing but an index or an IndexFormatError comes of any JSON."""
    try:
        outcome: Index | list[str] = index_from_json(data, where="x")
    except IndexFormatError as exc:
        outcome = exc.problems

    if isinstance(outcome, list):
        assert outcome
        assert all(problem.startswith("$") for problem in outcome)
    else:
        assert isinstance(outcome, Index)


def _other_kind(value):
    """A JSON value that no field of *value*'s kind accepts."""
    if isinstance(value, str) or value is None:
        return 7
    return "seven"


@given(indexes().filter(lambda i: i.plugins), st.data())
def test_a_field_of_the_wrong_kind_is_named_by_its_path(index, data):
    """Changing the kind of any one field gives a problem at its $.path."""
    document = index_to_json(index)
    document = json.loads(json.dumps(document))
    where = data.draw(
        st.sampled_from([where for where, _ in places(document) if where])
    )
    node = document
    for part in where[:-1]:
        node = node[part]
    node[where[-1]] = _other_kind(node[where[-1]])

    problems = _problems(document)

    path = "$." + ".".join(map(str, where))
    assert any(p.startswith((f"{path}:", f"{path}.")) for p in problems), (
        path,
        problems,
    )


@pytest.mark.parametrize(
    ("path", "value", "problem"),
    [
        ("serial", "3", "$.serial: expected an integer, got a string"),
        ("serial", 3.5, "$.serial: expected an integer, got a number"),
        ("serial", True, "$.serial: expected an integer, got a boolean"),
        ("serial", -1, "$.serial: must be >= 0: -1"),
        ("format", 2, "$.format: must be in [1] (got 2)"),
        ("registry", _DELETE, "$.registry: required"),
        ("mirror", "x", "$.mirror: unknown field"),
        ("plugins", [], "$.plugins: expected an object, got an array"),
        (
            "expires_at",
            "2027-01-01",
            (
                "$.expires_at: must be an ISO 8601 time with a zone, "
                "not '2027-01-01'"
            ),
        ),
        (
            "publishers/acme/vouched",
            "yes",
            "$.publishers.acme.vouched: expected a boolean, got a string",
        ),
        (
            "plugins/demo/keywords",
            "abc",
            "$.plugins.demo.keywords: expected an array, got a string",
        ),
        (
            "plugins/demo/rating",
            {"count": 1, "average": 6},
            "$.plugins.demo.rating.average: must be <= 5.0: 6",
        ),
        (
            f"{_RELEASE_AT}/sha256",
            "A" * 64,
            (
                f"$.plugins.demo.versions.1.0.0.sha256: must be 64 hex "
                f"digits, not {'A' * 64!r}"
            ),
        ),
        (
            f"{_RELEASE_AT}/size",
            0,
            "$.plugins.demo.versions.1.0.0.size: must be >= 1: 0",
        ),
        (
            f"{_RELEASE_AT}/key_id",
            "xyz",
            (
                "$.plugins.demo.versions.1.0.0.key_id: must be 16 hex digits, "
                "not 'xyz'"
            ),
        ),
        (
            f"{_RELEASE_AT}/archive",
            "../../etc/passwd",
            (
                "$.plugins.demo.versions.1.0.0.archive: must be "
                "archives/<name>/<file>.accp, not '../../etc/passwd'"
            ),
        ),
        (
            f"{_RELEASE_AT}/archive",
            "archives/other/other-1.0.0.accp",
            (
                "$.plugins.demo.versions.1.0.0.archive: must be under "
                "archives/demo/"
            ),
        ),
        (
            f"{_RELEASE_AT}/tools",
            ["ok", 5],
            (
                "$.plugins.demo.versions.1.0.0.tools.1: expected a string, "
                "got an integer"
            ),
        ),
        (
            f"{_RELEASE_AT}/yanked",
            False,
            (
                "$.plugins.demo.versions.1.0.0.yanked: expected a string, "
                "got a boolean"
            ),
        ),
        (
            "plugins/demo/name",
            "other",
            "$.plugins.demo.name: 'other' under the key 'demo'",
        ),
        (
            "plugins/demo/publisher",
            "nobody",
            "$.plugins.demo.publisher: 'nobody' is not in $.publishers",
        ),
        (
            "plugins/demo/versions",
            {"one": RELEASE},
            "$.plugins.demo.versions.one: 'one' is not a version",
        ),
        (
            "plugins/demo/versions",
            {"1.0.0-rc1": RELEASE},
            (
                "$.plugins.demo.versions.1.0.0-rc1: write version 1.0.0rc1 "
                "once, as 1.0.0rc1"
            ),
        ),
        (
            "plugins/demo/versions",
            {"1.0.0": RELEASE, "1.0": RELEASE},
            "$.plugins.demo.versions.1.0: write version 1.0 once, as 1.0",
        ),
        (
            f"publishers/acme/keys/{KEY.key_id}",
            KEYS[1].text,
            (
                f"$.publishers.acme.keys.{KEY.key_id}: the key's id is "
                f"{KEYS[1].key_id}"
            ),
        ),
    ],
)
def test_each_malformed_field_is_one_problem_at_its_path(path, value, problem):
    """A malformed field gives exactly one problem, at its $.path."""
    assert _problems(_with(path, value)) == [problem]


def test_a_key_that_is_not_a_key_names_its_place():
    """A publisher key that does not parse is refused where it is."""
    (problem,) = _problems(
        _with(f"publishers/acme/keys/{KEY.key_id}", "ed25519:AAAA")
    )

    assert problem.startswith(f"$.publishers.acme.keys.{KEY.key_id}: ")
    assert "not an ed25519 public key" in problem


def test_one_key_listed_for_two_publishers_is_refused():
    """A key id may belong to one publisher only."""
    data = _with("publishers/evil", {"keys": {KEY.key_id: KEY.text}})

    assert _problems(data) == [
        f"$.publishers.evil.keys.{KEY.key_id}: also listed for 'acme'"
    ]


def test_every_problem_is_reported_at_once():
    """Three bad fields give three problems, not just the first."""
    data = _with("serial", "x")
    data["updated_at"] = 5
    data["plugins"]["demo"]["versions"]["1.0.0"]["size"] = -4

    assert len(_problems(data)) == 3


@pytest.mark.parametrize("data", [None, [], "index", 3])
def test_a_document_that_is_not_an_object_is_a_format_error(data):
    """An index that is not a JSON object is refused, not a crash."""
    (problem,) = _problems(data)

    assert problem.startswith("$: expected an object, got ")


def test_the_error_is_a_marketplace_and_a_value_error():
    """Callers may catch it either way."""
    assert issubclass(IndexFormatError, MarketplaceError)
    assert issubclass(IndexFormatError, ValueError)


def test_canonical_bytes_sort_keys_and_drop_spaces():
    """The signed form has one spelling: sorted keys, no spaces, UTF-8."""
    assert canonical({"b": [1, "é"], "a": None}) == (
        '{"a":null,"b":[1,"é"]}'.encode()
    )
    with pytest.raises(ValueError, match="not JSON compliant"):
        canonical({"a": float("nan")})


def _release(version, *, yanked=None):
    return Release(
        **{**RELEASE, "archive": f"archives/demo/demo-{version}.accp"},
        yanked=yanked,
    )


def test_latest_skips_yanked_releases_and_prereleases():
    """The newest release offered is neither yanked nor a pre-release."""
    listing = Listing(
        name="demo",
        publisher="acme",
        versions={
            "1.0.0": _release("1.0.0"),
            "1.10.0": _release("1.10.0"),
            "2.0.0": _release("2.0.0", yanked="broken"),
            "3.0.0rc1": _release("3.0.0rc1"),
        },
    )

    latest = listing.latest()
    newest = listing.latest(prereleases=True)

    assert latest is not None
    assert str(latest[0]) == "1.10.0"
    assert newest is not None
    assert str(newest[0]) == "3.0.0rc1"
    assert [str(v) for v, _ in listing.ordered()] == [
        "1.0.0",
        "1.10.0",
        "2.0.0",
        "3.0.0rc1",
    ]


def test_a_listing_with_only_yanked_releases_has_no_latest():
    """Nothing to install is None, not an error."""
    listing = Listing(
        name="demo",
        publisher="acme",
        versions={"1.0.0": _release("1.0.0", yanked="bad")},
    )

    assert listing.latest() is None


def test_expiry_and_key_lookup():
    """An index expires at its expires_at; key_of finds the publisher."""
    index = index_from_json(VALID, where="x")
    before = dt.datetime(2026, 12, 31, 23, 59, tzinfo=dt.UTC)
    after = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)

    assert not index.expired(before)
    assert index.expired(after)
    assert index.key_of(KEY.key_id) == ("acme", KEY.text, False)
    assert index.key_of(KEYS[2].key_id) is None
    vouched = attrs.evolve(
        index, publishers={"acme": Publisher(keys={}, vouched=True)}
    )
    assert vouched.key_of(KEY.key_id) is None

"""
What ``show`` and the site present about a plugin, and the reviews they
believe.
"""

import json

from acc_plugins.market._details import (
    details_of,
    install_command,
    newest_version,
)
from acc_plugins.market._keys import PublicKey
from acc_plugins.market._registry import DirectoryTransport
from acc_plugins.market._reviewfeed import read_reviews
from acc_plugins.market._trust import TrustStore

from ._catalog import (
    PUBLISHER_ID,
    REVIEWER,
    STRANGER,
    STRANGER_ID,
    index,
    listing,
    release,
    review,
)


def test_the_newest_is_what_an_install_would_pick():
    """Newest not yanked; a pre-release only when nothing else is left."""
    mixed = listing(
        "a",
        versions={
            "1.0.0": release("a", "1.0.0"),
            "2.0.0rc1": release("a", "2.0.0rc1", day=1),
            "1.5.0": release("a", "1.5.0", day=2, yanked="bad"),
        },
    )
    early = listing("b", versions={"0.1.0a1": release("b", "0.1.0a1")})
    gone = listing(
        "c", versions={"1.0.0": release("c", "1.0.0", yanked="bad")}
    )

    assert newest_version(mixed) == "1.0.0"
    assert newest_version(early) == "0.1.0a1"
    assert newest_version(gone) is None
    assert (
        install_command(early, "0.1.0a1") == "acc-plugins install b==0.1.0a1"
    )
    assert (
        install_command(mixed, "1.0.0", "team")
        == "acc-plugins install a --registry team"
    )


def test_every_version_yanked_leaves_nothing_to_install():
    """No newest, no permissions, versions still listed."""
    gone = listing(
        "c", versions={"1.0.0": release("c", "1.0.0", yanked="malware")}
    )

    details = details_of("r", index([gone]), gone)

    assert (details.newest, details.release, details.permissions) == (
        None,
        None,
        (),
    )
    assert details.to_json()["versions"][0]["yanked"] == "malware"
    assert details.verified is False


def test_a_vouched_key_of_another_publisher_does_not_verify():
    """A plugin of "nobody" signed with acme's vouched key is not verified."""
    impostor = listing(
        "impostor",
        publisher="nobody",
        versions={"1.0.0": release("impostor", "1.0.0", key_id=PUBLISHER_ID)},
    )
    honest = listing("honest")

    value = index([impostor, honest])

    assert details_of("r", value, impostor).vouched is False
    assert details_of("r", value, honest).vouched is True


def test_a_trusted_key_verifies_for_the_user_only(tmp_path):
    """The user's trust store gives the badge; without it (the site), no badge."""
    plugin = listing(
        "p",
        publisher="nobody",
        versions={"1.0.0": release("p", "1.0.0", key_id=STRANGER_ID)},
    )
    trust = TrustStore(tmp_path / "trusted-keys.json")
    trust.trust(PublicKey.of(STRANGER), "Stranger")

    mine = details_of("r", index([plugin]), plugin, trust=trust)
    public = details_of("r", index([plugin]), plugin)

    assert (mine.verified, mine.trusted, mine.vouched) == (True, True, False)
    assert public.verified is False


def test_permissions_are_in_plain_language_with_their_text():
    """Each permission of the newest version in words, beside its canonical form."""
    plugin = listing(
        "p",
        versions={
            "1.0.0": release(
                "p", "1.0.0", permissions=("process:git", "env:HOME")
            )
        },
    )

    details = details_of("r", index([plugin]), plugin)

    assert [(p.text, p.plain) for p in details.permissions] == [
        ("process:git", "run the program git"),
        ("env:HOME", "read the environment variable HOME"),
    ]


def _write(tmp_path, entries):
    path = tmp_path / "reviews" / "p.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(
        entries if isinstance(entries, str) else json.dumps(entries)
    )
    return DirectoryTransport(tmp_path)


def test_only_reviews_whose_signature_checks_are_shown(tmp_path):
    """Forged stars, a review moved from another plugin, bad fields: all left out."""
    good = review("p", 4, "Fine.", day=1)
    entries = [
        good,
        {**review("p", 1, "Bad.", key=STRANGER), "stars": 5},
        {**review("q", 1, "About q.", key=STRANGER), "plugin": "p"},
        {**review("p", 3, "x", key=STRANGER), "extra": 1},
        review("p", 9, "Too many stars.", key=STRANGER),
        review("p", 3, "x", key=STRANGER)
        | {"written_at": "2026-01-01T01:00:00+01:00"},
        "not a review",
    ]

    shown = read_reviews(_write(tmp_path, entries), "p")

    assert [(r.stars, r.comment, r.key_id) for r in shown] == [
        (4, "Fine.", PublicKey.of(REVIEWER).key_id)
    ]


def test_a_replayed_older_review_does_not_come_back(tmp_path):
    """One review per key: the newest, wherever it sits in the file."""
    newer = review("p", 2, "Broke on update.", day=5)
    older = review("p", 5, "Love it.", day=1)

    shown = read_reviews(_write(tmp_path, [newer, older]), "p")

    assert [(r.stars, r.comment) for r in shown] == [(2, "Broke on update.")]


def test_a_missing_or_damaged_file_means_no_reviews(tmp_path):
    """Reviews only inform: no file, bad JSON or not a list shows none."""
    assert read_reviews(DirectoryTransport(tmp_path), "p") == ()
    assert read_reviews(_write(tmp_path, "{not json"), "p") == ()
    assert read_reviews(_write(tmp_path, {"a": 1}), "p") == ()

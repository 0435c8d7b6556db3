"""
The registry owner: creating a registry, every change signed once under
the lock, tampered indexes refused, publishers, vouching and yanking.
"""

import datetime as dt
import json

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from acc_plugins.errors import KeyringError, MarketplaceError, SignatureError
from acc_plugins.market._changes import check_text
from acc_plugins.market._index import Index, index_to_json
from acc_plugins.market._indexfile import (
    Seen,
    StaleIndexError,
    open_index,
    seal_index,
)
from acc_plugins.market._keyring import Keyring
from acc_plugins.market._keys import PublicKey, generate_private_key
from acc_plugins.market._owner import RegistryOwner
from acc_plugins.market._publish import publish
from acc_plugins.market._signedserials import SignedSerials

from ._owned import make_owner, plugin_copy, tree_hash


def _signed(owner: RegistryOwner):
    raw = (owner.root / "index.json").read_bytes()
    return open_index(raw, where="test", owner=None)


def test_init_makes_the_layout_and_a_signed_index_of_serial_one(tmp_path):
    """A new registry holds its folders and an index signed by its owner."""
    owner = make_owner(tmp_path, name="Team registry")

    signed = _signed(owner)
    index = signed.index

    assert signed.key == owner.keyring.get("owner").public_key
    assert (index.registry, index.serial) == ("Team registry", 1)
    assert index.publishers == {}
    assert index.plugins == {}
    period = dt.datetime.fromisoformat(
        index.expires_at
    ) - dt.datetime.fromisoformat(index.updated_at)
    assert period == dt.timedelta(days=90)
    names = sorted(p.name for p in owner.root.iterdir())
    assert names == [
        ".registry.lock",
        "archives",
        "docs",
        "index.json",
        "reviews",
    ]


def test_init_refuses_a_folder_that_holds_a_registry_or_anything(tmp_path):
    """A registry starts in an empty folder and is never made twice."""
    owner = make_owner(tmp_path)
    other = RegistryOwner(tmp_path / "busy", owner.keyring)
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine")

    with pytest.raises(MarketplaceError, match="holds a registry already"):
        owner.init("Again", "owner")
    with pytest.raises(MarketplaceError, match="not empty"):
        other.init("Busy", "owner")

    assert sorted(p.name for p in (tmp_path / "busy").iterdir()) == [
        "notes.txt"
    ]


@pytest.mark.parametrize(
    ("name", "days", "problem"),
    [
        ("", 90, "invalid registry name"),
        ("bad\nname", 90, "invalid registry name"),
        ("ok", 0, "1 to 3660 days"),
        ("ok", 100_000, "1 to 3660 days"),
    ],
)
def test_init_refuses_bad_names_and_expiries(tmp_path, name, days, problem):
    """A bad name or expiry is refused before anything is written."""
    keyring = Keyring(tmp_path / "keys")
    keyring.generate("owner")
    owner = RegistryOwner(tmp_path / "registry", keyring)

    with pytest.raises(MarketplaceError, match=problem):
        owner.init(name, "owner", expires_days=days)

    assert not owner.root.exists()


def test_a_change_raises_the_serial_and_keeps_the_expiry_period(tmp_path):
    """Each change is signed with serial + 1 and the same validity."""
    owner = make_owner(tmp_path)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=10)
    owner.clock = lambda: later

    index = owner.refresh()

    assert index.serial == 2
    assert index.updated_at == later.isoformat(timespec="seconds")
    assert dt.datetime.fromisoformat(
        index.expires_at
    ) == dt.datetime.fromisoformat(index.updated_at) + dt.timedelta(days=90)
    assert _signed(owner).index == index


def test_refresh_takes_a_new_expiry(tmp_path):
    """``refresh(expires_days=...)`` changes the validity period."""
    owner = make_owner(tmp_path)

    index = owner.refresh(expires_days=7)

    period = dt.datetime.fromisoformat(
        index.expires_at
    ) - dt.datetime.fromisoformat(index.updated_at)
    assert period == dt.timedelta(days=7)


def test_a_tampered_local_index_is_refused_not_signed_again(tmp_path):
    """An index changed on disk after signing stays as it is: refused."""
    owner = make_owner(tmp_path)
    path = owner.root / "index.json"
    envelope = json.loads(path.read_bytes())
    envelope["signed"]["registry"] = "Hijacked"
    path.write_text(json.dumps(envelope))
    before = tree_hash(owner.root)

    with pytest.raises(SignatureError, match="changed after it was signed"):
        owner.refresh()

    assert tree_hash(owner.root) == before


def test_an_index_signed_again_by_another_key_is_refused(tmp_path):
    """An attacker who re-signs the index with their key cannot get the
    owner to sign it."""
    owner = make_owner(tmp_path)
    index = _signed(owner).index
    attacker = generate_private_key()
    (owner.root / "index.json").write_bytes(seal_index(index, attacker))
    before = tree_hash(owner.root)

    with pytest.raises(MarketplaceError, match="only the registry's owner"):
        owner.refresh()

    assert tree_hash(owner.root) == before


def _remembering(tmp_path):
    keyring = Keyring(tmp_path / "keys")
    keyring.generate("owner")
    memory = SignedSerials(tmp_path / "signed-registries.json")
    owner = RegistryOwner(tmp_path / "registry", keyring, memory=memory)
    owner.init("Team", "owner")
    return owner


def test_an_older_signed_index_put_back_is_refused(tmp_path):
    """A replayed index, validly signed once, does not undo a yank."""
    owner = _remembering(tmp_path)
    publish(plugin_copy(tmp_path, "text-tools"), owner, "owner")
    old = (owner.root / "index.json").read_bytes()
    owner.yank("text-tools", "1.2.0", "leaks tokens")
    (owner.root / "index.json").write_bytes(old)
    before = tree_hash(owner.root)

    with pytest.raises(StaleIndexError, match="you signed serial 3 last"):
        owner.refresh()

    assert tree_hash(owner.root) == before


def test_a_forked_index_of_the_same_serial_is_refused(tmp_path):
    """Another index signed under the serial last signed is refused."""
    owner = _remembering(tmp_path)
    index = owner.refresh()
    forked = seal_index(
        attrs.evolve(index, registry="Forked"),
        owner.keyring.private_key("owner"),
    )
    (owner.root / "index.json").write_bytes(forked)

    with pytest.raises(StaleIndexError, match="an older index was put back"):
        owner.refresh()


def test_the_memory_keeps_the_highest_serial(tmp_path):
    """Remembering a lower serial does not lower what is remembered."""
    memory = SignedSerials(tmp_path / "signed.json")
    memory.remember("/r", Seen(5, "a" * 64))
    memory.remember("/r", Seen(4, "b" * 64))

    assert memory.seen("/r") == Seen(5, "a" * 64)
    assert memory.seen("/other") is None


def test_someone_without_the_owner_key_cannot_change_it(tmp_path):
    """The error names the owner's key id."""
    owner = make_owner(tmp_path)
    stranger = Keyring(tmp_path / "stranger")
    stranger.generate("mine")
    theirs = RegistryOwner(owner.root, stranger)
    key_id = owner.keyring.get("owner").public_key.key_id

    with pytest.raises(MarketplaceError, match=f"the owner key is {key_id}"):
        theirs.yank("x", "1.0", "no")

    assert not theirs.holds_owner_key()
    assert owner.holds_owner_key()


def test_an_encrypted_owner_key_asks_for_its_passphrase(tmp_path):
    """The passphrase callback is asked, with the key, only when needed."""
    keyring = Keyring(tmp_path / "keys")
    keyring.generate("owner", b"secret words")
    asked = []

    def passphrase(own):
        asked.append(own.name)
        return b"secret words"

    owner = RegistryOwner(tmp_path / "registry", keyring, passphrase)
    owner.init("Team", "owner")
    owner.refresh()
    RegistryOwner(owner.root, keyring, passphrase).refresh()

    assert asked == ["owner", "owner"]  # once per owner object
    wrong = RegistryOwner(owner.root, keyring, lambda _: b"wrong")
    with pytest.raises(KeyringError, match="wrong passphrase"):
        wrong.refresh()


def test_publishers_are_added_vouched_for_and_removed(tmp_path):
    """Publisher changes show in the signed index."""
    owner = make_owner(tmp_path)
    key = PublicKey.of(generate_private_key())
    second = PublicKey.of(generate_private_key())

    owner.add_publisher("alice", key)
    assert owner.index().publishers["alice"].vouched is False
    owner.vouch("alice")
    owner.add_publisher("alice", second)
    publisher = owner.index().publishers["alice"]
    assert publisher.vouched is True
    assert set(publisher.keys) == {key.key_id, second.key_id}
    owner.remove_publisher("alice", second.key_id)
    owner.unvouch("alice")
    assert owner.index().publishers["alice"].keys == {key.key_id: key.text}
    assert owner.index().publishers["alice"].vouched is False
    owner.remove_publisher("alice")

    assert owner.index().publishers == {}
    assert owner.index().serial == 7  # init, then six changes


def test_a_key_cannot_belong_to_two_publishers(tmp_path):
    """Listing one key under a second publisher is refused."""
    owner = make_owner(tmp_path)
    key = PublicKey.of(generate_private_key())
    owner.add_publisher("alice", key)

    with pytest.raises(MarketplaceError, match="under publisher 'alice'"):
        owner.add_publisher("mallory", key)


def test_a_publisher_whose_releases_need_them_cannot_be_removed(tmp_path):
    """Removing the signer of a release would break it for clients."""
    owner = make_owner(tmp_path)
    publish(plugin_copy(tmp_path, "text-tools"), owner, "owner")
    key_id = owner.keyring.get("owner").public_key.key_id

    with pytest.raises(MarketplaceError, match="still needed by text-tools"):
        owner.remove_publisher("owner")
    with pytest.raises(MarketplaceError, match="still needed by text-tools"):
        owner.remove_publisher("owner", key_id)
    with pytest.raises(MarketplaceError, match="no publisher named 'bob'"):
        owner.vouch("bob")


def test_yank_and_unyank_show_in_the_index(tmp_path):
    """A yanked release carries its reason; unyank puts it back."""
    owner = make_owner(tmp_path)
    publish(plugin_copy(tmp_path, "text-tools"), owner, "owner")

    owner.yank("text-tools", "1.2", "breaks wrap() on empty text")
    yanked = owner.index().plugins["text-tools"]
    owner.unyank("text-tools", "1.2.0")
    back = owner.index().plugins["text-tools"]

    assert yanked.versions["1.2.0"].yanked == "breaks wrap() on empty text"
    assert yanked.latest() is None
    assert back.versions["1.2.0"].yanked is None


@pytest.mark.parametrize(
    ("name", "version", "reason", "problem"),
    [
        ("nothing", "1.0", "x", "no plugin named 'nothing'"),
        ("text-tools", "9.9", "x", r"no version 9\.9 \(published: 1\.2\.0\)"),
        ("text-tools", "one", "x", "is not a version"),
        ("text-tools", "1.2.0", "  ", "the reason is empty"),
    ],
)
def test_yank_refuses_what_is_not_there(
    tmp_path, name, version, reason, problem
):
    """Yanking an unknown plugin or version, or without a reason, fails."""
    owner = make_owner(tmp_path)
    publish(plugin_copy(tmp_path, "text-tools"), owner, "owner")
    before = tree_hash(owner.root)

    with pytest.raises(MarketplaceError, match=problem):
        owner.yank(name, version, reason)

    assert tree_hash(owner.root) == before


def test_the_serial_never_goes_back_even_if_the_clock_does(tmp_path):
    """A clock set back does not date a change before the last one."""
    owner = make_owner(tmp_path)
    first = owner.index()
    owner.clock = lambda: dt.datetime(2000, 1, 1, tzinfo=dt.UTC)

    index = owner.refresh()

    assert index.updated_at == first.updated_at
    assert index.serial == first.serial + 1


def _checked(text):
    try:
        return check_text("the reason", text, 500)
    except MarketplaceError as exc:
        return exc


@given(st.text(max_size=600))
def test_text_is_accepted_printable_and_bounded_or_refused(text):
    """Reasons and comments are stripped, printable text up to the limit."""
    checked = _checked(text)

    if isinstance(checked, MarketplaceError):
        assert str(checked).startswith("the reason ")
    else:
        assert checked == text.strip()
        assert 1 <= len(checked) <= 500
        assert all(c.isprintable() or c == "\n" for c in checked)


def test_an_index_is_the_same_after_a_round_trip(tmp_path):
    """What the owner writes is exactly what a reader gets."""
    owner = make_owner(tmp_path)
    publish(plugin_copy(tmp_path, "text-tools"), owner, "owner")

    index = owner.index()

    assert isinstance(index, Index)
    assert index_to_json(_signed(owner).index) == index_to_json(index)


def test_refresh_sets_the_download_counts_the_owner_tallied(tmp_path):
    """A serverless registry cannot count downloads; its owner can."""
    owner = make_owner(tmp_path)
    publish(plugin_copy(tmp_path, "text-tools"), owner, "owner")
    before = tree_hash(owner.root)

    with pytest.raises(MarketplaceError, match="does not have: ghost"):
        owner.refresh(downloads={"text-tools": 3, "ghost": 1})
    with pytest.raises(MarketplaceError, match="whole numbers"):
        owner.refresh(downloads={"text-tools": -1})
    assert tree_hash(owner.root) == before

    owner.refresh(downloads={"text-tools": 41})
    assert owner.index().plugins["text-tools"].downloads == 41
    owner.refresh()  # counts stay until the owner sets them again
    assert owner.index().plugins["text-tools"].downloads == 41

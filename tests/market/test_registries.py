"""
The user's registries: added in order with their pinned keys, removed
with what was seen from them, a serial that never goes down, and a
damaged file named rather than guessed at.
"""

import json
import subprocess
import sys
import textwrap

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
)
from hypothesis import given
from hypothesis import strategies as st

from acc_plugins.errors import MarketplaceError
from acc_plugins.market._http import HttpTransport
from acc_plugins.market._indexfile import Seen
from acc_plugins.market._keys import PublicKey
from acc_plugins.market._registries import (
    Registries,
    RegistryNotFoundError,
    check_registry_name,
    is_url,
    normal_location,
    shown,
    transport_for,
)
from acc_plugins.market._registry import DirectoryTransport


KEY = PublicKey.of(Ed25519PrivateKey.generate())


@pytest.fixture(name="registries")
def _registries(tmp_path) -> Registries:
    return Registries(tmp_path / "config" / "registries.json")


def test_registries_are_listed_in_the_order_added(registries, tmp_path):
    """The order added is the order searched."""
    registries.add("team", str(tmp_path / "team"), KEY)
    registries.add("public", "https://plugins.example.org/", KEY)

    entries = registries.entries()

    assert [e.name for e in entries] == ["team", "public"]
    assert entries[0].location == str(tmp_path / "team")
    assert entries[1].location == "https://plugins.example.org"
    assert entries[1].is_url
    assert entries[0].key == KEY
    assert entries[0].added_at.endswith("+00:00")
    registries.remove("team")
    registries.add("team", str(tmp_path / "team"), KEY)
    assert [e.name for e in registries.entries()] == ["public", "team"]


def test_a_name_is_added_once(registries, tmp_path):
    """Adding a taken name is refused and keeps the first."""
    registries.add("team", str(tmp_path / "a"), KEY)

    with pytest.raises(MarketplaceError, match="already added"):
        registries.add("team", str(tmp_path / "b"), KEY)
    assert registries.get("team").location == str(tmp_path / "a")


def test_removing_forgets_the_serial_seen(registries, tmp_path):
    """A registry added again starts with nothing seen."""
    registries.add("team", str(tmp_path), KEY, seen=Seen(4, "d"))
    assert registries.seen("team") == Seen(4, "d")

    removed = registries.remove("team")

    assert removed.name == "team"
    assert registries.entries() == []
    assert registries.seen("team") is None


def test_an_unknown_name_lists_the_known_ones(registries, tmp_path):
    """The error says which registries there are."""
    registries.add("team", str(tmp_path), KEY)

    with pytest.raises(RegistryNotFoundError, match=r"added: team\)"):
        registries.remove("other")
    with pytest.raises(RegistryNotFoundError, match="none yet"):
        Registries(tmp_path / "empty.json").get("x")


def test_the_serial_remembered_never_goes_down(registries, tmp_path):
    """Two runs that race cannot lower what was seen."""
    registries.add("team", str(tmp_path), KEY)
    registries.remember("team", Seen(5, "five"))
    registries.remember("team", Seen(3, "three"))

    assert registries.seen("team") == Seen(5, "five")
    assert registries.get("team").seen == Seen(5, "five")


def test_concurrent_processes_lose_no_serial(tmp_path):
    """Processes remembering at once leave the highest serial."""
    path = tmp_path / "registries.json"
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from acc_plugins.market._indexfile import Seen
        from acc_plugins.market._registries import Registries
        registries = Registries(Path({str(path)!r}))
        start = int(sys.argv[1])
        for serial in range(start, start + 40, 4):
            registries.remember("team", Seen(serial, str(serial)))
        """
    )
    runs = [
        subprocess.Popen([sys.executable, "-c", script, str(start)])  # noqa: S603 -- our own script
        for start in range(4)
    ]

    assert [run.wait(timeout=120) for run in runs] == [0, 0, 0, 0]
    assert Registries(path).seen("team") == Seen(39, "39")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"registries": []}', "'registries' must be an object"),
        ('{"registries": {"a": "x"}}', "registries.a: expected a table"),
        (
            '{"registries": {"a": {"location": "/x", "key": "k"}}}',
            "registries.a.key: not an ed25519 public key",
        ),
        ('{"seen": {"a": {"serial": "1"}}}', "integer serial"),
    ],
)
def test_a_damaged_file_is_named(tmp_path, content, message):
    """A hand-edited registries.json is refused, naming the file."""
    path = tmp_path / "registries.json"
    path.write_text(content)
    registries = Registries(path)

    with pytest.raises(MarketplaceError, match=message) as caught:
        registries.seen("a") if '"seen"' in content else registries.entries()
    assert str(path) in str(caught.value)


def test_a_file_that_is_not_json_is_an_os_error_naming_it(tmp_path):
    """The store refuses what it cannot parse."""
    path = tmp_path / "registries.json"
    path.write_text("{")

    with pytest.raises(OSError, match="unreadable"):
        Registries(path).entries()


def test_the_file_holds_only_public_data(registries, tmp_path):
    """Locations, public keys, serials: nothing secret is written."""
    registries.add("team", str(tmp_path), KEY, seen=Seen(1, "d"))

    data = json.loads(registries.path.read_text())

    assert data["registries"]["team"]["key"] == KEY.text
    assert data["seen"]["team"] == {"serial": 1, "digest": "d"}


@pytest.mark.parametrize(
    "name", ["", "Team", "-team", "a b", "x" * 65, "../up", "é"]
)
def test_invalid_registry_names_are_refused(name):
    """Names are short, lowercase and safe in a file name or a URL."""
    with pytest.raises(MarketplaceError, match="invalid registry name"):
        check_registry_name(name)


@given(st.from_regex(r"[a-z0-9][a-z0-9._-]{0,63}", fullmatch=True))
def test_valid_registry_names_are_kept(name):
    """Every name of the documented form is accepted as it is."""
    assert check_registry_name(name) == name


def test_locations_pick_their_transport(tmp_path):
    """A URL is read over HTTP, anything else is a folder."""
    assert is_url("HTTPS://example.org")
    assert not is_url("ftp://example.org")
    assert isinstance(transport_for("http://example.org"), HttpTransport)
    folder = transport_for(str(tmp_path))
    assert isinstance(folder, DirectoryTransport)
    assert folder.root == tmp_path
    assert normal_location("relative") == str(
        (tmp_path.cwd() / "relative").absolute()
    )


@pytest.mark.parametrize(
    ("location", "printed"),
    [
        (
            "https://me:s3cret@host.example/reg",
            "https://me:***@host.example/reg",
        ),
        ("https://:tok@host.example:8443", "https://:***@host.example:8443"),
        ("https://me@host.example/reg", "https://me@host.example/reg"),
        ("https://host.example/reg", "https://host.example/reg"),
        ("/srv/p:w@x", "/srv/p:w@x"),
    ],
)
def test_a_password_in_a_url_is_never_printed(location, printed):
    """What is shown or logged hides a password written in the URL."""
    assert shown(location) == printed

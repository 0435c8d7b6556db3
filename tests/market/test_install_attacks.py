"""
Attacks on an install, through the command a user runs: each is refused
with one ``error:`` line and exit status 1, and the install root and the
grants hash the same before and after.
"""

import hashlib
import json
import stat

import pytest
from tests.market._installkit import (
    RegistryKit,
    add_registry,
    fingerprint,
    plugin_folder,
    run_cli,
)
from tests.market._zips import entry, make_zip

from acc_plugins.market._keys import generate_private_key
from acc_plugins.market._layout import INDEX, archive_path


MANIFEST_V2 = (
    b'[plugin]\nname = "demo"\nversion = "2.0.0"\ndescription = "Demo."\n'
    b'entry = "demo:Demo"\nkind = "tool"\n'
)
SOURCE = (
    b"from acc_plugins.sdk import Plugin\n\n\nclass Demo(Plugin):\n    pass\n"
)


def hostile(*entries):
    """A demo 2.0.0 archive with *entries* after a valid manifest and code."""
    return make_zip(
        ("plugin.toml", MANIFEST_V2),
        ("demo.py", SOURCE),
        *entries,
        manifest=False,
    )


@pytest.fixture(name="home")
def _home(tmp_path):
    return tmp_path / "home"


@pytest.fixture(name="kit")
def _kit(tmp_path, home):
    kit = RegistryKit(tmp_path / "registry")
    kit.publish(
        plugin_folder(tmp_path, permissions=("net:https://a.example",))
    )
    add_registry(home / "config", kit)
    return kit


def run(home, *args):
    return run_cli(home, *args)


@pytest.fixture(name="installed")
def _installed(home, kit):
    """demo 1.0.0 installed from the registry, and the state to keep."""
    result = run(home, "install", "demo", "--yes", "--quiet")
    assert result.exit_code == 0, result.output

    def state():
        return fingerprint(home / "plugins"), (
            home / "data" / "grants.json"
        ).read_bytes()

    return state


def _publish_raw(kit, tmp_path, data, **kwargs):
    """Publish demo 2.0.0 as *data*, signed by the publisher."""
    folder = plugin_folder(tmp_path / "v2", version="2.0.0")
    return kit.publish(folder, data=data, **kwargs)


def _refused(home, state, before, pattern, *args):
    result = run(
        home, *(args or ("install", "demo==2.0.0", "--yes", "--quiet"))
    )

    assert result.exit_code == 1, result.output
    error_lines = [
        line
        for line in result.output.splitlines()
        if line.startswith("error:")
    ]
    assert len(error_lines) == 1, result.output
    assert pattern in error_lines[0], error_lines[0]
    assert "Traceback" not in result.output
    assert state() == before


def test_tampered_archive(tmp_path, home, kit, installed):
    """An archive changed after it was listed fails its sha256."""
    _publish_raw(kit, tmp_path, hostile())
    target = kit.root / archive_path("demo", "2.0.0")
    data = bytearray(target.read_bytes())
    data[-30] ^= 0xFF
    target.write_bytes(bytes(data))
    before = installed()

    _refused(home, installed, before, "the archive was changed")


def test_truncated_download(tmp_path, home, kit, installed):
    """An archive shorter than the index says is a cut download."""
    _publish_raw(kit, tmp_path, hostile())
    target = kit.root / archive_path("demo", "2.0.0")
    target.write_bytes(target.read_bytes()[:-100])
    before = installed()

    _refused(home, installed, before, "the download was cut short")


def test_tampered_index(tmp_path, home, kit, installed):
    """An index changed after it was signed is refused."""
    _publish_raw(kit, tmp_path, hostile())
    envelope = json.loads((kit.root / INDEX).read_bytes())
    evil = hostile(("../evil.py", b"owned"))
    release = envelope["signed"]["plugins"]["demo"]["versions"]["2.0.0"]
    release["sha256"] = hashlib.sha256(evil).hexdigest()
    release["size"] = len(evil)
    (kit.root / release["archive"]).write_bytes(evil)
    (kit.root / INDEX).write_text(json.dumps(envelope))
    before = installed()

    _refused(home, installed, before, "changed after it was signed")


def test_replayed_older_index(tmp_path, home, kit, installed):
    """Once a newer index was seen, an older one (validly signed) is refused."""
    old = (kit.root / INDEX).read_bytes()
    _publish_raw(kit, tmp_path, hostile())
    assert (
        run(home, "outdated", "--json").exit_code == 0
    )  # sees the newer serial
    (kit.root / INDEX).write_bytes(old)
    before = installed()

    _refused(
        home,
        installed,
        before,
        "replayed index",
        "install",
        "demo>=1",
        "--reinstall",
        "--yes",
    )


def test_index_signed_by_another_owner(tmp_path, home, kit, installed):
    """An index signed by a key other than the pinned owner key is refused."""
    _publish_raw(kit, tmp_path, hostile())
    kit.owner = generate_private_key()
    kit.seal()
    before = installed()

    _refused(home, installed, before, "not by the registry owner's key")


def test_archive_signed_by_a_key_the_index_does_not_list(
    tmp_path, home, kit, installed
):
    """A release signed by an unlisted key is refused."""
    _publish_raw(kit, tmp_path, hostile(), key=generate_private_key())
    before = installed()

    _refused(home, installed, before, "which the registry does not list")


@pytest.mark.parametrize(
    ("archive", "pattern"),
    [
        (hostile(("../evil.py", b"owned")), "leaves"),
        (
            hostile((entry("link", stat.S_IFLNK | 0o777), b"/etc/passwd")),
            "symbolic link",
        ),
        (hostile(("blank.txt", bytes(2 * 1024 * 1024))), "zip bomb"),
        (
            make_zip(("demo.py", SOURCE)),
            "demo 1.0.0, not what the index lists",
        ),
    ],
    ids=["zip slip", "symlink entry", "zip bomb", "other version inside"],
)
def test_hostile_archive_from_a_publisher(  # noqa: PLR0917 -- fixtures
    tmp_path, home, kit, installed, archive, pattern
):
    """A correctly signed archive that is unsafe inside is still refused."""
    _publish_raw(kit, tmp_path, archive)
    before = installed()

    _refused(home, installed, before, pattern)


def test_hostile_local_archive(tmp_path, home, kit, installed):
    """A local .accp with a zip slip is refused the same way."""
    path = tmp_path / "evil.accp"
    path.write_bytes(hostile(("../../evil.py", b"owned")))
    before = installed()

    _refused(home, installed, before, "leaves", "install", str(path), "--yes")
    assert not (home / "evil.py").exists()

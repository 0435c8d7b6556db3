"""
Extraction refuses every archive an attacker could shape to write outside
its destination, or to fill the disk, with one ``ArchiveError`` naming
the archive and the entry, and leaves the destination's tree as it was.
"""

import os
import stat
import struct
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.market._zips import (
    MANIFEST,
    entry,
    fingerprint,
    make_zip,
    with_declared_count,
    with_declared_size,
)

from acc_plugins.errors import ArchiveError, MarketplaceError
from acc_plugins.market import ArchiveLimits, extract_archive


ZEROS = bytes(2 * 1024 * 1024)  # deflates about a thousand times

ATTACKS = {
    "zip slip ../x": (make_zip(("../x", b"owned")), "../x", "leaves"),
    "absolute path": (make_zip(("/abs", b"owned")), "/abs", "absolute"),
    "a/../../x": (make_zip(("a/../../x", b"owned")), "a/../../x", "leaves"),
    "drive letter": (make_zip(("C:\\x", b"owned")), "C:\\x", "drive letter"),
    "drive-relative": (make_zip(("C:x", b"owned")), "C:x", "drive letter"),
    "backslash dots": (
        make_zip(("a\\..\\..\\x", b"owned")),
        "a\\..\\..\\x",
        "backslash",
    ),
    "device name": (make_zip(("NUL.py", b"")), "NUL.py", "device name"),
    "symlink": (
        make_zip((entry("link", stat.S_IFLNK | 0o777), b"/etc/passwd")),
        "link",
        "symbolic link",
    ),
    "character device": (
        make_zip((entry("tty", stat.S_IFCHR | 0o666), b"")),
        "tty",
        "character device",
    ),
    "block device": (
        make_zip((entry("sda", stat.S_IFBLK | 0o660), b"")),
        "sda",
        "block device",
    ),
    "named pipe": (
        make_zip((entry("fifo", stat.S_IFIFO | 0o644), b"")),
        "fifo",
        "named pipe",
    ),
    "folder mode on a file name": (
        make_zip((entry("plain", stat.S_IFDIR | 0o755), b"")),
        "plain",
        "folder entry",
    ),
    "zip bomb": (make_zip(("blank.txt", ZEROS)), "blank.txt", "zip bomb"),
    "duplicate entry": (
        make_zip(("a.py", b"1"), ("a.py", b"2")),
        "a.py",
        "same path",
    ),
    "duplicate ignoring case": (
        make_zip(("Tool.py", b"1"), ("tool.py", b"2")),
        "tool.py",
        "same path",
    ),
    "duplicate ignoring normalisation": (
        make_zip(("caf\u00e9.py", b"1"), ("cafe\u0301.py", b"2")),
        "cafe\u0301.py",
        "same path",
    ),
    "file that is also a folder": (
        make_zip(("lib", b"1"), ("lib/x.py", b"2")),
        "lib",
        "same path",
    ),
    "plugin.toml twice": (
        make_zip(("plugin.toml", b"[plugin]\nname = 'evil'\n")),
        "plugin.toml",
        "same path",
    ),
    "missing manifest": (
        make_zip(("sub/plugin.toml", MANIFEST), manifest=False),
        None,
        "at its root",
    ),
    "invalid manifest": (
        make_zip(("plugin.toml", b"[plugin]\nname = 3\n"), manifest=False),
        "plugin.toml",
        "plugin.name",
    ),
    "not a zip": (b"hello, world", None, "no end record"),
    "truncated": (
        make_zip(("a.py", b"x" * 5000))[:-30],
        None,
        "truncated",
    ),
}


@pytest.fixture(name="home")
def _home(tmp_path):
    """A plugins folder with one plugin installed already."""
    installed = tmp_path / "plugins" / "old"
    installed.mkdir(parents=True)
    (installed / "plugin.toml").write_bytes(MANIFEST)
    return tmp_path


def _refused(home, archive, limits=None):
    """The error extracting *archive* into home/plugins/new raises."""
    before = fingerprint(home)
    dest = home / "plugins" / "new"
    options = {} if limits is None else {"limits": limits}

    with pytest.raises(ArchiveError) as caught:
        extract_archive(archive, dest, **options)

    assert fingerprint(home) == before
    return caught.value


@pytest.mark.parametrize(
    ("archive", "entry_text", "reason"),
    list(ATTACKS.values()),
    ids=list(ATTACKS),
)
def test_attack_is_refused_and_changes_nothing(
    home, archive, entry_text, reason
):
    """Each hostile archive gets one clear error; no file is written."""
    error = _refused(home, archive)

    assert error.archive == "<archive>"
    assert error.entry == entry_text
    assert reason in str(error)
    assert isinstance(error, MarketplaceError)
    assert isinstance(error, ValueError)


def test_many_entries_are_refused(home):
    """One entry past MAX_ENTRIES is refused before any is read."""
    names = [(f"f{n}.txt", b"") for n in range(5000)]

    error = _refused(home, make_zip(*names))

    assert "5001 entries" in str(error)
    assert "MAX_ENTRIES" in str(error)


def test_a_lying_entry_count_is_counted_again(home):
    """An end record that declares one entry does not hide five thousand."""
    archive = with_declared_count(
        make_zip(*[(f"f{n}.txt", b"") for n in range(5000)]), 1
    )

    error = _refused(home, archive)

    assert "MAX_ENTRIES" in str(error)


def test_entries_inflating_past_the_total_are_refused(home):
    """Bytes are counted across entries against MAX_TOTAL_BYTES."""
    limits = ArchiveLimits(max_total_bytes=100_000, ratio_floor=10**9)
    archive = make_zip(
        ("a.bin", os.urandom(60_000)), ("b.bin", b"\0" * 60_000)
    )

    error = _refused(home, archive, limits)

    assert "MAX_TOTAL_BYTES" in str(error)


def test_a_bomb_declaring_a_small_size_is_caught_while_inflating(home):
    """A declared size of ten bytes does not let a bomb through."""
    archive = with_declared_size(
        make_zip(("blank.txt", ZEROS)), "blank.txt", 10
    )

    error = _refused(home, archive)

    assert error.entry == "blank.txt"
    assert "corrupt" in str(error)


def test_counting_stops_a_bomb_whose_declared_sizes_pass(home):
    """The byte count, not the declared size, enforces the ratio."""
    limits = ArchiveLimits(ratio_floor=1000, max_ratio=2)
    archive = make_zip(("blank.txt", b"\0" * 5000))
    archive = with_declared_size(archive, "blank.txt", 999)

    error = _refused(home, archive, limits)

    assert error.entry == "blank.txt"


def test_a_changed_byte_fails_the_checksum(home):
    """Content that does not match its CRC-32 is refused."""
    archive = bytearray(
        make_zip(("a.txt", b"The quick brown fox " * 50), manifest=True)
    )
    at = bytes(archive).find(b"a.txt") + len(b"a.txt") + 5
    archive[at] ^= 0xFF

    error = _refused(home, bytes(archive))

    assert error.entry == "a.txt"


def test_encrypted_and_unknown_methods_are_refused(home):
    """Only stored and deflated entries, unencrypted, are accepted."""
    encrypted = bytearray(make_zip(("a.txt", b"x")))
    for offset in _offsets(encrypted, b"PK\x03\x04") + _offsets(
        encrypted, b"PK\x01\x02"
    ):
        at = offset + (6 if encrypted[offset + 2] == 3 else 8)
        encrypted[at] |= 1
    bzipped = entry("b.txt")
    bzipped.compress_type = zipfile.ZIP_BZIP2

    assert "encrypted" in str(_refused(home, bytes(encrypted)))
    assert "method 12" in str(_refused(home, make_zip((bzipped, b"y"))))


def _offsets(data, marker):
    found, at = [], data.find(marker)
    while at >= 0:
        found.append(at)
        at = data.find(marker, at + 1)
    return found


def test_zip64_is_refused(home):
    """A zip64 locator could override the checked end record."""
    archive = make_zip(("a.txt", b"x"))
    at = archive.rfind(b"PK\x05\x06")
    locator = b"PK\x06\x07" + struct.pack("<IQI", 0, 0, 1)
    archive = archive[:at] + locator + archive[at:]

    assert "zip64" in str(_refused(home, archive))


def test_an_oversized_archive_file_is_refused_unread(home, tmp_path):
    """A file larger than any archive within the limits is not read."""
    path = tmp_path / "huge.accp"
    path.write_bytes(make_zip(("a.txt", os.urandom(5000))))
    limits = ArchiveLimits(max_entries=1, max_total_bytes=100)

    error = _refused(home, path, limits)

    assert error.archive == str(path)
    assert "larger than" in str(error)


def test_a_named_pipe_is_not_read_as_an_archive(home, tmp_path):
    """A FIFO given as the archive is refused, not read forever."""
    os.mkfifo(tmp_path / "pipe.accp")

    error = _refused(home, tmp_path / "pipe.accp")

    assert "not a regular file" in str(error)


def test_an_existing_destination_is_left_alone(home):
    """Extraction never replaces a folder that is there."""
    before = fingerprint(home)

    with pytest.raises(FileExistsError):
        extract_archive(make_zip(), home / "plugins" / "old")

    assert fingerprint(home) == before


def test_a_good_archive_extracts_with_fixed_modes(home):
    """Files come out 0644 and folders 0755, whatever the archive says."""
    archive = make_zip(
        (entry("bin/run.py", stat.S_IFREG | 0o4777), b"print(1)"),
        (entry("empty/", stat.S_IFDIR | 0o777), b""),
    )
    dest = home / "plugins" / "new"

    manifest = extract_archive(archive, dest)

    assert manifest.plugin.name == "demo"
    assert fingerprint(dest) == {
        "bin": (stat.S_IFDIR, 0o755, None),
        "bin/run.py": (stat.S_IFREG, 0o644, b"print(1)"),
        "empty": (stat.S_IFDIR, 0o755, None),
        "plugin.toml": (stat.S_IFREG, 0o644, MANIFEST),
    }
    assert sorted(p.name for p in (home / "plugins").iterdir()) == [
        "new",
        "old",
    ]


_GOOD = make_zip(("pkg/a.py", b"a = 1\n" * 40), ("b.txt", os.urandom(300)))


@given(
    st.one_of(
        st.integers(0, len(_GOOD) - 1).map(lambda n: _GOOD[:n]),
        st.tuples(st.integers(0, len(_GOOD) - 1), st.integers(1, 255)).map(
            lambda change: _flipped(_GOOD, *change)
        ),
        st.binary(max_size=400),
    )
)
def test_damaged_archives_extract_whole_or_not_at_all(archive):
    """Truncated, bit-flipped or random bytes: a manifest or ArchiveError,
    never another exception, and never a partial tree."""
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        dest = home / "new"
        try:
            extract_archive(archive, dest)
        except ArchiveError:
            assert list(home.iterdir()) == []
        else:
            assert (dest / "plugin.toml").read_bytes() == MANIFEST


def _flipped(data, at, mask):
    changed = bytearray(data)
    changed[at] ^= mask
    return bytes(changed)

"""
Packaging: the same sources give the same bytes, what is packaged comes
back byte for byte, and what an extractor would refuse is refused here.
"""

import io
import os
import shutil
import stat
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.market._zips import EPOCH, MANIFEST, fingerprint

from acc_plugins.errors import ArchiveError, ManifestError
from acc_plugins.market import (
    ArchiveLimits,
    archive_digest,
    build_archive,
    extract_archive,
    write_archive,
)
from acc_plugins.market._names import same_file_key


EXAMPLES = Path(__file__).parents[2] / "examples"
_SEGMENT = st.text("abcXYZ019_-\u00e9\u00df", min_size=1, max_size=6)
_PATH = st.lists(_SEGMENT, min_size=1, max_size=3).map("/".join)
_CONTENT = st.one_of(
    st.binary(max_size=3000),
    st.integers(0, 300_000).map(lambda n: b"\0" * n),
)


def _portable(tree):
    """*tree* without the paths that clash with an earlier one."""
    kept: dict[str, tuple[str, bytes]] = {}
    folders: set[str] = set()
    for path, content in sorted(tree.items()):
        key = same_file_key(path)
        parts = key.split("/")
        prefixes = {"/".join(parts[:end]) for end in range(1, len(parts))}
        if key in kept or key in folders or prefixes & set(kept):
            continue
        kept[key] = (path, content)
        folders |= prefixes
    return {"plugin.toml": MANIFEST} | dict(kept.values())


_TREES = st.dictionaries(_PATH, _CONTENT, max_size=12).map(_portable)


def _write(root, tree):
    for path, content in tree.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(content)


def _files(root):
    return {
        path: content
        for path, (kind, _mode, content) in fingerprint(root).items()
        if kind == stat.S_IFREG
    }


@given(_TREES)
def test_package_then_extract_gives_back_every_file(tree):
    """Every file comes back byte for byte, under its own name."""
    with tempfile.TemporaryDirectory() as tmp:
        source, dest = Path(tmp, "source"), Path(tmp, "dest")
        source.mkdir()
        _write(source, tree)

        manifest = extract_archive(build_archive(source), dest)

        assert _files(dest) == tree
        assert manifest.plugin.name == "demo"


@given(_TREES)
def test_packaging_twice_gives_the_same_bytes(tree):
    """Neither times, modes nor the order files were made changes a byte."""
    with tempfile.TemporaryDirectory() as tmp:
        first, second = Path(tmp, "first"), Path(tmp, "second")
        first.mkdir()
        second.mkdir()
        _write(first, tree)
        _write(second, dict(reversed(tree.items())))
        for path in tree:
            os.utime(second / path, (1e9, 2e9))
            (second / path).chmod(0o700)

        archive = build_archive(first)

        assert build_archive(first) == archive
        assert build_archive(second) == archive


def test_entries_carry_fixed_metadata(tmp_path):
    """Sorted names, 1980 timestamps, 0644 regular files, no folders."""
    _write(tmp_path, {"plugin.toml": MANIFEST, "z.py": b"", "a/b.py": b"1"})

    names = zipfile.ZipFile(io.BytesIO(build_archive(tmp_path))).infolist()

    assert [info.filename for info in names] == [
        "a/b.py",
        "plugin.toml",
        "z.py",
    ]
    assert {info.date_time for info in names} == {EPOCH}
    assert {info.external_attr >> 16 for info in names} == {0o100644}
    assert {info.create_system for info in names} == {3}


def test_what_is_not_source_is_left_out(tmp_path):
    """Caches, bytecode, VCS and venv folders, archives and backups."""
    _write(
        tmp_path,
        {
            "plugin.toml": MANIFEST,
            "tool.py": b"x = 1",
            "__pycache__/tool.cpython-311.pyc": b"\0",
            "sub/__pycache__/a.pyc": b"\0",
            "stray.pyc": b"\0",
            ".git/config": b"[core]",
            ".mypy_cache/x": b"",
            ".pytest_cache/x": b"",
            ".ruff_cache/x": b"",
            "demo-1.0.0.accp": b"PK",
            "tool.py~": b"old",
            ".tool.py.swp": b"vim",
            ".DS_Store": b"mac",
        },
    )
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "python").symlink_to("/usr/bin/python3")

    archive = zipfile.ZipFile(io.BytesIO(build_archive(tmp_path)))

    assert archive.namelist() == ["plugin.toml", "tool.py"]


def test_a_compressible_large_file_is_stored_and_extracts(tmp_path):
    """A file that would deflate like a bomb is stored, so it extracts."""
    _write(tmp_path / "p", {"plugin.toml": MANIFEST, "blank": bytes(3 << 20)})

    archive = build_archive(tmp_path / "p")
    extract_archive(archive, tmp_path / "out")

    info = zipfile.ZipFile(io.BytesIO(archive)).getinfo("blank")
    assert info.compress_type == zipfile.ZIP_STORED
    assert (tmp_path / "out" / "blank").read_bytes() == bytes(3 << 20)


@pytest.mark.parametrize(
    "example",
    sorted(
        p.name for p in EXAMPLES.iterdir() if (p / "plugin.toml").is_file()
    ),
)
def test_every_example_packages_and_extracts_identical(tmp_path, example):
    """Each example plugin comes back as its sources."""
    source = EXAMPLES / example
    expected = {
        path: content
        for path, content in _files(source).items()
        if "__pycache__" not in path
    }

    extract_archive(build_archive(source), tmp_path / example)

    assert _files(tmp_path / example) == expected


def test_a_symbolic_link_is_refused(tmp_path):
    """A link to a file outside the folder is not followed."""
    _write(tmp_path / "p", {"plugin.toml": MANIFEST})
    (tmp_path / "p" / "secret").symlink_to("/etc/passwd")

    with pytest.raises(ArchiveError, match="'secret': a symbolic link"):
        build_archive(tmp_path / "p")


def test_a_linked_folder_is_refused(tmp_path):
    """A link to a folder elsewhere is not walked."""
    _write(tmp_path / "p", {"plugin.toml": MANIFEST})
    (tmp_path / "p" / "lib").symlink_to(tmp_path, target_is_directory=True)

    with pytest.raises(ArchiveError, match="'lib': a symbolic link"):
        build_archive(tmp_path / "p")


def test_a_named_pipe_is_refused_without_blocking(tmp_path):
    """A FIFO is refused, not opened and read forever."""
    _write(tmp_path / "p", {"plugin.toml": MANIFEST})
    os.mkfifo(tmp_path / "p" / "pipe")

    with pytest.raises(ArchiveError, match="'pipe': not a regular file"):
        build_archive(tmp_path / "p")


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("Tool.py", "same path"),
        ("a\\b.py", "backslash"),
        ("aux.py", "device name"),
        ("what?.py", "character '?'"),
    ],
)
def test_names_an_extractor_refuses_are_refused(tmp_path, name, reason):
    """What would not extract on every system is not packaged."""
    _write(tmp_path, {"plugin.toml": MANIFEST, "tool.py": b"", name: b""})

    with pytest.raises(ArchiveError, match=reason):
        build_archive(tmp_path)


def test_limits_are_named_when_exceeded(tmp_path):
    """File count and total size are bounded, by name."""
    _write(tmp_path, {"plugin.toml": MANIFEST, "a": b"12345", "b": b"6"})

    with pytest.raises(ArchiveError, match="MAX_ENTRIES"):
        build_archive(tmp_path, limits=ArchiveLimits(max_entries=2))
    with pytest.raises(ArchiveError, match="MAX_TOTAL_BYTES"):
        build_archive(tmp_path, limits=ArchiveLimits(max_total_bytes=70))


def test_a_missing_or_invalid_manifest_is_the_manifest_error(tmp_path):
    """The manifest's own errors, naming its file."""
    with pytest.raises(ManifestError, match="cannot read"):
        build_archive(tmp_path)
    (tmp_path / "plugin.toml").write_text("[plugin]\nname = 3\n")
    with pytest.raises(ManifestError, match=r"plugin\.name"):
        build_archive(tmp_path)


def test_write_archive_names_the_file_and_writes_it_whole(tmp_path):
    """Into a folder as NAME-VERSION.accp, atomically, 0644."""
    out = tmp_path / "dist"
    out.mkdir()
    shutil.copytree(EXAMPLES / "text-tools", tmp_path / "tt")

    built = write_archive(tmp_path / "tt", out)
    again = write_archive(tmp_path / "tt", out / "copy.accp")

    assert built.path == out / "text-tools-1.2.0.accp"
    assert sorted(p.name for p in out.iterdir()) == [
        "copy.accp",
        "text-tools-1.2.0.accp",
    ]
    data = built.path.read_bytes()
    assert (built.size, built.sha256) == (len(data), archive_digest(data))
    assert again.sha256 == built.sha256
    assert stat.S_IMODE(built.path.stat().st_mode) == 0o644

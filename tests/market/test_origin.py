"""
The installer's record of where a plugin came from: round trip, bad
files, and that archives can neither carry one nor pack one.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest

from acc_plugins.errors import ArchiveError, MarketplaceError
from acc_plugins.market import build_archive, extract_archive
from acc_plugins.market._origin import (
    ORIGIN_FILE,
    Origin,
    read_origin,
    write_origin,
)


EXAMPLE = "examples/text-tools"


def _origin() -> Origin:
    return Origin(
        name="text-tools",
        version="1.0.0",
        source="registry:team",
        sha256="a" * 64,
        publisher="acme",
        key_id="0123456789abcdef",
        verified=True,
        installed_at="2026-12-03T00:00:00+00:00",
    )


def test_round_trip(tmp_path: Path) -> None:
    write_origin(tmp_path, _origin())
    assert read_origin(tmp_path) == _origin()
    assert _origin().signed
    assert (tmp_path / ORIGIN_FILE).stat().st_mode & 0o777 == 0o644


def test_a_folder_without_one_is_local(tmp_path: Path) -> None:
    assert read_origin(tmp_path) is None


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"{", "not JSON"),
        (b"[]", "not an install origin"),
        (b'{"name": "x", "version": "1", "source": "s"}', "'sha256' must be"),
        (
            (
                b'{"name": "x", "version": "1", "source": "s", "sha256": "a",'
                b' "verified": "yes"}'
            ),
            "'verified' must be",
        ),
        (b'{"name": "x", "surprise": 1}', "not an install origin"),
        (b" " * (64 * 1024 + 1), "larger than"),
    ],
)
def test_bad_files_name_the_file(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    (tmp_path / ORIGIN_FILE).write_bytes(content)
    with pytest.raises(MarketplaceError, match=reason) as caught:
        read_origin(tmp_path)
    assert str(tmp_path / ORIGIN_FILE) in str(caught.value)


def test_packaging_leaves_it_out(tmp_path: Path) -> None:
    folder = tmp_path / "text-tools"
    shutil.copytree(EXAMPLE, folder)
    before = build_archive(folder)
    write_origin(folder, _origin())
    after = build_archive(folder)
    assert after == before
    assert ORIGIN_FILE not in zipfile.ZipFile(io.BytesIO(after)).namelist()


@pytest.mark.parametrize("name", [ORIGIN_FILE, ".ACCP-Origin.json"])
def test_an_archive_carrying_one_is_refused(tmp_path: Path, name: str) -> None:
    # An attacker's archive that claims to be verified.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        zipped.writestr(
            "plugin.toml", (Path(EXAMPLE) / "plugin.toml").read_bytes()
        )
        zipped.writestr(name, b'{"verified": true}')
    dest = tmp_path / "out"
    with pytest.raises(ArchiveError, match="installer's own record"):
        extract_archive(buffer.getvalue(), dest)
    assert not dest.exists()

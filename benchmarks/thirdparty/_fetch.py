"""
Downloads from PyPI with pip, kept in a cache folder between runs, and
read without extracting anything to disk.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path


DEFAULT_CACHE = (
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    / "acc-plugins-bench"
)

ARCHIVE_SUFFIXES = (".whl", ".zip", ".tar.gz", ".tgz")


def download(requirement: str, cache: Path, *, source: bool = False) -> Path:
    """
    The archive of *requirement* (``name==version``), downloaded once.

    Args:
        requirement: A pinned requirement.

        cache: The folder downloads are kept in.

        source: Download the source distribution, not a wheel.

    Raises:
        RuntimeError: If pip cannot download it (no network, no such
            version), with pip's own words.
    """
    folder = cache / "downloads" / requirement.replace("==", "-")
    found = _archives(folder)
    if not found:
        command = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--quiet",
            "--dest",
            str(folder),
            requirement,
        ]
        if source:
            command += ["--no-binary", ":all:"]
        done = subprocess.run(  # noqa: S603 -- pip, with a fixed requirement
            command, capture_output=True, text=True, check=False
        )
        found = _archives(folder)
        if done.returncode or not found:
            last = (done.stderr.strip() or "no archive").splitlines()[-1]
            msg = f"pip download {requirement} failed: {last}"
            raise RuntimeError(msg)
    return found[0]


def _archives(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(
        path
        for path in folder.iterdir()
        if path.name.endswith(ARCHIVE_SUFFIXES)
    )


def read_archive(archive: Path) -> dict[str, bytes]:
    """
    Every regular file of a wheel, zip or tarball, by its path inside.
    """
    if archive.name.endswith((".whl", ".zip")):
        with zipfile.ZipFile(archive) as opened:
            return {
                info.filename: opened.read(info)
                for info in opened.infolist()
                if not info.is_dir()
            }
    files: dict[str, bytes] = {}
    with tarfile.open(archive) as opened:
        for member in opened.getmembers():
            handle = opened.extractfile(member) if member.isfile() else None
            if handle is not None:
                files[member.name] = handle.read()
    return files

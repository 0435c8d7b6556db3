"""
Marketplace benchmarks: extracting a plugin archive safely, against
Python's own ``zipfile`` extraction.

The issue's target is a verified install of a 1 MB plugin at most 1.5x
``zipfile.ZipFile.extractall`` plus ``hashlib.sha256`` of the archive.
Until signatures exist, "verified" is the digest: the measured case is
``archive_digest`` plus ``extract_archive`` (every check, the byte
counting, staging, the flush to disk and the rename); the reference
extracts and hashes the same bytes with no check and no flush.
"""

from __future__ import annotations

import gc
import hashlib
import io
import itertools
import shutil
import tempfile
import time
import zipfile
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

from _interleave import interleave
from _report import Row, ratio_row

import acc_plugins
from acc_plugins.market import archive_digest, build_archive, extract_archive


if TYPE_CHECKING:
    from collections.abc import Callable


ARCHIVE_BYTES = 1024 * 1024
_MANIFEST = (
    '[plugin]\nname = "bulk"\nversion = "1.0.0"\n'
    'description = "A plugin of about a megabyte."\n'
    'entry = "m000:Main"\nkind = "tool"\n'
)
_BATCH_SECONDS = 0.05


def _write_plugin(root: Path) -> bytes:
    """
    A plugin of real Python source (this library's own modules, under
    new names) whose archive is about ``ARCHIVE_BYTES``.
    """
    root.mkdir()
    (root / "plugin.toml").write_text(_MANIFEST)
    sources = sorted(Path(acc_plugins.__file__).parent.rglob("*.py"))
    packed = 0
    for number, source in enumerate(itertools.cycle(sources)):
        if packed >= ARCHIVE_BYTES:
            break
        folder = root / f"pkg{number % 7}"
        folder.mkdir(exist_ok=True)
        text = source.read_bytes()
        (folder / f"m{number:03}.py").write_bytes(text)
        packed += len(zlib.compress(text, 9))
    return build_archive(root)


def _reference(data: bytes, dest: Path) -> None:
    hashlib.sha256(data).hexdigest()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        archive.extractall(dest)


def _measured(data: bytes, dest: Path) -> None:
    archive_digest(data)
    extract_archive(data, dest)


def _batch(
    extract: Callable[[bytes, Path], None],
    data: bytes,
    root: Path,
    number: int,
) -> Callable[[], float]:
    """
    *number* extractions into fresh folders, timed; the folders are
    removed afterwards, outside the time.
    """
    names = itertools.count()

    def batch() -> float:
        dests = [root / f"x{next(names)}" for _ in range(number)]
        gc.disable()
        try:
            start = time.perf_counter()
            for dest in dests:
                extract(data, dest)
            elapsed = time.perf_counter() - start
        finally:
            gc.enable()
        for dest in dests:
            shutil.rmtree(dest)
        return elapsed

    return batch


def bench_market(rounds: int) -> list[Row]:
    """
    Safe extraction and digest of a ~1 MB archive / zipfile + sha256.
    """
    with tempfile.TemporaryDirectory() as home:
        root = Path(home)
        data = _write_plugin(root / "source")
        once = _batch(_reference, data, root, 1)()
        number = max(1, round(_BATCH_SECONDS / once))
        ratio = interleave(
            _batch(_reference, data, root, number),
            _batch(_measured, data, root, number),
            rounds=rounds,
            number=number,
        )
    row = ratio_row(
        f"extract + sha256, {len(data) / 1e6:.1f} MB archive / zipfile",
        ratio,
        1.5,
    )
    note = (
        f"{ratio.measured * 1e3:.1f} ms against {ratio.reference * 1e3:.1f} ms"
    )
    return [Row(row.case, row.value, row.spread, row.target, row.passed, note)]

"""
Atomic writes leave the old file or the new one and nothing else, and the
temporaries of killed writers are swept at the next start.
"""

import os
import random
import re
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from tests.host.test_grants_audit import kill_when_busy

from acc_plugins.host import PluginHost
from acc_plugins.host.config import _atomic
from acc_plugins.host.config._atomic import staged, sweep, write_atomic


# Stores a new secret value, as fast as it can.
SECRETS = """
import sys
from pathlib import Path
from acc_plugins.host.config._config import SecretStore

store = SecretStore(Path(sys.argv[1]) / "secrets.json")
print("ready", flush=True)
n = 0
while True:
    # Large, so that a kill often lands while the file is written.
    store.put("p", "token", f"hunter-{n}-" + "x" * 50_000)
    n += 1
"""


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_write_leaves_the_new_file_private_and_nothing_else(tmp_path):
    """The file has the new content, mode 0600, and no temporary stays."""
    path = tmp_path / "secrets.json"
    path.write_text("old")

    write_atomic(path, b"new")

    assert path.read_bytes() == b"new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["secrets.json"]


def test_a_write_not_committed_changes_nothing(tmp_path):
    """Leaving the staged block without committing leaves the old file."""
    path = tmp_path / "grants.json"
    path.write_text("old")

    with staged(path, b"new"):
        pass

    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["grants.json"]


def test_no_byte_is_written_before_the_temporary_is_private(
    tmp_path, monkeypatch
):
    """Whatever the umask, the temporary is 0600 before the first byte."""
    modes: list[int] = []
    real = _atomic._write_all

    def spy(fd: int, data: bytes, mode: int) -> None:
        modes.append(stat.S_IMODE(os.fstat(fd).st_mode))
        real(fd, data, mode)

    monkeypatch.setattr(_atomic, "_write_all", spy)
    old_umask = os.umask(0)
    try:
        write_atomic(tmp_path / "secrets.json", b"{}")
    finally:
        os.umask(old_umask)

    assert modes == [0o600]


def test_a_sweep_removes_only_the_temporaries_of_dead_writers(tmp_path):
    """Ours with a dead pid, and old ones of the former naming, go; a live
    writer's, a fresh one of the former naming, and others' files stay."""
    dead = tmp_path / f".secrets.json.{_dead_pid()}.0123456789ab.tmp"
    live = tmp_path / f".secrets.json.{os.getpid()}.0123456789ab.tmp"
    legacy_old = tmp_path / "tmpabcd_123.tmp"
    legacy_new = tmp_path / "tmpzyxw_987.tmp"
    others = [tmp_path / n for n in ("notes.tmp", "tmp.tmp", "secrets.json")]
    for path in [dead, live, legacy_old, legacy_new, *others]:
        path.write_text("hunter2")
    an_hour_ago = time.time() - 3600
    os.utime(legacy_old, (an_hour_ago, an_hour_ago))

    removed = sweep(tmp_path)

    assert sorted(removed) == sorted([dead, legacy_old])
    assert sorted(tmp_path.iterdir()) == sorted([live, legacy_new, *others])


_NAMES = st.text(
    st.characters(blacklist_characters="/\x00", blacklist_categories=["Cs"]),
    min_size=1,
    max_size=40,
).filter(
    lambda n: (
        n not in {".", ".."}
        and len(n.encode()) < 200
        and not re.fullmatch(r"\..+\.[0-9]+\.[0-9a-f]{12}\.tmp", n)
        and not re.fullmatch(r"tmp[a-z0-9_]{8}\.tmp", n)
    )
)


@given(names=st.sets(_NAMES, max_size=8))
def test_a_sweep_never_removes_a_name_not_of_our_making(names):
    """Any other file name, old or new, survives a sweep."""
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        for name in names:
            (directory / name).write_text("x")
            os.utime(directory / name, (0, 0))

        removed = sweep(directory)

        assert removed == []
        assert {p.name for p in directory.iterdir()} == names


def test_killed_secret_writers_leave_no_secret_behind(tmp_path):
    """Kill a process storing secrets at random moments: after the next
    start, no file but secrets.json holds a secret, and no temporary is
    left."""
    data = tmp_path / "data"
    data.mkdir()
    rng = random.Random(os.getpid())
    for _ in range(15):
        kill_when_busy([SECRETS, str(data)], rng, 0.03)

    PluginHost([tmp_path / "plugins"], data_dir=data).survey()

    holding = sorted(
        path.name
        for path in data.iterdir()
        if path.is_file() and b"hunter-" in path.read_bytes()
    )
    assert holding == ["secrets.json"]
    assert [p.name for p in data.iterdir() if p.suffix == ".tmp"] == []

"""
The tamper-evident audit trail and ``acc-plugins audit``.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import stat
import sys
import tempfile
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from unittest import mock

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from acc_plugins.cli._audit import audit, parse_since
from acc_plugins.security import AuditEntry, AuditKind, VerifyResult
from acc_plugins.security._audit import GENESIS, AuditLog


START = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


class Clock:
    """
    A clock that moves one second per reading, or to where it is set.
    """

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture(name="directory")
def _directory(tmp_path: Path) -> Path:
    return tmp_path / "audit"


@pytest.fixture(name="log")
def _log(directory: Path) -> AuditLog:
    return AuditLog(directory, clock=Clock())


def fill(log: AuditLog, count: int) -> list[AuditEntry]:
    return [
        log.append(
            AuditKind.GRANT if i % 2 else "denial",
            f"plugin-{i % 3}",
            permission="fs.read",
            number=i,
        )
        for i in range(count)
    ]


def log_files(directory: Path) -> list[Path]:
    rotated = sorted(
        directory.glob("audit-*.jsonl"),
        key=lambda path: int(path.name.split("-")[1]),
    )
    current = directory / "audit.jsonl"
    return [*rotated, current] if current.exists() else rotated


def read_lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def write_lines(path: Path, lines: list[bytes]) -> None:
    path.write_bytes(b"".join(lines))


def problem_word(result: VerifyResult) -> str:
    assert result.problem is not None
    return result.problem.split(":", 1)[0]


def test_append_returns_what_is_read_back(log):
    """Appended entries come back in order, chained from 64 zeros."""
    written = fill(log, 4)

    assert list(log.entries()) == written
    assert [e.seq for e in written] == [1, 2, 3, 4]
    assert written[0].prev == GENESIS
    assert [e.prev for e in written[1:]] == [e.hash for e in written[:-1]]
    assert written[0].kind is AuditKind.DENIAL
    assert written[0].detail == {"number": 0, "permission": "fs.read"}
    assert written[0].time == "2025-03-01T12:00:01.000000+00:00"


def test_each_line_is_the_canonical_json_of_its_entry(log, directory):
    """The file holds canonical JSON; the hash covers every other field."""
    entry = log.append("install", "text-tools", version="1.2.0", tags=("a",))
    line = (directory / "audit.jsonl").read_text(encoding="utf-8")
    body = {k: v for k, v in entry.as_dict().items() if k != "hash"}
    canonical = json.dumps(
        body, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )

    assert (
        line
        == json.dumps(entry.as_dict(), sort_keys=True, separators=(",", ":"))
        + "\n"
    )
    assert entry.hash == hashlib.sha256(canonical.encode()).hexdigest()
    assert entry.detail == {"tags": ["a"], "version": "1.2.0"}


def test_entries_filter_by_plugin_kind_and_time(directory):
    """Filters combine; since is inclusive and needs a timezone."""
    clock = Clock()
    log = AuditLog(directory, clock=clock)
    fill(log, 6)

    assert [e.seq for e in log.entries(plugin="plugin-1")] == [2, 5]
    assert [e.seq for e in log.entries(kind="grant")] == [2, 4, 6]
    assert [e.seq for e in log.entries(plugin="plugin-0", kind="denial")] == [
        1
    ]
    since = START + timedelta(seconds=5)
    assert [e.seq for e in log.entries(since=since)] == [5, 6]
    with pytest.raises(ValueError, match="timezone-aware"):
        log.entries(since=datetime(2025, 1, 1))  # noqa: DTZ001 -- naive on purpose


def test_bad_arguments_are_refused_before_writing(log, directory):
    """Unknown kinds, non-JSON details and non-str plugins write nothing."""
    with pytest.raises(ValueError, match="'launch' is not a valid AuditKind"):
        log.append("launch")
    with pytest.raises(TypeError, match="not JSON serializable"):
        log.append("load", "p", value=object())
    with pytest.raises(TypeError, match="wrong type"):
        log.append("load", 42)

    assert list(log.entries()) == []
    assert log.verify() == VerifyResult(ok=True, entries=0, files=0)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_directory_and_files_are_private(log, directory):
    """Only the user can read the trail."""
    fill(log, 1)

    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    for name in ("audit.jsonl", "audit.head", "audit.lock"):
        assert stat.S_IMODE((directory / name).stat().st_mode) == 0o600


def test_rotation_keeps_the_chain_verifiable(directory):
    """Rotated files are named by seq range and chained to the next file."""
    log = AuditLog(directory, max_bytes=700, clock=Clock())
    written = fill(log, 9)
    files = log_files(directory)

    assert len(files) >= 3
    assert files[0].name.startswith("audit-1-")
    assert all(p.stat().st_size <= 700 for p in files)
    assert list(log.entries()) == written
    assert log.verify() == VerifyResult(True, 9, len(files))
    first_current = json.loads(read_lines(files[-1])[0])
    last_rotated = json.loads(read_lines(files[-2])[-1])
    assert first_current["prev"] == last_rotated["hash"]
    assert first_current["seq"] == last_rotated["seq"] + 1


def test_an_edited_field_is_reported(log, directory):
    """Changing a value breaks the entry's own hash."""
    fill(log, 5)
    path = directory / "audit.jsonl"
    lines = read_lines(path)
    lines[2] = lines[2].replace(b'"fs.read"', b'"fs.write"')
    write_lines(path, lines)

    result = log.verify()

    assert (result.ok, result.file, result.line) == (False, path, 3)
    assert result.problem == "edited: the content does not match its hash"
    assert result.entries == 2


def test_a_deleted_line_is_reported(log, directory):
    """Removing an entry leaves a seq gap where it was."""
    fill(log, 5)
    path = directory / "audit.jsonl"
    lines = read_lines(path)
    del lines[2]
    write_lines(path, lines)

    result = log.verify()

    assert (result.file, result.line) == (path, 3)
    assert result.problem == "deleted: entry 3 is missing before this one"


def test_swapped_lines_are_reported_as_reordered(log, directory):
    """An entry out of place is reordered, not deleted."""
    fill(log, 5)
    path = directory / "audit.jsonl"
    lines = read_lines(path)
    lines[1], lines[3] = lines[3], lines[1]
    write_lines(path, lines)

    result = log.verify()

    assert (result.file, result.line) == (path, 2)
    assert problem_word(result) == "reordered"


def test_deleting_the_newest_entries_is_caught_by_the_head(log, directory):
    """audit.head remembers the last entry, so trimming the end shows."""
    fill(log, 4)
    path = directory / "audit.jsonl"
    write_lines(path, read_lines(path)[:2])

    result = log.verify()

    assert (result.file, result.line) == (path, 3)
    assert result.problem == "deleted: entries 3-4 are missing"


@pytest.mark.parametrize("which", [0, 1])
def test_a_deleted_rotated_file_is_reported(directory, which):
    """A missing rotated file is a seq gap at the next file's first line."""
    log = AuditLog(directory, max_bytes=700, clock=Clock())
    fill(log, 9)
    files = log_files(directory)
    files[which].unlink()

    result = log.verify()

    assert (result.file, result.line) == (files[which + 1], 1)
    assert problem_word(result) == "deleted"


def test_a_truncated_last_line_is_reported_and_kept(log, directory):
    """A torn write is reported; the next append starts on a new line."""
    fill(log, 3)
    path = directory / "audit.jsonl"
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 40])

    first = log.verify()
    entry = log.append("error", "p", message="after the crash")
    second = log.verify()

    assert (first.file, first.line) == (path, 3)
    assert problem_word(first) == "truncated"
    assert entry.seq == 3
    assert (second.file, second.line, second.problem) == (
        path,
        3,
        first.problem,
    )
    assert [e.seq for e in log.entries()] == [1, 2, 3]
    assert len(read_lines(path)) == 4


def test_verify_reports_garbage_without_raising(log, directory):
    """Arbitrary bytes, a bad head or a missing head are results."""
    directory.mkdir()
    (directory / "audit.jsonl").write_bytes(b"\xff\xfe{not json}\n")

    assert problem_word(log.verify()) == "edited"

    (directory / "audit.jsonl").unlink()
    fill(log, 2)
    (directory / "audit.head").write_text("[]")
    assert log.verify().problem == "edited: audit.head is not a head record"

    (directory / "audit.head").unlink()
    assert log.verify().problem == "deleted: audit.head is missing"


def test_a_missing_directory_is_an_empty_trail(tmp_path):
    """Nothing has been audited yet, and nothing is created by reading."""
    log = AuditLog(tmp_path / "nowhere")

    assert log.verify() == VerifyResult(True, 0, 0)
    assert list(log.entries()) == []
    assert not (tmp_path / "nowhere").exists()


def _mutate(files: list[Path], data: st.DataObject) -> None:
    places = [
        (path, i) for path in files for i in range(len(read_lines(path)))
    ]
    contents = {path: read_lines(path) for path in files}
    action = data.draw(st.sampled_from(["delete", "swap", "change"]))
    if action == "swap" and len(places) < 2:
        action = "delete"
    if action == "delete":
        path, i = data.draw(st.sampled_from(places))
        del contents[path][i]
    elif action == "swap":
        first, second = data.draw(
            st.lists(
                st.sampled_from(places), min_size=2, max_size=2, unique=True
            )
        )
        a, b = contents[first[0]][first[1]], contents[second[0]][second[1]]
        contents[first[0]][first[1]], contents[second[0]][second[1]] = b, a
    else:
        path, i = data.draw(st.sampled_from(places))
        text = contents[path][i].decode()
        k = data.draw(st.integers(0, len(text) - 2))
        new = data.draw(
            st.characters(codec="utf-8").filter(lambda c: c != text[k])
        )
        contents[path][i] = (text[:k] + new + text[k + 1 :]).encode()
    for path, lines in contents.items():
        write_lines(path, lines)


@given(count=st.integers(1, 7), data=st.data())
def test_any_single_mutation_is_detected(count, data):
    """Deleting, swapping or changing one character never goes unnoticed."""
    with tempfile.TemporaryDirectory() as tmp, mock.patch("os.fsync"):
        log = AuditLog(Path(tmp), max_bytes=700, clock=Clock())
        fill(log, count)
        assert log.verify().ok
        _mutate(log_files(Path(tmp)), data)

        result = log.verify()

    assert not result.ok
    assert problem_word(result) in {
        "edited",
        "reordered",
        "deleted",
        "truncated",
    }


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["seq", "kind", "hash", "x"]), inner)
    ),
    max_leaves=8,
)


@given(
    lines=st.lists(
        st.binary(max_size=40) | JSON.map(lambda v: json.dumps(v).encode()),
        max_size=4,
    )
)
def test_verify_never_raises_for_bad_content(lines):
    """Whatever the files hold, verify answers with a result."""
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "audit.jsonl").write_bytes(b"\n".join(lines))
        (Path(tmp) / "audit-1-2.jsonl").write_bytes(b"".join(lines[:1]))

        result = AuditLog(Path(tmp)).verify()

    assert result.ok is (result.problem is None)
    assert not result.ok


def _check_continuous(log: AuditLog, total: int) -> None:
    assert log.verify() == VerifyResult(
        True, total, len(log_files(log._directory))
    )
    assert [e.seq for e in log.entries()] == list(range(1, total + 1))


def test_threads_append_without_breaking_the_chain(directory):
    """Two threads, two AuditLog objects, one valid chain."""

    def work(name: str) -> None:
        log = AuditLog(directory, max_bytes=3000)
        for i in range(25):
            log.append("load", name, i=i)

    threads = [threading.Thread(target=work, args=(n,)) for n in "ab"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    _check_continuous(AuditLog(directory), 50)


def _append_many(directory: str, name: str) -> None:
    log = AuditLog(Path(directory), max_bytes=3000)
    for i in range(20):
        log.append("load", name, i=i)


@pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="no fork"
)
def test_processes_append_without_breaking_the_chain(directory):
    """Two processes serialise on the lock file; seq stays continuous."""
    context = multiprocessing.get_context("fork")
    processes = [
        context.Process(target=_append_many, args=(str(directory), n))
        for n in "ab"
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=30)

    assert [p.exitcode for p in processes] == [0, 0]
    _check_continuous(AuditLog(directory), 40)


def test_parse_since_reads_spans_and_iso_times():
    """Spans count back from now; naive ISO times are local."""
    now = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)

    assert parse_since("10m", now) == now - timedelta(minutes=10)
    assert parse_since("3d", now) == now - timedelta(days=3)
    assert parse_since("2025-02-01T00:00Z") == datetime(2025, 2, 1, tzinfo=UTC)
    assert parse_since("2025-02-01").tzinfo is not None
    with pytest.raises(ValueError, match="Invalid isoformat"):
        parse_since("yesterday")


@pytest.fixture(name="cli_log")
def _cli_log(directory: Path) -> AuditLog:
    now = datetime.now(UTC)
    clock = Clock(now - timedelta(hours=3))
    log = AuditLog(directory, clock=clock)
    log.append("install", "alpha", version="1.0")
    log.append("grant", "beta", permission="net")
    clock.now = now - timedelta(minutes=10)
    log.append("denial", "alpha", permission="fs.write")
    log.append("violation", None, what="import of 'os'")
    return log


def run_audit(*args: str, obj: object = None):
    return CliRunner().invoke(
        audit, list(args), obj=obj, catch_exceptions=False
    )


def test_cli_lists_and_filters(cli_log, directory):
    """--plugin, --kind, --since and --limit select what is listed."""
    where = f"--audit-dir={directory}"

    def seqs(*args: str) -> list[int]:
        result = run_audit(where, *args)
        assert result.exit_code == 0, result.output
        return [int(line.split()[0]) for line in result.stdout.splitlines()]

    assert seqs() == [1, 2, 3, 4]
    assert seqs("--plugin", "alpha") == [1, 3]
    assert seqs("--kind", "grant") == [2]
    assert seqs("--since", "1h") == [3, 4]
    assert seqs("--limit", "1") == [4]
    assert seqs("--plugin", "alpha", "--since", "1h") == [3]
    line = run_audit(where, "--kind", "denial").stdout
    assert line.split()[3:] == ["denial", "alpha", 'permission="fs.write"']


def test_cli_prints_json(cli_log, directory):
    """--json prints the stored entries as a JSON array."""
    result = run_audit(
        f"--audit-dir={directory}", "--json", "--plugin", "beta"
    )

    assert json.loads(result.stdout) == [
        e.as_dict() for e in cli_log.entries(plugin="beta")
    ]


def test_cli_refuses_a_bad_since(directory):
    """An unreadable --since is a usage error."""
    result = run_audit(f"--audit-dir={directory}", "--since", "soon")

    assert result.exit_code == 2
    assert "neither ISO 8601 nor a span" in result.output


def test_cli_verify_exit_codes(cli_log, directory):
    """verify exits 0 on an intact chain and 1 naming the broken entry."""
    where = f"--audit-dir={directory}"
    good = run_audit(where, "verify")
    path = directory / "audit.jsonl"
    lines = read_lines(path)
    lines[1] = lines[1].replace(b'"net"', b'"all"')
    write_lines(path, lines)
    bad = run_audit(where, "verify")

    assert (good.exit_code, good.stdout) == (
        0,
        "ok: 4 entries in 1 file, chain intact\n",
    )
    assert bad.exit_code == 1
    assert bad.stdout == (
        f"broken: {path}:2: edited: the content does not match its hash\n"
    )


def test_cli_takes_the_directory_from_the_parent_data_dir(cli_log, tmp_path):
    """Without --audit-dir, the parent's data_dir/audit is used."""
    result = run_audit("verify", obj={"data_dir": tmp_path})

    assert result.stdout == "ok: 4 entries in 1 file, chain intact\n"


def test_cli_listing_options_do_not_apply_to_verify(directory):
    """Listing filters given before verify are a usage error."""
    result = run_audit(f"--audit-dir={directory}", "--plugin", "x", "verify")

    assert result.exit_code == 2
    assert "are for listing" in result.output

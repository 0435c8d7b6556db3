"""
A grant or revoke and its audit entry land together or not at all: under
kills at random moments, and when the disk refuses the audit line.
"""

import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from tests.host.test_host import ECHO, write_plugin

from acc_plugins.host import PluginHost
from acc_plugins.host.gate._consent import GrantStore
from acc_plugins.security import AuditKind, AuditLog, _audit
from acc_plugins.security._auditfiles import write_head


PERMISSION = "host:events.emit"

# Grants and revokes one permission, alternately, as fast as it can.
CHURN = """
import sys
from acc_plugins.host import PluginHost

home = sys.argv[1]
host = PluginHost(
    [home + "/plugins"], cache_dir=home + "/cache", data_dir=home + "/data"
)
host.survey()
print("ready", flush=True)
n = 0
while True:
    (host.grant if n % 2 == 0 else host.revoke)("churn", [sys.argv[2]])
    n += 1
"""

# Runs the command line with a file size limit (SIGXFSZ ignored, so that a
# write past it fails with EFBIG instead of killing the process).
LIMITED = """
import resource, signal, sys
from acc_plugins.cli import cli

signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))
cli.main(sys.argv[2:], prog_name="acc-plugins")
"""


def kill_when_busy(argv: list[str], rng: random.Random, most: float) -> None:
    """
    Run ``python -c *argv*``; once it prints ``ready``, let it work for a
    random while of at most *most* seconds, then SIGKILL it.
    """
    child = subprocess.Popen(  # noqa: S603 -- our own test program
        [sys.executable, "-c", *argv],
        stdout=subprocess.PIPE,
        text=True,
        cwd=tempfile.gettempdir(),  # import the installed package, not ./
    )
    assert child.stdout is not None
    assert child.stdout.readline() == "ready\n"
    time.sleep(rng.uniform(0.0, most))
    child.send_signal(signal.SIGKILL)
    child.wait()
    child.stdout.close()


def _home(tmp_path: Path) -> Path:
    write_plugin(tmp_path / "plugins", "churn", ECHO)
    return tmp_path


def _host(home: Path) -> PluginHost:
    host = PluginHost(
        [home / "plugins"], cache_dir=home / "cache", data_dir=home / "data"
    )
    host.survey()
    return host


def _newest_change(audit: AuditLog) -> AuditKind | None:
    kinds = [
        entry.kind
        for entry in audit.entries(plugin="churn")
        if entry.kind in {AuditKind.GRANT, AuditKind.REVOKE}
    ]
    return kinds[-1] if kinds else None


def test_a_grant_killed_at_any_moment_agrees_with_its_audit(tmp_path):
    """Kill a process granting and revoking in a loop: the store always
    says what the newest audit entry says, and the chain is intact."""
    home = _home(tmp_path)
    data = home / "data"
    rng = random.Random(os.getpid())
    disagreements = []
    for trial in range(24):
        kill_when_busy([CHURN, str(home), PERMISSION], rng, 0.04)
        held = GrantStore(data / "grants.json").granted("churn") or frozenset()
        audit = AuditLog(data / "audit")
        newest = _newest_change(audit)
        if (PERMISSION in held) != (newest is AuditKind.GRANT):
            disagreements.append((trial, sorted(held), newest))
        assert audit.verify().ok

    assert disagreements == []
    assert not (data / "grants.intent").exists()


@pytest.mark.parametrize("room", [0, 60], ids=["no room", "a little room"])
def test_a_grant_whose_audit_line_cannot_be_written_fails(tmp_path, room):
    """With no room for the audit line, or room for part of it, the grant
    fails with one clear error and changes nothing; the chain stays
    intact and the next grant works."""
    home = _home(tmp_path)
    data = home / "data"
    host = _host(home)
    for _ in range(3):  # an audit file larger than the grants file
        host.grant("churn", [PERMISSION])
        host.revoke("churn", [PERMISSION])
    before = (data / "grants.json").read_bytes()
    audit_file = data / "audit" / "audit.jsonl"
    limit = audit_file.stat().st_size + room
    options = [
        f"--path={home / 'plugins'}",
        f"--cache-dir={home / 'cache'}",
        f"--data-dir={data}",
    ]

    refused = subprocess.run(  # noqa: S603 -- our own test program
        [
            sys.executable,
            "-c",
            LIMITED,
            str(limit),
            *options,
            "permissions",
            "grant",
            "churn",
            PERMISSION,
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=tempfile.gettempdir(),
    )

    assert refused.returncode == 1
    assert f"error: cannot write {audit_file}: " in refused.stderr
    assert "Traceback" not in refused.stderr
    assert (data / "grants.json").read_bytes() == before
    assert AuditLog(data / "audit").verify().ok
    assert not (data / "grants.intent").exists()
    host.grant("churn", [PERMISSION])
    assert AuditLog(data / "audit").verify().ok
    assert GrantStore(data / "grants.json").granted("churn") == frozenset(
        {PERMISSION}
    )


def test_a_store_behind_its_audit_entry_is_rolled_forward(tmp_path):
    """A writer killed after its audit entry, before the store: the next
    reader brings the store to what the entry says."""
    data = tmp_path / "data"
    store = GrantStore(data / "grants.json")
    store.grant("p", frozenset({"host:a.b"}))
    after = store.audit.last_seq()
    old = (data / "grants.json").read_bytes()
    store.grant("p", frozenset({"host:c.d"}))
    # Back to the moment between the audit entry and the store's rename.
    (data / "grants.json").write_bytes(old)
    (data / "grants.intent").write_text(json.dumps({"after": after}))

    held = GrantStore(data / "grants.json").granted("p")

    assert held == frozenset({"host:a.b", "host:c.d"})
    assert not (data / "grants.intent").exists()


def test_an_intent_without_its_audit_entry_changes_nothing(tmp_path):
    """A writer killed before its audit entry landed: nothing happened."""
    data = tmp_path / "data"
    store = GrantStore(data / "grants.json")
    store.grant("p", frozenset({"host:a.b"}))
    after = store.audit.last_seq()
    (data / "grants.intent").write_text(json.dumps({"after": after}))

    assert store.granted("p") == frozenset({"host:a.b"})
    assert not (data / "grants.intent").exists()
    assert store.audit.last_seq() == after


def test_a_torn_uncommitted_audit_line_is_cut_and_the_repair_audited(
    tmp_path,
):
    """A line a failed write left part-written (the head never named it)
    is removed at the next append, which records the repair first."""
    log = AuditLog(tmp_path / "audit")
    log.append(AuditKind.GRANT, "p", permissions=["host:a.b"])
    current = tmp_path / "audit" / "audit.jsonl"
    whole = current.read_bytes()
    with current.open("ab") as file:
        file.write(b'{"detail":{"permissions":["ho')

    entry = log.append(AuditKind.REVOKE, "p", permissions=["host:a.b"])

    kinds = [e.kind for e in log.entries()]
    assert kinds == [AuditKind.GRANT, AuditKind.REPAIR, AuditKind.REVOKE]
    assert entry.seq == 3
    assert current.read_bytes().startswith(whole)
    assert log.verify().ok
    [repair] = log.entries(kind=AuditKind.REPAIR)
    assert repair.detail["bytes"] == len(b'{"detail":{"permissions":["ho')


class _Killed(BaseException):
    """The process died here."""


def test_writers_dying_before_the_head_twice_in_a_row_keep_the_chain(
    tmp_path, monkeypatch
):
    """A writer killed between its line and the head, twice running: the
    head is never more than one entry behind, so the chain verifies."""
    log = AuditLog(tmp_path / "audit")
    log.append(AuditKind.GRANT, "p", permissions=["host:a.b"])
    (tmp_path / "audit" / "audit.head").unlink()  # the first death

    def die_at_the_new_head(directory: Path, seq: int, digest: str) -> None:
        if seq == 2:
            raise _Killed
        write_head(directory, seq, digest)

    monkeypatch.setattr(_audit, "write_head", die_at_the_new_head)
    with pytest.raises(_Killed):
        log.append(AuditKind.REVOKE, "p", permissions=["host:a.b"])

    result = log.verify()
    assert (result.ok, result.entries) == (True, 2)

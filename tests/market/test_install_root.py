"""
The install root's transactions: a failure or a kill at any step of a
swap leaves (after the next run's recovery) exactly the tree there was;
the lock makes a second run wait and then see the first one's result.
"""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from tests.market._installkit import fingerprint, plugin_folder

from acc_plugins.errors import MarketplaceError
from acc_plugins.host.gate._consent import GrantStore
from acc_plugins.market._installer import Installer
from acc_plugins.market._installroot import JOURNAL, InstallRoot
from acc_plugins.market._requirement import Requirement
from acc_plugins.market._sources import stage_local


class CrashError(Exception):
    """A failure injected between two steps."""


def _installer(home, hook=None):
    (home / "data").mkdir(parents=True, exist_ok=True)
    return Installer(
        InstallRoot(home / "plugins", fail_after=hook),
        GrantStore(home / "data" / "grants.json"),
    )


def _put(tool, folder):
    with tool.locked():
        candidate = stage_local(tool.root, Requirement("x", path=folder))
        return tool.install([candidate], {})


def _two_versions_installed(tmp_path):
    """demo 1.1.0 current, 1.0.0 previous, plus another plugin."""
    home = tmp_path / "home"
    tool = _installer(home)
    _put(tool, plugin_folder(tmp_path / "a", version="1.0.0"))
    _put(tool, plugin_folder(tmp_path / "b", version="1.1.0"))
    _put(tool, plugin_folder(tmp_path / "c", "other"))
    return home


def _count_calls(limit):
    calls = []

    def hook(_done):
        calls.append(_done)
        if len(calls) == limit:
            raise CrashError

    return hook, calls


OPERATIONS = {
    "update": lambda tool, tmp: _put(
        tool, plugin_folder(tmp / "new", version="2.0.0")
    ),
    "rollback": lambda tool, _: tool.rollback("demo"),
    "uninstall": lambda tool, _: tool.uninstall("demo"),
}


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_a_failure_at_any_step_leaves_the_tree_as_it_was(tmp_path, operation):
    """An exception after any rename undoes every rename made."""
    home = _two_versions_installed(tmp_path)
    before = fingerprint(home / "plugins")
    hook, calls = _count_calls(10**6)
    # Count the steps of the operation on a copy of the same state.
    probe = _two_versions_installed(tmp_path / "probe")
    OPERATIONS[operation](_installer(probe, hook), tmp_path / "probe")
    steps = len(calls)
    assert steps >= 2

    for limit in range(1, steps + 1):
        crash, _ = _count_calls(limit)
        with pytest.raises(CrashError):
            OPERATIONS[operation](
                _installer(home, crash), tmp_path / f"s{limit}"
            )

        assert fingerprint(home / "plugins") == before, f"after step {limit}"


KILLER = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    sys.path.insert(0, {tests!r})
    from acc_plugins.host.gate._consent import GrantStore
    from acc_plugins.market._installer import Installer
    from acc_plugins.market._installroot import InstallRoot
    from acc_plugins.market._requirement import Requirement
    from acc_plugins.market._sources import stage_local

    calls = []
    def hook(done):
        calls.append(done)
        if len(calls) == {limit}:
            os._exit(9)  # a kill: no cleanup, no finally

    home = Path({home!r})
    tool = Installer(
        InstallRoot(home / "plugins", fail_after=hook),
        GrantStore(home / "data" / "grants.json"),
    )
    with tool.locked():
        {action}
    """
)


@pytest.mark.parametrize("limit", [1, 2, 3, 4])
def test_a_killed_update_is_rolled_back_by_the_next_run(tmp_path, limit):
    """A process killed mid-swap leaves a journal the next run undoes."""
    home = _two_versions_installed(tmp_path)
    before = fingerprint(home / "plugins")
    grants = GrantStore(home / "data" / "grants.json")
    held = grants.granted("demo")
    # The new version asks for more, and the killed run grants it first.
    new = plugin_folder(
        tmp_path / "new", version="2.0.0", permissions=("env:HOME",)
    )
    action = (
        f"c = stage_local(tool.root, Requirement('x', path=Path({str(new)!r})))\n"
        f"    tool.install([c], {{'demo': frozenset({{'env:HOME'}})}})"
    )
    script = KILLER.format(
        tests=str(tmp_path), limit=limit, home=str(home), action=action
    )

    result = subprocess.run(  # noqa: S603 -- our own script
        [sys.executable, "-c", script],
        capture_output=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 9, result.stderr.decode()
    assert (home / "plugins" / JOURNAL).exists()
    tool = _installer(home)
    with tool.locked():
        pass
    assert fingerprint(home / "plugins") == before
    assert tool.installed()["demo"].version == "1.1.0"
    assert grants.granted("demo") == held  # the grant went back too


def test_a_killed_rollback_is_undone_too(tmp_path):
    """Killed after its second rename, a rollback leaves the versions as they were."""
    home = _two_versions_installed(tmp_path)
    before = fingerprint(home / "plugins")
    script = KILLER.format(
        tests=str(tmp_path),
        limit=3,
        home=str(home),
        action="tool.rollback('demo')",
    )

    result = subprocess.run(  # noqa: S603 -- our own script
        [sys.executable, "-c", script],
        capture_output=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 9, result.stderr.decode()
    _installer(home).installed()  # reading does not recover
    with _installer(home).locked():
        pass
    assert fingerprint(home / "plugins") == before


def test_a_journal_pointing_outside_the_root_is_refused(tmp_path):
    """A journal naming paths outside the root moves nothing."""
    root = InstallRoot(tmp_path / "plugins")
    root.path.mkdir()
    victim = tmp_path / "victim"
    victim.mkdir()
    data = {
        "renames": [["../victim", "x"]],
        "done": 1,
        "outgoing": ".acc-staging/o",
    }
    (root.path / JOURNAL).write_text(json.dumps(data))

    with (
        pytest.raises(MarketplaceError, match="unreadable install journal"),
        root.locked(),
    ):
        pass

    assert victim.is_dir()


def test_rollback_without_previous_is_refused(tmp_path):
    """Rollback with nothing kept is one clear error, and changes nothing."""
    home = tmp_path / "home"
    tool = _installer(home)
    _put(tool, plugin_folder(tmp_path))
    before = fingerprint(home / "plugins")

    with pytest.raises(MarketplaceError, match="no previous version of demo"):
        tool.rollback("demo")

    assert fingerprint(home / "plugins") == before


def test_a_second_run_waits_for_the_lock_and_sees_the_result(tmp_path):
    """A CLI install started while the lock is held waits, then finds the plugin installed."""
    home = tmp_path / "home"
    tool = _installer(home)
    folder = plugin_folder(tmp_path)
    env = {**os.environ, "ACC_PLUGINS_CONFIG_DIR": str(home / "config")}
    command = [
        str(Path(sys.executable).parent / "acc-plugins"),
        "--path",
        str(home / "plugins"),
        "--data-dir",
        str(home / "data"),
        "install",
        "demo",
        "--yes",
    ]
    with tool.locked():
        waiting = subprocess.Popen(  # noqa: S603 -- our own console script
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
        )
        candidate = stage_local(tool.root, Requirement("x", path=folder))
        tool.install([candidate], {})
        assert waiting.poll() is None  # still waiting for the lock
    _, err = waiting.communicate(timeout=120)

    assert waiting.returncode == 0, err.decode()
    assert "demo 1.0.0 is already installed" in err.decode()

"""
Automatic updates over a real directory registry: which release each
mode picks, at most once a day, widening updates deferred, failed
health checks put back, unreadable registries only warned about, and
every decision audited.
"""

import datetime as dt
import shutil
import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st
from packaging.version import Version
from tests.market._autokit import NET, T0, Home
from tests.market._installkit import fingerprint

from acc_plugins.market._autochoice import admitted, newest_admitted
from acc_plugins.market._autonote import Action
from acc_plugins.market._autostamp import STAMP, UpdateStamp
from acc_plugins.market._index import Listing
from acc_plugins.security._updatemode import UpdateMode


@pytest.fixture(name="home")
def _home(tmp_path):
    home = Home(tmp_path)
    home.publish("1.0.0", permissions=(NET,))
    home.install()
    return home


def _versions(draw_parts):
    return Version(".".join(str(p) for p in draw_parts))


releases = st.builds(
    _versions, st.lists(st.integers(0, 4), min_size=1, max_size=3)
)


@given(releases, releases)
def test_modes_nest_and_never_go_back(installed, candidate):
    """patch admits a subset of minor, minor of any; none admits older."""
    patch, minor, every = (
        admitted(m, installed, candidate)
        for m in (UpdateMode.PATCH, UpdateMode.MINOR, UpdateMode.ANY)
    )

    assert not admitted(UpdateMode.OFF, installed, candidate)
    assert patch <= minor <= every
    assert every == (candidate > installed)
    if patch:
        assert candidate.release[:2] == installed.release[:2] or (
            (candidate.major, candidate.minor)
            == (installed.major, installed.minor)
        )
    if minor:
        assert candidate.major == installed.major


def test_pre_release_only_from_a_pre_release():
    """A pre-release is admitted only when the installed one is one."""
    assert not admitted(UpdateMode.ANY, Version("1.0"), Version("1.1rc1"))
    assert admitted(UpdateMode.ANY, Version("1.1b1"), Version("1.1rc1"))


def test_newest_admitted_skips_yanked_and_wrong_host(tmp_path):
    """The newest release wins unless yanked or made for another host."""
    home = Home(tmp_path)
    home.publish("1.0.0")
    home.publish("1.0.1")
    home.publish("1.0.2", requires_acc=">=99")
    home.publish("1.0.3")
    listing = home.kit.index().plugins["demo"]
    yanked = dict(listing.versions)
    yanked["1.0.3"] = _yank(yanked["1.0.3"])
    listing = Listing(name="demo", publisher="acme", versions=yanked)

    pick = newest_admitted(
        listing, Version("1.0.0"), UpdateMode.PATCH, Version("1.0")
    )

    assert pick is not None
    assert pick[0] == Version("1.0.1")


def _yank(release):
    import attrs

    return attrs.evolve(release, yanked="broken")


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        (UpdateMode.PATCH, "1.0.1"),
        (UpdateMode.MINOR, "1.1.0"),
        (UpdateMode.ANY, "2.0.0"),
    ],
)
def test_each_mode_installs_its_newest_release(home, mode, expected):
    """patch, minor and any each install the newest release they admit."""
    for version in ("1.0.1", "1.1.0", "2.0.0", "2.1.0rc1"):
        home.publish(version, permissions=(NET,))

    run = home.updater().run(mode)

    assert run.ran
    assert [(n.name, n.version, n.action) for n in run.notes] == [
        ("demo", expected, Action.UPDATED)
    ]
    assert home.version() == expected
    assert home.installer().grants.granted("demo") == {NET}
    (plugin, detail), *_ = home.audit()
    assert plugin == "demo"
    assert detail["outcome"] == "updated"
    assert detail["by"] == "auto-update"
    assert (detail["old"], detail["new"]) == ("1.0.0", expected)


def test_notify_reports_and_installs_nothing(home, caplog):
    """notify reports the newest release, logs it, and changes nothing."""
    home.publish("2.0.0", permissions=(NET,))
    before = fingerprint(home.plugins)

    run = home.updater().run(UpdateMode.NOTIFY)

    assert [(n.version, n.action) for n in run.notes] == [
        ("2.0.0", Action.AVAILABLE)
    ]
    assert "acc-plugins update demo" in caplog.text
    assert home.version() == "1.0.0"
    after = fingerprint(home.plugins)
    after.pop(STAMP)
    assert after == before


def test_off_does_nothing(home):
    """off neither looks nor writes the stamp."""
    home.publish("1.0.1", permissions=(NET,))

    run = home.updater().run(UpdateMode.OFF)

    assert not run.ran
    assert not (home.plugins / STAMP).exists()
    assert home.version() == "1.0.0"


def test_at_most_once_a_day(home):
    """A second check within 24 hours does nothing; after, it runs."""
    now = [T0]
    updater = home.updater(clock=lambda: now[0])
    assert updater.run(UpdateMode.PATCH).ran
    home.publish("1.0.1", permissions=(NET,))

    now[0] = T0 + dt.timedelta(hours=23)
    too_soon = updater.run(UpdateMode.PATCH)
    now[0] = T0 + dt.timedelta(hours=24)
    next_day = updater.run(UpdateMode.PATCH)

    assert not too_soon.ran
    assert next_day.ran
    assert home.version() == "1.0.1"


def test_a_clock_gone_back_makes_the_check_due(tmp_path):
    """A stamp later than now (the clock went back) is due."""
    stamp = UpdateStamp(tmp_path)
    stamp.mark(T0)

    assert not stamp.due(T0 + dt.timedelta(hours=1))
    assert stamp.due(T0 - dt.timedelta(minutes=1))


@pytest.mark.parametrize("text", ["", "{", '{"last_check": 3}', "[]"])
def test_a_damaged_stamp_makes_the_check_due(tmp_path, text):
    """A stamp that cannot be read means the check is due."""
    (tmp_path / STAMP).write_text(text)

    assert UpdateStamp(tmp_path).due(T0)


def test_a_widening_update_waits_for_the_user(home):
    """An update asking for a new permission is deferred, with the diff,
    audited, and the installed tree is byte for byte what it was."""
    home.publish("1.0.1", permissions=(NET, "env:HOME"))
    before = fingerprint(home.plugins)

    run = home.updater().run(UpdateMode.ANY)

    (note,) = run.notes
    assert note.action is Action.DEFERRED
    assert "env:HOME" in note.reason
    assert any("new permission" in line for line in note.changes)
    assert "acc-plugins update demo" in note.line()
    after = fingerprint(home.plugins)
    after.pop(STAMP)
    assert after == before
    ((plugin, detail),) = home.audit()
    assert (plugin, detail["outcome"]) == ("demo", "deferred")
    assert any("env:HOME" in line for line in detail["changes"])


def test_a_permission_never_granted_is_not_granted_by_an_update(tmp_path):
    """A permission the user declined keeps the update waiting."""
    home = Home(tmp_path)
    home.publish("1.0.0", permissions=(NET,))
    home.install(grants={"demo": frozenset()})
    home.publish("1.0.1", permissions=(NET,))

    (note,) = home.updater().run(UpdateMode.PATCH).notes

    assert note.action is Action.DEFERRED
    assert home.version() == "1.0.0"
    assert home.installer().grants.granted("demo") == frozenset()


def test_an_archive_asking_more_than_its_index_entry_is_deferred(home):
    """The archive's own manifest is checked too, not only the index."""
    home.publish("1.0.1", permissions=(NET, "env:HOME"))
    listing = home.kit.plugins["demo"]
    # The index says 1.0.1 asks for NET only: a publisher lying about it.
    listing["1.0.1"] = _only_net(listing["1.0.1"])
    home.kit.seal()

    (note,) = home.updater().run(UpdateMode.PATCH).notes

    assert note.action is Action.DEFERRED
    assert "archive" in note.reason
    assert home.version() == "1.0.0"


def _only_net(release):
    import attrs

    return attrs.evolve(release, permissions=(NET,))


def test_a_failed_health_check_restores_the_previous_version(home):
    """The new version's failing health() puts the old one back, audited."""
    home.publish("1.0.1", permissions=(NET,), health="False")
    before = fingerprint(home.plugins / "demo")

    (note,) = home.updater().run(UpdateMode.PATCH).notes

    assert note.action is Action.FAILED
    assert "health" in note.reason
    assert home.version() == "1.0.0"
    assert fingerprint(home.plugins / "demo") == before
    ((plugin, detail),) = home.audit()
    assert (plugin, detail["outcome"]) == ("demo", "failed")


def test_a_tampered_archive_fails_and_changes_nothing(home):
    """An archive whose bytes differ from the index is refused, audited."""
    release = home.publish("1.0.1", permissions=(NET,))
    del release
    archive = next((home.kit.root / "archives" / "demo").glob("*1.0.1*"))
    archive.write_bytes(archive.read_bytes()[:-1] + b"!")
    before = fingerprint(home.plugins / "demo")

    (note,) = home.updater().run(UpdateMode.PATCH).notes

    assert note.action is Action.FAILED
    assert "sha256" in note.reason
    assert fingerprint(home.plugins / "demo") == before


def test_an_unreadable_registry_is_a_warning(home):
    """A registry that is gone is reported, nothing fails or changes."""
    shutil.rmtree(home.kit.root)

    run = home.updater().run(UpdateMode.ANY)

    assert run.ran
    assert run.notes == ()
    assert "could not be read" in run.warnings[0]
    assert home.version() == "1.0.0"


def test_offline_the_check_is_tried_again_at_the_next_start(home):
    """Every registry unreachable: no stamp, so the next start checks."""
    now = [T0]
    updater = home.updater(clock=lambda: now[0])
    home.publish("1.0.1", permissions=(NET,))
    hidden = home.kit.root.with_name("hidden")
    home.kit.root.rename(hidden)

    offline = updater.run(UpdateMode.PATCH)
    hidden.rename(home.kit.root)
    now[0] = T0 + dt.timedelta(minutes=5)
    online = updater.run(UpdateMode.PATCH)

    assert offline.ran
    assert online.ran
    assert home.version() == "1.0.1"


def test_a_replayed_index_is_refused_and_audited(home):
    """An index older than one seen is refused: a warning and an entry."""
    old = (home.kit.root / "index.json").read_bytes()
    home.publish("1.0.1", permissions=(NET,))
    home.updater().run(UpdateMode.NOTIFY)  # sees the newer index
    (home.kit.root / "index.json").write_bytes(old)

    run = home.updater(clock=lambda: T0 + dt.timedelta(days=2)).run(
        UpdateMode.PATCH
    )

    assert "refused" in run.warnings[0]
    assert home.version() == "1.0.0"
    ((plugin, detail),) = home.audit()
    assert plugin is None
    assert detail["outcome"] == "failed"


def test_a_new_dependency_waits_for_the_user(home):
    """An update needing a plugin not installed is deferred."""
    home.publish("1.0.0", name="base")
    home.publish("1.0.1", permissions=(NET,), dependencies={"base": ">=1"})

    (note,) = home.updater().run(UpdateMode.PATCH).notes

    assert note.action is Action.DEFERRED
    assert "base" in note.reason


def test_concurrent_runs_serialise_on_the_lock(home):
    """Two runs at once: one updates, the other waits and finds it done."""
    home.publish("1.0.1", permissions=(NET,))
    barrier = threading.Barrier(2)
    runs = []

    def run():
        updater = home.updater()
        barrier.wait(timeout=60)
        runs.append(updater.run(UpdateMode.PATCH))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert sorted(r.ran for r in runs) == [False, True]
    assert home.version() == "1.0.1"
    assert [d["outcome"] for _, d in home.audit()] == ["updated"]

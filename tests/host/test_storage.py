"""
Per-plugin storage: a quota from [limits] storage-mb, kept across reloads
and restarts, removed only when asked.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.host.test_host import started_host, write_plugin

from acc_plugins.errors import PluginCallError
from acc_plugins.host.capabilities._storage import (
    KeyValueStore,
    StorageFullError,
)


KEEPER = """
from acc_plugins.sdk import Plugin, tool

class Main(Plugin):
    @tool
    def put(self, key: str, size: int) -> int:
        self.ctx.storage.set(key, "x" * size)
        return len(self.ctx.storage.keys())

    @tool
    def get(self, key: str) -> object:
        return self.ctx.storage.get(key)
"""


@pytest.fixture(name="keeper")
def _keeper(tmp_path):
    folder = write_plugin(
        tmp_path / "plugins",
        "keeper",
        KEEPER,
        extra="\n[limits]\nstorage-mb = 1\n",
    )
    host = started_host(tmp_path)
    yield host, folder
    host.stop()


def test_a_write_past_the_quota_is_refused_and_writes_nothing(keeper):
    host, _ = keeper
    assert host.call_tool("keeper.put", key="a", size=600_000) == 1

    with pytest.raises(
        PluginCallError, match="storage of plugin 'keeper' is full"
    ):
        host.call_tool("keeper.put", key="b", size=600_000)

    assert host.call_tool("keeper.get", key="b") is None
    # Replacing a key counts its new size, not both.
    assert host.call_tool("keeper.put", key="a", size=900_000) == 1
    keys, size = host.storage.usage("keeper")
    assert keys == 1
    assert 900_000 < size < 2**20


def test_storage_survives_a_reload_and_a_new_host(keeper, tmp_path):
    host, _ = keeper
    host.call_tool("keeper.put", key="kept", size=3)
    host.reload("keeper")
    assert host.call_tool("keeper.get", key="kept") == "xxx"
    host.stop()

    again = started_host(tmp_path)
    try:
        assert again.call_tool("keeper.get", key="kept") == "xxx"
        assert again.storage.purge("keeper") == 1
        assert again.call_tool("keeper.get", key="kept") is None
    finally:
        again.stop()


@settings(max_examples=60, deadline=None)
@given(
    quota=st.integers(0, 400),
    writes=st.lists(
        st.tuples(st.sampled_from("abcd"), st.integers(0, 150)), max_size=25
    ),
)
def test_usage_never_passes_the_quota(writes, quota):
    store = KeyValueStore(":memory:")
    for key, size in writes:
        try:
            store.set("p", key, "y" * size, quota)
        except StorageFullError:
            continue
        assert store.usage("p")[1] <= quota
    store.close()


def test_a_lock_held_by_another_process_fails_the_call_not_the_plugin(
    tmp_path,
):
    """
    Waiting for another writer is not the plugin's fault: each call fails
    with "storage is busy" within its budget, no breach is counted, the
    plugin is never quarantined, and it works again once the lock goes.
    """
    import sqlite3

    from acc_plugins.host import State

    write_plugin(
        tmp_path / "plugins",
        "keeper",
        KEEPER,
        extra="\n[limits]\ntimeout-ms = 300\n",
    )
    host = started_host(tmp_path)
    try:
        host.storage.set("other", "k", 1)  # the file exists
        holder = sqlite3.connect(tmp_path / "data" / "storage.sqlite3")
        holder.execute("BEGIN EXCLUSIVE")
        try:
            for _ in range(7):  # more than the breaches that quarantine
                with pytest.raises(PluginCallError, match="storage is busy"):
                    host.call_tool("keeper.put", key="a", size=1)
        finally:
            holder.rollback()
            holder.close()
        sandbox = host._plugins.records["keeper"].sandbox
        assert sandbox is not None
        assert sandbox.budget.breaches == 0
        assert host.state("keeper") is State.ACTIVE
        assert host.call_tool("keeper.put", key="a", size=1) == 1
    finally:
        host.stop()


def test_a_store_gives_up_on_a_lock_after_the_wait_it_is_given(tmp_path):
    """Every operation honours its wait; without one, sqlite's 5 s."""
    import sqlite3
    import time

    from acc_plugins.host.capabilities._storage import StorageBusyError

    path = tmp_path / "s.sqlite3"
    store = KeyValueStore(path)
    store.set("p", "k", 1)
    holder = sqlite3.connect(path)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        for operation in (
            lambda: store.get("p", "k", wait=0.05),
            lambda: store.set("p", "k", 2, wait=0.05),
            lambda: store.delete("p", "k", wait=0.05),
            lambda: store.keys("p", wait=0.05),
        ):
            started = time.monotonic()
            with pytest.raises(StorageBusyError, match="storage is busy"):
                operation()
            assert time.monotonic() - started >= 0.05
    finally:
        holder.rollback()
        holder.close()
    assert store.get("p", "k", wait=0.05) == "1"
    store.close()


def test_the_storage_file_is_private(tmp_path):
    """Like every other data file, readable and writable by its owner only."""
    path = tmp_path / "data" / "storage.sqlite3"
    store = KeyValueStore(path)
    store.set("p", "k", 1)
    store.close()

    assert path.stat().st_mode & 0o777 == 0o600


def test_an_older_readable_storage_file_is_made_private(tmp_path):
    path = tmp_path / "storage.sqlite3"
    KeyValueStore(path).close()
    path.chmod(0o644)

    KeyValueStore(path).close()

    assert path.stat().st_mode & 0o777 == 0o600


def test_a_corrupt_database_fails_only_the_calls_that_use_storage(tmp_path):
    write_plugin(tmp_path / "plugins", "keeper", KEEPER)
    write_plugin(
        tmp_path / "plugins",
        "plain",
        "from acc_plugins.sdk import Plugin, tool\n\n"
        "class Main(Plugin):\n"
        "    @tool\n"
        "    def ping(self) -> str:\n"
        "        return 'pong'\n",
    )
    database = tmp_path / "data" / "storage.sqlite3"
    database.parent.mkdir(parents=True, exist_ok=True)
    database.write_bytes(b"this is not a database" * 100)

    host = started_host(tmp_path)
    try:
        assert {p.name: p.state.value for p in host.plugins()} == {
            "keeper": "active",
            "plain": "active",
        }
        assert host.call_tool("plain.ping") == "pong"
        with pytest.raises(PluginCallError, match="storage is unavailable"):
            host.call_tool("keeper.get", key="a")
        # Failing on the host's side is not the plugin's breach.
        assert host.state("keeper").value == "active"
        assert host.info("keeper").stats.breaches == 0
    finally:
        host.stop()
    assert database.read_bytes().startswith(b"this is not a database")

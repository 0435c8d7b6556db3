"""
Configuration: layered setting values, enabled flags, secrets, and
changes reaching running plugins.
"""

import os
import stat
import subprocess
import sys
import textwrap
import threading
import time
from typing import TYPE_CHECKING

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.host.test_host import (
    BOTH_TIERS,
    DEPENDENT,
    ECHO,
    started_host,
    write_plugin,
)

from acc_plugins.errors import ConfigError
from acc_plugins.host import PluginHost, State
from acc_plugins.host.config._config import ConfigFile
from acc_plugins.host.config._tomledit import to_toml
from acc_plugins.security import Policy


if TYPE_CHECKING:
    from acc_plugins.sdk import Event


TUNABLE = """
from acc_plugins.sdk import Plugin, tool

class Main(Plugin):
    def __init__(self):
        self.changes = []

    def on_config_change(self, changed):
        self.changes.append(dict(changed))

    @tool
    def current(self) -> dict:
        return {k: self.ctx.settings[k] for k in self.ctx.settings}

    @tool
    def seen(self) -> list:
        return self.changes
"""

SETTINGS = """
[settings.style]
type = "enum"
choices = ["lenient", "strict"]
default = "lenient"

[settings.width]
type = "int"
default = 80
min = 20

[settings.token]
type = "secret"
"""


@pytest.fixture(name="home")
def _home(tmp_path):
    write_plugin(tmp_path / "plugins", "tunable", TUNABLE, extra=SETTINGS)
    return tmp_path


def user_config(home):
    return ConfigFile(home / "config" / "config.toml")


def project_config(home):
    return ConfigFile(home / "project" / ".acc" / "config.toml")


def test_values_come_from_the_highest_layer(home):
    user_config(home).change(
        "tunable", settings={"style": "strict", "width": 100}
    )
    project_config(home).change("tunable", settings={"width": 120})
    policy = Policy(settings={"tunable": {"width": 132}})
    host = started_host(home, workspace=home / "project")
    try:
        assert host.call_tool("tunable.current")["width"] == 120
        config = host.config("tunable")
        assert config["style"]["value"] == "strict"
        assert "config" in config["style"]["source"]
        assert config["width"]["source"].endswith(
            "project/.acc/config.toml [plugins.tunable.settings]"
        )
    finally:
        host.stop()

    host = started_host(home, workspace=home / "project", policy=policy)
    try:
        assert host.call_tool("tunable.current")["width"] == 132
        assert host.config("tunable")["width"]["source"] == "the policy"
    finally:
        host.stop()


def test_a_change_reaches_the_running_plugin(home):
    host = started_host(home)
    try:
        host.configure("tunable", "style", "strict")
        host.configure("tunable", "width", 60)

        assert host.call_tool("tunable.current")["style"] == "strict"
        assert host.call_tool("tunable.seen") == [
            {"style": "strict"},
            {"width": 60},
        ]
        assert user_config(home).read()["tunable"].settings == {
            "style": "strict",
            "width": 60,
        }

        host.unconfigure("tunable", "width")
        assert host.call_tool("tunable.current")["width"] == 80
    finally:
        host.stop()


@pytest.mark.parametrize(
    ("key", "value", "problem"),
    [
        ("style", "harsh", "'harsh'"),
        ("width", 5, "20"),
        ("width", "wide", "integer"),
        ("colour", "red", "no such setting"),
    ],
)
def test_a_bad_value_is_refused_and_nothing_is_written(
    home, key, value, problem
):
    host = started_host(home)
    try:
        with pytest.raises(ConfigError, match=problem):
            host.configure("tunable", key, value)
        assert not user_config(home).path.exists()
        assert host.call_tool("tunable.seen") == []
    finally:
        host.stop()


def test_secrets_stay_out_of_files_and_are_masked(home):
    host = started_host(home)
    try:
        host.configure("tunable", "token", "hunter2")

        assert host.call_tool("tunable.current")["token"] == "hunter2"  # noqa: S105 -- a test value
        assert host.config("tunable")["token"]["value"] == "********"
        assert not user_config(home).path.exists()
        secrets = home / "data" / "secrets.json"
        assert "hunter2" in secrets.read_text()
        assert stat.S_IMODE(secrets.stat().st_mode) == 0o600
    finally:
        host.stop()


def test_a_secret_written_into_a_file_is_refused(home):
    user_config(home).change("tunable", settings={"token": "leaked"})
    host = started_host(home)
    try:
        info = host.info("tunable")
        assert info.state is State.ERROR
        assert info.last_error is not None
        assert "secret store" in info.last_error.message
    finally:
        host.stop()


def test_an_invalid_hand_edit_keeps_the_last_good_values(home):
    host = started_host(home)
    events: list[Event] = []
    host.subscribe(events.append)
    try:
        host.configure("tunable", "width", 60)
        path = user_config(home).path

        path.write_text(path.read_text().replace("60", '"sixty"'))
        host.apply_config()
        assert host.call_tool("tunable.current")["width"] == 60
        invalid = [e for e in events if e.name == "config.invalid"]
        assert "width" in "\n".join(invalid[-1].payload["problems"])

        path.write_text("[plugins.tunable\n")  # not TOML at all
        host.apply_config()
        assert host.call_tool("tunable.current")["width"] == 60

        path.write_text("[plugins.tunable.settings]\nwidth = 70\n")
        host.apply_config()
        assert host.call_tool("tunable.current")["width"] == 70
    finally:
        host.stop()


def test_a_disabled_plugin_is_not_loaded_and_enabling_loads_it(home):
    user_config(home).change("tunable", enabled=False)
    host = started_host(home)
    try:
        assert host.state("tunable") is State.DEACTIVATED
        assert host.tools() == []

        host.set_enabled("tunable", True)
        assert host.state("tunable") is State.ACTIVE
        assert host.call_tool("tunable.current")["width"] == 80

        host.set_enabled("tunable", False)
        assert host.state("tunable") is State.DEACTIVATED
        assert user_config(home).read()["tunable"].enabled is False
    finally:
        host.stop()


@BOTH_TIERS
def test_settings_reach_plugins_in_both_tiers(tmp_path, isolation):
    write_plugin(
        tmp_path / "plugins", "tunable", TUNABLE, extra=isolation + SETTINGS
    )
    user_config(tmp_path).change("tunable", settings={"width": 99})
    host = started_host(tmp_path)
    try:
        assert host.call_tool("tunable.current")["width"] == 99
        host.configure("tunable", "width", 42)
        assert host.call_tool("tunable.current")["width"] == 42
        assert host.call_tool("tunable.seen") == [{"width": 42}]
    finally:
        host.stop()


values = st.one_of(
    st.booleans(),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(),
    st.lists(st.text(), max_size=4),
)


@settings(max_examples=80, deadline=None)
@given(
    entries=st.dictionaries(
        st.from_regex(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", fullmatch=True),
        st.dictionaries(
            st.from_regex(r"[a-z][a-z0-9_]*", fullmatch=True),
            values,
            max_size=4,
        ),
        max_size=3,
    )
)
def test_what_is_written_reads_back_the_same(tmp_path_factory, entries):
    path = tmp_path_factory.mktemp("c") / "config.toml"
    path.write_text(to_toml({p: {"settings": s} for p, s in entries.items()}))

    read = ConfigFile(path).read()

    assert {p: dict(c.settings) for p, c in read.items()} == entries


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from acc_plugins.host.config._config import ConfigFile
    file = ConfigFile(Path(sys.argv[1]))
    n = 0
    while True:
        n += 1
        file.change("tunable", settings={"width": n, "pad": "x" * 5000})
    """
)


def test_a_writer_killed_mid_write_leaves_a_whole_file(tmp_path):
    """Kill a process that rewrites the file as fast as it can, many
    times: what is left always parses, old or new, never torn."""
    path = tmp_path / "config.toml"
    ConfigFile(path).change("tunable", settings={"width": 0})
    for _ in range(20):
        writer = subprocess.Popen(  # noqa: S603 -- our own test program
            [sys.executable, "-c", WRITER, str(path)]
        )
        try:
            writer.wait(timeout=0.05 + 0.01 * (os.getpid() % 5))
        except subprocess.TimeoutExpired:
            writer.kill()
            writer.wait()
        width = ConfigFile(path).read()["tunable"].settings["width"]
        assert isinstance(width, int)
    leftovers = [p for p in tmp_path.iterdir() if p.suffix == ".tmp"]
    assert len(leftovers) <= 20  # a killed writer may leave its temporary file


def test_a_hand_edit_reaches_plugins_while_the_host_watches(home):
    path = user_config(home).path
    path.parent.mkdir(parents=True)
    path.write_text("[plugins.tunable.settings]\nwidth = 50\n")
    host = started_host(home)
    watcher = host.watch(debounce_ms=20)
    try:
        assert host.call_tool("tunable.current")["width"] == 50
        path.write_text("[plugins.tunable.settings]\nwidth = 51\n")
        deadline = time.monotonic() + 10
        while host.call_tool("tunable.current")["width"] != 51:
            assert time.monotonic() < deadline, "the edit never arrived"
            time.sleep(0.01)
        assert host.call_tool("tunable.seen") == [{"width": 51}]
    finally:
        watcher.stop()
        host.stop()


def test_disabling_stops_dependents_and_enabling_brings_them_back(tmp_path):
    plugins = tmp_path / "plugins"
    write_plugin(plugins, "base", ECHO)
    write_plugin(
        plugins,
        "dependent",
        DEPENDENT,
        extra='\n[dependencies]\nbase = ">=1"\n',
    )
    host = started_host(tmp_path)
    try:
        assert host.dependents("base") == ["dependent"]
        host.set_enabled("base", False)
        assert host.state("dependent") is State.DEACTIVATED

        host.set_enabled("base", True)
        assert host.state("dependent") is State.ACTIVE
        assert host.call_tool("dependent.shout", text="hi") == "HI"
        # Only the plugin itself was written as disabled, then enabled.
        assert user_config(tmp_path).read()["base"].enabled is True
        assert "dependent" not in user_config(tmp_path).read()
    finally:
        host.stop()


def test_the_user_config_folder_comes_from_the_environment(
    tmp_path, monkeypatch
):
    folder = tmp_path / "elsewhere"
    ConfigFile(folder / "config.toml").change("base", enabled=False)
    monkeypatch.setenv("ACC_PLUGINS_CONFIG_DIR", str(folder))
    write_plugin(tmp_path / "plugins", "base", ECHO)
    host = PluginHost(
        [tmp_path / "plugins"],
        cache_dir=tmp_path / "c",
        data_dir=tmp_path / "d",
    )
    host.start()
    try:
        assert host.state("base") is State.DEACTIVATED
        assert host.config_files()[0] == folder / "config.toml"
    finally:
        host.stop()


def test_concurrent_writers_lose_nothing(tmp_path):
    """Each write reads and writes under one lock: keys set by two
    writers at once all survive."""
    path = tmp_path / "config.toml"

    def writer(prefix):
        file = ConfigFile(path)
        for n in range(25):
            file.change("tunable", settings={f"{prefix}{n}": n})

    threads = [
        threading.Thread(target=writer, args=(prefix,)) for prefix in "ab"
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    settings = ConfigFile(path).read()["tunable"].settings
    assert len(settings) == 50

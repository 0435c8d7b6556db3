"""
Reading configuration: one invalid file is one error, not one per
plugin, and a stale key (a setting the plugin no longer declares) is a
warning, shown by ``config``, removed by ``unconfigure``.
"""

import logging
from typing import TYPE_CHECKING

import pytest
from tests.host.test_config import SETTINGS, TUNABLE, user_config
from tests.host.test_host import started_host, write_plugin

from acc_plugins.errors import ConfigError
from acc_plugins.host import State


if TYPE_CHECKING:
    from acc_plugins.sdk import Event


NAMES = ["one", "two", "three"]


@pytest.fixture(name="home")
def _home(tmp_path):
    for name in NAMES:
        write_plugin(tmp_path / "plugins", name, TUNABLE, extra=SETTINGS)
    return tmp_path


def test_an_invalid_file_is_reported_once_and_plugins_run_on_defaults(
    home, caplog
):
    path = user_config(home).path
    path.parent.mkdir(parents=True)
    path.write_text("[plugins.one.settings]\nwidth = 30\n[plugins.two\n")

    with caplog.at_level(logging.WARNING, logger="acc_plugins"):
        host = started_host(home)
    try:
        states = {name: host.state(name) for name in NAMES}
        widths = [host.call_tool(f"{n}.current")["width"] for n in NAMES]
    finally:
        host.stop()

    assert dict.fromkeys(NAMES, State.ACTIVE) == states
    assert widths == [80, 80, 80]
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert f"{path}: not valid TOML" in errors[0].getMessage()
    assert "(at line 3, column 13)" in errors[0].getMessage()


def test_an_invalid_file_keeps_each_plugin_on_its_last_good_values(home):
    user_config(home).change("one", settings={"width": 30})
    host = started_host(home)
    events: list[Event] = []
    host.subscribe(events.append)
    try:
        user_config(home).path.write_text("[plugins.one\n")
        host.apply_config()
        widths = [host.call_tool(f"{n}.current")["width"] for n in NAMES]
    finally:
        host.stop()

    assert widths == [30, 80, 80]
    assert sum(e.name == "config.invalid" for e in events) == 1


def test_a_stale_key_is_a_warning_and_unset_removes_it(home, caplog):
    config = user_config(home)
    config.change("one", settings={"width": 30, "colour": "red"})

    with caplog.at_level(logging.WARNING, logger="acc_plugins"):
        host = started_host(home)
    try:
        state = host.state("one")
        width = host.call_tool("one.current")["width"]
        host.configure("one", "style", "strict")
        shown = host.config("one")
        host.unconfigure("one", "colour")
        after = host.config("one")
    finally:
        host.stop()

    assert State.ACTIVE is state
    assert width == 30
    warnings = [r.getMessage() for r in caplog.records]
    assert [
        (
            f"{config.path}: plugins.one.settings.colour: one has no such "
            "setting (left by an older version?), ignored; remove it with: "
            "acc-plugins config unset one colour"
        )
    ] == warnings
    assert {k: shown["colour"][k] for k in ("value", "type")} == {
        "value": "red",
        "type": "stale",
    }
    assert "colour" not in after
    assert dict(config.read()["one"].settings) == {
        "width": 30,
        "style": "strict",
    }


def test_unset_of_a_key_nobody_has_is_refused(home):
    host = started_host(home)
    try:
        with pytest.raises(ConfigError, match="no such setting"):
            host.unconfigure("one", "colour")
    finally:
        host.stop()

    assert not user_config(home).path.exists()

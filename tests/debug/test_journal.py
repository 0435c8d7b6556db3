"""
What a host writes into the plugins' logs: their ctx.log lines, and its
own reports about them.
"""

from tests.debug._kit import host_over
from tests.host.test_host import write_plugin


_LOGS = """\
from acc_plugins.sdk import Plugin, tool


class Main(Plugin):
    def on_activate(self):
        self.ctx.log.info("ready")

    @tool
    def shout(self, text: str) -> str:
        \"\"\"Log at every level.\"\"\"
        self.ctx.log.debug("d " + text)
        self.ctx.log.warning("w " + text)
        self.ctx.log.error("e " + text)
        return text
"""

_BROKEN = """\
from acc_plugins.sdk import Plugin


class Main(Plugin):
    def on_activate(self):
        raise RuntimeError("no database")
"""


def test_ctx_log_lines_are_kept_with_their_level(tmp_path):
    """What a plugin logs is on disk after the host stopped."""
    write_plugin(tmp_path / "plugins", "loud", _LOGS)
    with host_over(tmp_path) as host:
        host.call_tool("loud.shout", text="hi")

    with host_over(tmp_path) as host:
        mine = [
            (e.level, e.message)
            for e in host.logs("loud")
            if e.source == "plugin"
        ]
        errors = [e.message for e in host.logs("loud", level="ERROR")]

    assert mine[:4] == [
        ("INFO", "ready"),
        ("DEBUG", "d hi"),
        ("WARNING", "w hi"),
        ("ERROR", "e hi"),
    ]
    assert errors == ["e hi"]


def test_a_load_error_is_kept_with_its_file_and_line(tmp_path):
    """A plugin that fails to activate has the error, file:line, logged."""
    write_plugin(tmp_path / "plugins", "broken", _BROKEN)

    with host_over(tmp_path) as host:
        (error,) = host.logs("broken", level="ERROR")

    assert error.source == "host"
    assert "-> error" in error.message
    assert "main.py:6: no database" in error.message


def test_state_changes_are_kept_at_debug(tmp_path):
    """Each start and stop of a host shows in the plugin's log."""
    write_plugin(tmp_path / "plugins", "loud", _LOGS)

    with host_over(tmp_path) as host:
        pass

    moves = [e.message for e in host.logs("loud") if e.source == "host"]
    assert moves == [
        "state discovered -> loaded: compiled and executed",
        "state loaded -> active: activated",
        "state active -> deactivated: deactivated",
        "state deactivated -> unloaded: host stopped",
    ]

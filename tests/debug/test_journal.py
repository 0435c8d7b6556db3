"""
What a host writes into the plugins' logs: their ctx.log lines, and its
own reports about them.
"""

from tests.debug._kit import host_over
from tests.host.test_host import write_plugin

from acc_plugins.host.debug import LogStore
from acc_plugins.host.debug._journal import Journal


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


def test_a_worker_writes_its_plugins_lines_to_the_same_log(tmp_path):
    """An isolated plugin's ctx.log lines, written in its worker, are in
    its log, among the host's reports."""
    write_plugin(
        tmp_path / "plugins",
        "loud",
        _LOGS,
        extra='isolation = "subprocess"\n',
    )

    with host_over(tmp_path) as host:
        host.call_tool("loud.shout", text="far")

    lines = [(e.source, e.message) for e in host.logs("loud")]
    assert ("plugin", "ready") in lines
    assert ("plugin", "w far") in lines
    assert ("host", "state discovered -> loaded: worker started") in lines


def test_a_disk_that_refuses_loses_lines_not_calls(tmp_path, caplog):
    """A log that cannot be written is reported once; nothing raises."""
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    journal = Journal(LogStore(blocked / "logs"))

    journal.plugin_line("p", "INFO", "one")
    journal.plugin_line("p", "INFO", "two")

    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 1
    assert "cannot write" in warnings[0]


_HOOKED = """\
from acc_plugins.sdk import Plugin, hook


class Main(Plugin):
    @hook("build.done")
    def on_build(self, event):
        raise ValueError("no artefact")
"""


def test_a_failing_hook_is_kept_as_an_error(tmp_path):
    """The hook's failure, with its file:line, is in the plugin's log."""
    write_plugin(tmp_path / "plugins", "hooked", _HOOKED)

    with host_over(tmp_path) as host:
        host.emit("build.done")
        (error,) = host.logs("hooked", level="ERROR")

    assert error.source == "host"
    assert error.message.startswith("hook build.done failed on build.done")
    assert "main.py:7" in error.message

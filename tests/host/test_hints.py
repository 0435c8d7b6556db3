"""
A call that fails for a built-in the sandbox leaves out says what to use
instead; any other NameError reads as Python's own.
"""

import pytest
from tests.host.test_host import started_host, write_plugin

from acc_plugins.errors import PluginCallError


OPENER = """
from acc_plugins.sdk import Plugin, tool

class Main(Plugin):
    @tool
    def read(self) -> str:
        return open("notes.txt").read()

    @tool
    def ask(self) -> object:
        return input("name? ")

    @tool
    def own(self) -> str:
        raise NameError("open")

    @tool
    def typo(self) -> str:
        return undefined_thing
"""


@pytest.fixture(name="host", params=["in-process", "isolated"])
def _host(tmp_path, request):
    folder = write_plugin(tmp_path / "plugins", "opener", OPENER)
    if request.param == "isolated":
        manifest = folder / "plugin.toml"
        manifest.write_text(
            manifest.read_text().replace(
                'kind = "tool"\n', 'kind = "tool"\nisolation = "subprocess"\n'
            )
        )
    host = started_host(tmp_path)
    yield host
    host.stop()


@pytest.mark.parametrize(
    ("tool", "hint"),
    [
        ("read", "read and write files with self.ctx.fs"),
        ("ask", "a plugin has no terminal"),
    ],
)
def test_a_withheld_builtin_names_what_to_use_instead(host, tool, hint):
    with pytest.raises(PluginCallError, match="is not defined") as caught:
        host.call_tool(f"opener.{tool}")
    assert hint in str(caught.value)


@pytest.mark.parametrize("tool", ["own", "typo"])
def test_any_other_name_error_reads_as_python_s_own(host, tool):
    with pytest.raises(PluginCallError, match="NameError") as caught:
        host.call_tool(f"opener.{tool}")
    assert "(" not in str(caught.value).rpartition("NameError")[2]

"""
What a plugin can do with ``self.ctx``: use it, never look behind it.
"""

import textwrap

import pytest

from acc_plugins.errors import PluginCallError
from acc_plugins.host import PluginHost


ATTACKS = """
import copy
from acc_plugins.sdk import Plugin, tool

class Main(Plugin):
    @tool
    def forge(self) -> str:
        return str(type(self.ctx)("key", {}))

    @tool
    def reinit(self) -> str:
        return str(type(self.ctx).__init__)

    @tool
    def closure(self) -> str:
        return str(getattr(self.ctx.log.info, "__clo" + "sure__"))

    @tool
    def private(self) -> str:
        return str(getattr(self.ctx, "_" + "capabilities"))

    @tool
    def mutate_settings(self) -> str:
        self.ctx.settings["width"] = 1
        return "mutated"

    @tool
    def replace_capability(self) -> str:
        self.ctx.claude = None
        return "replaced"

    @tool
    def copy_context(self) -> str:
        return str(copy.copy(self.ctx))

    @tool
    def subclass_facade(self) -> str:
        class Fake(type(self.ctx)):
            pass
        return "subclassed"

    @tool
    def str_subclass_result(self) -> str:
        class Sneaky(str):
            pass
        return Sneaky("x")

    @tool
    def deep_result(self) -> list:
        value = []
        for _ in range(500):
            value = [value]
        return value

    @tool
    def cyclic_result(self) -> list:
        value = []
        value.append(value)
        return value

    @tool
    def raise_base(self) -> str:
        raise BaseException("out of band")

    @tool
    def fine(self) -> str:
        return "fine"
"""

MANIFEST = """
[plugin]
name = "attacker"
version = "1.0.0"
description = "Tries to look behind its capabilities."
entry = "main:Main"
kind = "tool"

[settings.width]
type = "int"
default = 72
"""


@pytest.fixture(name="host")
def _host(tmp_path):
    folder = tmp_path / "plugins" / "attacker"
    folder.mkdir(parents=True)
    (folder / "plugin.toml").write_text(MANIFEST)
    (folder / "main.py").write_text(textwrap.dedent(ATTACKS))
    host = PluginHost(
        [tmp_path / "plugins"],
        cache_dir=tmp_path / "c",
        data_dir=tmp_path / "d",
    )
    host.start()
    yield host
    host.stop()


@pytest.mark.parametrize(
    ("tool", "message"),
    [
        ("forge", "made by the host"),
        ("reinit", "access to attribute '__init__'"),
        ("closure", "access to attribute '__closure__'"),
        ("private", "private attribute '_capabilities'"),
        ("mutate_settings", "does not support item assignment"),
        ("replace_capability", "modifying a Context object"),
        ("copy_context", "cannot be copied"),
        ("subclass_facade", "subclassing host class 'Context'"),
        ("str_subclass_result", "not JSON-compatible"),
        ("deep_result", "not JSON-compatible"),
        ("cyclic_result", "not JSON-compatible"),
        ("raise_base", "BaseException: out of band"),
    ],
)
def test_each_attempt_fails_and_the_host_survives(host, tool, message):
    """The call fails with a clear reason; nothing leaks out."""
    if host.state("attacker").value == "quarantined":
        host.release("attacker")

    with pytest.raises(PluginCallError, match=message):
        host.call_tool(f"attacker.{tool}")

    if host.state("attacker").value == "quarantined":
        host.release("attacker")
    assert host.call_tool("attacker.fine") == "fine"


class _Secret:
    """A host object that must never reach plugin code."""


class _LeakyError(Exception):
    def __init__(self) -> None:
        super().__init__("provider failed", _Secret())
        self.client = _Secret()


class _FailingClaude:
    def query(self, prompt, *, system, max_tokens):
        missing: dict[str, str] = {}
        try:
            missing["key"]
        except KeyError:
            raise _LeakyError from None


CATCHER = """
from acc_plugins.sdk import Plugin, tool

class Main(Plugin):
    @tool
    def probe(self) -> list:
        try:
            self.ctx.claude.query("hi")
        except Exception as exc:
            return [
                type(exc).__name__,
                [type(a).__name__ for a in exc.args],
                hasattr(exc, "client"),
                exc.__context__ is None,
                exc.__cause__ is None,
                str(exc),
            ]
        return []
"""


def test_host_exceptions_reach_plugins_as_text_only(tmp_path):
    """No reference to a host object survives the trip into the plugin."""
    folder = tmp_path / "plugins" / "catcher"
    folder.mkdir(parents=True)
    (folder / "plugin.toml").write_text(
        MANIFEST.replace('"attacker"', '"catcher"').replace(
            "[settings.width]",
            '[permissions]\nhost = ["claude.query"]\n\n[settings.width]',
        )
    )
    (folder / "main.py").write_text(textwrap.dedent(CATCHER))
    host = PluginHost(
        [tmp_path / "plugins"],
        claude=_FailingClaude(),
        cache_dir=tmp_path / "c",
        data_dir=tmp_path / "d",
    )
    host.start()
    try:
        result = host.call_tool("catcher.probe")
    finally:
        host.stop()

    assert result[:5] == ["RuntimeError", ["str"], False, True, True]
    assert result[5].startswith("_LeakyError: ('provider failed', <")

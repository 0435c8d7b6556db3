"""
The compiled fast path answers exactly as the general path does.
"""

import textwrap

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acc_plugins.errors import PluginCallError, ToolArgumentError
from acc_plugins.host import PluginHost, State


SOURCE = """
from acc_plugins.sdk import Plugin, tool

class Main(Plugin):
    @tool
    def mix(self, name: str, count: int = 2, ratio: float = 0.5,
            flag: bool = False, note: str | None = None) -> object:
        if name == "boom":
            raise ValueError("boom")
        if name == "list":
            return [name, count]
        if name == "escape":
            try:
                setattr(print, "x", 1)
            except BaseException:
                return "hidden"
        return f"{name}:{count}:{ratio}:{flag}:{note}"
"""

MANIFEST = """
[plugin]
name = "fast"
version = "1.0.0"
description = "Fast path test."
entry = "main:Main"
kind = "tool"
"""

values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(allow_nan=False),
    st.text(max_size=5),
    st.sampled_from(["boom", "list", "x"]),
    st.lists(st.integers(), max_size=2),
)
arguments = st.dictionaries(
    st.sampled_from(["name", "count", "ratio", "flag", "note", "nmae"]),
    values,
    max_size=5,
)


@pytest.fixture(name="host", scope="module")
def _host(tmp_path_factory):
    root = tmp_path_factory.mktemp("fast")
    folder = root / "plugins" / "fast"
    folder.mkdir(parents=True)
    (folder / "plugin.toml").write_text(MANIFEST)
    (folder / "main.py").write_text(textwrap.dedent(SOURCE))
    host = PluginHost(
        [root / "plugins"], cache_dir=root / "c", data_dir=root / "d"
    )
    host.start()
    yield host
    host.stop()


def outcome(call, arguments):
    try:
        return ("ok", call(arguments))
    except (ToolArgumentError, PluginCallError) as exc:
        return (type(exc).__name__, str(exc))


def test_a_scalar_tool_gets_the_fast_path(host):
    """The compiled invoker is used for scalar signatures."""
    entry = host._tools["fast.mix"]

    assert entry.call != entry.invoke
    assert entry.call.__name__ == "invoke"


@given(arguments=arguments)
def test_fast_and_general_paths_agree(host, arguments):
    """Same value or same error, for any arguments."""
    entry = host._tools["fast.mix"]

    assert outcome(entry.call, dict(arguments)) == outcome(
        entry.invoke, dict(arguments)
    )


def test_counts_are_kept_on_the_fast_path(host):
    """Calls and failures are counted."""
    before = host.info("fast").stats

    host.call_tool("fast.mix", name="a")
    with pytest.raises(PluginCallError, match="ValueError: boom"):
        host.call_tool("fast.mix", name="boom")

    after = host.info("fast").stats
    assert (after.calls - before.calls, after.errors - before.errors) == (2, 1)


def test_a_hidden_refusal_is_caught_on_the_fast_path(tmp_path):
    """Plugin code that swallows a refusal still fails the call."""
    folder = tmp_path / "plugins" / "fast"
    folder.mkdir(parents=True)
    (folder / "plugin.toml").write_text(MANIFEST)
    (folder / "main.py").write_text(textwrap.dedent(SOURCE))
    host = PluginHost(
        [tmp_path / "plugins"],
        cache_dir=tmp_path / "c",
        data_dir=tmp_path / "d",
    )
    host.start()

    try:
        with pytest.raises(PluginCallError, match="modifying a "):
            host.call_tool("fast.mix", name="escape")

        assert host.state("fast") is State.QUARANTINED
    finally:
        host.stop()

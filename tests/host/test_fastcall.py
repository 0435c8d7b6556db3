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
from typing import Literal

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

    @tool
    def pick(
        self, mode: Literal["a", "b"], level: Literal[1, True, None] | str = 1
    ) -> str:
        return f"{mode}:{type(level).__name__}:{level}"

    @tool
    def shape(self, kind: str, size: int = 1) -> object:
        if kind == "held":
            self.__dict__.setdefault("held", {"rows": [1, 2]})
            return self.held
        deep = []
        for _ in range(min(size, 80)):
            deep = [deep]
        return {
            "dict": {"a": size, "b": "x" * size},
            "rows": {"rows": [{"n": i, "f": i / 3} for i in range(size)]},
            "tuple": ("a", size, (None, True)),
            "control": "\x01" * size,
            "emoji": ["\U0001f600" * size],
            "deep": deep,
            "set": {"s": {size}},
            "nan": [size, float("nan")],
            "key": {size: 1},
            "bigint": {"n": 7 ** size},
            "long": [deep, {"n": 1 << 20000}],
        }.get(kind, kind)
"""

MANIFEST = """
[plugin]
name = "fast"
version = "1.0.0"
description = "Fast path test."
entry = "main:Main"
kind = "tool"

[limits]
output-bytes = 300
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


@pytest.mark.parametrize("tool", ["mix", "pick"])
def test_a_scalar_tool_gets_the_fast_path(host, tool):
    """The compiled invoker is used for scalar and literal signatures."""
    entry = host._plugins.registry.tools[f"fast.{tool}"]

    assert entry.call != entry.invoke
    assert entry.call.__name__ == "invoke"


@given(
    arguments=st.dictionaries(
        st.sampled_from(["mode", "level"]),
        st.sampled_from(["a", "b", "c", 1, 2, 1.0, True, False, None, "1"]),
    )
)
def test_literal_arguments_agree_on_both_paths(host, arguments):
    """Literal values are told apart by exact type on both paths."""
    entry = host._plugins.registry.tools["fast.pick"]

    assert outcome(entry.call, dict(arguments)) == outcome(
        entry.invoke, dict(arguments)
    )


@given(
    kind=st.sampled_from(
        [
            *("dict", "rows", "tuple", "control", "emoji", "deep"),
            *("set", "nan", "key", "bigint", "long", "x" * 60),
        ]
    ),
    size=st.integers(0, 90),
)
def test_fast_and_general_paths_copy_results_alike(host, kind, size):
    """Same copy, or same refusal, for results of every shape and size."""
    entry = host._plugins.registry.tools["fast.shape"]
    arguments = {"kind": kind, "size": size}

    assert outcome(entry.call, dict(arguments)) == outcome(
        entry.invoke, dict(arguments)
    )


def test_the_output_limit_counts_bytes_exactly(host):
    """A result over output-bytes is refused with its exact JSON size."""
    control = host.call_tool("fast.shape", kind="control", size=49)
    with pytest.raises(PluginCallError) as info:
        host.call_tool("fast.shape", kind="control", size=50)
    rows = host.call_tool("fast.shape", kind="dict", size=281)
    with pytest.raises(PluginCallError) as rows_info:
        host.call_tool("fast.shape", kind="dict", size=282)

    assert control == "\x01" * 49
    assert str(info.value).endswith(
        "returned 302 bytes, more than its output limit of 300"
    )
    assert rows == {"a": 281, "b": "x" * 281}
    assert str(rows_info.value).endswith(
        "returned 301 bytes, more than its output limit of 300"
    )


def test_an_integer_too_long_to_write_fails_the_call(host):
    """A result the host cannot measure is refused, not raised raw."""
    with pytest.raises(PluginCallError, match="not JSON-compatible"):
        host.call_tool("fast.shape", kind="long", size=40)


def test_a_result_is_a_copy_the_plugin_cannot_touch(host):
    """The host's copy shares nothing with what the plugin keeps."""
    first = host.call_tool("fast.shape", kind="held")
    first["rows"].append(3)

    assert host.call_tool("fast.shape", kind="held") == {"rows": [1, 2]}


@given(arguments=arguments)
def test_fast_and_general_paths_agree(host, arguments):
    """Same value or same error, for any arguments."""
    entry = host._plugins.registry.tools["fast.mix"]

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

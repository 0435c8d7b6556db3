"""
The text-tools example, called through a host as Claude and users call
it (the fixtures come from acc-plugins' testing kit).
"""

import pytest

from acc_plugins.errors import PluginCallError, ToolArgumentError
from acc_plugins.testing import assert_not_denied, assert_within_budget


def test_word_count_measures_a_text(plugin_host):
    """Words, lines and characters."""
    counts = plugin_host.call_tool("text-tools.word_count", text="a b\nc")

    assert counts == {"words": 3, "lines": 2, "characters": 5}


def test_slugify_keeps_ascii_words(plugin_host):
    """Accents go, words are joined, the slug is cut to length."""
    slug = plugin_host.call_tool(
        "text-tools.slugify", text="Ünïcode Plugins, for Claude!"
    )

    assert slug == "unicode-plugins-for-claude"


def test_wrap_uses_the_default_width_setting(make_plugin_host):
    """Without a width, wrap() reads the plugin's default_width setting."""
    host = make_plugin_host(settings={"default_width": 10})

    lines = host.call_tool(
        "text-tools.wrap", text="one two three four", mode="lines"
    )

    assert lines == ["one two", "three four"]


def test_extract_todos_finds_markers_in_comments(plugin_host):
    """Markers in comments are found with their line numbers."""
    code = "x = 1  # TODO: name it\n# FIXME later\ny = 'TODO not me'\n"

    todos = plugin_host.call_tool("text-tools.extract_todos", code=code)

    assert todos == [
        {"line": 1, "kind": "TODO", "text": "name it"},
        {"line": 2, "kind": "FIXME", "text": "later"},
    ]


def test_an_unknown_language_is_a_tool_error(plugin_host):
    """The plugin's own ToolError reaches the caller."""
    with pytest.raises(PluginCallError, match="unknown language 'cobol'"):
        plugin_host.call_tool(
            "text-tools.extract_todos", code="", language="cobol"
        )


def test_arguments_are_checked_against_the_signature(plugin_host):
    """A width that is not an int is refused before the plugin runs."""
    with pytest.raises(ToolArgumentError):
        plugin_host.call_tool("text-tools.wrap", text="x", width="wide")


def test_it_needs_no_permission_and_stays_in_budget(plugin_host):
    """Pure text work: nothing denied, no budget broken."""
    plugin_host.call_tool("text-tools.diff_stats", old="a\nb", new="a\nc")

    assert_not_denied(plugin_host)
    assert_within_budget(plugin_host)
    assert plugin_host.call_tool("text-tools.usage") == {"diff_stats": 1}

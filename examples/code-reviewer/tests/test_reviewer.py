"""
The code-reviewer example: its agent measures the change with
text-tools, asks the (fake) Claude, and keeps a history.
"""

import pytest

from acc_plugins.errors import PluginCallError
from acc_plugins.testing import assert_denied


CHANGE = "def f():\n    # TODO: handle errors\n    return 1\n"


def test_review_asks_claude_with_the_style_prompt(plugin_host, fake_claude):
    """The review prompt holds the code; the friendly style is the default."""
    fake_claude.answer("Looks fine.", when="Review this code (3 lines)")

    review = plugin_host.run_agent("code-reviewer.review", CHANGE)

    system, prompt = fake_claude.queries[-1]
    assert review == "Looks fine."
    assert "friendly reviewer" in system
    assert CHANGE in prompt


def test_each_review_is_kept_in_the_history(plugin_host):
    """The history tool reports the size and markers of each review."""
    plugin_host.run_agent("code-reviewer.review", CHANGE)

    assert plugin_host.call_tool("code-reviewer.history") == [
        {"lines": 3, "todos": 1}
    ]


def test_a_change_over_max_lines_is_refused(make_plugin_host, text_tools):
    """max_lines is a setting; past it Claude is never asked."""
    host = make_plugin_host(also=[text_tools], settings={"max_lines": 2})

    with pytest.raises(PluginCallError, match="the limit is 2"):
        host.run_agent("code-reviewer.review", CHANGE)

    assert host.claude.queries == []


def test_without_the_claude_grant_the_review_is_denied(
    make_plugin_host, text_tools
):
    """A user who did not grant host:claude.query sees a clear refusal."""
    host = make_plugin_host(also=[text_tools], grants=[])

    with pytest.raises(PluginCallError, match=r"host:claude\.query"):
        host.run_agent("code-reviewer.review", CHANGE)

    assert_denied(host, "host:claude.query")

"""
The hook index finds exactly the plugins ``matches`` would, and the
activation order keeps order, dependents and crashed workers as plugins
come and go.
"""

from hypothesis import given
from hypothesis import strategies as st

from acc_plugins.host.core._order import HookIndex
from acc_plugins.host.events._bus import matches


_SEGMENT = st.sampled_from(["a", "b", "ab", "", "*", "tool", "called"])
_NAME = st.lists(_SEGMENT, min_size=1, max_size=4).map(".".join)
_PATTERN = st.one_of(
    st.just("*"),
    _NAME,
    _NAME.map(lambda name: name + ".*"),
)
_PLUGINS = st.dictionaries(
    st.sampled_from(["p", "q", "r", "s"]),
    st.lists(_PATTERN, max_size=3),
)


@given(plugins=_PLUGINS, names=st.lists(_NAME, min_size=1, max_size=5))
def test_the_index_finds_what_matches_finds(plugins, names):
    """For any patterns and names, the index agrees with ``matches``."""
    index = HookIndex()
    for plugin, patterns in plugins.items():
        index.put(plugin, patterns)

    for name in names:
        expected = {
            plugin
            for plugin, patterns in plugins.items()
            if any(matches(pattern, name) for pattern in patterns)
        }
        assert index.plugins_for(name) == expected
        assert index.wants(name) == bool(expected)


@given(plugins=_PLUGINS, gone=st.sets(st.sampled_from(["p", "q", "r"])))
def test_a_dropped_plugin_is_found_for_nothing(plugins, gone):
    """Dropping a plugin (or putting it again) leaves no trace of it."""
    index = HookIndex()
    for plugin, patterns in plugins.items():
        index.put(plugin, patterns)
        index.put(plugin, patterns)
    for plugin in gone:
        index.drop(plugin)

    fresh = HookIndex()
    for plugin, patterns in plugins.items():
        if plugin not in gone:
            fresh.put(plugin, patterns)
    assert index.__dict__ == fresh.__dict__

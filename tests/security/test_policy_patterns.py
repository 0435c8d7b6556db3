"""
The policy's plugin patterns (by name, publisher and key), block winning
over allow, the allow list's semantics, and required or recommended
entries.
"""

import fnmatch

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from packaging.version import Version

from acc_plugins.security import Requirement
from acc_plugins.security._policyplugins import PluginPattern, PluginRules


publisher_names = st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True)
key_texts = st.from_regex(r"[0-9a-f]{16}", fullmatch=True)
names = st.from_regex(
    r"[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,4}){0,2}", fullmatch=True
)
publishers = st.none() | publisher_names
key_ids = st.none() | key_texts
name_patterns = st.one_of(
    names,
    names.map(lambda n: n[:2] + "*"),
    names.map(lambda n: "*" + n[-2:]),
    st.just("*"),
)
patterns = st.one_of(
    name_patterns,
    publisher_names.map(lambda p: f"publisher:{p}"),
    publisher_names.map(lambda p: f"publisher:{p[:1]}*"),
    key_texts.map(lambda k: f"key:{k}"),
)


def _means(text, name, publisher, key_id):
    """What a pattern should match, written independently of the code."""
    if text.startswith("publisher:"):
        wanted = text.removeprefix("publisher:")
        return publisher is not None and fnmatch.fnmatchcase(publisher, wanted)
    if text.startswith("key:"):
        return key_id == text.removeprefix("key:")
    return fnmatch.fnmatchcase(name, text)


@given(text=patterns, name=names, publisher=publishers, key_id=key_ids)
def test_a_pattern_matches_by_its_kind_only(text, name, publisher, key_id):
    """A name, publisher or key pattern looks only at its own field."""
    pattern = PluginPattern.parse(text)

    assert pattern.matches(name, publisher, key_id) == _means(
        text, name, publisher, key_id
    )


@given(name=names, other=names, publisher=publishers, key_id=key_ids)
def test_a_literal_name_matches_exactly_that_name(
    name, other, publisher, key_id
):
    """A pattern without wildcards is the name itself, nothing more."""
    pattern = PluginPattern.parse(name)

    assert pattern.matches(name, publisher, key_id)
    assert pattern.matches(other, publisher, key_id) == (other == name)


@given(name=names)
def test_publisher_and_key_patterns_never_match_a_local_plugin(name):
    """A local folder has no publisher and no key to match."""
    for text in ("publisher:*", "key:0123456789abcdef"):
        assert not PluginPattern.parse(text).matches(name, None, None)


@given(
    allow=st.none() | st.lists(patterns, max_size=4),
    block=st.lists(patterns, max_size=4),
    name=names,
    publisher=publishers,
    key_id=key_ids,
)
def test_block_wins_and_an_allow_list_blocks_the_unmatched(
    allow, block, name, publisher, key_id
):
    """Blocked if a block pattern matches, else if an allow list misses."""
    rules = PluginRules(
        allow=None
        if allow is None
        else tuple(map(PluginPattern.parse, allow)),
        block=tuple(map(PluginPattern.parse, block)),
    )
    blocked = any(_means(b, name, publisher, key_id) for b in block)
    allowed = allow is None or any(
        _means(a, name, publisher, key_id) for a in allow
    )

    refusal = rules.refusal(name, publisher, key_id)

    assert (refusal is None) == (allowed and not blocked)
    if blocked:
        assert refusal is not None
        assert refusal.startswith("[plugins] block matches")


@given(name=names, publisher=publishers, key_id=key_ids)
def test_an_empty_allow_list_blocks_everything_not_required(
    name, publisher, key_id
):
    """`allow = []` admits nothing but what the policy itself names."""
    rules = PluginRules(allow=())
    named = PluginRules(allow=(), recommended=(Requirement(name),))

    assert rules.refusal(name, publisher, key_id) is not None
    assert named.refusal(name, publisher, key_id) is None


@given(name=names, block=st.lists(name_patterns, min_size=1, max_size=3))
def test_a_required_plugin_is_still_subject_to_block(name, block):
    """Naming a plugin as required does not lift a block on it."""
    assume(any(fnmatch.fnmatchcase(name, b) for b in block))
    rules = PluginRules(
        allow=(),
        block=tuple(map(PluginPattern.parse, block)),
        required=(Requirement(name),),
    )

    assert rules.refusal(name, None, None) is not None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Code-Tools", "not a plugin name pattern"),
        ("vendor:acme", "unknown kind 'vendor'"),
        ("key:0123", "16 lowercase hex digits"),
        ("key:0123456789ABCDEF", "16 lowercase hex digits"),
        ("key:*", "16 lowercase hex digits"),
        ("publisher:", "a publisher name pattern"),
        ("code tools", "not a plugin name pattern"),
    ],
)
def test_a_malformed_pattern_says_what_a_pattern_may_be(text, problem):
    with pytest.raises(ValueError, match=problem):
        PluginPattern.parse(text)


@pytest.mark.parametrize(
    ("entry", "name", "specifier", "registry"),
    [
        ("audit-log", "audit-log", "", None),
        ("audit-log==1.2.0", "audit-log", "==1.2.0", None),
        ("audit-log >= 1.2, <2", "audit-log", "<2,>=1.2", None),
        ({"plugin": "x>=1", "registry": "corp"}, "x", ">=1", "corp"),
    ],
)
def test_a_requirement_is_a_name_a_specifier_and_a_registry(
    entry, name, specifier, registry
):
    requirement = Requirement.parse(entry)

    assert (requirement.name, str(requirement.specifier)) == (name, specifier)
    assert requirement.registry == registry


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        (3, "must be a string"),
        ("Audit", "does not start with a plugin name"),
        ("audit-log>>1", "is not a version specifier"),
        ({"plugin": "x", "source": "y"}, "unknown key 'source'"),
        ({"plugin": "x", "registry": "Corp Reg"}, "not a registry name"),
        ({"registry": "corp"}, "must be a string"),
    ],
)
def test_a_malformed_requirement_is_refused(entry, problem):
    with pytest.raises(ValueError, match=problem):
        Requirement.parse(entry)


@given(
    major=st.integers(0, 5),
    minor=st.integers(0, 5),
    floor=st.integers(0, 5),
)
def test_a_requirement_takes_the_versions_its_specifier_takes(
    major, minor, floor
):
    requirement = Requirement.parse(f"x>={floor}")

    assert requirement.satisfied_by(Version(f"{major}.{minor}")) == (
        major >= floor
    )

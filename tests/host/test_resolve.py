"""
Dependency resolution respects every edge and reports every cycle.
"""

import itertools

from hypothesis import given
from hypothesis import strategies as st
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from acc_plugins.host.core._resolve import Node, resolve


NAMES = [f"p{i}" for i in range(8)]


@st.composite
def graphs(draw):
    present = draw(st.sets(st.sampled_from(NAMES), min_size=1))
    nodes = {}
    for name in sorted(present):
        major = draw(st.integers(1, 3))
        deps = draw(
            st.lists(
                st.sampled_from([n for n in NAMES if n != name]),
                unique=True,
                max_size=3,
            )
        )
        requires = [
            (
                dep,
                SpecifierSet(
                    draw(st.sampled_from(["", ">=1", "<3", ">=2,<3"]))
                ),
            )
            for dep in deps
        ]
        nodes[name] = Node(Version(f"{major}.0"), requires)
    return nodes


def _cycles_through(name, nodes):
    """Whether *name* can reach itself along declared edges."""
    seen, stack = set(), [dep for dep, _ in nodes[name].requires]
    while stack:
        current = stack.pop()
        if current == name:
            return True
        if current in seen or current not in nodes:
            continue
        seen.add(current)
        stack.extend(dep for dep, _ in nodes[current].requires)
    return False


@given(graphs())
def test_order_respects_every_edge(nodes):
    """A plugin is placed only after all of its dependencies."""
    resolution = resolve(nodes)

    position = {name: i for i, name in enumerate(resolution.order)}
    for name in resolution.order:
        for dep, spec in nodes[name].requires:
            assert dep in position
            assert position[dep] < position[name]
            assert spec.contains(nodes[dep].version, prereleases=True)


@given(graphs())
def test_every_plugin_is_placed_or_explained(nodes):
    """Order and failures partition the plugins."""
    resolution = resolve(nodes)

    assert set(resolution.order) | set(resolution.failures) == set(nodes)
    assert not set(resolution.order) & set(resolution.failures)
    assert len(resolution.order) == len(set(resolution.order))


@given(graphs())
def test_every_cycle_is_reported(nodes):
    """No plugin on a cycle loads; a reported cycle is a real loop."""
    resolution = resolve(nodes)

    for name in nodes:
        if _cycles_through(name, nodes):
            assert name in resolution.failures
    for name, error in resolution.failures.items():
        if str(error).startswith(f"{name}: dependency cycle"):
            chain = error.chain
            assert chain[0] == chain[-1]
            for a, b in itertools.pairwise(chain):
                assert b in [dep for dep, _ in nodes[a].requires]


def test_a_named_cycle_reads_as_a_chain():
    """The message walks the loop."""
    nodes = {
        "a": Node(Version("1"), [("b", SpecifierSet())]),
        "b": Node(Version("1"), [("c", SpecifierSet())]),
        "c": Node(Version("1"), [("a", SpecifierSet())]),
        "d": Node(Version("1"), [("a", SpecifierSet())]),
    }

    resolution = resolve(nodes)

    assert (
        str(resolution.failures["a"])
        == "a: dependency cycle: a -> b -> c -> a"
    )
    assert "dependency 'a' cannot load" in str(resolution.failures["d"])
    assert resolution.order == ()


@given(graphs())
def test_order_is_by_name_where_dependencies_allow(nodes):
    """Each placed plugin is the first by name of those that could go next."""
    resolution = resolve(nodes)

    placed: set[str] = set()
    for name in resolution.order:
        could = [
            other
            for other in resolution.order
            if other not in placed
            and all(dep in placed for dep, _ in nodes[other].requires)
        ]
        assert name == min(could)
        placed.add(name)


def test_plugins_behind_a_cycle_name_it_and_a_self_loop_is_a_cycle():
    """Dependents of a loop fail naming it; a plugin needing itself loops."""
    spec = SpecifierSet()
    nodes = {
        "a": Node(Version("1"), [("b", spec)]),
        "b": Node(Version("1"), [("c", spec), ("a", spec)]),
        "c": Node(Version("1"), [("b", spec)]),
        "d": Node(Version("1"), [("e", spec), ("c", spec)]),
        "e": Node(Version("1")),
        "s": Node(Version("1"), [("s", spec)]),
    }

    resolution = resolve(nodes)

    assert str(resolution.failures["a"]) == "a: dependency cycle: a -> b -> a"
    assert str(resolution.failures["c"]) == "c: dependency cycle: c -> b -> c"
    assert resolution.failures["d"].chain == ["d", "c", "b", "c"]
    assert str(resolution.failures["s"]) == "s: dependency cycle: s -> s"
    assert resolution.order == ("e",)


def test_a_long_chain_resolves_in_one_pass():
    """A thousand plugins, each needing the next by name: all placed."""
    spec = SpecifierSet(">=1")
    names = [f"p{i:04}" for i in range(1000)]
    nodes = {
        name: Node(Version("1"), [(after, spec)])
        for name, after in itertools.pairwise(names)
    }
    nodes[names[-1]] = Node(Version("1"))

    resolution = resolve(nodes)

    assert resolution.order == tuple(reversed(names))
    assert not resolution.failures

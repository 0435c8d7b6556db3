"""
The resolver: the newest allowed version, never a yanked one, no
pre-release unless asked, requires-acc honoured, dependencies resolved
the same way, and one error naming the chain when nothing fits.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from acc_plugins.market._index import Listing, Release
from acc_plugins.market._resolver import ResolutionError, choose, resolve


ACC = Version("1.5.0")


def release(name, version, *, yanked=None, requires_acc="", dependencies=None):
    return Release(
        archive=f"archives/{name}/{name}-{version}.accp",
        sha256="0" * 64,
        size=1,
        key_id="0" * 16,
        signature="x",
        published_at="2026-12-01T00:00:00+00:00",
        requires_acc=requires_acc,
        dependencies=dependencies or {},
        yanked=yanked,
    )


def listing(name, versions):
    return Listing(name=name, publisher="acme", versions=versions)


def lookup_in(listings):
    def lookup(name):
        found = listings.get(name)
        return None if found is None else ("main", found)

    return lookup


versions = st.builds(
    lambda major, minor, pre: f"{major}.{minor}.0{pre}",
    st.integers(0, 4),
    st.integers(0, 4),
    st.sampled_from(["", "rc1", "b2"]),
)
entries = st.dictionaries(
    versions,
    st.tuples(st.booleans(), st.sampled_from(["", ">=1", "<1", ">=2"])),
    min_size=1,
    max_size=8,
)
specifiers = st.sampled_from(
    ["", ">=1.0", "<2", "==1.1.0", ">=2.0rc1", "~=1.0", "!=2.0.0"]
)


@given(entries, specifiers, st.booleans())
def test_choose_picks_the_newest_admissible_version(entries, spec, pre):
    """The choice is the maximum of the versions every rule admits."""
    plugin = listing(
        "demo",
        {
            text: release(
                "demo",
                text,
                yanked="bad" if yanked else None,
                requires_acc=acc,
            )
            for text, (yanked, acc) in entries.items()
        },
    )
    specifier = SpecifierSet(spec)
    allow_pre = pre or bool(specifier.prereleases)
    admissible = [
        Version(text)
        for text, (yanked, acc) in entries.items()
        if not yanked
        and specifier.contains(Version(text), prereleases=True)
        and (allow_pre or not Version(text).is_prerelease)
        and (not acc or SpecifierSet(acc).contains(ACC, prereleases=True))
    ]

    if admissible:
        version, chosen = choose(
            plugin, specifier, acc_version=ACC, prereleases=pre
        )
        assert version == max(admissible)
        assert chosen.yanked is None
    else:
        with pytest.raises(ResolutionError, match="no version of demo"):
            choose(plugin, specifier, acc_version=ACC, prereleases=pre)


@given(st.lists(versions, min_size=1, max_size=6, unique=True))
def test_a_yanked_version_is_never_chosen(texts):
    """Yanking every version leaves nothing to install, with the reason."""
    plugin = listing(
        "demo", {t: release("demo", t, yanked="broken build") for t in texts}
    )

    with pytest.raises(
        ResolutionError, match=r"yanked: broken build|pre-release"
    ):
        choose(plugin, SpecifierSet(), acc_version=ACC, prereleases=True)


def test_pinned_prerelease_is_allowed_without_pre():
    """Naming a pre-release in the specifier allows it."""
    plugin = listing(
        "demo",
        {
            "1.0.0": release("demo", "1.0.0"),
            "2.0.0rc1": release("demo", "2.0.0rc1"),
        },
    )

    assert choose(plugin, SpecifierSet(), acc_version=ACC)[0] == Version(
        "1.0.0"
    )
    assert choose(plugin, SpecifierSet("==2.0.0rc1"), acc_version=ACC)[
        0
    ] == Version("2.0.0rc1")


def test_requires_acc_too_new_is_explained():
    """A release for a newer host says which host it needs."""
    plugin = listing(
        "demo", {"1.0.0": release("demo", "1.0.0", requires_acc=">=9")}
    )

    with pytest.raises(ResolutionError, match="needs acc-plugins >=9"):
        choose(plugin, SpecifierSet(), acc_version=ACC)


def test_dependencies_come_first_and_installed_ones_are_kept():
    """A satisfied installed dependency stays; a missing one is picked."""
    listings = {
        "app": listing(
            "app",
            {
                "1.0.0": release(
                    "app", "1.0.0", dependencies={"lib": ">=1", "util": ">=2"}
                )
            },
        ),
        "lib": listing(
            "lib",
            {
                "1.0.0": release("lib", "1.0.0"),
                "1.5.0": release("lib", "1.5.0"),
            },
        ),
        "util": listing("util", {"2.1.0": release("util", "2.1.0")}),
    }

    plan = resolve(
        [("app", SpecifierSet())],
        lookup=lookup_in(listings),
        installed={"lib": Version("1.0.0")},
        acc_version=ACC,
    )

    assert [(p.name, str(p.version)) for p in plan] == [
        ("util", "2.1.0"),
        ("app", "1.0.0"),
    ]
    assert plan[0].chain == ("app", "util>=2")


def test_installed_dependency_too_old_is_upgraded():
    """An installed dependency outside the range is replaced."""
    listings = {
        "app": listing(
            "app",
            {"1.0.0": release("app", "1.0.0", dependencies={"lib": ">=1.5"})},
        ),
        "lib": listing("lib", {"1.5.0": release("lib", "1.5.0")}),
    }

    plan = resolve(
        [("app", SpecifierSet())],
        lookup=lookup_in(listings),
        installed={"lib": Version("1.0.0")},
        acc_version=ACC,
    )

    assert [p.name for p in plan] == ["lib", "app"]


def test_missing_dependency_names_the_chain():
    """A dependency no registry has is one error with the chain."""
    listings = {
        "app": listing(
            "app",
            {"1.0.0": release("app", "1.0.0", dependencies={"mid": ">=1"})},
        ),
        "mid": listing(
            "mid",
            {"1.0.0": release("mid", "1.0.0", dependencies={"ghost": "==3"})},
        ),
    }

    with pytest.raises(
        ResolutionError,
        match=r"'ghost' \(required by app -> mid>=1 -> ghost==3\)",
    ) as info:
        resolve(
            [("app", SpecifierSet())],
            lookup=lookup_in(listings),
            installed={},
            acc_version=ACC,
        )

    assert info.value.chain == ("app", "mid>=1", "ghost==3")


def test_conflicting_requirements_name_both_sides():
    """Two ranges on one plugin that do not meet are one clear error."""
    listings = {
        "a": listing(
            "a", {"1.0.0": release("a", "1.0.0", dependencies={"lib": ">=2"})}
        ),
        "b": listing(
            "b", {"1.0.0": release("b", "1.0.0", dependencies={"lib": "<2"})}
        ),
        "lib": listing(
            "lib",
            {
                "1.0.0": release("lib", "1.0.0"),
                "2.0.0": release("lib", "2.0.0"),
            },
        ),
    }

    with pytest.raises(
        ResolutionError,
        match=r"conflict on lib: lib<2 does not admit 2.0.0, which a -> lib>=2 chose",
    ):
        resolve(
            [("a", SpecifierSet()), ("b", SpecifierSet())],
            lookup=lookup_in(listings),
            installed={},
            acc_version=ACC,
        )


def test_dependency_cycle_resolves_once():
    """Two plugins that need each other are each picked once."""
    listings = {
        "a": listing(
            "a", {"1.0.0": release("a", "1.0.0", dependencies={"b": ">=1"})}
        ),
        "b": listing(
            "b", {"1.0.0": release("b", "1.0.0", dependencies={"a": ">=1"})}
        ),
    }

    plan = resolve(
        [("a", SpecifierSet())],
        lookup=lookup_in(listings),
        installed={},
        acc_version=ACC,
    )

    assert sorted(p.name for p in plan) == ["a", "b"]


@given(
    st.dictionaries(
        st.sampled_from(["a", "b", "c", "d"]),
        st.dictionaries(
            st.sampled_from(["a", "b", "c", "d"]),
            st.sampled_from(["", ">=1", "<1", ">=2"]),
            max_size=3,
        ),
        min_size=1,
    ),
    st.sampled_from(["a", "b", "c", "d"]),
)
def test_a_plan_satisfies_every_dependency_or_raises(graph, top):
    """Any graph gives a plan whose picks satisfy their dependencies, or one ResolutionError."""
    listings = {
        name: listing(
            name,
            {
                "1.0.0": release(name, "1.0.0", dependencies=deps),
                "2.0.0": release(name, "2.0.0", dependencies=deps),
            },
        )
        for name, deps in graph.items()
    }
    failure: ResolutionError | None = None
    plan = []
    try:
        plan = resolve(
            [(top, SpecifierSet())],
            lookup=lookup_in(listings),
            installed={},
            acc_version=ACC,
        )
    except ResolutionError as exc:
        failure = exc
    if failure is not None:
        assert failure.chain[0] == top
    chosen = {p.name: p.version for p in plan}
    position = {p.name: i for i, p in enumerate(plan)}
    for pick in plan:
        for dep, spec in pick.release.dependencies.items():
            assert SpecifierSet(spec).contains(chosen[dep])
            if not _reaches(graph, dep, pick.name):  # no cycle back
                assert position[dep] < position[pick.name]


def _reaches(graph, start, goal):
    seen, todo = set(), [start]
    while todo:
        name = todo.pop()
        if name == goal:
            return True
        if name not in seen:
            seen.add(name)
            todo.extend(graph.get(name, {}))
    return False

"""
The installer: candidates swapped into the install root with the grants
chosen, updates health-checked and undone when they fail, rollback and
uninstall.
"""

import pytest
from packaging.specifiers import SpecifierSet
from tests.market._installkit import (
    RegistryKit,
    add_registry,
    fingerprint,
    make_installer,
    plugin_folder,
)

from acc_plugins.errors import MarketplaceError
from acc_plugins.market._installer import HealthCheckError
from acc_plugins.market._keys import PublicKey
from acc_plugins.market._origin import read_origin
from acc_plugins.market._requirement import Requirement
from acc_plugins.market._sources import Sources, stage_local


def _install(tool, sources, *names, grants=None):
    with tool.locked():
        found = tool.installed()
        from packaging.version import Version

        picks = sources.plan(
            [Requirement(n, n.split("=")[0], SpecifierSet()) for n in names],
            installed={k: Version(v.version) for k, v in found.items()},
        )
        candidates = sources.stage(tool.root, picks)
        return tool.install(
            candidates,
            grants or {c.name: c.permissions for c in candidates},
        )


@pytest.fixture(name="kit")
def _kit(tmp_path):
    return RegistryKit(tmp_path / "registry")


@pytest.fixture(name="sources")
def _sources(tmp_path, kit):
    store = add_registry(tmp_path / "home" / "config", kit)
    return Sources(store.clients())


def test_install_from_registry_writes_origin_and_grants(
    tmp_path, kit, sources
):
    """A registry install lands with its origin and the chosen grants."""
    kit.publish(
        plugin_folder(tmp_path, permissions=("net:https://a.example",))
    )
    tool = make_installer(tmp_path / "home")

    outcome = _install(tool, sources, "demo")

    origin = read_origin(tool.root.current("demo"))
    assert origin is not None
    assert outcome[0].version == "1.0.0"
    assert origin.source == "registry:main"
    assert origin.verified
    assert origin.key_id == kit.publisher_key.key_id
    assert tool.grants.granted("demo") == {"net:https://a.example"}


def test_dependencies_install_first(tmp_path, kit, sources):
    """A plugin's dependency is resolved and installed with it."""
    kit.publish(plugin_folder(tmp_path, "base", "2.0.0"))
    kit.publish(plugin_folder(tmp_path, "app", dependencies={"base": ">=2"}))
    tool = make_installer(tmp_path / "home")

    outcomes = _install(tool, sources, "app")

    assert [o.name for o in outcomes] == ["base", "app"]
    assert set(tool.installed()) == {"app", "base"}


def test_update_keeps_previous_and_rollback_swaps_back(tmp_path, kit, sources):
    """After an update the old version is kept; rollback brings it back."""
    kit.publish(plugin_folder(tmp_path, version="1.0.0"))
    tool = make_installer(tmp_path / "home")
    _install(tool, sources, "demo")
    kit.publish(plugin_folder(tmp_path, version="1.1.0", health="True"))
    sources = Sources(add_registry(tmp_path / "h2", kit).clients())

    outcome = _install(tool, sources, "demo")

    assert outcome[0].replaced == "1.0.0"
    assert outcome[0].health.ok
    assert tool.installed()["demo"].previous == "1.0.0"
    assert tool.rollback("demo") == ("1.0.0", "1.1.0")
    assert tool.installed()["demo"].version == "1.0.0"
    assert tool.installed()["demo"].previous == "1.1.0"


@pytest.mark.parametrize(
    ("health", "reason"),
    [
        ("False", "returned False"),
        ("1 // 0", "ZeroDivisionError|division"),
        ("'yes'", "not True, False or None"),
    ],
)
def test_failed_health_check_restores_previous(
    tmp_path, kit, sources, health, reason
):
    """An update whose health() fails is undone: folders and grants."""
    kit.publish(plugin_folder(tmp_path, version="1.0.0"))
    tool = make_installer(tmp_path / "home")
    _install(tool, sources, "demo")
    before = fingerprint(tool.root.path)
    grants_before = tool.grants.granted("demo")
    kit.publish(
        plugin_folder(
            tmp_path,
            version="2.0.0",
            health=health,
            permissions=("net:https://b.example",),
        )
    )
    sources = Sources(add_registry(tmp_path / "h2", kit).clients())

    with pytest.raises(HealthCheckError, match=reason):
        _install(tool, sources, "demo")

    assert fingerprint(tool.root.path) == before
    assert tool.grants.granted("demo") == grants_before


def test_update_that_does_not_activate_is_undone(tmp_path, kit, sources):
    """An update whose code fails to activate is undone."""
    kit.publish(plugin_folder(tmp_path, version="1.0.0"))
    tool = make_installer(tmp_path / "home")
    _install(tool, sources, "demo")
    before = fingerprint(tool.root.path)
    broken = (
        "    def on_activate(self):\n        raise ValueError('no config')\n"
    )
    kit.publish(plugin_folder(tmp_path, version="2.0.0", extra=broken))
    sources = Sources(add_registry(tmp_path / "h2", kit).clients())

    with pytest.raises(HealthCheckError, match="did not activate"):
        _install(tool, sources, "demo")

    assert fingerprint(tool.root.path) == before


def test_uninstall_refuses_a_needed_plugin_unless_forced(
    tmp_path, kit, sources
):
    """A dependency others need is not removed without --force."""
    kit.publish(plugin_folder(tmp_path, "base", "2.0.0"))
    kit.publish(plugin_folder(tmp_path, "app", dependencies={"base": ">=2"}))
    tool = make_installer(tmp_path / "home")
    _install(tool, sources, "app")

    with pytest.raises(MarketplaceError, match="needed by app"):
        tool.uninstall("base")
    tool.uninstall("base", force=True)

    assert set(tool.installed()) == {"app"}


def test_uninstall_removes_previous_unless_kept(tmp_path):
    """Uninstall removes the previous version too, unless asked to keep it."""
    tool = make_installer(tmp_path / "home", check=False)
    for version in ("1.0.0", "1.1.0"):
        with tool.locked():
            candidate = stage_local(
                tool.root,
                Requirement(
                    "x",
                    path=plugin_folder(tmp_path / version, version=version),
                ),
            )
            tool.install([candidate], {})

    tool.uninstall("demo", keep_previous=True)

    assert tool.root.has_previous("demo")
    assert tool.rollback("demo") == ("1.0.0", "none")
    tool.uninstall("demo")
    assert not tool.root.has_previous("demo")
    assert tool.installed() == {}


def test_local_folder_install_is_unsigned(tmp_path):
    """A folder installs unsigned, with its source recorded."""
    tool = make_installer(tmp_path / "home", check=False)
    folder = plugin_folder(tmp_path)

    with tool.locked():
        candidate = stage_local(tool.root, Requirement("x", path=folder))
        tool.install([candidate], {})

    origin = read_origin(tool.root.current("demo"))
    assert origin is not None
    assert candidate.trust == "unsigned"
    assert origin.source == str(folder)
    assert origin.key_id is None


def test_an_unreachable_registry_is_skipped_with_a_warning(tmp_path, kit):
    """The next registry serves the plugin; the one down is named."""
    kit.publish(plugin_folder(tmp_path))
    down = RegistryKit(tmp_path / "down", name="down")
    store = add_registry(tmp_path / "config", down)
    store.add(kit.name, str(kit.root), PublicKey.of(kit.owner))
    warnings: list[str] = []
    sources = Sources(store.clients(), warn=warnings.append)

    picks = sources.plan([Requirement("demo", "demo")], installed={})

    assert [p.registry for p in picks] == ["main"]
    assert warnings == [
        f"skipping registry 'down': registry 'down' ({down.root}): no index.json; is this a registry?"
    ]
    with pytest.raises(
        MarketplaceError, match="registries that could not be read: down"
    ):
        sources.plan([Requirement("ghost", "ghost")], installed={})

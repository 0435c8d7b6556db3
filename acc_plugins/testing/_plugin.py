"""
The pytest plugin (entry point ``pytest11``): the fixtures plugin
authors use.  pytest imports this module in every run of an environment
that has acc-plugins installed: importing it builds nothing and starts
nothing; hosts exist only while a test that asked for one runs.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from acc_plugins.errors import ManifestError

from ._hostundertest import HostUnderTest
from ._recording import RECORD_ENV, record_uses


if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping

    from acc_plugins.host import FakeClaude

    from ._fakehttp import FakeHttp
    from ._hostundertest import Tier

    MakePluginHost = Callable[..., HostUnderTest]


def pytest_addoption(parser: pytest.Parser) -> None:
    """
    The kit's settings in ``pytest.ini``, ``pyproject.toml`` or
    ``setup.cfg``.
    """
    parser.addini(
        "acc_plugins_plugin",
        "The folder of the plugin under test, relative to the rootdir "
        "(default: the nearest folder above each test with a plugin.toml).",
        default="",
    )
    parser.addini(
        "acc_plugins_tier",
        "Run plugins 'sandboxed' or 'isolated' (default: as each "
        "manifest says).",
        default="",
    )
    parser.addini(
        "acc_plugins_strict",
        "Fail a test whose plugin uses a permission its plugin.toml does "
        "not declare (default: true).",
        type="bool",
        default=True,
    )


def _nearest_plugin(start: Path) -> Path | None:
    # Not bounded by the rootdir: without a configuration file, pytest's
    # rootdir is the tests folder itself, below the plugin.
    for folder in (start, *start.parents):
        if (folder / "plugin.toml").is_file():
            return folder
    return None


@pytest.fixture(name="plugin_path")
def _plugin_path(request: pytest.FixtureRequest) -> Path:
    """
    The folder of the plugin under test: the ``acc_plugins_plugin`` ini
    option, else the nearest folder above the test file that holds a
    ``plugin.toml``.  Override it in a ``conftest.py`` to choose another.
    """
    config = request.config
    chosen = str(config.getini("acc_plugins_plugin"))
    if chosen:
        folder = (config.rootpath / chosen).resolve()
        if not (folder / "plugin.toml").is_file():
            pytest.fail(
                f"acc_plugins_plugin = {chosen!r}: {folder} has no plugin.toml",
                pytrace=False,
            )
        return folder
    found = _nearest_plugin(request.path.parent)
    if found is None:
        pytest.fail(
            f"no plugin.toml in {request.path.parent} or above it: set "
            "acc_plugins_plugin in the pytest configuration, or override "
            "the plugin_path fixture",
            pytrace=False,
        )
    return found


@pytest.fixture(name="plugin_grants")
def _plugin_grants() -> Iterable[str] | None:
    """
    What ``plugin_host`` grants the plugin under test: None for all its
    manifest requests.  Override it (or parametrize it) to grant less.
    """
    return None


@pytest.fixture(name="plugin_dependencies")
def _plugin_dependencies() -> Iterable[Path]:
    """
    Folders of further plugins ``plugin_host`` loads: none.  Override it
    to load the plugins the one under test depends on.
    """
    return ()


@pytest.fixture(name="plugin_settings")
def _plugin_settings() -> Mapping[str, object]:
    """
    The setting values ``plugin_host`` gives the plugin under test: none,
    so each setting has its default.
    """
    return {}


@pytest.fixture(name="plugin_tier")
def _plugin_tier(request: pytest.FixtureRequest) -> Tier | None:
    """
    Where ``plugin_host`` runs plugins: the ``acc_plugins_tier`` ini
    option, else as each manifest says.  Parametrize it to run a test in
    both tiers.
    """
    chosen = str(request.config.getini("acc_plugins_tier"))
    return chosen or None  # type: ignore[return-value]


@pytest.fixture(name="plugin_strict")
def _plugin_strict(request: pytest.FixtureRequest) -> bool:
    """
    Whether ``plugin_host`` fails a test whose plugin reaches for a
    permission its ``plugin.toml`` does not declare (the
    ``acc_plugins_strict`` ini option, true by default).
    """
    return bool(request.config.getini("acc_plugins_strict"))


def _strict_failures(hosts: Iterable[HostUnderTest]) -> list[str]:
    return [
        f"{host.plugin} used {permission}, which its plugin.toml does not "
        "declare: add it to [permissions] (or build the host with "
        "strict=False to test how the host refuses it)"
        for host in hosts
        if host.strict
        for permission in host.undeclared()
    ]


@pytest.fixture(name="make_plugin_host")
def _make_plugin_host(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    plugin_path: Path,
    plugin_tier: Tier | None,
    plugin_strict: bool,
) -> Iterator[MakePluginHost]:
    """
    A factory of started hosts, each in a temporary home of its own,
    stopped when the test ends.  Called as ``make_plugin_host(path=None,
    *, also=(), grants=None, settings=None, tier=..., strict=...,
    expect_active=True)``: see ``acc_plugins.testing.HostUnderTest``.
    The plugin is *path* (``plugin_path`` by default); *tier* and
    *strict* default to ``plugin_tier`` and ``plugin_strict``.  With
    *expect_active*, a plugin that does not activate fails the test
    with its error.
    """
    recording = os.environ.get(RECORD_ENV)
    hosts: list[HostUnderTest] = []

    def make(
        path: Path | str | None = None,
        *,
        also: Iterable[Path | str] = (),
        grants: Iterable[str] | None = None,
        settings: Mapping[str, object] | None = None,
        tier: Tier | None = None,
        strict: bool | None = None,
        expect_active: bool = True,
    ) -> HostUnderTest:
        if recording:
            # Recording sees in-process uses only, and wants to see them
            # all rather than stop at the first undeclared one.
            tier, strict = "sandboxed", False
        try:
            host = HostUnderTest(
                plugin_path if path is None else Path(path),
                home=tmp_path_factory.mktemp("plugin-host"),
                also=[Path(p) for p in also],
                grants=grants,
                settings=settings,
                tier=plugin_tier if tier is None else tier,
                strict=plugin_strict if strict is None else strict,
            )
        except (ManifestError, ValueError) as exc:
            # The test's own setup is wrong: one line says what.
            pytest.fail(str(exc), pytrace=False)
        hosts.append(host)
        host.start()
        if expect_active and host.state(host.plugin).value != "active":
            error = host.info(host.plugin).last_error
            pytest.fail(
                f"{host.plugin} is {host.state(host.plugin).value}, not "
                f"active: {error}",
                pytrace=False,
            )
        return host

    yield make
    for host in hosts:
        host.stop()
        if recording:
            record_uses(host, Path(recording), request.node.nodeid)
    failures = _strict_failures(hosts)
    if failures:
        pytest.fail("strict: " + "\nstrict: ".join(failures), pytrace=False)


@pytest.fixture(name="plugin_host")
def _plugin_host(
    make_plugin_host: MakePluginHost,
    plugin_dependencies: Iterable[Path],
    plugin_grants: Iterable[str] | None,
    plugin_settings: Mapping[str, object],
) -> HostUnderTest:
    """
    The plugin under test (``plugin_path``), active in a started host of
    its own with ``plugin_dependencies``, ``plugin_grants``,
    ``plugin_settings``, ``plugin_tier`` and ``plugin_strict``; stopped
    when the test ends.
    """
    return make_plugin_host(
        also=plugin_dependencies,
        grants=plugin_grants,
        settings=plugin_settings,
    )


@pytest.fixture(name="fake_claude")
def _fake_claude(plugin_host: HostUnderTest) -> FakeClaude:
    """
    The fake Claude of ``plugin_host``: script answers with
    ``answer(...)``, read what was asked in ``queries``.
    """
    return plugin_host.claude


@pytest.fixture(name="fake_http")
def _fake_http(plugin_host: HostUnderTest) -> FakeHttp:
    """
    The fake network of ``plugin_host``'s plugins: script responses with
    ``respond(...)``, read ``requests``.
    """
    return plugin_host.http

"""
A home (config, data, plugins) with a registry and ``demo`` installed
from it, for the automatic-update tests.
"""

import datetime as dt

from packaging.version import Version
from tests.market._installkit import (
    RegistryKit,
    add_registry,
    make_installer,
    plugin_folder,
)

from acc_plugins.market._autoupdate import AutoUpdater
from acc_plugins.market._registries import Registries
from acc_plugins.market._requirement import Requirement
from acc_plugins.market._sources import Sources
from acc_plugins.security import AuditKind, AuditLog


T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
NET = "net:https://a.example"


class Home:
    """A user's folders, a registry they use, and what is installed."""

    def __init__(self, tmp_path, *, check=True):
        self.tmp = tmp_path
        self.path = tmp_path / "home"
        self.config = self.path / "config"
        self.data = self.path / "data"
        self.plugins = self.path / "plugins"
        self.kit = RegistryKit(tmp_path / "registry")
        self.store = add_registry(self.config, self.kit)
        self.check = check
        self._made = 0

    def publish(self, version, *, name="demo", **options):
        """Publish *name* *version* (plugin_folder's options)."""
        self._made += 1
        parent = self.tmp / f"src{self._made}"
        self.kit.publish(plugin_folder(parent, name, version, **options))

    def installer(self):
        return make_installer(self.path, check=self.check)

    def install(self, name="demo", spec="", grants=None):
        """Install *name* from the registry, granting what it asks."""
        tool = self.installer()
        sources = Sources(
            Registries(self.config / "registries.json").clients()
        )
        with tool.locked():
            found = tool.installed()
            picks = sources.plan(
                [Requirement(name + spec, name, _spec(spec))],
                installed={k: Version(v.version) for k, v in found.items()},
            )
            candidates = sources.stage(tool.root, picks)
            tool.install(
                candidates,
                grants or {c.name: c.permissions for c in candidates},
            )

    def updater(self, clock=lambda: T0, **options):
        return AutoUpdater(
            self.installer(),
            Registries(self.config / "registries.json"),
            clock=clock,
            **options,
        )

    def version(self, name="demo"):
        return self.installer().installed()[name].version

    def audit(self):
        """The update entries of the trail, as (plugin, detail)."""
        log = AuditLog(self.data / "audit")
        return [
            (e.plugin, e.detail) for e in log.entries(kind=AuditKind.UPDATE)
        ]


def _spec(text):
    from packaging.specifiers import SpecifierSet

    return SpecifierSet(text)

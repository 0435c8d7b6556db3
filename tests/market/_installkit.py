"""
A registry folder built the way its owner and publishers would (signed
index, signed archives), plugins to fill it with, and a fingerprint of
an install root, for the install tests.
"""

import datetime as dt
import hashlib
import os
from pathlib import Path

from acc_plugins.host.gate._consent import GrantStore
from acc_plugins.market._archive import archive_digest, build_archive
from acc_plugins.market._health import ScratchHostCheck
from acc_plugins.market._index import Index, Listing, Publisher, Release
from acc_plugins.market._indexfile import seal_index
from acc_plugins.market._installer import Installer
from acc_plugins.market._installroot import InstallRoot
from acc_plugins.market._keys import PublicKey, generate_private_key
from acc_plugins.market._layout import INDEX, archive_path
from acc_plugins.market._registries import Registries
from acc_plugins.market._signing import sign


SOURCE = '''
from acc_plugins.sdk import Plugin, tool


class Demo(Plugin):
    """A demo plugin."""

    @tool
    def ping(self) -> str:
        """Answer pong."""
        return "pong {version}"
{extra}
    def health(self):
        return {health}
'''


def plugin_folder(
    parent,
    name="demo",
    version="1.0.0",
    *,
    permissions=(),
    dependencies=None,
    requires_acc="",
    health="None",
    extra="",
    settings=None,
    padding=0,
):
    """A plugin folder *name* *version* whose health() returns *health*."""
    folder = parent / f"{name}-{version}-src"
    folder.mkdir(parents=True)
    lines = [
        "[plugin]",
        f'name = "{name}"',
        f'version = "{version}"',
        'description = "Demo."',
        'entry = "demo:Demo"',
        'kind = "tool"',
    ]
    if requires_acc:
        lines.append(f'requires-acc = "{requires_acc}"')
    if dependencies:
        lines.append("[dependencies]")
        lines += [f'{dep} = "{spec}"' for dep, spec in dependencies.items()]
    if permissions:
        lines.append("[permissions]")
        net = [
            p.removeprefix("net:") for p in permissions if p.startswith("net:")
        ]
        env = [
            p.removeprefix("env:") for p in permissions if p.startswith("env:")
        ]
        if net:
            lines.append(f"network = {net!r}".replace("'", '"'))
        if env:
            lines.append(f"environment = {env!r}".replace("'", '"'))
    for key, kind in (settings or {}).items():
        lines += [f"[settings.{key}]", f'type = "{kind}"']
    (folder / "plugin.toml").write_text("\n".join(lines) + "\n")
    (folder / "demo.py").write_text(
        SOURCE.format(version=version, health=health, extra=extra)
    )
    if padding:
        # Incompressible bytes, so the archive is about *padding* long.
        (folder / "data.bin").write_bytes(os.urandom(padding))
    return folder


class RegistryKit:
    """A directory registry: its owner's key, a publisher, the index."""

    def __init__(self, root, *, name="main"):
        self.root = root
        self.name = name
        self.owner = generate_private_key()
        self.publisher = generate_private_key()
        self.vouched = True
        self.serial = 0
        self.plugins = {}
        root.mkdir(parents=True, exist_ok=True)

    @property
    def publisher_key(self):
        return PublicKey.of(self.publisher)

    def publish(
        self, folder, *, key=None, yanked=None, tools=("ping",), data=None
    ):
        """Add the plugin in *folder* (or *data*) to the registry and seal."""
        from acc_plugins.manifest import load_manifest

        manifest = load_manifest(folder / "plugin.toml")
        name = manifest.plugin.name
        version = str(manifest.plugin.version)
        data = build_archive(folder) if data is None else data
        where = archive_path(name, version)
        target = self.root / where
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        signer = key or self.publisher
        release = Release(
            archive=where,
            sha256=archive_digest(data),
            size=len(data),
            key_id=PublicKey.of(signer).key_id,
            signature=sign(data, signer),
            published_at="2026-12-01T00:00:00+00:00",
            requires_acc=str(manifest.plugin.requires_acc or ""),
            dependencies={
                d.name: str(d.specifier) for d in manifest.dependencies
            },
            permissions=tuple(p.canonical for p in manifest.permissions.all),
            tools=tools,
            settings={s.key: str(s.type.value) for s in manifest.settings},
            yanked=yanked,
        )
        versions = dict(self.plugins.get(name, {}))
        versions[version] = release
        self.plugins[name] = versions
        self.seal()
        return release

    def index(self, *, expires=None):
        now = dt.datetime.now(dt.UTC)
        self.serial += 1
        return Index(
            registry=self.name,
            serial=self.serial,
            updated_at=now.isoformat(),
            expires_at=(expires or now + dt.timedelta(days=30)).isoformat(),
            publishers={
                "acme": Publisher(
                    keys={self.publisher_key.key_id: self.publisher_key.text},
                    vouched=self.vouched,
                )
            },
            plugins={
                name: Listing(name=name, publisher="acme", versions=versions)
                for name, versions in self.plugins.items()
            },
        )

    def seal(self, **kwargs):
        """Sign the index and write index.json; return its bytes."""
        data = seal_index(self.index(**kwargs), self.owner)
        (self.root / INDEX).write_bytes(data)
        return data


def add_registry(config_dir, kit):
    """Add *kit* to the registries.json in *config_dir*."""
    config_dir.mkdir(parents=True, exist_ok=True)
    store = Registries(config_dir / "registries.json")
    store.add(kit.name, str(kit.root), PublicKey.of(kit.owner))
    return store


def make_installer(home, *, check=True):
    """An installer over home/plugins, with home/data's grants."""
    data = home / "data"
    data.mkdir(parents=True, exist_ok=True)
    grants = GrantStore(data / "grants.json")
    health = ScratchHostCheck(data, home / "config") if check else None
    return Installer(InstallRoot(home / "plugins"), grants, check=health)


def fingerprint(folder):
    """Every path under *folder* with its type, mode and content digest."""
    found: dict[str, tuple[str, str]] = {}
    if not folder.exists():
        return found
    for path in sorted(Path(folder).rglob("*")):
        relative = path.relative_to(folder).as_posix()
        info = path.lstat()
        digest = ""
        if path.is_file() and not path.is_symlink():
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        found[relative] = (oct(info.st_mode), digest)
    # The lock file is created by the first run and is not state.
    found.pop(".acc-install.lock", None)
    return found


def run_cli(home, *args, root=None, stdin=None):
    """
    ``acc-plugins ARGS`` with *home*'s data and config folders, installing
    into *root* (default ``home/plugins``).
    """
    from click.testing import CliRunner

    from acc_plugins.cli import cli

    return CliRunner().invoke(
        cli,
        [
            "--path",
            str(root if root is not None else home / "plugins"),
            "--data-dir",
            str(home / "data"),
            "--config-dir",
            str(home / "config"),
            *args,
        ],
        input=stdin,
        catch_exceptions=False,
    )

"""
Helpers for the tests of a registry's owner side: a keyring, a registry
made by its owner, plugin folders to publish, and a hash of a whole tree.
"""

import hashlib
import shutil
from pathlib import Path

from acc_plugins.market._keyring import Keyring
from acc_plugins.market._owner import RegistryOwner


EXAMPLES = Path(__file__).parent.parent.parent / "examples"


def make_owner(tmp_path: Path, *, name: str = "Team") -> RegistryOwner:
    """
    A registry in ``tmp_path/registry`` made with the key ``owner``.
    """
    keyring = Keyring(tmp_path / "keys")
    keyring.generate("owner")
    owner = RegistryOwner(tmp_path / "registry", keyring)
    owner.init(name, "owner")
    return owner


def plugin_copy(
    tmp_path: Path, example: str, *, version: str | None = None
) -> Path:
    """
    A copy of example plugin *example* (not its tests), its version
    changed if asked.
    """
    sources = tmp_path / "sources"
    sources.mkdir(exist_ok=True)
    folder = sources / f"{example}-{len(list(sources.iterdir()))}"
    # Without the example's own tests: publishing would run them, which
    # these tests of the registry do not need (they add tests of their
    # own where the test step is the point).
    shutil.copytree(
        EXAMPLES / example,
        folder,
        ignore=shutil.ignore_patterns("tests", "__pycache__"),
    )
    if version is not None:
        manifest = folder / "plugin.toml"
        lines = manifest.read_text().splitlines()
        changed = [
            f'version = "{version}"' if line.startswith("version =") else line
            for line in lines
        ]
        manifest.write_text("\n".join(changed) + "\n")
    return folder


def tree_hash(root: Path) -> dict[str, str]:
    """
    Every file and folder under *root*, with the sha256 of each file.
    """
    return {
        path.relative_to(root).as_posix(): (
            hashlib.sha256(path.read_bytes()).hexdigest()
            if path.is_file()
            else "folder"
        )
        for path in sorted(root.rglob("*"))
    }

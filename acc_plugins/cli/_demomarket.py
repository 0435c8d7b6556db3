"""
The demo's marketplace act: an owner key, a directory registry, two
example plugins published through the real pipeline, the registry added
with its key pinned, searched, shown, installed from, refused when an
archive is tampered with, and turned into a static site.

Why through the Python API and not the commands: the demo runs offline
in a temporary home, and every step here is the call an embedding
application or a script would make; the commands only format the same
results.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import shutil
from typing import TYPE_CHECKING

from rich.rule import Rule

from acc_plugins.market import (
    Catalog,
    GrantStore,
    Installer,
    InstallRoot,
    Keyring,
    MarketplaceError,
    Registries,
    RegistryOwner,
    Sources,
    TrustStore,
    details_of,
    parse_requirement,
    publish,
    render_site,
    write_site,
)
from acc_plugins.market._layout import archive_path
from acc_plugins.market._signedserials import SignedSerials


if TYPE_CHECKING:
    from pathlib import Path

    from rich.console import Console

    from acc_plugins.market import Candidate, PublicKey, RegistryClient

PUBLISHED = ("text-tools", "code-reviewer")
"""The example plugins the act publishes (code-reviewer needs text-tools)."""

INSTALLED = "code-reviewer"
"""The plugin the act installs: its dependency comes along."""

_SKIPS = frozenset({"no tests/ folder", "skipped"})


def _note(steps: list[str], step: str, detail: str) -> None:
    # The test step says when there was nothing to run.
    steps.append(f"{step} ({detail})" if detail in _SKIPS else step)


def _pytest_installed() -> bool:
    return importlib.util.find_spec("pytest") is not None


def _line(out: Console, text: str) -> None:
    out.print(f"    {text}", markup=False, highlight=False)


def _step(out: Console, number: int, text: str) -> None:
    out.print(f"[bold]{number}. {text}[/bold]")


def tree_digest(root: Path) -> str:
    """
    The sha256 of every file under *root* (paths and contents, in order):
    equal before and after an install exactly when nothing changed.
    """
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def marketplace(
    out: Console, home: Path, problems: list[str], *, kept: bool
) -> None:
    """
    Run the act in *home*; what does not behave is added to *problems*;
    *kept* says whether *home* outlives the demo (``--keep``).
    """
    market = home / "market"
    data, config = market / "data", market / "config"
    out.print(
        Rule("marketplace: publish, find, install, refuse a tampered one")
    )
    keyring = Keyring(data / "keys")
    own = keyring.generate("owner")
    _step(out, 1, "acc-plugins keys generate owner")
    _line(out, f"ed25519 key {own.public_key.key_id} (no passphrase)")

    registry = market / "registry"
    owner = RegistryOwner(
        registry,
        keyring,
        memory=SignedSerials(data / "signed-registries.json"),
    )
    index = owner.init("Demo", "owner")
    _step(out, 2, "acc-plugins registry init registry/ --key owner")
    _line(out, f"a folder is the registry; index serial {index.serial}")

    _step(
        out, 3, "acc-plugins publish PLUGIN --registry registry/ --key owner"
    )
    # The README's demo installs acc-plugins alone, without pytest: the
    # plugins' own tests then cannot run, and the demo says so.
    testing = _pytest_installed()
    if not testing:
        _line(
            out,
            "their tests are skipped: pytest is not installed "
            "(pip install 'acc-plugins[testing]')",
        )
    for name in PUBLISHED:
        steps: list[str] = []
        done = publish(
            home / "plugins" / name,
            owner,
            "owner",
            "demo",
            progress=functools.partial(_note, steps),
            run_tests=testing,
        )
        _line(out, f"{done.name} {done.version}: {', '.join(steps)}")

    registries = Registries(config / "registries.json")
    registries.add("demo", str(registry), own.public_key)
    trust = TrustStore(data / "trusted-keys.json")
    client = registries.client("demo", trust=trust)
    _step(out, 4, "acc-plugins registry add demo registry/ --key ed25519:...")
    signed = client.index()
    _line(
        out,
        f"owner's key pinned; the index's signature checks (serial "
        f"{signed.index.serial})",
    )

    _step(out, 5, "acc-plugins search review")
    for hit in Catalog.of([("demo", signed)]).search("review").hits:
        _line(out, f"{hit.listing.name}: {hit.listing.description}")

    _step(out, 6, f"acc-plugins show {INSTALLED}")
    details = details_of(
        "demo", signed.index, signed.index.plugins[INSTALLED], trust=trust
    )
    badge = "verified (the owner vouches for its publisher)"
    _line(
        out, f"{details.newest}, {badge if details.verified else 'unverified'}"
    )
    for permission in details.permissions:
        _line(out, f"asks to {permission.plain} ({permission.text})")
    if not details.verified:
        problems.append(f"{INSTALLED} was not shown as verified")

    _install(out, market, (client, own.public_key), problems)

    _step(out, 9, "acc-plugins site demo --out site/")
    written = write_site(market / "site", render_site(client))
    where = written.out / "index.html"
    note = "" if kept else "; removed with the home: run with --keep DIR"
    _line(out, f"{where} ({written.plugins} plugin pages{note})")


def _install(
    out: Console,
    market: Path,
    registry: tuple[RegistryClient, PublicKey],
    problems: list[str],
) -> None:
    client, key = registry
    root = InstallRoot(market / "installed")
    tool = Installer(root, GrantStore(market / "data" / "grants.json"))
    _step(out, 7, f"acc-plugins --path installed/ install {INSTALLED} --yes")
    with tool.locked():  # staging, then swapping in, under one lock
        candidates = _stage(Sources([client]), root)
        outcomes = tool.install(
            candidates, {c.name: c.permissions for c in candidates}
        )
    for outcome in outcomes:
        granted = ", ".join(sorted(outcome.granted)) or "nothing to grant"
        _line(
            out,
            f"installed {outcome.name} {outcome.version} (granted: {granted})",
        )
    version = outcomes[-1].version

    _step(
        out,
        8,
        "the same install from a mirror whose archive was changed by a byte",
    )
    mirror = market / "mirror"
    shutil.copytree(client.transport.location, mirror)
    archive = mirror / archive_path(INSTALLED, version)
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0x01
    archive.write_bytes(bytes(data))
    registries = Registries(market / "config" / "registries.json")
    registries.add("mirror", str(mirror), key)
    before = tree_digest(root.path)
    try:
        with tool.locked():
            _stage(Sources([registries.client("mirror")]), root)
    except MarketplaceError as exc:
        _line(out, f"refused: {exc}")
    else:
        problems.append("a tampered archive was accepted")
    unchanged = tree_digest(root.path) == before
    _line(
        out,
        "installed tree: "
        + ("unchanged (same sha256)" if unchanged else "CHANGED"),
    )
    if not unchanged:
        problems.append("the refused install changed the installed tree")


def _stage(origin: Sources, root: InstallRoot) -> list[Candidate]:
    picks = origin.plan([parse_requirement(INSTALLED)], installed={})
    return origin.stage(root, picks)

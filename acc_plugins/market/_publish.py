"""
The publishing pipeline: a plugin folder into a directory registry.

Each step can refuse the plugin, and until the last nothing in the
registry has changed: validate the folder, package it, scan what was
packaged, run the plugin's own tests on it, load it in a throw-away host
(to list what it adds, and to refuse one that does not activate),
write its documentation page, sign the archive with the publisher's key,
and then, in one owner change under the registry's lock, write the
archive and the page and add the release to the index.

Why the checks run on the packaged bytes and not on the folder: what
users install is the archive, so that is what is scanned, tested and
loaded.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Final

import attrs

from acc_plugins.docgen import document, to_markdown
from acc_plugins.errors import (
    ArchiveError,
    MarketplaceError,
    PublishError,
)
from acc_plugins.security import Severity, scan_plugin

from ._archive import archive_digest, build_archive
from ._changes import check_new_release, with_publisher, with_release
from ._extract import extract_archive
from ._index import Listing, Release
from ._layout import archive_path, docs_path
from ._loadcheck import LoadedPlugin, load_plugin
from ._signing import sign


if TYPE_CHECKING:
    from collections.abc import Callable

    from packaging.version import Version

    from acc_plugins.manifest import Manifest

    from ._index import Index
    from ._keys import PublicKey
    from ._owner import RegistryOwner

    Progress = Callable[[str, str], None]
    """Told (step, what it is doing) as each step starts."""

STEPS: Final = (
    "validate",
    "package",
    "scan",
    "test",
    "load",
    "document",
    "sign",
    "publish",
)
"""The steps, in order, as the progress callback names them."""

TEST_TIMEOUT: Final = 900.0
"""Seconds a plugin's own tests may take (a hang guard)."""

_TAIL: Final = 40  # lines of failing test output shown


@attrs.frozen
class Published:
    """
    What `publish` added to the registry.

    Attributes:
        name: The plugin.

        version: The version published.

        release: Its entry in the index.

        publisher: Who published it.

        registered: Whether the owner was made a publisher by this
            publish (a first publish with the owner's own key).

        serial: The index's serial after the change.
    """

    name: str
    version: Version
    release: Release
    publisher: str
    registered: bool
    serial: int


def publish(
    folder: Path,
    owner: RegistryOwner,
    publisher_key_name: str,
    publisher: str | None = None,
    *,
    run_tests: bool = True,
    scan_blocks: Severity = Severity.HIGH,
    test_timeout: float = TEST_TIMEOUT,
    progress: Progress | None = None,
) -> Published:
    """
    Publish the plugin in *folder* to *owner*'s registry.

    Args:
        folder: The plugin folder.

        owner: The registry, with the keyring holding its owner's key and
            the publisher's key.

        publisher_key_name: The keyring key that signs the archive; it
            must be listed under the publisher in the index, unless it is
            the owner's own key (then the owner becomes a vouched
            publisher named *publisher*, or after the key, at once).

        publisher: Who publishes; default: whoever the key is listed
            under.

        run_tests: Run the plugin's ``tests/`` with pytest, if it has any.

        scan_blocks: The scanner severity that blocks publication.

        test_timeout: Seconds the tests may take.

        progress: Told each step as it starts.

    Raises:
        PublishError: If a step refuses the plugin.

        MarketplaceError: If the registry refuses the change: the version
            exists already, the key is not the publisher's, the plugin
            belongs to another publisher, the keyring lacks the owner key.

        KeyringError: If the publisher's key cannot be used.
    """
    say = progress or _quiet
    signer = owner.keyring.get(publisher_key_name).public_key
    signed = owner.folder.signed()
    index, owner_key = signed.index, signed.key
    publisher, _ = _publisher(
        index, signer, publisher, publisher_key_name, owner_key
    )
    private_key = owner.signing_key(publisher_key_name)
    say("validate", f"reading {folder / 'plugin.toml'}")
    manifest = _validate(folder)
    name, version = manifest.plugin.name, manifest.plugin.version
    check_new_release(index, name, publisher, version)  # fail early
    say("package", f"building {name}-{version}.accp")
    try:
        data = build_archive(folder)
    except ArchiveError as exc:
        msg = "cannot package it:"
        raise PublishError(msg, [str(exc)], step="package") from None
    loaded = _try_out(
        data,
        manifest,
        owner.root,
        index,
        _Checks(run_tests, scan_blocks, test_timeout, say),
    )
    say("document", f"writing {docs_path(name)}")
    # The registry's page comes from the generator the site and
    # `acc-plugins docs` use, reading the folder that was just packaged.
    page = to_markdown(document(folder))
    say("sign", f"signing with key {signer.key_id}")
    signature = sign(data, private_key)
    try:
        release = _release(manifest, loaded, data, signer, signature, owner)
        listing = Listing(
            name=name,
            description=manifest.plugin.description,
            kind=manifest.plugin.kind.value,
            keywords=manifest.plugin.keywords,
            publisher=publisher,
            homepage=manifest.plugin.homepage,
            license=manifest.plugin.license,
        )
    except ValueError as exc:  # a manifest value the index cannot hold
        msg = "it cannot be listed in the index:"
        raise PublishError(msg, [str(exc)], step="publish") from None
    say("publish", f"adding {name} {version} to the index")
    registered = False

    def change(current: Index) -> Index:
        nonlocal registered
        who, new = _publisher(
            current, signer, publisher, publisher_key_name, owner_key
        )
        if new:
            current = with_publisher(current, who, signer, vouched=True)
            registered = True
        return with_release(current, listing, version, release)

    files = {release.archive: data}
    if _newest(index, name, version):  # the page is the newest release's
        files[docs_path(name)] = page.encode("utf-8")
    written = owner.change(change, files=files)
    return Published(
        name, version, release, publisher, registered, written.serial
    )


@attrs.frozen
class _Checks:
    run_tests: bool
    scan_blocks: Severity
    test_timeout: float
    say: Progress


def _try_out(
    data: bytes,
    manifest: Manifest,
    registry: Path,
    index: Index,
    checks: _Checks,
) -> LoadedPlugin:
    """
    Scan, test and load the plugin as packaged in *data*, extracted in a
    scratch folder that goes away after.
    """
    name = manifest.plugin.name
    with tempfile.TemporaryDirectory(prefix="acc-publish-") as scratch:
        plugins = Path(scratch) / "plugins"
        plugins.mkdir()
        unpacked = plugins / name
        extract_archive(data, unpacked)
        checks.say("scan", "scanning the packaged sources")
        _scan(unpacked, checks.scan_blocks)
        if checks.run_tests and (unpacked / "tests").is_dir():
            checks.say("test", "running its tests with pytest")
            _test(unpacked, checks.test_timeout)
        else:
            skipped = "no tests/ folder" if checks.run_tests else "skipped"
            checks.say("test", skipped)
        checks.say("load", "activating it in a throw-away host")
        return load_plugin(Path(scratch), manifest, registry, index)


def _newest(index: Index, name: str, version: Version) -> bool:
    listing = index.plugins.get(name)
    return listing is None or all(
        version > known for known, _ in listing.ordered()
    )


def _quiet(step: str, detail: str) -> None:
    del step, detail


def _publisher(
    index: Index,
    key: PublicKey,
    wanted: str | None,
    key_name: str,
    owner_key: PublicKey,
) -> tuple[str, bool]:
    """
    Who publishes with *key*, and whether they are new: the owner's own
    key, not listed yet, makes the owner a publisher.
    """
    holder = index.key_of(key.key_id)
    if holder is not None:
        if wanted is not None and holder[0] != wanted:
            msg = (
                f"key {key.key_id} is listed under publisher {holder[0]!r}, "
                f"not {wanted!r}"
            )
            raise MarketplaceError(msg)
        return holder[0], False
    if key != owner_key or (wanted is not None and wanted in index.publishers):
        who = "any publisher" if wanted is None else f"publisher {wanted!r}"
        msg = (
            f"key {key.key_id} ({key_name}) is not listed under {who} of "
            f"registry {index.registry!r}; the registry's owner adds it "
            f"with: acc-plugins registry publisher add"
        )
        raise MarketplaceError(msg)
    return (wanted or key_name), True


def _validate(folder: Path) -> Manifest:
    from acc_plugins.host import validate_plugin  # noqa: PLC0415 -- heavy

    if not folder.is_dir():
        msg = f"{folder}: not a folder"
        raise PublishError(msg, [], step="validate")
    # validate_plugin leaves the tests/ folder to pytest.
    report = validate_plugin(folder)
    if report.problems or report.manifest is None:
        msg = f"{folder}: not a valid plugin:"
        raise PublishError(msg, list(report.problems), step="validate")
    return report.manifest


def _scan(root: Path, threshold: Severity) -> None:
    report = scan_plugin(root)
    blocking = report.blocking(threshold)
    if blocking:
        lines = [
            f"{f.path}:{f.line}:{f.column}: {f.rule} {f.severity.value}: "
            f"{f.message}"
            for f in blocking
        ]
        msg = (
            f"the scanner found {len(blocking)} problem(s) of severity "
            f"{threshold.value} or worse:"
        )
        raise PublishError(msg, lines, step="scan")


def _test(root: Path, timeout: float) -> None:
    if importlib.util.find_spec("pytest") is None:
        msg = (
            "it has tests/, but pytest is not installed with acc-plugins "
            "here: install pytest, or skip the tests"
        )
        raise PublishError(msg, [], step="test")
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    environment = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    try:
        completed = subprocess.run(  # noqa: S603 -- our own interpreter
            [*command, "tests"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            env=environment,
        )
    except subprocess.TimeoutExpired:
        msg = f"its tests ran longer than {timeout:g} seconds"
        raise PublishError(msg, [], step="test") from None
    if completed.returncode == 0:
        return
    output = (completed.stdout + completed.stderr).splitlines()
    msg = f"its tests failed (pytest exit status {completed.returncode}):"
    raise PublishError(msg, output[-_TAIL:], step="test")


def _release(  # noqa: PLR0917 -- the parts of one release, all needed
    manifest: Manifest,
    loaded: LoadedPlugin,
    data: bytes,
    signer: PublicKey,
    signature: str,
    owner: RegistryOwner,
) -> Release:
    meta = manifest.plugin
    moment = owner.clock().astimezone(dt.UTC)
    return Release(
        archive=archive_path(meta.name, str(meta.version)),
        sha256=archive_digest(data),
        size=len(data),
        key_id=signer.key_id,
        signature=signature,
        published_at=moment.isoformat(timespec="seconds"),
        requires_acc=str(meta.requires_acc or ""),
        dependencies={d.name: str(d.specifier) for d in manifest.dependencies},
        permissions=tuple(p.canonical for p in manifest.permissions.all),
        tools=loaded.tools,
        agents=loaded.agents,
        workflows=loaded.workflows,
        hooks=loaded.hooks,
        settings={s.key: s.type.value for s in manifest.settings},
        isolation=meta.isolation.value,
    )

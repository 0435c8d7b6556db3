"""
``acc-plugins site``: reading a registry through its client and writing
the static site, all of it or nothing.

Why a staging folder and a marker: the site is many files, and a host
may be serving the old one while the new one is written; everything goes
into a fresh folder beside the destination, then takes its place by
rename, so a reader sees the old site or the new one.  The destination
is replaced only when it is empty or holds a site this command wrote (it
has the ``.acc-site`` marker): ``--out ~`` must never delete a home
folder.
"""

from __future__ import annotations

import contextlib
import secrets
import shlex
import shutil
from importlib.resources import files
from typing import TYPE_CHECKING, Final

import attrs

from acc_plugins.errors import MarketplaceError
from acc_plugins.market._details import details_of
from acc_plugins.market._layout import docs_path
from acc_plugins.market._registries import check_registry_name
from acc_plugins.market._reviewfeed import read_reviews
from acc_plugins.market._search import MAX_PER_PAGE, Catalog

from ._docs import newest_documentation
from ._home import home_page, plugin_href
from ._plugin import plugin_page


if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from acc_plugins.market._details import PluginDetails
    from acc_plugins.market._index import Listing
    from acc_plugins.market._indexfile import SignedIndex
    from acc_plugins.market._registry import RegistryClient

MARKER: Final = ".acc-site"
"""The file that marks a folder as a site this command wrote."""

MAX_DOC_BYTES: Final = 1024 * 1024
_ASSETS: Final = ("site.css", "site.js")
_DEFAULT_NAME: Final = "marketplace"


@attrs.frozen
class Site:
    """
    A site that was written.

    Attributes:
        out: Its folder.

        plugins: How many plugin pages it has.

        files: Every file written, relative to *out*.
    """

    out: Path
    plugins: int
    files: tuple[str, ...]


def _listings(signed: SignedIndex, registry: str) -> list[Listing]:
    """
    Every visible plugin, most downloaded first (the order of search).
    """
    catalog = Catalog.of([(registry, signed)])
    found: list[Listing] = []
    number = 1
    while True:
        page = catalog.search(page=number, per_page=MAX_PER_PAGE)
        found += [hit.listing for hit in page.hits]
        if number >= page.pages:
            return found
        number += 1


def _docs(client: RegistryClient, name: str) -> str | None:
    try:
        raw = client.transport.read(docs_path(name), max_bytes=MAX_DOC_BYTES)
    except FileNotFoundError:
        return None
    return raw.decode("utf-8", errors="replace")


def add_command(signed: SignedIndex, name: str, location: str | None) -> str:
    """
    The command that adds the registry, pinning its owner's key.
    """
    where = shlex.quote(location) if location else "LOCATION"
    return f"acc-plugins registry add {name} {where} --key {signed.key.text}"


def render(
    client: RegistryClient,
    *,
    location: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, bytes]:
    """
    Every file of the site for the registry *client* reads, by path.

    Args:
        client: The registry.

        location: Where visitors add the registry from (its URL), for
            the install instructions.

        progress: Told (pages made, pages in all) as the pages are made.

    Raises:
        MarketplaceError: If the registry or its index cannot be read or
            must not be believed.
    """
    signed = client.index()
    index = signed.index
    try:
        name = check_registry_name(index.registry)
    except MarketplaceError:
        name = _DEFAULT_NAME
    adding = add_command(signed, name, location)
    listings = _listings(signed, client.name)
    plugins: list[PluginDetails] = []
    files_out: dict[str, bytes] = {}
    for number, listing in enumerate(listings):
        if progress is not None:
            progress(number, len(listings))
        details = details_of(
            index.registry,
            index,
            listing,
            reviews=read_reviews(client.transport, listing.name),
            pin_registry=name,
        )
        plugins.append(details)
        page = plugin_page(
            details,
            add_command=adding,
            docs=_docs(client, listing.name),
            documentation=newest_documentation(client, details),
        )
        files_out[plugin_href(listing.name)] = page.encode()
    if progress is not None:
        progress(len(listings), len(listings))
    categories = sorted({details.listing.kind for details in plugins})
    files_out["index.html"] = home_page(signed, plugins, categories).encode()
    assets = files("acc_plugins.market._site").joinpath("assets")
    for asset in _ASSETS:
        files_out[f"assets/{asset}"] = assets.joinpath(asset).read_bytes()
    files_out[MARKER] = (
        b"Written by acc-plugins site; the next run replaces this folder.\n"
    )
    return files_out


def _check_destination(out: Path) -> None:
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        msg = f"{out}: not a folder; give a folder for the site"
        raise MarketplaceError(msg)
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        msg = (
            f"{out}: the folder is not empty and holds no site written by "
            f"acc-plugins site ({MARKER}); give an empty or new folder"
        )
        raise MarketplaceError(msg)


def write_site(out: Path, site_files: dict[str, bytes]) -> Site:
    """
    Write *site_files* as the folder *out*, replacing the site there.

    Raises:
        MarketplaceError: If *out* is something this must not replace.

        OSError: If the disk refuses; *out* is then as it was.
    """
    out = out.absolute()
    _check_destination(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(6)
    stage = out.with_name(f".{out.name}.staging-{token}")
    old = out.with_name(f".{out.name}.old-{token}")
    try:
        for relative, data in sorted(site_files.items()):
            target = stage.joinpath(*relative.split("/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            target.chmod(0o644)  # served to everyone: not 0600
        if out.exists():
            out.rename(old)
        stage.rename(out)
    except BaseException:
        if old.exists() and not out.exists():
            old.rename(out)
        shutil.rmtree(stage, ignore_errors=True)
        raise
    with contextlib.suppress(OSError):
        shutil.rmtree(old)
    pages = sum(1 for path in site_files if path.startswith("plugins/"))
    return Site(out, pages, tuple(sorted(site_files)))

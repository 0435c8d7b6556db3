"""
``acc-plugins site``: the static marketplace site of a registry.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ._find import registries
from ._format import console, print_json
from ._log import fail, say


if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from acc_plugins.market._indexfile import Seen
    from acc_plugins.market._registry import RegistryClient


class _Forgetful:
    """
    The `SeenMemory` of a registry the user has not added: nothing seen
    before, nothing kept after.
    """

    def seen(self, registry: str) -> Seen | None:
        del registry
        return None

    def remember(self, registry: str, seen: Seen) -> None:
        del registry, seen


def _client(
    ctx: click.Context, registry: str, key: str | None
) -> tuple[RegistryClient, str | None]:
    """
    The client for *registry* (a name the user added, a folder or a URL)
    and the URL visitors would add it from, if known.
    """
    from acc_plugins.market._keys import PublicKey  # noqa: PLC0415
    from acc_plugins.market._registries import (  # noqa: PLC0415
        RegistryNotFoundError,
        is_url,
        normal_location,
        transport_for,
    )
    from acc_plugins.market._registry import RegistryClient  # noqa: PLC0415

    if not is_url(registry):
        try:
            entry = registries(ctx).get(registry)
        except RegistryNotFoundError:
            entry = None
        if entry is not None:
            if key is not None:
                fail(
                    f"{registry!r} is a registry you added: its owner's key "
                    f"is already pinned; leave out --key"
                )
            client = registries(ctx).client(registry)
            return client, entry.location if entry.is_url else None
        if not Path(registry).is_dir():
            fail(
                f"{registry!r} is neither a registry you added, nor a "
                f"folder, nor an http(s) URL"
            )
    owner = None if key is None else PublicKey.parse(key)
    location = normal_location(registry)
    client = RegistryClient(
        "site", transport_for(location), owner, _Forgetful()
    )
    return client, location if is_url(location) else None


@contextlib.contextmanager
def _progress() -> Iterator[Callable[[int, int], None] | None]:
    """
    A progress bar for the pages on a terminal's stderr; none elsewhere.
    """
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import Progress  # noqa: PLC0415 -- only on a terminal

    with Progress(console=console(stderr=True), transient=True) as bar:
        task = bar.add_task("plugin pages", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


@click.command()
@click.argument("registry")
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="The folder to write the site to (replaced if it holds a site).",
)
@click.option(
    "--key",
    metavar="ed25519:...",
    help=(
        "The owner's key that a folder or URL registry must be signed "
        "by (a registry you added is checked against its pinned key)."
    ),
)
@click.option(
    "--url",
    metavar="URL",
    help=(
        "Where visitors add the registry from, shown in the install "
        "instructions (default: REGISTRY's URL, when it has one)."
    ),
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help='Print the result as JSON: {"out", "plugins"}.',
)
@click.pass_context
def site(  # noqa: PLR0917 -- click passes each option
    ctx: click.Context,
    registry: str,
    out: Path,
    key: str | None,
    url: str | None,
    as_json: bool,
) -> None:
    """
    Write a static marketplace site for REGISTRY (a registry you added, a
    registry folder, or its http(s) URL) into --out: an index.html with
    instant search, a category filter and sort, and a page per plugin.
    Any static file host can serve the folder; the pages load nothing
    from any other site.

    \b
    Example:
      acc-plugins site team --out public/ --url https://plugins.example.org
    """
    from acc_plugins.errors import MarketplaceError  # noqa: PLC0415
    from acc_plugins.market._site import render, write_site  # noqa: PLC0415

    try:
        client, location = _client(ctx, registry, key)
        if key is None and client.owner is None:
            say(
                "warning: the index is checked against the key it names "
                "itself; give --key to pin the owner's key"
            )
        with _progress() as progress:
            files = render(client, location=url or location, progress=progress)
        written = write_site(out, files)
    except MarketplaceError as exc:
        fail(str(exc))
    count = written.plugins
    if as_json:
        print_json({"out": str(written.out), "plugins": count})
        return
    click.echo(
        f"{written.out}: {count} plugin page{'s' if count != 1 else ''} "
        f"and index.html"
    )

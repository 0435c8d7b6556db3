"""
``acc-plugins search`` and ``acc-plugins show``: finding plugins in the
user's registries, and everything about one of them.

Both read each registry's index through its client, so an index that is
not signed by the pinned owner key, or is older than one already seen,
is refused here exactly as at install time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ._errors import config_dir, data_dir
from ._format import print_json
from ._log import fail, say


if TYPE_CHECKING:
    from collections.abc import Callable

    from acc_plugins.market._details import PluginDetails
    from acc_plugins.market._indexfile import SignedIndex
    from acc_plugins.market._registries import Registries
    from acc_plugins.market._registry import RegistryClient
    from acc_plugins.market._search import Hit
    from acc_plugins.market._trust import TrustStore

_SORTS = ("relevance", "downloads", "rating", "updated")


def registries(ctx: click.Context) -> Registries:
    """
    The user's registries (``registries.json`` in the config folder).
    """
    from acc_plugins.market._registries import Registries  # noqa: PLC0415 -- keeps --help fast

    return Registries(config_dir(ctx) / "registries.json")


def trust_store(ctx: click.Context) -> TrustStore:
    """
    The publisher keys the user trusts.
    """
    from acc_plugins.market._trust import TrustStore  # noqa: PLC0415

    return TrustStore(data_dir(ctx) / "trusted-keys.json")


def _indexes(
    ctx: click.Context, registry: str | None
) -> list[tuple[RegistryClient, SignedIndex]]:
    """
    The checked index of *registry*, or of every registry the user has
    added; a registry that cannot be read is skipped with a warning when
    others can.
    """
    from acc_plugins.errors import MarketplaceError  # noqa: PLC0415

    try:
        store = registries(ctx)
        trust = trust_store(ctx)
        clients = (
            [store.client(registry, trust=trust)]
            if registry is not None
            else store.clients(trust=trust)
        )
    except MarketplaceError as exc:
        fail(str(exc))
    if not clients:
        fail(
            "no registries added yet; add one with "
            "`acc-plugins registry add NAME LOCATION`"
        )
    found = []
    failures = []
    for client in clients:
        try:
            found.append((client, client.index()))
        except MarketplaceError as exc:
            failures.append(str(exc))
    if not found:
        for failure in failures[:-1]:
            say(f"error: {failure}")
        fail(failures[-1])
    for failure in failures:
        say(f"warning: skipped: {failure}")
    return found


def _registry_and_json(
    registry_help: str,
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """
    The options both commands share: --registry, --json, and the context.
    """

    def decorate(command: Callable[..., None]) -> Callable[..., None]:
        command = click.pass_context(command)
        command = click.option(
            "--json", "as_json", is_flag=True, help="Print JSON."
        )(command)
        return click.option("--registry", metavar="NAME", help=registry_help)(
            command
        )

    return decorate


@click.command()
@click.argument("query", nargs=-1)
@click.option(
    "--category",
    metavar="KIND",
    help="Only plugins of this kind: agent, tool, workflow or mixed.",
)
@click.option(
    "--sort",
    type=click.Choice(_SORTS),
    default="relevance",
    show_default=True,
    help="The order of the results.",
)
@click.option(
    "--page",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Which page of results.",
)
@click.option(
    "--per-page",
    type=click.IntRange(1, 1000),
    default=20,
    show_default=True,
    help="How many plugins a page holds.",
)
@_registry_and_json("Search only this registry (default: every one added).")
def search(  # noqa: PLR0917 -- click passes each option as an argument
    ctx: click.Context,
    query: tuple[str, ...],
    category: str | None,
    sort: str,
    page: int,
    per_page: int,
    registry: str | None,
    as_json: bool,
) -> None:
    """
    Find plugins in your registries: every word of QUERY must occur in a
    plugin's name, keywords, description or publisher.  No QUERY lists
    them all.

    Example:

        acc-plugins search git lint --sort downloads --page 2
    """
    from acc_plugins.market._search import Catalog, normalise  # noqa: PLC0415

    from ._findformat import (  # noqa: PLC0415
        screen,
        search_lines,
        search_table,
    )

    found = _indexes(ctx, registry)
    catalog = Catalog.of((client.name, signed) for client, signed in found)
    kinds = catalog.categories()
    if category is not None and normalise(category) not in kinds:
        fail(
            f"--category {category!r}: no plugin of that kind; the kinds "
            f"listed are: {', '.join(kinds) or 'none'}"
        )
    results = catalog.search(
        " ".join(query),
        category=category,
        sort=sort,
        page=page,
        per_page=per_page,
    )
    if as_json:
        print_json(
            {
                "total": results.total,
                "page": results.page,
                "pages": results.pages,
                "per_page": results.per_page,
                "plugins": [_hit_json(hit) for hit in results.hits],
            }
        )
        return
    if not results.hits:
        where = "" if results.total == 0 else f" on page {page}"
        say(
            f"no plugins found{where}"
            + (
                f" (the results end at page {results.pages})"
                if results.total
                else ""
            )
        )
        return
    several = len(found) > 1
    out = screen()
    if out.is_terminal:
        out.print(search_table(results, several=several))
    else:
        for line in search_lines(results, several=several):
            click.echo(line)
    if results.pages > 1:
        say(
            f"page {results.page} of {results.pages} ({results.total} plugins)"
        )


def _hit_json(hit: Hit) -> dict[str, object]:
    from acc_plugins.market._details import newest_version  # noqa: PLC0415

    listing = hit.listing
    return {
        "registry": hit.registry,
        "name": listing.name,
        "version": newest_version(listing),
        "kind": listing.kind,
        "description": listing.description,
        "publisher": listing.publisher,
        "keywords": list(listing.keywords),
        "downloads": listing.downloads,
        "rating": {
            "average": listing.rating.average,
            "count": listing.rating.count,
        },
        "updated_at": listing.updated_at,
    }


@click.command()
@click.argument("name")
@_registry_and_json(
    "Look only in this registry (default: the first that has it)."
)
def show(
    ctx: click.Context, name: str, registry: str | None, as_json: bool
) -> None:
    """
    Everything about one plugin of your registries: its versions (yanked
    ones marked), the permissions of the newest in plain language, its
    rating and reviews, whether it is verified, and how to install it.

    Example:

        acc-plugins show git-lint --registry team
    """
    from ._findformat import details_view, screen  # noqa: PLC0415

    details = _details(ctx, name, registry)
    if as_json:
        print_json(details.to_json())
        return
    screen().print(details_view(details))


def _details(  # noqa: RET503 -- fail() exits
    ctx: click.Context, name: str, registry: str | None
) -> PluginDetails:
    from acc_plugins.errors import MarketplaceError  # noqa: PLC0415
    from acc_plugins.market._details import details_of  # noqa: PLC0415
    from acc_plugins.market._reviewfeed import read_reviews  # noqa: PLC0415

    found = _indexes(ctx, registry)
    for client, signed in found:
        listing = signed.index.plugins.get(name)
        if listing is None:
            continue
        try:
            reviews = read_reviews(client.transport, name)
        except MarketplaceError as exc:
            say(f"warning: reviews not shown: {exc}")
            reviews = ()
        try:
            return details_of(
                client.name,
                signed.index,
                listing,
                reviews=reviews,
                trust=client.trust,
                pin_registry=(
                    client.name
                    if len(found) > 1 or registry is not None
                    else None
                ),
            )
        except MarketplaceError as exc:  # a damaged trusted-keys.json
            fail(str(exc))
    where = (
        f"registry {registry!r}"
        if registry is not None
        else "any of your registries"
    )
    fail(
        f"no plugin called {name!r} in {where}; "
        f"try `acc-plugins search {name}`"
    )

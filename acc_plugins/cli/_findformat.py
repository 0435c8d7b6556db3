"""
How ``search`` and ``show`` print: rich tables on a terminal, plain
lines when piped.

Everything shown here comes from a registry, and a registry's text comes
from its publishers: it is always printed as `rich.text.Text` (never
parsed as rich markup) and stripped of control characters first, so a
description cannot clear the screen, move the cursor or fake a line of
our own output.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from acc_plugins.market._details import newest_version

from ._format import console


if TYPE_CHECKING:
    from collections.abc import Iterator

    from rich.console import RenderableType

    from acc_plugins.market._details import PluginDetails
    from acc_plugins.market._index import Listing
    from acc_plugins.market._search import Page

# C0 and C1 controls, DEL, and the bidirectional overrides that can make
# text read differently from how it is stored.
_CONTROLS: Final = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def screen() -> Console:
    """
    The console for ``search`` and ``show``: styled on a terminal, with no
    escape sequence at all under ``NO_COLOR`` (not even bold), and plain
    when piped.
    """
    return console()


def clean(text: str) -> str:
    """
    *text* with every control character replaced by ``?``: safe to print
    to a terminal.
    """
    return _CONTROLS.sub("?", text)


def stars(average: float, count: int) -> str:
    """
    A rating as ``4.5/5 (12)``, or ``no reviews``.
    """
    if not count:
        return "no reviews"
    return f"{average:.1f}/5 ({count})"


def _newest(listing: Listing) -> str:
    return newest_version(listing) or "-"


def search_table(page: Page, *, several: bool) -> Table:
    """
    The results of ``search`` as a table.
    """
    table = Table(box=None, pad_edge=False, header_style="bold")
    if several:
        table.add_column("registry")
    for column in ("name", "version", "kind", "rating", "downloads"):
        table.add_column(column, no_wrap=True)
    table.add_column("description", overflow="fold")
    for hit in page.hits:
        listing = hit.listing
        row = [
            Text(listing.name, style="bold cyan"),
            Text(_newest(listing)),
            Text(clean(listing.kind)),
            Text(stars(listing.rating.average, listing.rating.count)),
            Text(str(listing.downloads)),
            Text(clean(listing.description)),
        ]
        table.add_row(*([Text(hit.registry)] if several else []), *row)
    return table


def search_lines(page: Page, *, several: bool) -> Iterator[str]:
    """
    The results of ``search`` as plain lines, tab-separated: registry
    (with several), name, version, kind, rating, downloads, description.
    """
    for hit in page.hits:
        listing = hit.listing
        fields = [
            listing.name,
            _newest(listing),
            clean(listing.kind),
            stars(listing.rating.average, listing.rating.count),
            str(listing.downloads),
            clean(listing.description),
        ]
        yield "\t".join([hit.registry, *fields] if several else fields)


def _badge(details: PluginDetails) -> Text:
    publisher = clean(details.listing.publisher)
    if details.vouched:
        return Text.assemble(
            ("verified", "bold green"),
            f": the registry's owner vouches for publisher {publisher}",
        )
    if details.trusted:
        return Text.assemble(
            ("verified", "bold green"),
            ": you trust the key that signed it",
        )
    return Text.assemble(
        ("not verified", "bold yellow"),
        f": neither the registry's owner nor you vouch for {publisher}'s key",
    )


def _facts(details: PluginDetails) -> Table:
    listing = details.listing
    release = details.release
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column(overflow="fold")
    rows = [
        ("registry", details.registry),
        ("publisher", listing.publisher),
        ("kind", listing.kind),
        ("keywords", ", ".join(listing.keywords) or "-"),
        ("license", listing.license or "-"),
        ("homepage", listing.homepage or "-"),
        ("downloads", str(listing.downloads)),
        ("rating", stars(listing.rating.average, listing.rating.count)),
        ("signed by", "-" if release is None else release.key_id),
    ]
    if listing.reports:
        rows.append(("reports", f"{listing.reports} open"))
    for label, value in rows:
        grid.add_row(label, Text(clean(value)))
    grid.add_row("", _badge(details))
    return grid


def _permissions(details: PluginDetails) -> RenderableType:
    if details.newest is None:
        return Text("every version is yanked", style="yellow")
    if not details.permissions:
        return Text("  none: it asks for nothing beyond its own code")
    lines = Text()
    for permission in details.permissions:
        lines.append("  - ")
        lines.append(clean(permission.plain))
        lines.append(f"  ({clean(permission.text)})\n", style="dim")
    lines.rstrip()
    return lines


def _versions(details: PluginDetails) -> Table:
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("version", "published", "size"):
        table.add_column(column, no_wrap=True)
    table.add_column("status", overflow="fold")
    for line in details.versions:
        if line.yanked is not None:
            status = Text(f"yanked: {clean(line.yanked)}", style="red")
        elif line.version == details.newest:
            status = Text("newest", style="green")
        else:
            status = Text("")
        table.add_row(
            line.version, line.published_at[:10], f"{line.size} B", status
        )
    return table


def _reviews(details: PluginDetails) -> RenderableType:
    if not details.reviews:
        return Text("  none yet")
    text = Text()
    for review in details.reviews:
        text.append(f"  {'*' * review.stars}{'.' * (5 - review.stars)} ")
        text.append(clean(review.reviewer), style="bold")
        text.append(
            f" (key {review.key_id}, {review.written_at[:10]})\n", style="dim"
        )
        text.append(f"    {clean(review.comment)}\n")
    text.rstrip()
    return text


def details_view(details: PluginDetails) -> Group:
    """
    The ``show`` view of one plugin.
    """
    listing = details.listing
    title = Text.assemble(
        (listing.name, "bold cyan"),
        f" {details.newest or '(yanked)'}",
    )
    if listing.description:
        title.append(f"  {clean(listing.description)}")
    release = details.release
    parts: list[RenderableType] = [title, _facts(details)]
    parts += [Text("\npermissions of the newest version", style="bold")]
    parts.append(_permissions(details))
    if release is not None:
        provided = [
            f"  {kind}: {', '.join(clean(n) for n in names)}"
            for kind, names in (
                ("tools", release.tools),
                ("agents", release.agents),
                ("workflows", release.workflows),
                ("hooks", release.hooks),
            )
            if names
        ]
        if provided:
            parts += [
                Text("\nprovides", style="bold"),
                Text("\n".join(provided)),
            ]
    parts += [Text("\nversions", style="bold"), _versions(details)]
    parts += [Text("\nreviews", style="bold"), _reviews(details)]
    if details.newest is not None:
        parts += [
            Text("\ninstall", style="bold"),
            Text(f"  {details.install}"),
        ]
    return Group(*parts)

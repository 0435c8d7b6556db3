"""
The site's front page: every plugin as a card, and the controls of the
client-side search (a search box, a category filter, a sort order) with a
live region that says how many plugins match.

Why the cards are in the page and the data beside them: the page works
and reads in full without script; the script only hides, shows and
reorders the cards already there, by the same rules as ``acc-plugins
search`` (the haystack each card is searched by is prepared here, with
the same normalisation).  The data sits in a ``<script
type="application/json">`` block, which the browser never executes, and
``<`` ``>`` ``&`` are escaped in it so no text can close that block.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Final

from acc_plugins.market._search import normalise, timestamp

from ._html import badge, page, stars, text


if TYPE_CHECKING:
    from collections.abc import Sequence

    from acc_plugins.market._details import PluginDetails
    from acc_plugins.market._indexfile import SignedIndex

_SORTS: Final = (
    ("relevance", "Relevance"),
    ("downloads", "Most downloaded"),
    ("rating", "Best rated"),
    ("updated", "Recently updated"),
)
_JSON_ESCAPES: Final = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}
)


def plugin_href(name: str) -> str:
    """
    Where plugin *name*'s page is, from the site's root.
    """
    return f"plugins/{name}.html"


def _card(details: PluginDetails) -> str:
    listing = details.listing
    rating = listing.rating
    return (
        f'<li class="card" data-name="{text(listing.name)}">'
        f'<h2><a href="{plugin_href(listing.name)}">{text(listing.name)}</a>'
        f' <span class="version">{text(details.newest or "")}</span></h2>'
        f"<p>{badge(details.vouched)}</p>"
        f'<p class="description">{text(listing.description)}</p>'
        f'<p class="meta"><span>{text(listing.kind)}</span> '
        f"<span>{stars(rating.average, rating.count)}</span> "
        f"<span>{listing.downloads} downloads</span> "
        f"<span>by {text(listing.publisher)}</span></p></li>"
    )


def _entry(details: PluginDetails) -> dict[str, object]:
    listing = details.listing
    return {
        "name": listing.name,
        "kind": normalise(listing.kind),
        "fields": [
            normalise(listing.name),
            normalise(" ".join(listing.keywords)),
            normalise(listing.description),
            normalise(listing.publisher),
        ],
        "downloads": listing.downloads,
        "rating": [listing.rating.average, listing.rating.count],
        "updated": timestamp(listing.updated_at),
    }


def catalog_json(plugins: Sequence[PluginDetails]) -> str:
    """
    The data the search script reads, safe inside a ``<script>`` block.
    """
    data = {"plugins": [_entry(details) for details in plugins]}
    return json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES)


def _options(choices: Sequence[tuple[str, str]]) -> str:
    return "".join(
        f'<option value="{text(value)}">{text(label)}</option>'
        for value, label in choices
    )


def home_page(
    signed: SignedIndex,
    plugins: Sequence[PluginDetails],
    categories: Sequence[str],
) -> str:
    """
    ``index.html``: *plugins* (most downloaded first) and the search.
    """
    index = signed.index
    count = len(plugins)
    noun = "plugin" if count == 1 else "plugins"
    kinds = [("", "All categories"), *((c, c) for c in categories)]
    body = (
        f"<h1>{text(index.registry)}: plugins</h1>\n"
        f'<p class="lede">{count} {noun}. The list is signed by the '
        f"registry's owner (key {text(signed.key.key_id)}); index serial "
        f"{index.serial}, updated {text(index.updated_at[:10])}.</p>\n"
        '<form class="controls" id="controls" role="search" '
        'aria-label="Search plugins">\n'
        '<div class="control grow"><label for="q">Search</label>'
        '<input type="search" id="q" name="q" autocomplete="off" '
        'spellcheck="false" aria-describedby="q-help" aria-controls="results">'
        '<small id="q-help">Every word must occur in a plugin\'s name, '
        "keywords, description or publisher.</small></div>\n"
        '<div class="control"><label for="category">Category</label>'
        '<select id="category" name="category" aria-controls="results">'
        f"{_options(kinds)}</select></div>\n"
        '<div class="control"><label for="sort">Sort by</label>'
        '<select id="sort" name="sort" aria-controls="results">'
        f"{_options(_SORTS)}</select></div>\n"
        "</form>\n"
        f'<p id="count" class="count" role="status" aria-live="polite" '
        f'aria-atomic="true">{count} {noun}</p>\n'
        '<ul id="results" class="results" aria-label="Plugins">\n'
        + "\n".join(_card(details) for details in plugins)
        + "\n</ul>\n"
        '<p><button type="button" id="more" class="more" hidden>'
        "Show more</button></p>\n"
        '<script type="application/json" id="catalog">'
        f"{catalog_json(plugins)}</script>\n"
    )
    return page(
        title=f"{index.registry}: plugins",
        registry=index.registry,
        root="",
        body=body,
        script=True,
    )

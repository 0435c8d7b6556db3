"""
The pieces every page of the site shares: escaping, the page shell with
its landmarks and content security policy, the verified badge, stars.

Why every value goes through `text`: the index is signed by the registry
owner, but names, descriptions, keywords, reviews and version notes are
written by publishers and reviewers.  Nothing they wrote is ever put on a
page unescaped; the content security policy (no inline script, nothing
from another origin) is a second wall behind that one, not the first.
"""

from __future__ import annotations

import html
from typing import Final


# No inline script or style, nothing from anywhere but the site itself;
# no plugins, no base URL, no form posts elsewhere.
CSP: Final = (
    "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self'; base-uri 'none'; form-action 'self'"
)


def text(value: object) -> str:
    """
    *value* as HTML text, quotes included (safe in an attribute too).
    """
    return html.escape(str(value), quote=True)


def page(
    *,
    title: str,
    registry: str,
    root: str,
    body: str,
    script: bool = False,
) -> str:
    """
    A whole HTML page around *body* (already HTML).

    Args:
        title: The page's title (text).

        registry: The registry's name (text), for the header.

        root: The way back to the site's root from this page (``""`` or
            ``"../"``).

        body: The content of ``<main>``.

        script: Whether the page loads the site's script.
    """
    tail = (
        f'<script src="{root}assets/site.js" defer></script>\n'
        if script
        else ""
    )
    return (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{text(title)}</title>\n"
        f'<link rel="stylesheet" href="{root}assets/site.css">\n'
        "</head>\n<body>\n"
        '<a class="skip" href="#main">Skip to content</a>\n'
        '<header class="site"><nav aria-label="Site">'
        f'<a href="{root}index.html">{text(registry)}: plugins</a>'
        "</nav></header>\n"
        f'<main id="main" tabindex="-1">\n{body}</main>\n'
        '<footer class="site"><p>A static page of an acc_plugins registry; '
        "it makes no requests to any other site.</p></footer>\n"
        f"{tail}</body>\n</html>\n"
    )


def badge(verified: bool, publisher: str | None = None) -> str:
    """
    The verified badge; with *publisher*, what it means in words too
    (a plugin's page says it, a card on the front page does not).
    """
    if verified:
        shown = (
            '<span class="badge verified">'
            '<span aria-hidden="true">&#x2713; </span>Verified</span>'
        )
        note = "the registry's owner vouches for the key of publisher"
    else:
        shown = '<span class="badge unverified">Not verified</span>'
        note = "the registry's owner does not vouch for the key of publisher"
    if publisher is None:
        return shown
    return f'{shown}<span class="badge-note"> {note} {text(publisher)}</span>'


def stars(value: float, count: int | None = None) -> str:
    """
    A rating as stars for the eye and words for a screen reader.
    """
    if count == 0:
        return '<span class="stars">no reviews yet</span>'
    full = round(value)
    shown = "\u2605" * full + "\u2606" * (5 - full)
    words = f"{value:g} of 5 stars"
    if count is not None:
        words += f" from {count} review{'s' if count != 1 else ''}"
    return (
        f'<span class="stars"><span aria-hidden="true">{shown}</span> '
        f'<span class="stars-text">{text(words)}</span></span>'
    )


def when(moment: str) -> str:
    """
    An ISO 8601 time as a ``<time>`` showing its date.
    """
    return f'<time datetime="{text(moment)}">{text(moment[:10])}</time>'

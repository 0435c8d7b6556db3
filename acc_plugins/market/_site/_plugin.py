"""
One plugin's page on the site: what it is, whether it is verified, how
to install it, the permissions of its newest version in plain language,
what it provides, every version (yanked ones marked), its reviews, and
its documentation page.

Why the install section shows the ``registry add`` line too: a visitor
of the site has usually not added the registry yet, and adding it pins
the owner's key, which is what makes everything else on the page worth
believing when they install.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from acc_plugins.docgen import to_html_sections
from acc_plugins.market._details import provides

from ._html import badge, page, stars, text, when
from ._markdown import render_markdown


if TYPE_CHECKING:
    from acc_plugins.docgen import PluginDoc
    from acc_plugins.market._details import PluginDetails, VersionLine
    from acc_plugins.market._reviewfeed import ShownReview

_WEB: Final = re.compile(r"https?://[^\s\"'<>]+", re.IGNORECASE)


def _link(url: str | None) -> str:
    if url is None:
        return "-"
    if not _WEB.fullmatch(url):
        return text(url)
    return (
        f'<a href="{text(url)}" rel="nofollow noopener noreferrer">'
        f"{text(url)}</a>"
    )


def _facts(details: PluginDetails) -> str:
    listing = details.listing
    release = details.release
    rows = [
        ("Publisher", text(listing.publisher)),
        ("Category", text(listing.kind)),
        ("Keywords", text(", ".join(listing.keywords) or "-")),
        ("License", text(listing.license or "-")),
        ("Home page", _link(listing.homepage)),
        ("Downloads", str(listing.downloads)),
        ("Rating", stars(listing.rating.average, listing.rating.count)),
        ("Signed by key", text(release.key_id if release else "-")),
    ]
    items = "".join(
        f"<dt>{label}</dt><dd>{value}</dd>" for label, value in rows
    )
    return f'<dl class="facts">{items}</dl>\n'


def _section(ident: str, title: str, content: str) -> str:
    return (
        f'<section aria-labelledby="{ident}">'
        f'<h2 id="{ident}">{title}</h2>\n{content}</section>\n'
    )


def _install(details: PluginDetails, add_command: str) -> str:
    if details.newest is None:
        return "<p>Every version is yanked: there is nothing to install.</p>"
    return (
        "<p>Add the registry once (this pins its owner's key), then "
        "install:</p>\n"
        f'<pre class="command"><code>{text(add_command)}\n'
        f"{text(details.install)}</code></pre>\n"
    )


def _permissions(details: PluginDetails) -> str:
    if details.newest is None:
        return "<p>Every version is yanked.</p>"
    intro = f"<p>What version {text(details.newest)} asks to be allowed:</p>"
    if not details.permissions:
        return (
            f"{intro}\n<p>Nothing: it asks for no access beyond its own "
            "code.</p>"
        )
    items = "".join(
        f"<li>{text(p.plain)} <code>{text(p.text)}</code></li>"
        for p in details.permissions
    )
    return f'{intro}\n<ul class="permissions">{items}</ul>\n'


def _provides(details: PluginDetails) -> str:
    release = details.release
    kinds = {} if release is None else provides(release)
    if not kinds:
        return "<p>Nothing listed.</p>"
    items = "".join(
        f"<dt>{text(kind.capitalize())}</dt><dd>{text(', '.join(names))}</dd>"
        for kind, names in kinds.items()
    )
    return f'<dl class="facts">{items}</dl>\n'


def _version_row(line: VersionLine, newest: str | None) -> str:
    if line.yanked is not None:
        status = f'<span class="yanked">Yanked: {text(line.yanked)}</span>'
    elif line.version == newest:
        status = "Newest"
    else:
        status = ""
    return (
        f'<tr><th scope="row">{text(line.version)}</th>'
        f"<td>{when(line.published_at)}</td><td>{line.size:,} bytes</td>"
        f"<td>{status}</td></tr>"
    )


def _versions(details: PluginDetails) -> str:
    rows = "".join(_version_row(v, details.newest) for v in details.versions)
    return (
        '<div class="table-wrap"><table class="versions">'
        '<caption class="visually-hidden">Every version</caption>'
        '<thead><tr><th scope="col">Version</th><th scope="col">Published'
        '</th><th scope="col">Size</th><th scope="col">Status</th></tr>'
        f"</thead><tbody>{rows}</tbody></table></div>\n"
    )


def _review(review: ShownReview) -> str:
    return (
        f'<li class="review"><p>{stars(review.stars)} '
        f"by <strong>{text(review.reviewer)}</strong> "
        f'<span class="key">(key {text(review.key_id)})</span>, '
        f"{when(review.written_at)}</p>"
        f"<blockquote><p>{text(review.comment)}</p></blockquote></li>"
    )


def _reviews(details: PluginDetails) -> str:
    rating = details.listing.rating
    summary = f"<p>{stars(rating.average, rating.count)}</p>\n"
    if not details.reviews:
        return f"{summary}<p>No reviews yet.</p>\n"
    items = "".join(_review(review) for review in details.reviews)
    return f'{summary}<ol class="reviews">{items}</ol>\n'


def _documentation(documentation: PluginDoc | None, docs: str | None) -> str:
    if documentation is not None:
        # The page shows the overview (install, permissions) already.
        return to_html_sections(documentation, level=3, overview=False)
    if docs:
        return render_markdown(docs)
    return "<p>The publisher wrote no documentation page.</p>\n"


def plugin_page(
    details: PluginDetails,
    *,
    add_command: str,
    docs: str | None,
    documentation: PluginDoc | None = None,
) -> str:
    """
    ``plugins/<name>.html`` for *details*.

    Args:
        details: The plugin (`details_of`, without the user's trust: the
            page is for everyone).

        add_command: The command that adds the registry.

        docs: Its documentation page (Markdown), if the registry has one.

        documentation: Its documentation generated from the newest
            release's archive (`acc_plugins.docgen`), shown instead of
            *docs* when there is one.
    """
    listing = details.listing
    body = (
        '<nav aria-label="Breadcrumb" class="crumbs">'
        '<a href="../index.html">All plugins</a></nav>\n'
        "<article>\n"
        f'<h1>{text(listing.name)} <span class="version">'
        f"{text(details.newest or 'yanked')}</span></h1>\n"
        f'<p class="badge-line">{badge(details.vouched, listing.publisher)}'
        "</p>\n"
        f'<p class="description">{text(listing.description)}</p>\n'
        + _facts(details)
        + _section("install", "Install", _install(details, add_command))
        + _section("permissions", "Permissions", _permissions(details))
        + _section("provides", "What it provides", _provides(details))
        + _section("versions", "Versions", _versions(details))
        + _section("reviews", "Rating and reviews", _reviews(details))
        + _section(
            "documentation",
            "Documentation",
            '<div class="doc">'
            + _documentation(documentation, docs)
            + "</div>\n",
        )
        + "</article>\n"
    )
    return page(
        title=f"{listing.name}: {details.registry}",
        registry=details.registry,
        root="../",
        body=body,
    )

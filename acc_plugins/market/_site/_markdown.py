"""
A plugin's documentation page (Markdown, written at publish time) as
HTML that is safe to put on the site.

Why markdown-it-py, not a renderer of our own: it is CommonMark-exact,
maintained, and already installed (rich depends on it), and the pages
are written by publishers, so every corner case of the syntax is
reachable by someone who wants to break out of it.  What makes it safe
here is configuration, kept in this one place:

- raw HTML is off, so ``<script>`` in the page is shown as text;
- links may only go to ``http``, ``https``, ``mailto`` or a fragment
  (no ``javascript:``, ``data:`` or ``file:``), and carry
  ``rel="nofollow noopener noreferrer"``;
- images are not rendered as images but as links, because a site with
  "no external requests at all" must not load a tracking pixel a
  publisher put in their page;
- headings move down two levels, so that the page's own ``#`` sits under
  the plugin page's "Documentation" ``<h2>``.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Final

from markdown_it import MarkdownIt


if TYPE_CHECKING:
    from markdown_it.token import Token

_SAFE_LINK: Final = re.compile(r"(?:https?://|mailto:|#)", re.IGNORECASE)
_REL: Final = "nofollow noopener noreferrer"
_MAX_LEVEL: Final = 6
_SHIFT: Final = 2


def _safe_link(url: str) -> bool:
    return bool(_SAFE_LINK.match(url.strip()))


@functools.cache
def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "typographer": False})
    parser.enable("table").disable("image")
    # An instance attribute shadows the method: markdown-it calls it for
    # every link and autolink it parses.
    parser.validateLink = _safe_link  # type: ignore[method-assign]
    return parser


def _adjust(tokens: list[Token]) -> None:
    for token in tokens:
        if token.type in {"heading_open", "heading_close"}:
            level = min(int(token.tag[1:]) + _SHIFT, _MAX_LEVEL)
            token.tag = f"h{level}"
        elif token.type == "link_open":
            token.attrSet("rel", _REL)
        if token.children:
            _adjust(token.children)


def render_markdown(text: str) -> str:
    """
    *text* (Markdown) as an HTML fragment in which no script can run and
    nothing is fetched.

    Example:
        >>> render_markdown("# Use\\n\\n<b>x</b> [a](javascript:alert(1))")
        '<h3>Use</h3>\\n<p>&lt;b&gt;x&lt;/b&gt; [a](javascript:alert(1))</p>\\n'
    """
    parser = _parser()
    tokens = parser.parse(text)
    _adjust(tokens)
    html: str = parser.renderer.render(tokens, parser.options, {})
    return html

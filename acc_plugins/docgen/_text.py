"""
Plugin text made safe for Markdown and HTML.

Why escape Markdown too, not only HTML: a page in Markdown is rendered
again by whoever shows it (a registry's site, a code host), and a
description holding ``[click](javascript:...)``, ``<script>`` or a
``|`` must come out as those characters, not as a link, a tag or a
broken table.  Every ASCII punctuation character may be escaped with a
backslash in CommonMark, and an escaped one is always itself; only
those that can start something are escaped, so the page stays readable
as text (``word_count`` keeps its underscore: inside a word it cannot
start emphasis).
"""

from __future__ import annotations

import html
import re
from typing import Final


# Characters that start inline Markdown anywhere: code, emphasis, links,
# tags, entities, table cells, strikethrough, a heading's closing #s;
# ``_`` only at a word's edge.
_INLINE: Final = re.compile(r"([\\`*\[\]<&|~#])|(?<![^\W_])_|_(?![^\W_])")
# What starts a block at the start of a line: a heading, list, quote,
# rule or setext underline, or a numbered list's "1." / "1)".
_BLOCK: Final = re.compile(r"^(?:[#+=>-]|\d+(?=[.)]))")
_WEB: Final = re.compile(r"https?://[^\s\"'<>`\\]+", re.IGNORECASE)


def one_line(text: str) -> str:
    """
    *text* with every run of whitespace (newlines included) as a space.
    """
    return " ".join(text.split())


def md(text: str) -> str:
    """
    *text* on one line, as Markdown that renders as exactly that text:
    ``<b>`` becomes ``\\<b\\>``.
    """
    return _INLINE.sub(lambda m: "\\" + m.group(0), one_line(text))


def md_block(text: str) -> str:
    """
    As `md`, for text that begins a line (a paragraph, a list item, a
    quoted line), where ``# x``, ``- x`` or ``1. x`` would start a block.
    """
    return _BLOCK.sub(_block, md(text))


def _block(match: re.Match[str]) -> str:
    start = match.group(0)
    return f"{start}\\" if start[0].isdigit() else f"\\{start}"


def md_code(text: str) -> str:
    """
    *text* on one line as a Markdown code span, safe in a table cell.
    """
    text = one_line(text).replace("|", "\\|")
    if not text:
        return ""
    longest = max((len(run) for run in re.findall("`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text[0] in "` " or text[-1] in "` " else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def web_link(url: str) -> str | None:
    """
    *url* when it is a plain http(s) address, safe to link to; else None.
    """
    return url if _WEB.fullmatch(url) else None


def esc(value: object) -> str:
    """
    *value* as HTML text, quotes included (safe in an attribute too).
    """
    return html.escape(str(value), quote=True)

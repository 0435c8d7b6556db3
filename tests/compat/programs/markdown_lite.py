"""A regex-based converter for a small subset of Markdown into HTML:
headings, paragraphs, emphasis, code spans, links, lists, block quotes and
fenced code blocks; plus a table of contents.

Exercises: re.compile/sub with callback functions and backreferences,
re.match/fullmatch groups, string escaping, a block-parser state machine
over lines yielding blocks, walrus in if/while conditions, for/else,
match on block kinds, closures over a local list, str.join,
textwrap.dedent, collections.Counter, a polynomial string checksum.
"""

import re
import textwrap
from collections import Counter

SOURCE = textwrap.dedent(
    """\
    # Welcome to *Markdown Lite*

    This is a **small** converter with `code spans` and [links](https://example.org/a?b=1&c=2).
    Lines in the same paragraph
    are joined together.

    ## Lists

    - first item with _emphasis_
    - second item with `x < y`
    - third item

    1. one
    2. two
    3. three & more

    > A quoted line
    > spanning **two** lines.

    ## Code

    ```python
    def f(x):
        return x * 2 < 10
    ```

    ### Trailing section

    Final paragraph with a ![picture](img.png "title") and a [second link](/b).
    """
)

HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*$")
ULIST = re.compile(r"^[-*+]\s+(.*)$")
OLIST = re.compile(r"^\d+[.)]\s+(.*)$")
QUOTE = re.compile(r"^>\s?(.*)$")
FENCE = re.compile(r"^```(\w*)\s*$")

INLINE_RULES = [
    (re.compile(r"!\[([^\]]*)\]\(([^)\s]+)(?:\s+\"([^\"]*)\")?\)"), "image"),
    (re.compile(r"\[([^\]]+)\]\(([^)]+)\)"), r'<a href="\2">\1</a>'),
    (re.compile(r"(\*\*|__)(.+?)\1"), r"<strong>\2</strong>"),
    (re.compile(r"(\*|_)(.+?)\1"), r"<em>\2</em>"),
]


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slugify(text: str) -> str:
    plain = re.sub(r"<[^>]+>|[*_`]", "", text)
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def render_inline(text: str) -> str:
    # protect code spans first so their contents are not formatted
    spans = []

    def stash(m):
        spans.append(f"<code>{escape(m.group(1))}</code>")
        return f"\x00{len(spans) - 1}\x00"

    text = re.sub(r"`([^`]+)`", stash, text)
    text = escape(text)
    for pattern, repl in INLINE_RULES:
        if repl == "image":
            def image(m):
                title = f' title="{m.group(3)}"' if m.group(3) else ""
                return f'<img src="{m.group(2)}" alt="{m.group(1)}"{title}>'

            text = pattern.sub(image, text)
        else:
            text = pattern.sub(repl, text)
    return re.sub(r"\x00(\d+)\x00", lambda m: spans[int(m.group(1))], text)


class Converter:
    def __init__(self):
        self.toc = []
        self.block_counts = Counter()

    def _blocks(self, lines):
        """Group lines into (kind, payload) blocks."""
        i = 0
        while i < len(lines):
            line = lines[i]
            if not line.strip():
                i += 1
                continue
            if m := FENCE.match(line):
                lang, body = m.group(1), []
                i += 1
                while i < len(lines) and not FENCE.match(lines[i]):
                    body.append(lines[i])
                    i += 1
                i += 1
                yield "code", (lang, body)
                continue
            if m := HEADING.match(line):
                yield "heading", (len(m.group(1)), m.group(2))
                i += 1
                continue
            for kind, regex in (("ul", ULIST), ("ol", OLIST), ("quote", QUOTE)):
                if regex.match(line):
                    items = []
                    while i < len(lines) and (m := regex.match(lines[i])):
                        items.append(m.group(1))
                        i += 1
                    yield kind, items
                    break
            else:
                para = []
                while i < len(lines) and lines[i].strip() and not any(
                    r.match(lines[i]) for r in (HEADING, ULIST, OLIST, QUOTE, FENCE)
                ):
                    para.append(lines[i].strip())
                    i += 1
                yield "para", para

    def convert(self, source: str) -> str:
        html = []
        for kind, payload in self._blocks(source.splitlines()):
            self.block_counts[kind] += 1
            match kind:
                case "heading":
                    level, text = payload
                    inner = render_inline(text)
                    slug = slugify(inner)
                    self.toc.append(("  " * (level - 1)) + f"- {slug}")
                    html.append(f'<h{level} id="{slug}">{inner}</h{level}>')
                case "code":
                    lang, body = payload
                    cls = f' class="language-{lang}"' if lang else ""
                    html.append(f"<pre><code{cls}>{escape(chr(10).join(body))}</code></pre>")
                case "ul" | "ol":
                    items = "".join(f"<li>{render_inline(t)}</li>" for t in payload)
                    html.append(f"<{kind}>{items}</{kind}>")
                case "quote":
                    html.append(f"<blockquote><p>{render_inline(' '.join(payload))}</p></blockquote>")
                case _:
                    html.append(f"<p>{render_inline(' '.join(payload))}</p>")
        return "\n".join(html)


def checksum(text: str) -> int:
    value = 0
    for ch in text:
        value = (value * 31 + ord(ch)) % 1_000_000_007
    return value


def main() -> object:
    conv = Converter()
    html = conv.convert(SOURCE)
    tags = Counter(re.findall(r"<([a-z][a-z0-9]*)", html))
    return {
        "html": html.splitlines(),
        "toc": conv.toc,
        "blocks": dict(sorted(conv.block_counts.items())),
        "tags": dict(sorted(tags.items())),
        "checksum": checksum(html),
        "length": len(html),
        "inline_samples": [
            render_inline("a **b** _c_ `*d*`"),
            render_inline("[x](y) & <z>"),
            slugify("Hello, World! 2024"),
        ],
    }

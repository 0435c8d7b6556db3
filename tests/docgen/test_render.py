"""
The three formats: what each page says, and that nothing a plugin's
author wrote becomes markup in Markdown or HTML.
"""

import json
import re
from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from acc_plugins.docgen import (
    AgentDoc,
    HookDoc,
    ParameterDoc,
    PermissionDoc,
    PluginDoc,
    PromptDoc,
    SettingDoc,
    StepDoc,
    ToolDoc,
    WorkflowDoc,
    document,
    render,
    to_html,
    to_html_sections,
    to_markdown,
)
from acc_plugins.docgen._text import md, md_block, md_code, one_line

from ._plugins import EXAMPLES


HOSTILE = (
    '<script>alert(1)</script><img src=x onerror="alert(2)"> '
    "[click](javascript:alert(3)) | ** # - 1. `x` &amp; ${x}"
)
# The tags the pages are made of; anything else came from plugin text.
PAGE_TAGS = {
    "a", "blockquote", "body", "code", "dd", "dl", "dt", "h1", "h2", "h3",
    "h4", "head", "html", "li", "main", "meta", "ol", "p", "pre", "section",
    "span", "style", "table", "tbody", "td", "th", "thead", "title", "tr",
    "ul",
}  # fmt: skip
# Raw HTML on, as a careless renderer of the Markdown page would have it.
RAW = MarkdownIt("commonmark", {"html": True}).enable("table")
texts = st.text(st.characters(codec="utf-8", exclude_categories=["Cc"]))


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def _parsed(page):
    parser = _Page()
    parser.feed(page)
    return parser


def _hostile(text=HOSTILE):
    return PluginDoc(
        name=text,
        version=text,
        description=text,
        kind="tool",
        authors=(text,),
        homepage="javascript:alert(4)",
        repository="https://example.org/x?a=1&b=2",
        keywords=(text,),
        tools=(
            ToolDoc(
                name=text,
                method="m",
                summary=text,
                details=(text, text),
                parameters=(
                    ParameterDoc(text, text, text, False, text, text),
                ),
                returns=text,
                returns_annotation=text,
            ),
        ),
        agents=(AgentDoc(text, text, f"{text}\n{text}", (text,), text),),
        workflows=(
            WorkflowDoc(
                text, text, (text,), (StepDoc("tool", text, text, text, text),)
            ),
        ),
        hooks=(HookDoc(text, text, text),),
        prompts=(PromptDoc(text, text, text),),
        settings=(SettingDoc(text, text, text, text, (text,), text, text),),
        permissions=(PermissionDoc(text, text),),
        notes=(text,),
    )


def _tags(page):
    return [tag for tag, _ in _parsed(page).tags]


def test_hostile_text_stays_text_in_the_html_page():
    """No script, image, handler or javascript: link; the text shows as written."""
    page = to_html(_hostile())
    parsed = _parsed(page)

    assert set(_tags(page)) <= PAGE_TAGS
    assert all(
        not name.startswith("on") for _, attrs in parsed.tags for name in attrs
    )
    assert [a["href"] for t, a in parsed.tags if t == "a"] == [
        "https://example.org/x?a=1&b=2"
    ]
    assert HOSTILE in "".join(parsed.text)


def test_the_html_page_allows_its_own_style_and_nothing_else():
    """The policy names the inline stylesheet by hash; no other source."""
    page = to_html(document(EXAMPLES / "text-tools"))
    found = re.search(r'content="(default-src[^"]*)"', page)
    assert found is not None
    policy = found.group(1)

    assert policy.startswith("default-src 'none'; style-src 'sha256-")
    assert "script-src" not in policy
    assert "<script" not in page
    assert "<link" not in page


def test_hostile_text_stays_text_in_the_markdown_page():
    """Even a renderer that allows raw HTML makes no tag of the author's text."""
    rendered = RAW.render(to_markdown(_hostile()))

    assert "<script" not in rendered
    assert "<img" not in rendered
    assert 'href="javascript:' not in rendered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered


def test_the_markdown_page_has_what_a_user_needs():
    """Install command, argument table, settings, permissions, in order."""
    page = to_markdown(document(EXAMPLES / "text-tools"))

    assert page.startswith("# text-tools 1.2.0\n")
    assert "$ acc-plugins install text-tools==1.2.0" in page
    assert (
        "| `max_length` | integer | no | `64` | Longest slug returned. |"
        in page
    )
    assert "| `default_width` | int | `72` | 10 to 400 |" in page
    assert page.index("## Tools") < page.index("## Settings")
    assert page.index("## Settings") < page.index("## Permissions")
    assert "It asks for no permissions" in page


def test_the_json_is_the_model():
    """JSON of the documentation, every field."""
    doc = document(EXAMPLES / "code-reviewer")

    data = json.loads(render(doc, "json"))

    assert data == doc.to_json()
    assert data["agents"][1]["tools"] == [
        "text-tools.word_count",
        "text-tools.extract_todos",
    ]
    assert data["permissions"][0]["plain"].startswith("send prompts")


def test_sections_for_a_page_of_ones_own_leave_out_the_overview():
    """The site shows install and permissions itself; the sections start lower."""
    doc = document(EXAMPLES / "code-reviewer")

    sections = to_html_sections(doc, level=3, overview=False)

    assert "<h3>Tools</h3>" in sections
    assert "<h4><code>review</code></h4>" in sections
    assert "Install" not in sections
    assert "Permissions" not in sections


@given(texts)
def test_any_text_in_markdown_renders_as_itself(text):
    """Inline, starting a paragraph, and in a table cell: the same text, no tag."""
    expected = one_line(text).replace("\0", "\ufffd")

    paragraph = RAW.render(md_block(text))
    cell = RAW.render(f"| a |\n| --- |\n| {md(text)} |\n")
    heading = RAW.render(f"### {md(text)}")

    if expected:
        assert _tags(paragraph) == ["p"]
        assert _tags(heading) == ["h3"]
        for rendered in (paragraph, heading):
            text_of = "".join(_parsed(rendered).text).replace("\n", "")
            assert text_of == expected
    assert set(_tags(cell)) <= {"table", "thead", "tbody", "tr", "th", "td"}
    assert "".join(_parsed(cell).text).replace("\n", "") == "a" + expected


@given(texts)
def test_any_text_in_a_code_span_is_that_text(text):
    """Backticks inside, pipes, leading spaces: the span holds the text."""
    expected = one_line(text).replace("\0", "\ufffd")

    rendered = RAW.render(f"| a |\n| --- |\n| {md_code(text)} |\n")

    assert "".join(_parsed(rendered).text).replace("\n", "") == "a" + expected


@given(texts)
def test_any_text_in_the_html_page_is_text(text):
    """Whatever an author writes, the page has only its own tags."""
    page = to_html(_hostile(text))
    parsed = _parsed(page)

    assert set(_tags(page)) <= PAGE_TAGS
    assert all(
        not name.startswith("on") for _, attrs in parsed.tags for name in attrs
    )
    if text.strip():
        assert text.replace("\r", "") in "".join(parsed.text).replace("\r", "")


def test_sections_need_room_for_their_headings():
    """h1 to h6 only: level 2 to 5."""
    doc = document(EXAMPLES / "text-tools")

    with pytest.raises(ValueError, match="level must be 2 to 5, got 6"):
        to_html_sections(doc, level=6)

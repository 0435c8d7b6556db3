"""
The static site: what it holds, that nothing a publisher wrote becomes
markup or a request, and that it is written all at once or not at all.
"""

import json
import re
from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acc_plugins.errors import MarketplaceError
from acc_plugins.market._keys import PublicKey
from acc_plugins.market._registry import DirectoryTransport, RegistryClient
from acc_plugins.market._site import MARKER, render, write_site
from acc_plugins.market._site._markdown import render_markdown

from ._catalog import OWNER, index, listing, release, review, write_registry


HOSTILE = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2">'
BREAKOUT = "</script><script>window.pwned=3</script>"


class _Memory:
    def seen(self, registry):
        return None

    def remember(self, registry, seen):
        pass


class _Tags(HTMLParser):
    """Every start tag of a page, with its attributes; the text of each element id."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def _parse(page):
    parser = _Tags()
    parser.feed(page)
    return parser


def _client(root):
    return RegistryClient(
        "test", DirectoryTransport(root), PublicKey.of(OWNER), _Memory()
    )


@pytest.fixture(name="registry")
def _registry(tmp_path):
    plugins = [
        listing(
            "git-lint",
            description="Lints commits.",
            downloads=5,
            versions={
                "1.0.0": release(
                    "git-lint", "1.0.0", permissions=("env:HOME",)
                ),
                "2.0.0": release("git-lint", "2.0.0", day=2, yanked="broken"),
            },
        ),
        listing("evil", description=HOSTILE + BREAKOUT, keywords=(HOSTILE,)),
        listing(
            "gone",
            versions={"1.0.0": release("gone", "1.0.0", yanked="malware")},
        ),
    ]
    docs = {
        "git-lint": "# git-lint\n\n## Tools\n\n`check` checks.\n",
        "evil": (
            "# Evil\n\n<script>window.pwned=4</script>\n\n"
            "![pixel](https://tracker.example/p.png)\n\n"
            "[click](javascript:window.pwned=5) [home](https://example.org)\n"
        ),
    }
    reviews = {"evil": [review("evil", 1, HOSTILE)]}
    return write_registry(
        tmp_path / "registry", index(plugins), reviews=reviews, docs=docs
    )


def test_the_site_has_a_front_page_assets_and_a_page_per_visible_plugin(
    registry,
):
    """Yanked-only plugins get no page; the marker says who wrote the folder."""
    files = render(_client(registry))

    assert sorted(files) == [
        MARKER,
        "assets/site.css",
        "assets/site.js",
        "index.html",
        "plugins/evil.html",
        "plugins/git-lint.html",
    ]


def test_a_plugin_page_shows_what_a_user_decides_on(registry):
    """Permissions in words, versions with the yanked one marked, install commands."""
    page = render(_client(registry), location="https://plugins.example.org")[
        "plugins/git-lint.html"
    ].decode()

    assert "read the environment variable HOME" in page
    assert "Yanked: broken" in page
    assert "acc-plugins install git-lint --registry test" in page
    assert (
        f"acc-plugins registry add test https://plugins.example.org --key {PublicKey.of(OWNER).text}"
        in page
    )
    assert '<span class="badge verified">' in page
    assert "<h3>git-lint</h3>" in page


def test_publisher_text_never_becomes_markup(registry):
    """No script, image or event handler from the registry reaches any page."""
    files = render(_client(registry))

    for path in ("index.html", "plugins/evil.html"):
        tags = _parse(files[path].decode()).tags
        scripts = [attrs for tag, attrs in tags if tag == "script"]
        assert [
            tag for tag, _ in tags if tag in {"img", "iframe", "object"}
        ] == []
        assert all(
            not name.startswith("on") for _, attrs in tags for name in attrs
        )
        assert all(
            attrs.get("src", "").endswith("assets/site.js")
            or attrs.get("type") == "application/json"
            for attrs in scripts
        )
    evil = files["plugins/evil.html"].decode()
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in evil
    assert 'href="javascript:' not in evil


def test_the_embedded_data_cannot_close_its_script_block(registry):
    """The catalog holds the hostile text, but never as a closing tag."""
    page = render(_client(registry))["index.html"].decode()

    block = page.split('<script type="application/json" id="catalog">', 1)[1]
    data, rest = block.split("</script>", 1)

    assert "pwned=3" not in rest
    assert json.loads(data)["plugins"][1]["fields"][2].startswith("<script>")


def test_the_pages_request_nothing_from_another_site(registry):
    """Every stylesheet and script is the site's own; the policy forbids the rest."""
    files = render(_client(registry))

    for path, data in files.items():
        if not path.endswith(".html"):
            continue
        page = data.decode()
        assert "default-src 'none'" in page
        for tag, attrs in _parse(page).tags:
            if tag in {"script", "link", "img"}:
                target = attrs.get("src") or attrs.get("href") or ""
                assert not re.match(r"[a-z]+:|//", target), (path, tag, target)


def test_the_site_replaces_an_earlier_site_and_leaves_nothing_behind(
    registry, tmp_path
):
    """A second run swaps the folder whole; no staging folder is left."""
    out = tmp_path / "public"
    write_site(out, {"index.html": b"old", MARKER: b""})

    site = write_site(out, render(_client(registry)))

    assert site.plugins == 2
    assert (out / "index.html").read_bytes().startswith(b"<!doctype html>")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public", "registry"]
    assert oct((out / "index.html").stat().st_mode & 0o777) == "0o644"


def test_a_folder_that_is_not_a_site_is_never_replaced(tmp_path):
    """--out pointing at someone's files is refused and nothing changes."""
    out = tmp_path / "home"
    out.mkdir()
    (out / "thesis.txt").write_text("years of work")

    with pytest.raises(MarketplaceError, match="not empty and holds no site"):
        write_site(out, {"index.html": b"x"})

    assert [p.name for p in out.iterdir()] == ["thesis.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home"]


def test_a_failed_write_keeps_the_old_site(tmp_path):
    """A file that cannot be written aborts the run; the old site stays."""
    out = tmp_path / "public"
    write_site(out, {"index.html": b"old", MARKER: b""})

    with pytest.raises(OSError, match="public"):
        write_site(out, {"a": b"file", "a/b": b"cannot be under a file"})

    assert (out / "index.html").read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public"]


_ALLOWED = {
    "a": {"href", "rel"},
    "code": {"class"},
    "ol": {"start"},
    "th": {"style"},
    "td": {"style"},
}
_TAGS = {
    *_ALLOWED,
    *[
        "p",
        "em",
        "strong",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "li",
        "pre",
        "blockquote",
        "hr",
        "br",
        "table",
        "thead",
        "tbody",
        "tr",
    ],
}


_PIECES = [
    *"<>/\"'=&#![]()`*_-:| \n",
    "javascript:",
    "JaVaScRiPt:",
    "data:",
    "https://x",
    "script",
    "img",
    " onerror=",
    "# ",
    "| a |\n|---|\n",
    "```\n",
    "<https://a>",
]


@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join))
def test_markdown_only_ever_gives_harmless_tags(text):
    """Whatever a docs page holds, the HTML has no tag or attribute outside a small safe set."""
    tags = _parse(render_markdown(text)).tags

    for tag, attrs in tags:
        assert tag in _TAGS, tag
        assert set(attrs) <= _ALLOWED.get(tag, set()), (tag, attrs)
        if tag == "a":
            assert re.match(
                r"(https?://|mailto:|#)", attrs["href"], re.IGNORECASE
            )
            assert attrs["rel"] == "nofollow noopener noreferrer"


class _Description(HTMLParser):
    """The text of the first ``p.description`` of a page, and every tag."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inside = False
        self.done = False
        self.text = ""
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "p" and ("class", "description") in attrs and not self.done:
            self.inside = True

    def handle_endtag(self, tag):
        if self.inside and tag == "p":
            self.inside, self.done = False, True

    def handle_data(self, data):
        if self.inside:
            self.text += data


_HOSTILE_TEXT = (
    st.lists(
        st.sampled_from(
            [
                *"<>&\"'=/ ;:!-`abcsx",
                "script",
                "&amp;",
                "]]>",
                "<!--",
                "\u202e",
            ]
        ),
        max_size=30,
    )
    .map("".join)
    .map(str.strip)
)


@given(description=_HOSTILE_TEXT, comment=_HOSTILE_TEXT)
def test_any_description_and_review_are_shown_as_the_same_text(
    tmp_path_factory, description, comment
):
    """Whatever the text, the page shows it back exactly, with the template's tags only."""
    root = tmp_path_factory.mktemp("registry")
    plain = write_registry(
        root / "plain",
        index([listing("p", description="x", keywords=("x",))]),
        reviews={"p": [review("p", 3, "x")]},
    )
    hostile = write_registry(
        root / "hostile",
        index(
            [
                listing(
                    "p",
                    description=description,
                    keywords=(description or "x",),
                )
            ]
        ),
        reviews={"p": [review("p", 3, comment or "x")]},
    )

    template = _Description()
    template.feed(render(_client(plain))["plugins/p.html"].decode())
    shown = _Description()
    shown.feed(render(_client(hostile))["plugins/p.html"].decode())

    assert shown.text == description
    assert shown.tags == template.tags

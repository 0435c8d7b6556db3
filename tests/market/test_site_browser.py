"""
The marketplace site end to end, in a real headless Chromium (Debian's
``chromium`` package, driven by Playwright), served by a real local HTTP
server: search, filter, sort, plugin pages, and hostile registry text.
"""

import functools
import http.server
import shutil
import threading
from pathlib import Path
from urllib.parse import urlencode

import pytest

from acc_plugins.market._registry import DirectoryTransport, RegistryClient
from acc_plugins.market._search import Catalog
from acc_plugins.market._site import render, write_site

from ._catalog import index, listing, release, review, signed, write_registry


CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HOSTILE = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>'

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed"
)
pytestmark = pytest.mark.skipif(
    not CHROMIUM.is_file() and shutil.which("chromium") is None,
    reason="no Chromium: install Debian's chromium package (apt-get install chromium)",
)


class _Memory:
    def seen(self, registry):
        return None

    def remember(self, registry, seen):
        pass


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 -- the base class's name
        pass


def _plugins():
    return [
        listing(
            "git-lint",
            description="Lints commit messages.",
            keywords=("git",),
            downloads=40,
            rating=(4.5, 2),
            versions={
                "1.0.0": release(
                    "git-lint",
                    "1.0.0",
                    day=1,
                    permissions=(
                        "fs:read:${workspace}/.git/**",
                        "net:https://api.github.com",
                    ),
                )
            },
        ),
        *(
            listing(
                name,
                kind=kind,
                description=description,
                downloads=downloads,
                rating=rating,
                versions={"1.0.0": release(name, "1.0.0", day=day)},
            )
            for name, kind, description, downloads, rating, day in [
                ("sql-agent", "agent", "Writes SQL for you.", 10, (5.0, 1), 9),
                ("fmt", "tool", "Formats code.", 20, (3.0, 4), 5),
            ]
        ),
        listing(
            "evil",
            description=HOSTILE,
            keywords=("zzz",),
            versions={"1.0.0": release("evil", "1.0.0", day=2)},
        ),
    ]


@pytest.fixture(scope="module", name="base_url")
def _base_url(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser")
    registry = write_registry(
        root / "registry",
        index(_plugins()),
        reviews={
            "git-lint": [
                review("git-lint", 4, "Catches my typos.", reviewer="Ann")
            ]
        },
        docs={
            "evil": f"# Evil\n\n{HOSTILE}\n\n[x](javascript:window.pwned=3)\n"
        },
    )
    many = write_registry(
        root / "many",
        index(
            [
                listing(f"p{number:03}", downloads=number)
                for number in range(150)
            ]
        ),
    )
    sites = root / "sites"
    for name, folder in (("small", registry), ("big", many)):
        client = RegistryClient(
            "test", DirectoryTransport(folder), None, _Memory()
        )
        write_site(sites / name, render(client))
    handler = functools.partial(_Quiet, directory=str(sites))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/small"
    server.shutdown()
    server.server_close()
    thread.join(timeout=30)


@pytest.fixture(scope="module", name="browser")
def _browser():
    executable = (
        str(CHROMIUM) if CHROMIUM.is_file() else shutil.which("chromium")
    )
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(name="page")
def _page(browser, base_url):
    context = browser.new_context()
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.requests = []
    page.dialogs = []
    page.on("request", lambda request: page.requests.append(request.url))
    page.on(
        "dialog",
        lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()),
    )
    yield page
    context.close()


def _shown(page):
    return page.eval_on_selector_all(
        "#results > li", "cards => cards.map(c => c.dataset.name)"
    )


def test_typing_in_the_search_box_narrows_the_list(page, base_url):
    """Each key typed updates the list and the live count."""
    page.goto(f"{base_url}/index.html")
    assert _shown(page) == ["git-lint", "fmt", "sql-agent", "evil"]
    assert page.text_content("#count") == "4 plugins"

    page.get_by_label("Search", exact=True).press_sequentially("co")
    page.wait_for_function(
        "document.getElementById('count').textContent === '2 plugins'"
    )
    assert _shown(page) == ["git-lint", "fmt"]

    page.get_by_label("Search", exact=True).press_sequentially("mmit")
    page.wait_for_function(
        "document.getElementById('count').textContent === '1 plugin'"
    )
    assert _shown(page) == ["git-lint"]

    page.get_by_label("Search", exact=True).fill("nothing like it")
    page.wait_for_function(
        "document.getElementById('count').textContent === 'No plugins match.'"
    )
    assert _shown(page) == []
    assert page.get_attribute("#count", "aria-live") == "polite"


def test_the_category_filter_and_sort_work(page, base_url):
    """Category narrows to agents; each sort order puts the list in its order."""
    page.goto(f"{base_url}/index.html")

    page.get_by_label("Category").select_option("agent")
    assert _shown(page) == ["sql-agent"]

    page.get_by_label("Category").select_option("")
    page.get_by_label("Sort by").select_option("rating")
    assert _shown(page) == ["sql-agent", "git-lint", "fmt", "evil"]
    page.get_by_label("Sort by").select_option("updated")
    assert _shown(page) == ["sql-agent", "fmt", "evil", "git-lint"]
    page.get_by_label("Sort by").select_option("downloads")
    assert _shown(page) == ["git-lint", "fmt", "sql-agent", "evil"]
    assert "sort=downloads" in page.url


def test_the_search_is_restored_from_the_address(page, base_url):
    """A shared link with ?q= opens on the same results."""
    page.goto(f"{base_url}/index.html?q=sql&sort=rating")

    assert page.input_value("#q") == "sql"
    assert _shown(page) == ["sql-agent"]


def test_the_keyboard_reaches_the_search_through_the_skip_link(page, base_url):
    """Tab first reaches the skip link, and the search box is reachable by Tab."""
    page.goto(f"{base_url}/index.html")

    page.keyboard.press("Tab")
    first = page.evaluate("document.activeElement.textContent")
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "q":
            break
    page.keyboard.type("fmt")

    assert first == "Skip to content"
    assert _shown(page) == ["fmt"]


def test_a_plugin_page_shows_its_permissions_and_reviews(page, base_url):
    """Following a card leads to the permissions in words and the reviews."""
    page.goto(f"{base_url}/index.html")

    page.get_by_role("link", name="git-lint").click()
    page.wait_for_url("**/plugins/git-lint.html")

    permissions = page.locator(
        "section[aria-labelledby=permissions] li"
    ).all_text_contents()
    reviews = page.locator("section[aria-labelledby=reviews]").text_content()
    assert permissions == [
        "read files in .git/** of the workspace (the project you work in) fs:read:${workspace}/.git/**",
        "connect to api.github.com over HTTPS net:https://api.github.com",
    ]
    assert "Catches my typos." in reviews
    assert "Ann" in reviews
    assert page.locator(".badge-line .badge.verified").is_visible()


def test_a_hostile_description_does_not_run(page, base_url):
    """Script in a description, a docs page or the search box stays text."""
    page.goto(f"{base_url}/index.html")
    page.get_by_label("Search", exact=True).fill(HOSTILE)
    page.get_by_label("Search", exact=True).fill("zzz")
    assert _shown(page) == ["evil"]
    assert (
        page.locator("li[data-name=evil] .description").text_content()
        == HOSTILE
    )

    page.goto(f"{base_url}/plugins/evil.html")
    page.get_by_role("link", name="x").count()

    assert page.evaluate("window.pwned") is None
    assert page.dialogs == []
    assert page.locator("img").count() == 0
    assert page.locator("p.description").text_content() == HOSTILE


def test_the_site_requests_nothing_from_elsewhere(page, base_url):
    """Every request the pages make goes to the site's own server."""
    page.goto(f"{base_url}/index.html")
    page.goto(f"{base_url}/plugins/git-lint.html")
    page.goto(f"{base_url}/plugins/evil.html")

    assert page.requests
    assert [url for url in page.requests if not url.startswith(base_url)] == []


@pytest.mark.parametrize(
    "sort", ["relevance", "downloads", "rating", "updated"]
)
def test_the_page_finds_what_the_command_finds(page, base_url, sort):
    """For each query and sort, the browser's list is the Python search's list."""
    catalog = Catalog.of([("test", signed(index(_plugins())))])

    for query in ["", "co", "s", "e o", "SQL", "git lint", "zzz", "for you"]:
        page.goto(
            f"{base_url}/index.html?{urlencode({'q': query, 'sort': sort})}"
        )
        expected = [
            hit.listing.name for hit in catalog.search(query, sort=sort).hits
        ]

        assert _shown(page) == expected, query


def test_long_lists_show_a_hundred_cards_at_a_time(page, base_url):
    """150 plugins: 100 cards, then the button adds the rest and moves focus to them."""
    page.goto(f"{base_url}/../big/index.html")
    assert page.text_content("#count") == "150 plugins, the first 100 shown"
    assert len(_shown(page)) == 100

    page.get_by_role("button", name="Show 50 more").click()

    assert len(_shown(page)) == 150
    assert page.text_content("#count") == "150 plugins"
    assert page.evaluate("document.activeElement.textContent") == "p049"
    assert page.locator("#more").is_hidden()

    page.get_by_label("Search", exact=True).fill("p1")
    assert len(_shown(page)) == 50
    assert page.locator("#more").is_hidden()

"""
The self-contained HTML page in a real headless Chromium: its inline
stylesheet applies (the policy's hash matches it), and hostile plugin
text runs nothing and fetches nothing.
"""

import pytest
from tests.market.test_site_browser import ARGS, CHROMIUM

from acc_plugins.docgen import to_html

from .test_render import _hostile


sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed"
)
pytestmark = pytest.mark.skipif(
    not CHROMIUM.is_file(), reason="no Chromium at /usr/bin/chromium"
)
HOSTILE = (
    '<img src="https://tracker.example/p.png" onerror="window.pwned=1">'
    "<script>window.pwned=2</script>"
    '<a href="javascript:window.pwned=3">x</a>'
)


def test_the_page_is_styled_and_hostile_text_does_nothing(tmp_path):
    """No script runs, no request leaves, and the stylesheet is allowed."""
    page_file = tmp_path / "page.html"
    page_file.write_text(to_html(_hostile(HOSTILE)), encoding="utf-8")
    requests, errors = [], []

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=ARGS
        )
        page = browser.new_page()
        page.on("request", lambda request: requests.append(request.url))
        page.on("console", lambda message: errors.append(message.text))
        page.goto(page_file.as_uri())
        pwned = page.evaluate("window.pwned === undefined")
        width = page.evaluate("getComputedStyle(document.body).maxWidth")
        images = page.evaluate("document.images.length")
        browser.close()

    assert pwned is True
    assert images == 0
    assert width == "832px"  # 52rem: the inline stylesheet applied
    assert requests == [page_file.as_uri()]
    assert not [e for e in errors if "Content Security Policy" in e]

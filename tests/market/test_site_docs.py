"""
The site's documentation section comes from `acc_plugins.docgen`, read
from the newest release's archive (checked against the signed index),
and falls back to the registry's docs page when the archive is not there
or does not check.
"""

from html.parser import HTMLParser
from pathlib import Path

from tests.market._installkit import RegistryKit, plugin_folder
from tests.market._regkit import MemorySeen

from acc_plugins.market._keys import PublicKey
from acc_plugins.market._layout import archive_path, docs_path
from acc_plugins.market._registry import DirectoryTransport, RegistryClient
from acc_plugins.market._site import render


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
HOSTILE = '<script>window.pwned=1</script><img src=x onerror="x()">'


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _client(kit):
    return RegistryClient(
        "test",
        DirectoryTransport(kit.root),
        PublicKey.of(kit.owner),
        MemorySeen(),
    )


def _documentation(page):
    return page.split('<h2 id="documentation">', 1)[1]


def test_a_plugin_page_documents_the_tools_of_its_archive(tmp_path):
    """Tools with argument tables and settings, generated from the release."""
    kit = RegistryKit(tmp_path / "registry")
    kit.publish(EXAMPLES / "text-tools", tools=("word_count",))

    page = render(_client(kit))["plugins/text-tools.html"].decode()
    section = _documentation(page)

    assert "<h3>Tools</h3>" in section
    assert "<h4><code>slugify</code></h4>" in section
    assert "<td><code>max_length</code></td><td>integer</td>" in section
    assert "<h3>Settings</h3>" in section
    assert "Install</h3>" not in section  # the page has its own


def test_hostile_docstrings_in_an_archive_stay_text(tmp_path):
    """A tool's docstring with markup is shown as the characters it is."""
    kit = RegistryKit(tmp_path / "registry")
    folder = plugin_folder(
        tmp_path,
        extra=(
            "    @tool\n"
            "    def evil(self, x: str) -> str:\n"
            f"        {HOSTILE!r}\n"
            "        return x\n"
        ),
    )
    kit.publish(folder)

    page = render(_client(kit))["plugins/demo.html"].decode()
    parser = _Tags()
    parser.feed(page)

    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in page
    assert not [t for t, _ in parser.tags if t in {"img", "iframe"}]
    assert all(
        a.get("src", "").endswith("assets/site.js")
        for t, a in parser.tags
        if t == "script"
    )


def test_an_archive_that_does_not_check_falls_back_to_the_docs_page(
    tmp_path,
):
    """Tampered bytes are not documented; the registry's page is shown instead."""
    kit = RegistryKit(tmp_path / "registry")
    kit.publish(EXAMPLES / "text-tools")
    archive = kit.root / archive_path("text-tools", "1.2.0")
    data = bytearray(archive.read_bytes())
    data[-30] ^= 1
    archive.write_bytes(bytes(data))
    docs = kit.root / docs_path("text-tools")
    docs.parent.mkdir()
    docs.write_text("# text-tools\n\nFrom the docs page.\n")

    page = render(_client(kit))["plugins/text-tools.html"].decode()

    assert "From the docs page." in _documentation(page)
    assert "<h3>Tools</h3>" not in page

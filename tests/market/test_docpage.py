"""
The documentation page a registry keeps for each plugin.
"""

from acc_plugins.host import ToolInfo
from acc_plugins.manifest import parse_manifest
from acc_plugins.market._docpage import doc_page


_MANIFEST = """
[plugin]
name = "fetcher"
version = "1.4.0"
description = "Fetches | pages."
entry = "fetcher:Fetcher"
kind = "mixed"
license = "MIT"

[dependencies]
text-tools = ">=1.2"

[permissions]
network = ["api.example.com"]
filesystem = ["write:${data}"]

[settings.retries]
type = "int"
default = 3
description = "How often to try | again."
"""

_TOOL = ToolInfo(
    "fetcher.get",
    "Fetch one page.",
    {
        "type": "object",
        "properties": {
            "url": {"type": "string", "description": "The page."},
            "tries": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
            "tags": {"type": "array", "items": {"type": "string"}},
        },
        "required": ["url"],
    },
)


def test_the_page_says_what_it_is_how_to_install_and_what_it_may_do():
    """Description, install line, tools, settings and permissions in words."""
    page = doc_page(
        parse_manifest(_MANIFEST),
        [_TOOL, ToolInfo("fetcher.ping", "", {"type": "object"})],
        agents=["fetcher.helper"],
        hooks=["plugin.activated"],
    )

    assert page.startswith("# fetcher 1.4.0\n\nFetches | pages.\n")
    assert "- Needs the plugin text-tools >=1.2" in page
    assert "$ acc-plugins install fetcher==1.4.0" in page
    assert "| `url` | string | yes | The page. |" in page
    assert "| `tries` | integer or null | no |  |" in page
    assert "| `tags` | array of string | no |  |" in page
    assert "### `fetcher.ping`\n\nIt takes no arguments." in page
    assert "## Agents\n\n- `fetcher.helper`" in page
    assert "## Hooks\n\n- `plugin.activated`" in page
    assert "| `retries` | int | `3` | How often to try \\| again. |" in page
    assert (
        "connect to api.example.com over HTTPS (`net:https://api.example.com`)"
        in page
    )
    assert "(`fs:write:${data}`)" in page


def test_a_plugin_that_asks_for_nothing_says_so():
    """No permissions is said in words, not left out."""
    manifest = parse_manifest(
        '[plugin]\nname = "calm"\nversion = "1.0.0"\n'
        'description = "Quiet."\nentry = "calm:Calm"\nkind = "tool"\n'
    )

    page = doc_page(manifest)

    assert "## Tools" not in page
    assert "## Settings" not in page
    assert page.endswith("## Permissions\n\nIt asks for no permissions.\n")

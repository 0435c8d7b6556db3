"""
``acc-plugins search`` and ``acc-plugins show`` against real registry
folders added to a real ``registries.json``.
"""

import functools
import http.server
import json
import threading

import pytest
from click.testing import CliRunner

from acc_plugins.cli import cli
from acc_plugins.market._keys import PublicKey
from acc_plugins.market._registries import Registries
from acc_plugins.market._trust import TrustStore

from ._catalog import (
    OWNER,
    STRANGER,
    STRANGER_ID,
    index,
    listing,
    release,
    review,
    write_registry,
)


HOSTILE = "\x1b[2J\x1b[31mpwned [bold]markup[/bold] \u202eevil"


def _plugins():
    return [
        listing(
            "git-lint",
            description="Lints commit messages.",
            keywords=("git", "lint"),
            downloads=40,
            rating=(4.5, 2),
            versions={
                "1.0.0": release("git-lint", "1.0.0"),
                "1.1.0": release(
                    "git-lint",
                    "1.1.0",
                    day=3,
                    permissions=(
                        "fs:read:${workspace}/.git/**",
                        "net:https://api.github.com",
                    ),
                    tools=("check",),
                ),
                "2.0.0": release(
                    "git-lint", "2.0.0", day=5, yanked="deletes files"
                ),
            },
        ),
        listing(
            "sql-agent", kind="agent", description="Writes SQL.", downloads=10
        ),
        listing(
            "shady",
            description=HOSTILE,
            publisher="nobody",
            versions={"0.1.0": release("shady", "0.1.0", key_id=STRANGER_ID)},
        ),
    ]


@pytest.fixture(name="home")
def _home(tmp_path):
    root = write_registry(
        tmp_path / "registry",
        index(_plugins()),
        reviews={
            "git-lint": [
                review("git-lint", 5, "Great.", day=1),
                review(
                    "git-lint", 4, "Good.", reviewer="Bob", key=STRANGER, day=2
                ),
                {**review("git-lint", 1, "forged"), "stars": 5},
            ]
        },
    )
    config = tmp_path / "config"
    config.mkdir()
    Registries(config / "registries.json").add(
        "team", str(root), PublicKey.of(OWNER)
    )
    return tmp_path


def _run(home, *args):
    return CliRunner().invoke(
        cli,
        [
            f"--config-dir={home / 'config'}",
            f"--data-dir={home / 'data'}",
            *args,
        ],
    )


def test_search_prints_matching_plugins_as_plain_lines_when_piped(home):
    """Not a terminal: one tab-separated line per plugin."""
    result = _run(home, "search", "git")

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "git-lint\t1.1.0\ttool\t4.5/5 (2)\t40\tLints commit messages."
    ]


def test_search_json_pages_and_sorts(home):
    """--json gives totals and pages; --sort downloads orders by downloads."""
    result = _run(
        home,
        "search",
        "--sort",
        "downloads",
        "--per-page",
        "1",
        "--page",
        "2",
        "--json",
    )

    data = json.loads(result.stdout)

    assert result.exit_code == 0
    assert (data["total"], data["pages"], data["page"]) == (3, 3, 2)
    assert [p["name"] for p in data["plugins"]] == ["sql-agent"]


def test_search_category_filter(home):
    """--category agent keeps only agents."""
    result = _run(home, "search", "--category", "agent", "--json")

    assert [p["name"] for p in json.loads(result.stdout)["plugins"]] == [
        "sql-agent"
    ]


def test_search_with_no_results_says_so(home):
    """Nothing found is not an error."""
    result = _run(home, "search", "nothing-like-this")

    assert result.exit_code == 0
    assert "no plugins found" in result.stderr


def test_hostile_text_never_reaches_the_terminal_raw(home):
    """Escape sequences and bidi overrides are neutralised; rich markup is not parsed."""
    result = _run(home, "search", "pwned")
    shown = _run(home, "show", "shady")

    for output in (result.stdout, shown.stdout):
        assert "\x1b" not in output
        assert "\u202e" not in output
        assert "[bold]markup[/bold]" in output


def test_show_gives_versions_permissions_reviews_and_install(home):
    """Newest installable version, yanked marked, plain permissions, checked reviews only."""
    result = _run(home, "show", "git-lint")

    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "git-lint 1.1.0" in out
    assert "yanked: deletes files" in out
    assert "read files in .git/** of the workspace" in out
    assert "connect to api.github.com over HTTPS" in out
    assert "verified: the registry's owner vouches for publisher acme" in out
    assert "Great." in out
    assert "Good." in out
    assert "forged" not in out
    assert "acc-plugins install git-lint\n" in out


def test_show_json_says_who_vouches(home):
    """The JSON names the key, and verified follows the owner's vouching."""
    data = json.loads(_run(home, "show", "git-lint", "--json").stdout)
    shady = json.loads(_run(home, "show", "shady", "--json").stdout)

    assert (data["verified"], data["vouched"], data["trusted"]) == (
        True,
        True,
        False,
    )
    assert [v["version"] for v in data["versions"]] == [
        "2.0.0",
        "1.1.0",
        "1.0.0",
    ]
    assert [r["stars"] for r in data["reviews"]] == [4, 5]
    assert data["provides"] == {"tools": ["check"]}
    assert (shady["verified"], shady["key_id"]) == (False, STRANGER_ID)


def test_a_key_the_user_trusts_makes_it_verified(home):
    """Trusting the publisher's key (keys trust) gives the badge too."""
    TrustStore(home / "data" / "trusted-keys.json").trust(
        PublicKey.of(STRANGER), "Stranger"
    )

    data = json.loads(_run(home, "show", "shady", "--json").stdout)

    assert (data["verified"], data["vouched"], data["trusted"]) == (
        True,
        False,
        True,
    )


def test_show_an_unknown_plugin_fails_with_a_hint(home):
    """One error line, exit 1."""
    result = _run(home, "show", "nope")

    assert result.exit_code == 1
    assert result.stderr == (
        "error: no plugin called 'nope' in any of your registries; "
        "try `acc-plugins search nope`\n"
    )


def test_a_tampered_index_is_refused(home):
    """A registry whose index was changed after signing is not searched."""
    path = home / "registry" / "index.json"
    path.write_bytes(path.read_bytes().replace(b"Writes SQL.", b"Steals SQL."))

    result = _run(home, "search", "sql")

    assert result.exit_code == 1
    assert "the index was changed after it was signed" in result.stderr
    assert "Traceback" not in result.output


def test_a_replayed_older_index_is_refused(home):
    """After serial 2 was seen, serial 1 again is a replay."""
    write_registry(home / "registry", index(_plugins(), serial=2))
    assert _run(home, "search").exit_code == 0
    write_registry(home / "registry", index(_plugins(), serial=1))

    result = _run(home, "search")

    assert result.exit_code == 1
    assert "older than serial 2" in result.stderr


def test_no_registries_is_one_clear_error(tmp_path):
    """Before any registry is added, search says how to add one."""
    result = CliRunner().invoke(
        cli, [f"--config-dir={tmp_path}", "search", "x"]
    )

    assert result.exit_code == 1
    assert "acc-plugins registry add" in result.stderr


def test_an_unknown_registry_is_one_clear_error(home):
    """--registry names a registry that was never added."""
    result = _run(home, "search", "--registry", "other")

    assert result.exit_code == 1
    assert "no registry called 'other'" in result.stderr


def test_site_from_an_added_registry(home):
    """`site NAME --out DIR` writes the pages and says how many."""
    out = home / "public"

    result = _run(
        home, "site", "team", "--out", str(out), "--url", "https://p.example"
    )

    assert result.exit_code == 0, result.output
    assert result.stdout == f"{out}: 3 plugin pages and index.html\n"
    assert (
        "registry add test https://p.example --key"
        in (out / "plugins" / "shady.html").read_text()
    )


def test_site_from_a_folder_pins_the_key_given(home):
    """A folder with --key must be signed by that key; another key is refused."""
    folder = str(home / "registry")
    good = _run(
        home,
        "site",
        folder,
        "--out",
        str(home / "a"),
        "--key",
        PublicKey.of(OWNER).text,
    )
    bad = _run(
        home,
        "site",
        folder,
        "--out",
        str(home / "b"),
        "--key",
        PublicKey.of(STRANGER).text,
    )
    unpinned = _run(home, "site", folder, "--out", str(home / "c"))

    assert good.exit_code == 0, good.output
    assert bad.exit_code == 1
    assert "not by the registry owner's key" in bad.stderr
    assert not (home / "b").exists()
    assert unpinned.exit_code == 0
    assert "give --key to pin the owner's key" in unpinned.stderr


def test_site_refuses_what_it_cannot_use(home):
    """Unknown registry, --key with a pinned registry, a tampered index: one error, nothing written."""
    path = home / "registry" / "index.json"
    unknown = _run(home, "site", "nowhere", "--out", str(home / "a"))
    pinned = _run(
        home,
        "site",
        "team",
        "--out",
        str(home / "a"),
        "--key",
        PublicKey.of(OWNER).text,
    )
    path.write_bytes(path.read_bytes().replace(b"Writes SQL.", b"Steals SQL."))
    tampered = _run(home, "site", "team", "--out", str(home / "a"))

    assert unknown.exit_code == pinned.exit_code == tampered.exit_code == 1
    assert "neither a registry you added, nor a folder" in unknown.stderr
    assert "leave out --key" in pinned.stderr
    assert "changed after it was signed" in tampered.stderr
    assert not (home / "a").exists()


def test_an_unknown_category_names_the_ones_there_are(home):
    """A typo in --category is an error listing the kinds."""
    result = _run(home, "search", "--category", "agents")

    assert result.exit_code == 1
    assert result.stderr == (
        "error: --category 'agents': no plugin of that kind; the kinds listed are: agent, tool\n"
    )


def test_on_a_terminal_search_is_a_table_and_no_color_is_plain(home):
    """A terminal gets a styled table; NO_COLOR keeps the table, drops the colour."""
    styled = CliRunner().invoke(
        cli,
        [f"--config-dir={home / 'config'}", "search", "git"],
        env={"TTY_COMPATIBLE": "1", "COLUMNS": "120", "NO_COLOR": None},
    )
    plain = CliRunner().invoke(
        cli,
        [f"--config-dir={home / 'config'}", "search", "git"],
        env={"TTY_COMPATIBLE": "1", "COLUMNS": "120", "NO_COLOR": "1"},
    )

    assert "\x1b[" in styled.stdout
    assert "\x1b[" not in plain.stdout
    assert plain.stdout.split()[:6] == [
        "name",
        "version",
        "kind",
        "rating",
        "downloads",
        "description",
    ]


def test_a_registry_that_fails_is_skipped_when_others_answer(home):
    """Two registries, one gone: a warning, and the other's results."""
    Registries(home / "config" / "registries.json").add(
        "lost", str(home / "nowhere"), PublicKey.of(OWNER)
    )

    result = _run(home, "search", "sql")
    only = _run(home, "search", "sql", "--registry", "lost")

    assert result.exit_code == 0
    assert result.stdout.startswith("sql-agent\t1.0.0\t")
    assert "warning: skipped: registry 'lost'" in result.stderr
    assert only.exit_code == 1
    assert "registry 'lost'" in only.stderr


def test_a_damaged_trust_store_is_one_clear_error(home):
    """show reads the user's trusted keys; a broken file is named, no traceback."""
    (home / "data").mkdir()
    (home / "data" / "trusted-keys.json").write_text("{broken")

    result = _run(home, "show", "git-lint")

    assert result.exit_code == 1
    assert result.stderr.startswith("error: ")
    assert "trusted-keys.json" in result.stderr
    assert "Traceback" not in result.output


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 -- the base class's name
        pass


def test_site_from_a_registry_served_over_http(home):
    """An http URL is read through the HTTP transport and shown as where to add it from."""
    handler = functools.partial(_Quiet, directory=str(home / "registry"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        result = _run(
            home,
            "site",
            url,
            "--out",
            str(home / "web"),
            "--key",
            PublicKey.of(OWNER).text,
        )
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=30)

    assert result.exit_code == 0, result.output
    page = (home / "web" / "plugins" / "git-lint.html").read_text()
    assert f"acc-plugins registry add test {url} --key" in page
    assert "Great." in page

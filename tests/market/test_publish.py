"""
The publishing pipeline: what a publish adds to a registry, and every
refusal leaving the registry byte for byte as it was.
"""

import textwrap
import threading

import pytest
from packaging.version import Version

from acc_plugins.errors import MarketplaceError, PublishError
from acc_plugins.market._keyring import Keyring
from acc_plugins.market._keys import PublicKey
from acc_plugins.market._publish import STEPS, publish
from acc_plugins.market._registry import DirectoryTransport, RegistryClient

from ._owned import make_owner, plugin_copy, tree_hash


class _Memory:
    def seen(self, registry):
        return None

    def remember(self, registry, seen):
        pass


def _client(owner):
    return RegistryClient(
        "team",
        DirectoryTransport(owner.root),
        owner.owner_key(),
        _Memory(),
    )


_FAILING_TEST = """
def test_slugs_are_lowercase():
    assert "Hello".lower() == "HELLO", "slugify must lowercase"
"""

_PASSING_TEST = """
import pytest


@pytest.mark.parametrize("word", ["a", "b"])
def test_words_are_words(word):
    assert word.isalpha()
"""

_SNOOPING = """
from acc_plugins.sdk import Plugin, tool


class Main(Plugin):
    @tool
    def keys(self) -> str:
        return "~/.ssh/id_rsa"

    @tool
    def more(self) -> str:
        return "/etc/shadow"
"""

_BROKEN_ACTIVATE = """
from acc_plugins.sdk import Plugin, tool


class Main(Plugin):
    def on_activate(self):
        raise RuntimeError("the config server is down")

    @tool
    def ping(self) -> str:
        return "pong"
"""


def _with_tests(tmp_path, source, *, version="1.2.1"):
    folder = plugin_copy(tmp_path, "text-tools", version=version)
    (folder / "tests").mkdir()
    (folder / "tests" / "test_it.py").write_text(textwrap.dedent(source))
    return folder


def test_a_publish_adds_a_release_that_a_client_installs_verified(tmp_path):
    """The index lists the release; the client checks and verifies it."""
    owner = make_owner(tmp_path)
    steps = []

    published = publish(
        plugin_copy(tmp_path, "text-tools"),
        owner,
        "owner",
        progress=lambda step, detail: steps.append(step),
    )

    index = owner.index()
    listing = index.plugins["text-tools"]
    release = listing.versions["1.2.0"]
    assert steps == list(STEPS)
    assert published.registered is True
    assert published.publisher == "owner"
    assert published.serial == index.serial == 2
    assert index.publishers["owner"].vouched is True
    assert listing.publisher == "owner"
    assert listing.description.startswith("Typed text and code utilities")
    assert release.tools == (
        "word_count",
        "slugify",
        "wrap",
        "extract_todos",
        "strip_comments",
        "diff_stats",
        "usage",
    )
    assert release.settings == {"default_width": "int"}
    assert release.requires_acc == ">=0.1.0.dev0"
    fetched = _client(owner).fetch(listing, Version("1.2.0"))
    assert fetched.verified is True
    page = (owner.root / "docs" / "text-tools.md").read_text()
    assert "$ acc-plugins install text-tools==1.2.0" in page
    assert "### wrap" in page
    assert "It asks for no permissions:" in page


def test_a_plugin_with_dependencies_is_loaded_with_them_from_the_registry(
    tmp_path,
):
    """code-reviewer activates with text-tools taken from the registry."""
    owner = make_owner(tmp_path)
    publish(plugin_copy(tmp_path, "text-tools"), owner, "owner")

    publish(plugin_copy(tmp_path, "code-reviewer"), owner, "owner")

    release = owner.index().plugins["code-reviewer"].versions["0.3.0"]
    assert release.dependencies == {"text-tools": "<2,>=1.0"}
    assert release.agents == ("review", "summarizer")
    assert release.hooks == ("plugin.activated",)
    assert release.permissions == ("host:claude.query",)
    page = (owner.root / "docs" / "code-reviewer.md").read_text()
    assert "send prompts to Claude" in page


def test_a_missing_dependency_blocks_with_the_reason(tmp_path):
    """A plugin whose dependency the registry lacks does not activate."""
    owner = make_owner(tmp_path)
    before = tree_hash(owner.root)

    with pytest.raises(PublishError, match="needs text-tools") as caught:
        publish(plugin_copy(tmp_path, "code-reviewer"), owner, "owner")

    assert caught.value.step == "load"
    assert tree_hash(owner.root) == before


def test_publishing_the_same_version_twice_is_refused(tmp_path):
    """Versions are immutable, under any spelling, even once yanked."""
    owner = make_owner(tmp_path)
    publish(plugin_copy(tmp_path, "text-tools"), owner, "owner")
    before = tree_hash(owner.root)

    with pytest.raises(MarketplaceError, match=r"1\.2\.0 is published"):
        publish(plugin_copy(tmp_path, "text-tools"), owner, "owner")
    with pytest.raises(MarketplaceError, match="immutable"):
        publish(
            plugin_copy(tmp_path, "text-tools", version="1.2"), owner, "owner"
        )
    assert tree_hash(owner.root) == before
    owner.yank("text-tools", "1.2.0", "bad")
    with pytest.raises(MarketplaceError, match=r"1\.2\.0 is yanked"):
        publish(plugin_copy(tmp_path, "text-tools"), owner, "owner")


def _plugin(tmp_path, name, source):
    folder = tmp_path / name
    folder.mkdir()
    (folder / "plugin.toml").write_text(
        f'[plugin]\nname = "{name}"\nversion = "1.0.0"\n'
        f'description = "A test."\nentry = "{name}:Main"\nkind = "tool"\n'
    )
    (folder / f"{name}.py").write_text(textwrap.dedent(source))
    return folder


def test_a_plugin_the_scanner_flags_is_refused_with_each_finding(tmp_path):
    """High-severity findings block publication and are all listed."""
    owner = make_owner(tmp_path)
    folder = _plugin(tmp_path, "snoop", _SNOOPING)
    before = tree_hash(owner.root)

    with pytest.raises(PublishError, match="the scanner found 2") as caught:
        publish(folder, owner, "owner")

    assert caught.value.step == "scan"
    assert [line.split(" ")[1] for line in caught.value.problems] == [
        "ACC502",
        "ACC502",
    ]
    assert tree_hash(owner.root) == before


def test_a_plugin_the_sandbox_refuses_is_refused_at_validation(tmp_path):
    """The hostile example never gets past validation."""
    owner = make_owner(tmp_path)
    before = tree_hash(owner.root)

    with pytest.raises(PublishError, match="not a valid plugin") as caught:
        publish(plugin_copy(tmp_path, "hostile"), owner, "owner")

    assert caught.value.step == "validate"
    assert any("eval() is not allowed" in p for p in caught.value.problems)
    assert tree_hash(owner.root) == before


def test_a_plugin_whose_tests_fail_is_refused_with_their_output(tmp_path):
    """Failing tests block publication; the output's tail says why."""
    owner = make_owner(tmp_path)
    before = tree_hash(owner.root)

    with pytest.raises(PublishError, match="its tests failed") as caught:
        publish(_with_tests(tmp_path, _FAILING_TEST), owner, "owner")

    assert caught.value.step == "test"
    assert any(
        "slugify must lowercase" in line for line in caught.value.problems
    )
    assert tree_hash(owner.root) == before


def test_passing_tests_let_it_through_and_skipping_skips_them(tmp_path):
    """A plugin whose tests pass is published; run_tests=False skips."""
    owner = make_owner(tmp_path)
    folder = _with_tests(tmp_path, _PASSING_TEST)

    publish(folder, owner, "owner")
    publish(
        _with_tests(tmp_path, _FAILING_TEST, version="1.2.2"),
        owner,
        "owner",
        run_tests=False,
    )

    versions = owner.index().plugins["text-tools"].versions
    assert set(versions) == {"1.2.1", "1.2.2"}
    assert not (folder / "tests" / "__pycache__").exists()


def test_a_plugin_that_does_not_activate_is_refused(tmp_path):
    """The throw-away host's error is the reason given."""
    owner = make_owner(tmp_path)
    folder = _plugin(tmp_path, "broken", _BROKEN_ACTIVATE)
    before = tree_hash(owner.root)

    with pytest.raises(PublishError, match="does not activate") as caught:
        publish(folder, owner, "owner")

    assert caught.value.step == "load"
    assert "the config server is down" in caught.value.problems[0]
    assert tree_hash(owner.root) == before


def test_an_invalid_plugin_is_refused_at_validation(tmp_path):
    """A broken manifest is named with its problem."""
    owner = make_owner(tmp_path)
    folder = plugin_copy(tmp_path, "text-tools")
    (folder / "plugin.toml").write_text('[plugin]\nname = "Bad Name"\n')

    with pytest.raises(PublishError, match="not a valid plugin") as caught:
        publish(folder, owner, "owner")

    assert caught.value.step == "validate"
    assert caught.value.problems


def test_a_key_no_publisher_holds_is_refused(tmp_path):
    """Only keys the owner listed (or the owner's own) may publish."""
    owner = make_owner(tmp_path)
    owner.keyring.generate("stranger")
    before = tree_hash(owner.root)

    with pytest.raises(MarketplaceError, match="not listed under any"):
        publish(plugin_copy(tmp_path, "text-tools"), owner, "stranger")

    assert tree_hash(owner.root) == before


def test_a_publisher_cannot_take_over_another_publishers_plugin(tmp_path):
    """A second publisher cannot add versions to a plugin not theirs."""
    owner = make_owner(tmp_path)
    publish(plugin_copy(tmp_path, "text-tools"), owner, "owner")
    mallory = owner.keyring.generate("mallory").public_key
    owner.add_publisher("mallory", mallory, vouch=True)
    before = tree_hash(owner.root)

    with pytest.raises(MarketplaceError, match="published by 'owner'"):
        publish(
            plugin_copy(tmp_path, "text-tools", version="9.0.0"),
            owner,
            "mallory",
        )
    with pytest.raises(MarketplaceError, match="listed under publisher"):
        publish(
            plugin_copy(tmp_path, "text-tools", version="9.0.0"),
            owner,
            "mallory",
            "owner",
        )

    assert tree_hash(owner.root) == before


def test_a_listed_publisher_publishes_with_their_own_keyring(tmp_path):
    """A publisher other than the owner signs; the owner's key re-signs."""
    owner = make_owner(tmp_path)
    alice = owner.keyring.generate("alice").public_key
    owner.add_publisher("alice", alice)

    published = publish(plugin_copy(tmp_path, "text-tools"), owner, "alice")

    listing = owner.index().plugins["text-tools"]
    assert published.registered is False
    assert listing.publisher == "alice"
    assert listing.versions["1.2.0"].key_id == alice.key_id
    assert _client(owner).fetch(listing, Version("1.2.0")).verified is False


def test_a_failure_while_writing_leaves_the_registry_as_it_was(
    tmp_path, monkeypatch
):
    """If the index cannot be written, the archive and page go too."""
    owner = make_owner(tmp_path)
    before = tree_hash(owner.root)
    from acc_plugins.host.config._atomic import write_atomic as real
    from acc_plugins.market import _regfolder

    def failing(path, data, *, mode=0o600):
        if path.name == "index.json":
            raise OSError(28, "No space left on device", str(path))
        real(path, data, mode=mode)

    monkeypatch.setattr(_regfolder, "write_atomic", failing)

    with pytest.raises(OSError, match="No space left"):
        publish(plugin_copy(tmp_path, "text-tools"), owner, "owner")

    assert tree_hash(owner.root) == before


def test_concurrent_publishes_both_land(tmp_path):
    """Two plugins published at once are both in the index, serial + 2."""
    owner = make_owner(tmp_path)
    first = owner.index().serial
    folders = [
        plugin_copy(tmp_path, "text-tools"),
        plugin_copy(tmp_path, "text-tools", version="2.0.0"),
    ]
    errors = []

    def run(folder):
        try:
            # Each thread has its own owner object, as two processes would.
            mine = type(owner)(owner.root, Keyring(owner.keyring.folder))
            publish(folder, mine, "owner")
        except Exception as exc:  # noqa: BLE001 -- reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(f,)) for f in folders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    index = owner.index()
    assert errors == []
    assert set(index.plugins["text-tools"].versions) == {"1.2.0", "2.0.0"}
    assert index.serial == first + 2
    (text,) = index.publishers["owner"].keys.values()
    owner_key = PublicKey.parse(text)
    assert owner_key == owner.owner_key()


def test_publishing_an_older_version_keeps_the_newest_page(tmp_path):
    """The documentation page is the newest release's; the listing too."""
    owner = make_owner(tmp_path)
    publish(
        plugin_copy(tmp_path, "text-tools", version="2.0.0"), owner, "owner"
    )
    older = plugin_copy(tmp_path, "text-tools", version="1.9.0")
    manifest = older / "plugin.toml"
    manifest.write_text(
        manifest.read_text().replace(
            'description = "Typed', 'description = "Old. Typed'
        )
    )

    publish(older, owner, "owner")

    page = (owner.root / "docs" / "text-tools.md").read_text()
    listing = owner.index().plugins["text-tools"]
    assert page.startswith("# text-tools 2.0.0\n")
    assert set(listing.versions) == {"1.9.0", "2.0.0"}
    assert not listing.description.startswith("Old.")

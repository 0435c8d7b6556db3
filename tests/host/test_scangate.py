"""
The scan at load time: findings kept in the bytecode cache, checked like
code entries, and each module parsed once.
"""

import ast
import shutil
from pathlib import Path
from typing import Any

import pytest
from tests.host.test_host import started_host, write_plugin

from acc_plugins.host.gate import _scangate
from acc_plugins.host.gate._scangate import SCAN_SUFFIX, cached_findings
from acc_plugins.sandbox import BytecodeCache
from acc_plugins.security import scan_plugin


HOSTILE = Path(__file__).resolve().parents[2] / "examples" / "hostile"


@pytest.fixture(name="plugin")
def _plugin(tmp_path: Path) -> Path:
    root = tmp_path / "hostile"
    shutil.copytree(HOSTILE, root)
    return root


def test_findings_from_the_cache_equal_a_fresh_scan(tmp_path, plugin):
    """A second look is served from the cache, finding for finding."""
    cache = BytecodeCache(tmp_path / "cache")
    fresh = list(scan_plugin(plugin).findings)

    first = cached_findings(plugin, cache)
    (entry,) = (tmp_path / "cache").glob(f"*.{SCAN_SUFFIX}")
    second = cached_findings(plugin, cache)

    assert fresh
    assert first == fresh
    assert second == fresh
    assert entry.exists()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda blob: blob.replace(b'"critical"', b'"low"'),
        lambda blob: blob[: blob.index(b"[")] + b"[]",
        lambda blob: blob[:20],
        lambda blob: b"",
    ],
    ids=["severity lowered", "findings emptied", "cut short", "empty"],
)
def test_a_tampered_entry_never_hides_a_finding(tmp_path, plugin, tamper):
    """An entry whose payload does not match its hash is scanned again."""
    cache = BytecodeCache(tmp_path / "cache")
    fresh = cached_findings(plugin, cache)
    (entry,) = (tmp_path / "cache").glob(f"*.{SCAN_SUFFIX}")
    entry.write_bytes(tamper(entry.read_bytes()))

    again = cached_findings(plugin, cache)

    assert again == fresh


def test_a_changed_file_is_scanned_again(tmp_path):
    """The entry is keyed by the files' bytes."""
    root = tmp_path / "p"
    root.mkdir()
    (root / "m.py").write_text("x = 1\n")
    cache = BytecodeCache(tmp_path / "cache")
    assert cached_findings(root, cache) == []

    (root / "m.py").write_text('import os\nos.system("ls")\n')

    assert [f.rule for f in cached_findings(root, cache)] != []


def test_a_scanned_module_is_parsed_once(tmp_path, monkeypatch):
    """The compiler takes the tree the scanner parsed, then forgets it."""
    parses: list[str] = []
    real_parse = ast.parse

    def counted(source: str, *args: Any, **kwargs: Any) -> ast.AST:
        parses.append(source)
        parsed: ast.AST = real_parse(source, *args, **kwargs)
        return parsed

    root = tmp_path / "p"
    root.mkdir()
    source = "def f(x):\n    return [i * 2 for i in range(x)]\n"
    (root / "m.py").write_text(source)
    cache = BytecodeCache(tmp_path / "cache")
    monkeypatch.setattr(ast, "parse", counted)

    cached_findings(root, cache)
    code = cache.compile(source, str(root / "m.py"))
    cache.compile(source + "\n", str(root / "m.py"))

    assert parses == [source, source + "\n"]
    assert code.co_filename == str(root / "m.py")
    assert cache._parsed == {}


def test_every_file_the_scanner_reads_is_in_the_key(tmp_path):
    """A change to any scanned file, a hidden one too, means a new scan."""
    root = tmp_path / "p"
    (root / ".git").mkdir(parents=True)
    (root / "m.py").write_text("x = 1\n")
    (root / ".hidden.py").write_text("y = 2\n")
    (root / ".git" / "hook.py").write_text("z = 3\n")
    cache = BytecodeCache(tmp_path / "cache")
    assert cached_findings(root, cache) == []

    (root / ".git" / "hook.py").write_text('import os\nos.system("ls")\n')
    unscanned = cached_findings(root, cache)
    (root / ".hidden.py").write_text('import os\nos.system("ls")\n')
    rescanned = cached_findings(root, cache)

    assert unscanned == []
    assert {f.path for f in rescanned} == {".hidden.py"}


SCANNED = """
from acc_plugins.sdk import Plugin, tool

class Main(Plugin):
    @tool
    def which(self) -> str:
        return "scanned"

    @tool
    def late(self) -> str:
        import later
        return later.VALUE
"""

SWAPPED = SCANNED.replace('"scanned"', '"swapped after the scan"')


def test_what_was_scanned_is_what_runs(tmp_path, monkeypatch):
    """
    A module rewritten between the scan and the compile runs as it was
    scanned; one that appears after the load is refused, not run unscanned.
    """
    folder = write_plugin(tmp_path / "plugins", "racy", SCANNED)
    scan = _scangate.cached_findings

    def scan_then_swap(*args: Any, **kwargs: Any) -> Any:
        found = scan(*args, **kwargs)
        (folder / "main.py").write_text(SWAPPED)
        return found

    monkeypatch.setattr(_scangate, "cached_findings", scan_then_swap)
    host = started_host(tmp_path)
    try:
        assert host.call_tool("racy.which") == "scanned"
        (folder / "later.py").write_text("VALUE = 'never scanned'\n")
        with pytest.raises(Exception, match="not among the files scanned"):
            host.call_tool("racy.late")
    finally:
        host.stop()

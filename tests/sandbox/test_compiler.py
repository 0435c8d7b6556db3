"""
Restricted compilation and the bytecode cache, which is trusted code: an
entry runs only if it is exactly what was stored for its key.
"""

import marshal
import time

import pytest

from acc_plugins.errors import CompileError
from acc_plugins.sandbox import BytecodeCache, Sandbox, compile_plugin_source
from acc_plugins.sandbox._guards import Guards


SOURCE = "def answer():\n    return 42\n"


def answer(code) -> object:
    """Run restricted code with a sandbox's builtins; call its answer()."""
    guards = Guards(object())
    namespace: dict[str, object] = {
        "__builtins__": guards.builtins(lambda *_: None)
    }
    guards.budget.enter(time.perf_counter())
    try:
        exec(code, namespace)  # noqa: S102 -- the test runs what the cache gives
        return namespace["answer"]()  # type: ignore[operator]
    finally:
        guards.budget.leave()


def test_compile_errors_name_file_and_line():
    """Syntax errors are reported like policy errors."""
    with pytest.raises(CompileError) as info:
        compile_plugin_source("x = (\n", "bad.py")

    assert info.value.problems == ["bad.py:1: '(' was never closed"]


def test_the_cache_serves_identical_code(tmp_path):
    """A warm compile is a cache hit with the same behaviour."""
    cache = BytecodeCache(tmp_path)
    first = cache.compile(SOURCE, "m.py")
    second = cache.compile(SOURCE, "m.py")

    result = answer(second)

    assert (cache.hits, cache.misses) == (1, 1)
    assert first.co_consts == second.co_consts
    assert result == 42


def test_the_cache_folder_is_made_again_when_removed(tmp_path):
    """A missing folder, at the first write or after one, is recreated."""
    folder = tmp_path / "deep" / "cache"
    cache = BytecodeCache(folder)
    cache.compile(SOURCE, "m.py")
    for entry in folder.iterdir():
        entry.unlink()
    folder.rmdir()

    cache.compile("x = 1\n", "n.py")

    again = BytecodeCache(folder)
    again.compile("x = 1\n", "n.py")

    assert len(list(folder.glob("*.accc"))) == 1
    assert (again.hits, again.misses) == (1, 0)


def test_a_tampered_entry_is_recompiled_not_run(tmp_path):
    """Swapping the payload for other code fails the integrity check."""
    cache = BytecodeCache(tmp_path)
    cache.compile(SOURCE, "m.py")
    (entry,) = tmp_path.glob("*.accc")
    blob = entry.read_bytes()
    evil = marshal.dumps(
        compile("import os\nanswer = lambda: 'pwned'\n", "m.py", "exec")
    )
    entry.write_bytes(
        blob[: len(blob) - len(marshal.dumps(compile(SOURCE, "m.py", "exec")))]
        + evil
    )

    code = BytecodeCache(tmp_path).compile(SOURCE, "m.py")

    result = answer(code)
    assert result == 42


def test_an_entry_stored_under_another_key_is_refused(tmp_path):
    """Copying a valid entry over another key's file does not run it."""
    cache = BytecodeCache(tmp_path)
    cache.compile("def answer():\n    return 'other'\n", "other.py")
    (other,) = tmp_path.glob("*.accc")
    key = BytecodeCache.key(SOURCE.encode(), "m.py")
    (tmp_path / f"{key}.accc").write_bytes(other.read_bytes())

    fresh = BytecodeCache(tmp_path)
    code = fresh.compile(SOURCE, "m.py")

    result = answer(code)
    assert result == 42
    assert fresh.misses == 1


def test_the_key_changes_with_source_and_path():
    """Different text or a different file never share an entry."""
    a = BytecodeCache.key(b"x = 1\n", "a.py")

    assert a != BytecodeCache.key(b"x = 2\n", "a.py")
    assert a != BytecodeCache.key(b"x = 1\n", "b.py")


def test_a_symlink_out_of_the_plugin_is_not_a_module(tmp_path):
    """Imports resolve inside the plugin folder only."""
    outside = tmp_path / "outside.py"
    outside.write_text("secret = 1\n")
    plugin = tmp_path / "plugin"
    plugin.mkdir()
    (plugin / "sneaky.py").symlink_to(outside)
    (plugin / "m.py").write_text("import sneaky\n")
    sandbox = Sandbox(plugin, "p")

    with pytest.raises(Exception, match="sneaky"):
        sandbox.import_module("m")

    assert not sandbox.has_module("sneaky")


def test_a_late_future_import_is_a_compile_error():
    """from __future__ below other code is reported like any problem."""
    from acc_plugins.errors import CompileError
    from acc_plugins.sandbox import compile_plugin_source

    with pytest.raises(CompileError, match=r"m\.py:2: from __future__"):
        compile_plugin_source(
            "x = 1\nfrom __future__ import annotations\n", "m.py"
        )


def test_a_symlinked_folder_out_of_the_plugin_holds_no_modules(tmp_path):
    """A link anywhere on the way out is refused, not only the last one."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "__init__.py").write_text("")
    (outside / "secret.py").write_text("secret = 1\n")
    plugin = tmp_path / "plugin"
    plugin.mkdir()
    (plugin / "pkg").symlink_to(outside, target_is_directory=True)
    sandbox = Sandbox(plugin, "p")

    assert not sandbox.has_module("pkg")
    assert not sandbox.has_module("pkg.secret")


def test_a_symlink_that_stays_inside_the_plugin_is_a_module(tmp_path):
    """Links within the folder resolve as the files they point at."""
    plugin = tmp_path / "plugin"
    (plugin / "real").mkdir(parents=True)
    (plugin / "real" / "values.py").write_text("answer = 42\n")
    (plugin / "alias").symlink_to(plugin / "real", target_is_directory=True)
    (plugin / "short.py").symlink_to(plugin / "real" / "values.py")
    sandbox = Sandbox(plugin, "p")

    assert sandbox.import_module("alias.values").answer == 42
    assert sandbox.import_module("short").answer == 42
    assert not sandbox.has_module("alias.missing")
    assert not sandbox.has_module("short.values")


@pytest.mark.parametrize(
    "source",
    ["x = " + "-" * 100_000 + "1\n", "x = " + "not " * 100_000 + "1\n"],
)
def test_nesting_too_deep_for_the_parser_is_a_compile_error(source):
    """CPython's MemoryError or RecursionError becomes one clear problem."""
    with pytest.raises(CompileError, match="nested too deeply"):
        compile_plugin_source(source, "deep.py")

"""
Plugin code cannot swallow the sandbox's refusals.
"""

import pytest

from acc_plugins.errors import CompileError, SandboxViolation


CATCH_BASE = """
try:
    setattr(len, "x", 1)
except BaseException:
    escaped = True
"""
CATCH_BARE = """
try:
    setattr(len, "x", 1)
except:
    escaped = True
"""
CATCH_NAMED = """
try:
    setattr(len, "x", 1)
except Exception as exc:
    escaped = exc
"""
SUPPRESS = """
import contextlib
with contextlib.suppress(BaseException):
    setattr(len, "x", 1)
escaped = True
"""
OWN_CONTEXT_MANAGER = """
class Swallow:
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        return True
with Swallow():
    setattr(len, "x", 1)
escaped = True
"""
RETURN_IN_FINALLY = """
def f():
    try:
        setattr(len, "x", 1)
    finally:
        return 1
"""
BREAK_IN_FINALLY = """
for i in range(3):
    try:
        setattr(len, "x", 1)
    finally:
        break
"""
TRY_STAR = """
try:
    pass
except* ValueError:
    pass
"""


@pytest.mark.parametrize(
    "source",
    [CATCH_BASE, CATCH_BARE, CATCH_NAMED, SUPPRESS, OWN_CONTEXT_MANAGER],
)
def test_refusals_pass_through_handlers(sandboxed, source):
    """except clauses and __exit__ re-raise sandbox refusals."""
    with pytest.raises(SandboxViolation, match="modifying"):
        sandboxed(source)


@pytest.mark.parametrize(
    ("source", "word"),
    [(RETURN_IN_FINALLY, "return"), (BREAK_IN_FINALLY, "break")],
)
def test_jumps_out_of_finally_are_refused(sandboxed, source, word):
    """return/break in finally would discard the exception in flight."""
    with pytest.raises(CompileError, match=f"'{word}' inside 'finally'"):
        sandboxed(source)


def test_except_star_is_refused(sandboxed):
    """try/except* is refused (a known RestrictedPython escape vector)."""
    with pytest.raises(CompileError, match="TryStar"):
        sandboxed(TRY_STAR)


def test_ordinary_exception_handling_still_works(sandboxed):
    """Plugins handle their own exceptions normally."""
    sandbox = sandboxed(
        """
        import json
        out = []
        try:
            json.loads("{")
        except ValueError as exc:
            out.append(type(exc).__name__)
        else:
            out.append("no error")
        finally:
            out.append("finally")
        for i in range(3):
            try:
                if i == 1:
                    continue
                out.append(i)
            finally:
                out.append("f")
        class Quiet:
            def __enter__(self):
                return self
            def __exit__(self, kind, value, tb):
                return kind is KeyError
        with Quiet():
            {}["missing"]
        out.append("after")
        """
    )

    assert sandbox.import_module("m").out == [
        "JSONDecodeError",
        "finally",
        0,
        "f",
        "f",
        2,
        "f",
        "after",
    ]

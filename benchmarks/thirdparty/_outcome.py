"""
Running one piece of third-party code both ways: imported as plain Python
from its folder, and imported as plugin code in a Sandbox; interleaved.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from _interleave import Ratio, interleave, timed

from acc_plugins.errors import CompileError
from acc_plugins.sandbox import Sandbox


if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path


# Generous: the reduced programs take well under a second plain, and a
# refusal should be a refusal, not the budget running out.
TIMEOUT = 60.0
MEMORY_MB = 1024


@dataclass(frozen=True)
class Outcome:
    """
    What happened to one program or module.

    Attributes:
        name: The program's or module's name.

        ratio: Sandboxed against plain, if it ran both ways.

        error: The first error, if it did not.

        fetched: False if it could not even be downloaded and set up.
    """

    name: str
    ratio: Ratio | None = None
    error: str | None = None
    fetched: bool = True


def describe(error: BaseException, folder: Path | None = None) -> str:
    """
    The first error, as one line: a compile error's first message (and
    how many more it has), or the exception's type and text; paths shown
    relative to *folder*.
    """
    if isinstance(error, CompileError) and error.problems:
        more = len(error.problems) - 1
        text = f"CompileError: {error.problems[0]}"
        text += f" (+{more} more)" if more else ""
    else:
        lines = str(error).strip().splitlines()
        text = f"{type(error).__name__}: {lines[0] if lines else ''}"
    if folder is not None:
        text = text.replace(f"{folder.resolve()}{os.sep}", "")
    return text.rstrip(": ")


def _own_names(folder: Path) -> set[str]:
    return {
        path.stem if path.suffix == ".py" else path.name
        for path in folder.iterdir()
        if path.suffix == ".py" or (path / "__init__.py").is_file()
    }


@contextlib.contextmanager
def plain_import_path(folder: Path) -> Iterator[None]:
    """
    Let ``import`` find *folder*'s modules first, as if it were the
    current directory of a script, and forget them afterwards.
    """
    own = _own_names(folder)

    def is_own(name: str) -> bool:
        return name.partition(".")[0] in own

    saved = {
        name: sys.modules.pop(name)
        for name in list(sys.modules)
        if is_own(name)
    }
    sys.path.insert(0, str(folder))
    importlib.invalidate_caches()
    try:
        yield
    finally:
        sys.path.remove(str(folder))
        for name in [name for name in sys.modules if is_own(name)]:
            del sys.modules[name]
        sys.modules.update(saved)


def compare_folder(
    name: str, folder: Path, module: str, entry: str, *, rounds: int
) -> Outcome:
    """
    Import *module* from *folder* both ways and call its *entry* function,
    interleaved; the first error either way is the outcome.
    """
    with plain_import_path(folder):
        try:
            plain: Callable[[], object] = getattr(
                importlib.import_module(module), entry
            )
            expected = plain()
        except (Exception, SystemExit) as exc:  # noqa: BLE001 -- reported, not raised
            return Outcome(
                name, error=f"plain Python: {describe(exc, folder)}"
            )
        sandbox = Sandbox(
            folder, f"bench-{name}", timeout=TIMEOUT, memory_mb=MEMORY_MB
        )
        try:
            return _against_sandbox(
                name, sandbox, module, entry, plain, expected, rounds
            )
        finally:
            sandbox.close()


def _against_sandbox(  # noqa: PLR0917 -- one comparison's parts
    name: str,
    sandbox: Sandbox,
    module: str,
    entry: str,
    plain: Callable[[], object],
    expected: object,
    rounds: int,
) -> Outcome:
    try:
        function: Callable[[], object] = getattr(
            sandbox.import_module(module), entry
        )
        actual = sandbox.run(function)
    except (Exception, SystemExit) as exc:  # noqa: BLE001 -- the refusal is the result
        return Outcome(name, error=describe(exc, sandbox.root))
    if actual != expected:
        shown = f"{actual!r:.80} instead of {expected!r:.80}"
        return Outcome(name, error=f"different result: {shown}")
    try:
        ratio = interleave(
            timed(plain, 1),
            timed(lambda: sandbox.run(function), 1),
            rounds=rounds,
        )
    except (Exception, SystemExit) as exc:  # noqa: BLE001 -- as above
        error = describe(exc, sandbox.root)
        return Outcome(name, error=f"failed on a later run: {error}")
    return Outcome(name, ratio=ratio)

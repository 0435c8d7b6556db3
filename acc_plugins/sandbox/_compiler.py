"""
Restricted compilation of plugin source, with an on-disk bytecode cache.

Cached bytecode skips the restricting compiler when it loads, so the cache
is part of the trusted base: an entry is used only if its header repeats the
key it was stored under and the hash of its payload.  Anything else is
recompiled, never run.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import re
import sys
import tempfile
import types
from importlib.metadata import version as _dist_version
from pathlib import Path
from typing import TYPE_CHECKING, Final

import attrs

from acc_plugins._syntax import compile_tree, parse_module
from acc_plugins.errors import CompileError

from ._cacheprune import CacheIndex, owner_id
from ._policy import POLICY_VERSION
from ._transformer import PluginTransformer


if TYPE_CHECKING:
    import ast


_MAGIC: Final = b"ACCP1\n"
_LINE: Final = re.compile(r"^Line (\d+|None): ?(.*)$", re.DOTALL)


def _compiler_fingerprint() -> str:
    parts = (sys.version, _dist_version("RestrictedPython"), POLICY_VERSION)
    return "|".join(parts)


_FINGERPRINT: Final = _compiler_fingerprint()


def _line_of(message: str) -> int:
    match = _LINE.match(message)
    line = match.group(1) if match else "None"
    return 0 if line == "None" else int(line)


def _problem(path: str, message: str) -> str:
    match = _LINE.match(message)
    if match is None:
        return f"{path}: {message}"
    line, text = match.groups()
    text = text.removeprefix("SyntaxError: ").replace(" at statement: ", ": ")
    return f"{path}:{line}: {text}" if line != "None" else f"{path}: {text}"


def _too_deep(filename: str) -> str:
    return f"{filename}: nested too deeply to compile (split the expression)"


def compile_plugin_source(
    source: str,
    filename: str,
    *,
    count_steps: bool = False,
    tree: ast.Module | None = None,
) -> types.CodeType:
    """
    Compile one plugin module with the sandbox policy.

    Args:
        source: The module's text.

        filename: Where it came from; it appears in tracebacks and errors.

        count_steps: Compile budget checks that count steps, for a sandbox
            whose budget has ``max_steps``.

        tree: *source* already parsed, if it was; it is changed in place.

    Returns:
        The code object, ready for the sandbox to execute.

    Raises:
        CompileError: With every problem, each ``"file:line: reason"``.
    """
    if tree is None:
        try:
            tree = parse_module(source, filename)
        except SyntaxError as exc:
            where = f"{filename}:{exc.lineno}" if exc.lineno else filename
            raise CompileError(filename, [f"{where}: {exc.msg}"]) from None
        except (MemoryError, RecursionError):
            # CPython's parser gives up on deep nesting (a hundred thousand
            # unary minus signs) with these rather than a SyntaxError.
            raise CompileError(filename, [_too_deep(filename)]) from None
    errors: list[str] = []
    transformer = PluginTransformer(
        errors, count_steps=count_steps, source=source
    )
    try:
        transformer.visit(tree)
    except RecursionError:
        raise CompileError(filename, [_too_deep(filename)]) from None
    if errors:
        # Outer nodes are visited before inner ones; report in line order.
        ordered = sorted(errors, key=_line_of)
        raise CompileError(filename, [_problem(filename, e) for e in ordered])
    # RestrictedPython's own compile() call inherits its module's
    # ``from __future__ import annotations``; plugin code gets exactly the
    # future features it asks for, and nothing from us.
    try:
        return compile_tree(tree, filename)
    except (MemoryError, RecursionError):
        raise CompileError(filename, [_too_deep(filename)]) from None
    except SyntaxError as exc:
        # What only the code generator checks (a ``from __future__``
        # import below other statements) is a problem of the source too.
        where = f"{filename}:{exc.lineno}" if exc.lineno else filename
        raise CompileError(filename, [f"{where}: {exc.msg}"]) from None


@attrs.define
class BytecodeCache:
    """
    Compiled plugin modules on disk, keyed by everything that shapes them.

    Attributes:
        directory: Where entries live; created on first write.

        hits: Entries loaded from disk in this process.

        misses: Modules compiled in this process.

        per_file: Entries kept per module (and scans per plugin): the
            current one and a few before it.

        max_entries: Entries kept in all; the least recently used go.
    """

    directory: Path
    hits: int = 0
    misses: int = 0
    per_file: int = 4
    max_entries: int = 20_000
    _index: CacheIndex = attrs.field(
        default=attrs.Factory(
            lambda self: CacheIndex(
                self.directory, self.per_file, self.max_entries
            ),
            takes_self=True,
        ),
        init=False,
        repr=False,
    )
    # Trees parsed for the scanner, by source text, until compiled.
    _parsed: dict[str, ast.Module] = attrs.field(
        factory=dict, init=False, repr=False
    )

    def parse(self, source: str, filename: str) -> ast.Module:
        """
        ``ast.parse``, keeping the tree for the compile of the same source
        that follows (the scanner reads a module before the sandbox
        imports it): each module is parsed once.  The caller must not
        change the tree.
        """
        tree = parse_module(source, filename)
        self._parsed[source] = tree
        return tree

    def forget_parsed(self) -> None:
        """
        Drop the trees ``parse`` kept that no compile took.
        """
        self._parsed.clear()

    @staticmethod
    def key(source: bytes, filename: str, *, count_steps: bool = False) -> str:
        """
        The entry key of *source* compiled as *filename*, with or without
        counting steps.
        """
        digest = hashlib.sha256()
        shape = b"steps" if count_steps else b"time"
        for part in (_FINGERPRINT.encode(), shape, filename.encode(), source):
            digest.update(len(part).to_bytes(8, "big"))
            digest.update(part)
        return digest.hexdigest()

    @staticmethod
    def _name(key: str, suffix: str, owner: str) -> str:
        return f"{owner_id(owner)}-{key}.{suffix}"

    def load_entry(self, key: str, suffix: str, *, owner: str) -> bytes | None:
        """
        The payload stored under *key*, or None if absent or not
        trustworthy: its header must repeat the key and the hash of the
        payload.

        Args:
            key: 64 hex digits.

            suffix: The kind of entry: ``accc`` for code.

            owner: The file (or plugin folder) it belongs to: the entries
                of one owner are pruned together.
        """
        name = self._name(key, suffix, owner)
        try:
            blob = (self.directory / name).read_bytes()
        except OSError:
            return None
        header_len = len(_MAGIC) + 64 + 64
        if len(blob) < header_len or not blob.startswith(_MAGIC):
            return None
        stored_key = blob[len(_MAGIC) : len(_MAGIC) + 64].decode(
            "ascii", "replace"
        )
        stored_hash = blob[len(_MAGIC) + 64 : header_len].decode(
            "ascii", "replace"
        )
        payload = blob[header_len:]
        if (
            stored_key != key
            or hashlib.sha256(payload).hexdigest() != stored_hash
        ):
            return None
        self._index.used(name)
        return payload

    def store_entry(
        self, key: str, suffix: str, payload: bytes, *, owner: str
    ) -> None:
        """
        Write an entry atomically; a failure to write only costs speed.
        Older entries of the same *owner*, beyond ``per_file``, go.
        """
        name = self._name(key, suffix, owner)
        digest = hashlib.sha256(payload).hexdigest()
        blob = _MAGIC + key.encode() + digest.encode() + payload
        try:
            try:
                fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            except FileNotFoundError:
                # Made on the first write, not checked before every one.
                self.directory.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                handle.write(blob)
            Path(tmp).replace(self.directory / name)
        except OSError:
            return
        self._index.stored(name)

    def load(self, key: str, *, owner: str) -> types.CodeType | None:
        """
        The cached code for *key*, or None if absent or not trustworthy.
        """
        payload = self.load_entry(key, "accc", owner=owner)
        if payload is None:
            return None
        try:
            code = marshal.loads(payload)  # noqa: S302 -- integrity checked above
        except (EOFError, ValueError, TypeError):
            return None
        return code if isinstance(code, types.CodeType) else None

    def store(self, key: str, code: types.CodeType, *, owner: str) -> None:
        """
        Write an entry atomically; a failure to write only costs speed.
        """
        self.store_entry(key, "accc", marshal.dumps(code), owner=owner)

    def compile(
        self, source: str, filename: str, *, count_steps: bool = False
    ) -> types.CodeType:
        """
        Compile through the cache.

        Raises:
            CompileError: As ``compile_plugin_source`` does.
        """
        key = self.key(source.encode(), filename, count_steps=count_steps)
        code = self.load(key, owner=filename)
        if code is not None:
            self.hits += 1
            return code
        self.misses += 1
        code = compile_plugin_source(
            source,
            filename,
            count_steps=count_steps,
            tree=self._parsed.pop(source, None),
        )
        self.store(key, code, owner=filename)
        return code

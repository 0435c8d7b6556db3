"""
In-memory files for plugin code: ``io.StringIO``, ``io.BytesIO``, and the
``sys.stdout`` / ``sys.stderr`` that write to the plugin's log.

Writing past the end of a memory file fills the gap first:
``b.seek(10**12); b.write(b"x")`` would allocate a terabyte in one call
into C.  The sandbox's classes check the size a write would reach against
the memory budget.  They hold the real file rather than derive from it:
``super(io.BytesIO, b).write`` would otherwise reach the unchecked method.
The real file is kept in a table of the closure, not in an attribute, so
that a plugin's subclass (whose attributes it may read) cannot reach it
either; and no view of the buffer (``getbuffer``) is handed out.
"""

from __future__ import annotations

import io
import weakref
from typing import TYPE_CHECKING, Any, Final


if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from ._bombs import BombChecks


# Bytes a character of a StringIO takes at most (it stores UCS-4), and how
# far a newline translation may stretch text ("\n" -> "\r\n").
_CHAR_BYTES: Final = 4
_NEWLINE_STRETCH: Final = 2

# A partial line a stream holds before it is written out anyway.
_PENDING_LIMIT: Final = 1 << 16

# The methods of the real file each class passes on unchanged: reading,
# moving and shrinking never allocate beyond what the file holds.
_PASSED_ON: Final = (
    "close",
    "flush",
    "getvalue",
    "isatty",
    "read",
    "readable",
    "readline",
    "readlines",
    "seek",
    "seekable",
    "tell",
    "truncate",
    "writable",
)
_BYTES_PASSED_ON: Final = ("read1", "readinto")


def _passed_on(name: str, inner: Callable[[object], Any]) -> Any:
    def method(self: object, /, *args: Any, **kwargs: Any) -> Any:
        return getattr(inner(self), name)(*args, **kwargs)

    method.__name__ = method.__qualname__ = name
    return method


def make_io(bombs: BombChecks) -> dict[str, object]:
    """
    The replaced members of one sandbox's ``io`` module.
    """
    check_size = bombs.check_size
    fits = bombs.memory_bytes // (_CHAR_BYTES * _NEWLINE_STRETCH)
    files: dict[int, tuple[weakref.ref[Any], Any]] = {}

    def inner(self: object) -> Any:
        try:
            return files[id(self)][1]
        except KeyError:
            msg = "I/O operation on an uninitialized object"
            raise ValueError(msg) from None

    def attach(self: object, real: object) -> None:
        key = id(self)
        files[key] = (weakref.ref(self, lambda _: files.pop(key, None)), real)

    class _MemoryFile:
        __slots__ = ("__weakref__",)

        closed = property(lambda self: inner(self).closed)

        def __enter__(self) -> Any:
            inner(self).__enter__()
            return self

        def __exit__(self, *exc: object) -> None:
            inner(self).close()

        def __iter__(self) -> Iterator[Any]:
            return self

        def __next__(self) -> Any:
            return next(inner(self))

        def writelines(self, lines: Iterable[Any], /) -> None:
            for line in lines:
                self.write(line)

        def write(self, data: Any, /) -> int:
            raise NotImplementedError  # each class below defines it

        def fileno(self) -> int:
            msg = "fileno"
            raise io.UnsupportedOperation(msg)

    for name in _PASSED_ON:
        setattr(_MemoryFile, name, _passed_on(name, inner))

    class StringIO(_MemoryFile):
        """
        ``io.StringIO`` whose writes are sized against the memory budget.
        """

        __slots__ = ()

        def __init__(
            self, initial_value: str | None = "", newline: str | None = "\n"
        ) -> None:
            attach(self, io.StringIO(initial_value, newline))

        def write(self, s: str, /) -> int:
            entry = files.get(id(self))
            real = inner(self) if entry is None else entry[1]
            # The common case in one comparison: plain text that surely
            # fits (a character takes at most four bytes, doubled by a
            # newline translation).
            if type(s) is str and real.tell() + len(s) <= fits:
                return int(real.write(s))
            if isinstance(s, str):
                reach = real.tell() + _NEWLINE_STRETCH * str.__len__(s)
                check_size("an io.StringIO write", reach * _CHAR_BYTES)
            return int(real.write(s))

        newlines = property(lambda self: inner(self).newlines)
        line_buffering = property(lambda self: inner(self).line_buffering)

    class BytesIO(_MemoryFile):
        """
        ``io.BytesIO`` whose writes are sized against the memory budget,
        without ``getbuffer()``.
        """

        __slots__ = ()

        def __init__(self, initial_bytes: Any = b"") -> None:
            attach(self, io.BytesIO(initial_bytes))

        def write(self, b: Any, /) -> int:
            real = inner(self)
            with memoryview(b) as view:
                check_size("an io.BytesIO write", real.tell() + view.nbytes)
            return int(real.write(b))

        def getbuffer(self) -> memoryview:
            msg = (
                "BytesIO.getbuffer() is not available in the sandbox; use "
                "getvalue()"
            )
            raise io.UnsupportedOperation(msg)

    for name in _BYTES_PASSED_ON:
        setattr(BytesIO, name, _passed_on(name, inner))
    for cls in (_MemoryFile, StringIO, BytesIO):
        cls.__module__ = "io"
        cls.__qualname__ = cls.__name__
    return {"BytesIO": BytesIO, "StringIO": StringIO}


def make_streams(on_print: Callable[[str], None]) -> dict[str, object]:
    """
    ``sys.stdout`` and ``sys.stderr`` for one sandbox: text written to
    either goes to the plugin's log, a line at a time.
    """

    class PluginStream:
        """
        A text stream that writes to the plugin's log.
        """

        encoding = "utf-8"
        errors = "strict"

        def __init__(self, name: str) -> None:
            self.name = name
            self._pending: list[str] = []
            self._size = 0

        def __repr__(self) -> str:
            return f"<sandbox stream {self.name!r}>"

        def write(self, s: object, /) -> int:
            if not isinstance(s, str):
                msg = f"write() argument must be str, not {type(s).__name__}"
                raise TypeError(msg)
            text = str.__str__(s)
            self._pending.append(text)
            self._size += len(text)
            if "\n" in text or self._size > _PENDING_LIMIT:
                self.flush()
            return len(text)

        def writelines(self, lines: Iterable[str], /) -> None:
            for line in lines:
                self.write(line)

        def flush(self) -> None:
            if self._pending:
                text = "".join(self._pending)
                self._pending.clear()
                self._size = 0
                on_print(text)

        def isatty(self) -> bool:
            return False

        def writable(self) -> bool:
            return True

        def readable(self) -> bool:
            return False

    PluginStream.__module__ = "sys"
    PluginStream.__qualname__ = "PluginStream"
    return {
        "stderr": PluginStream("<stderr>"),
        "stdout": PluginStream("<stdout>"),
    }

"""
Records, handlers and formatters of the sandbox's ``logging``: what a
plugin's ``StreamHandler(stream)`` and its own ``Handler`` subclasses
receive.

A handler writes where the plugin points it (an ``io.StringIO``, its
``sys.stderr``, which is its log) or runs the plugin's own ``emit``; a
record carries the plugin's message and no process facts (no process or
thread ids, no file paths).  Formats are ``%``-style only: a ``{``-style
format would walk attributes of the record's values unguarded.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final


if TYPE_CHECKING:
    from collections.abc import Callable


_DEFAULT_FORMAT: Final = "%(message)s"
_DEFAULT_DATE: Final = "%Y-%m-%d %H:%M:%S"


def make_handlers(
    levels: Mapping[int, str],
    level_of: Callable[[object], int],
    on_print: Callable[[str], None],
    check_mod: Callable[[object, object], None],
    check_text: Callable[[object], None] = lambda _: None,
) -> dict[str, type]:
    """
    One sandbox's ``LogRecord``, ``Formatter``, ``Handler``,
    ``NullHandler`` and ``StreamHandler``.

    Args:
        levels: Level numbers and their names.

        level_of: Reads a level given as a number or a name.

        on_print: Where a ``StreamHandler`` without a stream writes: the
            plugin's log.

        check_mod: The size check of ``text % values``.

        check_text: The size check of ``str(message)``.
    """

    class LogRecord:
        """
        One logging event.
        """

        def __init__(
            self,
            name: str,
            level: int,
            msg: object,
            args: Any,
            exc_text: str | None = None,
        ) -> None:
            if len(args) == 1 and isinstance(args[0], Mapping) and args[0]:
                args = args[0]  # logging's own rule for %(name)s
            now = time.time()
            self.name = name
            self.msg = msg
            self.args = args
            self.levelno = level
            self.levelname = levels.get(level, f"Level {level}")
            self.created = now
            self.msecs = int(now * 1000) % 1000
            self.exc_info = None
            self.exc_text = exc_text
            self.stack_info = None
            self.module = self.filename = self.pathname = name
            self.funcName = None
            self.lineno = 0

        def getMessage(self) -> str:  # noqa: N802 -- logging's API
            check_text(self.msg)
            text = str(self.msg)
            if self.args:
                check_mod(text, self.args)
                text = text % self.args
            return text

    class Formatter:
        """
        Turns a record into text by a ``%``-style format.
        """

        def __init__(
            self,
            fmt: object = None,
            datefmt: object = None,
            style: str = "%",
            **_: object,
        ) -> None:
            if style != "%":
                msg = "the sandbox's logging takes %-style formats only"
                raise ValueError(msg)
            self._fmt = _DEFAULT_FORMAT if fmt is None else str(fmt)
            self.datefmt = datefmt

        def formatTime(self, record: Any, datefmt: object = None) -> str:  # noqa: N802 -- logging's API
            when = time.localtime(record.created)
            if datefmt is not None:
                return time.strftime(str(datefmt), when)
            return f"{time.strftime(_DEFAULT_DATE, when)},{record.msecs:03d}"

        def format(self, record: Any) -> str:
            record.message = record.getMessage()
            if "%(asctime)" in self._fmt:
                record.asctime = self.formatTime(record, self.datefmt)
            values = dict(vars(record))
            check_mod(self._fmt, values)
            text = self._fmt % values
            if record.exc_text:
                text = f"{text}\n{record.exc_text}"
            return text

    default_formatter = Formatter()

    class Handler:
        """
        Receives records: a plugin's subclass writes its ``emit``.
        """

        def __init__(self, level: object = logging.NOTSET) -> None:
            self.level = level_of(level)
            self.formatter: Any = None
            self.filters: list[Any] = []

        def setLevel(self, level: object) -> None:  # noqa: N802 -- logging's API
            self.level = level_of(level)

        def setFormatter(self, fmt: object) -> None:  # noqa: N802 -- logging's API
            self.formatter = fmt

        def addFilter(self, filter: object) -> None:  # noqa: A002, N802 -- logging's API
            self.filters.append(filter)

        def removeFilter(self, filter: object) -> None:  # noqa: A002, N802 -- logging's API
            if filter in self.filters:
                self.filters.remove(filter)

        def filter(self, record: Any) -> bool:
            for check in self.filters:
                test = getattr(check, "filter", check)
                if not test(record):
                    return False
            return True

        def format(self, record: Any) -> str:
            formatter = self.formatter or default_formatter
            return str(formatter.format(record))

        def handle(self, record: Any) -> bool:
            passed = self.filter(record)
            if passed:
                self.emit(record)
            return passed

        def emit(self, record: Any) -> None:
            msg = "emit must be implemented by Handler subclasses"
            raise NotImplementedError(msg)

        def flush(self) -> None:
            pass

        def close(self) -> None:
            pass

    class NullHandler(Handler):
        """
        The library idiom ``addHandler(logging.NullHandler())``.
        """

        def handle(self, record: Any) -> bool:  # noqa: ARG002 -- the API's signature
            return True

        def emit(self, record: Any) -> None:
            pass

    class StreamHandler(Handler):
        """
        Writes each record to a stream: one the plugin holds, or its log.
        """

        terminator = "\n"

        def __init__(self, stream: object = None) -> None:
            super().__init__()
            self.stream = stream

        def emit(self, record: Any) -> None:
            text = self.format(record) + self.terminator
            if self.stream is None:
                on_print(text)
            else:
                self.stream.write(text)  # type: ignore[attr-defined]

        def flush(self) -> None:
            flush = getattr(self.stream, "flush", None)
            if callable(flush):
                flush()

    return {
        "Formatter": Formatter,
        "Handler": Handler,
        "LogRecord": LogRecord,
        "NullHandler": NullHandler,
        "StreamHandler": StreamHandler,
    }

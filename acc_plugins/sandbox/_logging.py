"""
``import logging`` for plugin code: loggers of the plugin's own, whose
records go to the handlers the plugin adds (``_loghandlers``) or, without
one, where its ``print`` goes.

The real ``logging`` keeps one tree of loggers and handlers for the whole
process: a plugin's ``getLogger("")``, ``basicConfig()`` or ``disable()``
would reconfigure the host's and every other plugin's logging.  Each
sandbox gets its own small tree here instead, made of a ``Logger`` class
of its own (marked as the plugin's, so that ``logger.propagate = False``
works).  Its state lives in the closure, never in an attribute that could
lead plugin code back to the host.
"""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING, Any, Final

from ._loghandlers import make_handlers


if TYPE_CHECKING:
    from collections.abc import Callable

    from ._bombs import BombChecks


# The level names, as the real logging has them.
LEVELS: Final[dict[int, str]] = {
    logging.CRITICAL: "CRITICAL",
    logging.ERROR: "ERROR",
    logging.WARNING: "WARNING",
    logging.INFO: "INFO",
    logging.DEBUG: "DEBUG",
    logging.NOTSET: "NOTSET",
}
_BY_NAME: Final = {name: level for level, name in LEVELS.items()}

# How many loggers one plugin may create: names are its choice.
MAX_LOGGERS: Final = 1000


def _level_of(level: object) -> int:
    if type(level) is int:
        return level
    if type(level) is str and level in _BY_NAME:
        return _BY_NAME[level]
    msg = f"Unknown level: {level!r}"
    raise ValueError(msg) if type(level) is str else TypeError(msg)


def _exception_text() -> str:
    kind, value, _ = sys.exc_info()
    if kind is None:
        return "NoneType: None"
    # Only the class name and the text: a traceback would print frames.
    return f"{type.__dict__['__name__'].__get__(kind)}: {value}"


def make_logging(  # noqa: PLR0915 -- one closure holds the module's state
    on_print: Callable[[str], None],
    bombs: BombChecks,
    mark_class: Callable[[type], None],
) -> dict[str, object]:
    """
    The members of one sandbox's ``logging`` module.

    Args:
        on_print: Where the plugin's records go, one line each.

        bombs: The sandbox's size checks (``msg % args``).

        mark_class: Declares a class as the plugin's own.
    """
    check_mod = bombs.formats.check_mod
    loggers: dict[str, Any] = {}
    disabled_up_to = [logging.NOTSET - 1]

    handlers = make_handlers(
        LEVELS, _level_of, on_print, check_mod, bombs.render.check
    )
    LogRecord = handlers["LogRecord"]  # noqa: N806 -- a class

    def handled(logger: Any, record: Any) -> bool:
        """
        Pass *record* to the handlers of *logger* and its parents, as far
        as they propagate; False if there were none.
        """
        found = False
        for _ in range(MAX_LOGGERS + 1):  # parents may be made a cycle
            if logger is None:
                break
            for handler in list(logger.handlers):
                found = True
                if record.levelno >= getattr(handler, "level", 0):
                    handler.handle(record)
            if not logger.propagate:
                break
            logger = logger.parent
        return found

    class Logger:
        """
        A logger of the plugin's: records go to the plugin's log.
        """

        def __init__(self, name: str, level: int = logging.NOTSET) -> None:
            self.name = name
            self.level = _level_of(level)
            self.parent: Any = None
            self.propagate = True
            self.disabled = False
            self.handlers: list[object] = []
            self.filters: list[object] = []

        def __repr__(self) -> str:
            level = LEVELS.get(self.getEffectiveLevel(), "?")
            return f"<Logger {self.name} ({level})>"

        def setLevel(self, level: object) -> None:  # noqa: N802 -- logging's API
            self.level = _level_of(level)

        def getEffectiveLevel(self) -> int:  # noqa: N802 -- logging's API
            # Bounded: plugin code may make the parents a cycle.
            logger: Any = self
            for _ in range(MAX_LOGGERS + 1):
                if logger is None:
                    break
                if logger.level:
                    return int(logger.level)
                logger = logger.parent
            return logging.NOTSET

        def isEnabledFor(self, level: int) -> bool:  # noqa: N802 -- logging's API
            if self.disabled or level <= disabled_up_to[0]:
                return False
            return level >= self.getEffectiveLevel()

        def getChild(self, suffix: str) -> Any:  # noqa: N802 -- logging's API
            name = suffix if self.name == "root" else f"{self.name}.{suffix}"
            return getLogger(name)

        def addHandler(self, handler: object) -> None:  # noqa: N802 -- logging's API
            if handler not in self.handlers:
                self.handlers.append(handler)

        def removeHandler(self, handler: object) -> None:  # noqa: N802 -- logging's API
            if handler in self.handlers:
                self.handlers.remove(handler)

        def hasHandlers(self) -> bool:  # noqa: N802 -- logging's API
            # Records without a handler go to the plugin's log.
            return True

        def addFilter(self, filter: object) -> None:  # noqa: A002, N802 -- logging's API
            self.filters.append(filter)

        def removeFilter(self, filter: object) -> None:  # noqa: A002, N802 -- logging's API
            if filter in self.filters:
                self.filters.remove(filter)

        def log(
            self, level: int, msg: object, *args: Any, **kwargs: Any
        ) -> None:
            if type(level) is not int:
                msg_ = "level must be an integer"
                raise TypeError(msg_)
            if not self.isEnabledFor(level):
                return
            exc_text = _exception_text() if kwargs.get("exc_info") else None
            record = LogRecord(self.name, level, msg, args, exc_text)
            if not handled(self, record):
                # No handler anywhere: the plugin's log, as the real
                # logging's last resort writes to stderr.
                line = f"{record.levelname}:{self.name}:{record.getMessage()}"
                on_print(line + "\n")
                if exc_text is not None:
                    on_print(exc_text + "\n")

        def debug(self, msg: object, *args: Any, **kwargs: Any) -> None:
            self.log(logging.DEBUG, msg, *args, **kwargs)

        def info(self, msg: object, *args: Any, **kwargs: Any) -> None:
            self.log(logging.INFO, msg, *args, **kwargs)

        def warning(self, msg: object, *args: Any, **kwargs: Any) -> None:
            self.log(logging.WARNING, msg, *args, **kwargs)

        warn = warning

        def error(self, msg: object, *args: Any, **kwargs: Any) -> None:
            self.log(logging.ERROR, msg, *args, **kwargs)

        def exception(
            self, msg: object, *args: Any, exc_info: bool = True, **kw: Any
        ) -> None:
            self.log(logging.ERROR, msg, *args, exc_info=exc_info, **kw)

        def critical(self, msg: object, *args: Any, **kwargs: Any) -> None:
            self.log(logging.CRITICAL, msg, *args, **kwargs)

        fatal = critical

    Logger.__module__ = "logging"
    Logger.__qualname__ = "Logger"
    mark_class(Logger)
    root = Logger("root", logging.WARNING)
    loggers["root"] = root

    def getLogger(name: str | None = None) -> Any:  # noqa: N802 -- logging's API
        if name is None or name in {"", "root"}:
            return root
        if type(name) is not str:
            msg = "A logger name must be a string"
            raise TypeError(msg)
        existing = loggers.get(name)
        if existing is not None:
            return existing
        if len(loggers) >= MAX_LOGGERS:
            bombs.refuse(f"more than {MAX_LOGGERS:,} loggers")
        logger = Logger(name)
        parent_name = name.rpartition(".")[0]
        logger.parent = getLogger(parent_name) if parent_name else root
        loggers[name] = logger
        return logger

    Handler = handlers["Handler"]  # noqa: N806 -- a class
    NullHandler = handlers["NullHandler"]  # noqa: N806 -- a class
    StreamHandler = handlers["StreamHandler"]  # noqa: N806 -- a class
    Formatter = handlers["Formatter"]  # noqa: N806 -- a class

    for cls in (Handler, NullHandler, StreamHandler, Formatter, LogRecord):
        cls.__module__ = "logging"
        cls.__qualname__ = cls.__name__
        mark_class(cls)

    def basicConfig(**kwargs: Any) -> None:  # noqa: N802 -- logging's API
        # Only the level means anything here: output always goes to the
        # plugin's log.
        if "level" in kwargs:
            root.setLevel(kwargs["level"])

    def disable(level: int = logging.CRITICAL) -> None:
        disabled_up_to[0] = _level_of(level)

    def getLevelName(level: object) -> object:  # noqa: N802 -- logging's API
        if type(level) is int:
            return LEVELS.get(level, f"Level {level}")
        if type(level) is str:
            return _BY_NAME.get(level, f"Level {level}")
        return f"Level {level}"

    def module_level(name: str) -> Callable[..., None]:
        def log(msg: object, *args: Any, **kwargs: Any) -> None:
            getattr(root, name)(msg, *args, **kwargs)

        log.__name__ = log.__qualname__ = name
        return log

    def log(level: int, msg: object, *args: Any, **kwargs: Any) -> None:
        root.log(level, msg, *args, **kwargs)

    members: dict[str, object] = {
        name: level for level, name in LEVELS.items()
    }
    members.update(
        {
            "FATAL": logging.FATAL,
            "WARN": logging.WARNING,
            "Formatter": Formatter,
            "Handler": Handler,
            "LogRecord": LogRecord,
            "Logger": Logger,
            "NullHandler": NullHandler,
            "StreamHandler": StreamHandler,
            "basicConfig": basicConfig,
            "disable": disable,
            "getLevelName": getLevelName,
            "getLogger": getLogger,
            "log": log,
        }
    )
    for name in ("critical", "debug", "error", "exception", "info", "warning"):
        members[name] = module_level(name)
    return members

"""
``import warnings`` for plugin code: warnings go to the plugin's log, and
filters are the plugin's own.

The real module keeps its filters and its "already shown" registries for
the whole process (``warnings.filters``, each module's
``__warningregistry__``): a plugin's ``simplefilter("error")`` would turn
the host's own warnings into exceptions.  Each sandbox keeps its own
filter list here.  A filter's ``message`` and ``module`` are matched as
case-insensitive prefixes of plain text, not as regular expressions: the
real engine would run a plugin's pattern outside any budget.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final


if TYPE_CHECKING:
    from collections.abc import Callable

    from ._bombs import BombChecks

_ACTIONS: Final = frozenset(
    {"always", "default", "error", "ignore", "module", "once"}
)

# How many filters and how many distinct shown warnings a plugin's state
# may hold.
MAX_FILTERS: Final = 1000
MAX_SEEN: Final = 10_000

_Filter = tuple[str, str, type, str, int]


def _check_filter(
    action: object, message: object, category: object, module: object
) -> None:
    if action not in _ACTIONS:
        msg = f"invalid action: {action!r}"
        raise ValueError(msg)
    if type(message) is not str or type(module) is not str:
        msg = "message and module must be str"
        raise TypeError(msg)
    if not (isinstance(category, type) and issubclass(category, Warning)):
        msg = "category must be a Warning subclass"
        raise TypeError(msg)


def make_warnings(  # noqa: PLR0915 -- one closure holds the module's state
    on_print: Callable[[str], None],
    bombs: BombChecks,
    locate: Callable[[], tuple[str | None, int | None]],
    mark_class: Callable[[type], None],
) -> dict[str, object]:
    """
    The members of one sandbox's ``warnings`` module.

    Args:
        on_print: Where shown warnings go.

        bombs: The sandbox's refusals.

        locate: The innermost line of plugin code, for the report.

        mark_class: Declares a class as the plugin's own.
    """
    filters: list[_Filter] = []
    seen: set[tuple[object, ...]] = set()

    def add(entry: _Filter, *, append: bool) -> None:
        if entry in filters:
            filters.remove(entry)
        if len(filters) >= MAX_FILTERS:
            bombs.refuse(f"more than {MAX_FILTERS:,} warning filters")
        if append:
            filters.append(entry)
        else:
            filters.insert(0, entry)

    def filterwarnings(  # noqa: PLR0917 -- warnings' own signature
        action: str,
        message: str = "",
        category: type = Warning,
        module: str = "",
        lineno: int = 0,
        append: bool = False,
    ) -> None:
        _check_filter(action, message, category, module)
        if type(lineno) is not int or lineno < 0:
            msg = "lineno must be an int >= 0"
            raise ValueError(msg)
        entry = (action, message.lower(), category, module.lower(), lineno)
        add(entry, append=bool(append))

    def simplefilter(
        action: str,
        category: type = Warning,
        lineno: int = 0,
        append: bool = False,
    ) -> None:
        filterwarnings(action, "", category, "", lineno, append)

    def resetwarnings() -> None:
        filters.clear()

    def action_for(text: str, category: type, lineno: int | None) -> str:
        lowered = text.lower()
        for action, message, kind, _module, line in filters:
            if (
                lowered.startswith(message)
                and issubclass(category, kind)
                and (not line or line == lineno)
            ):
                return action
        return "default"

    def warn(
        message: object,
        category: Any = None,
        stacklevel: int = 1,
        source: object = None,
    ) -> None:
        del stacklevel, source
        if isinstance(message, Warning):
            category = type(message)
        if category is None:
            category = UserWarning
        if not (isinstance(category, type) and issubclass(category, Warning)):
            msg = f"category must be a Warning subclass, not {category!r}"
            raise TypeError(msg)
        text = str(message)
        filename, lineno = locate()
        action = action_for(text, category, lineno)
        if action == "ignore":
            return
        if action == "error":
            if isinstance(message, Warning):
                raise message
            raise category(text)
        if action != "always":
            key: tuple[object, ...] = (text, category)
            if action == "default":
                key = (*key, filename, lineno)
            if key in seen:
                return
            if len(seen) < MAX_SEEN:
                seen.add(key)
        if recording:
            recording[-1].append(
                WarningMessage(text, category, filename, lineno)
            )
            return
        where = f"{filename}:{lineno}: " if filename else ""
        name = type.__dict__["__name__"].__get__(category)
        on_print(f"{where}{name}: {text}\n")

    recording: list[list[Any]] = []

    class WarningMessage:
        """
        A warning caught by ``catch_warnings(record=True)``.
        """

        def __init__(
            self,
            message: str,
            category: type,
            filename: str | None,
            lineno: int | None,
        ) -> None:
            self.message = category(message)
            self.category = category
            self.filename = filename
            self.lineno = lineno

        def __repr__(self) -> str:
            return f"{{message : {self.message!r}, category : {self.category.__name__!r}}}"

    class catch_warnings:  # noqa: N801 -- warnings' own name
        """
        Saves the plugin's filters on entry and restores them on exit.
        """

        def __init__(self, *, record: bool = False) -> None:
            self.record = record

        def __enter__(self) -> list[Any] | None:
            self.saved = list(filters)
            if self.record:
                caught: list[Any] = []
                recording.append(caught)
                return caught
            return None

        def __exit__(self, *exc: object) -> None:
            filters[:] = self.saved
            if self.record and recording:
                recording.pop()

    for cls in (WarningMessage, catch_warnings):
        cls.__module__ = "warnings"
        cls.__qualname__ = cls.__name__
        mark_class(cls)
    return {
        "catch_warnings": catch_warnings,
        "filterwarnings": filterwarnings,
        "resetwarnings": resetwarnings,
        "simplefilter": simplefilter,
        "warn": warn,
    }

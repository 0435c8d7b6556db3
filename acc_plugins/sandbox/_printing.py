"""
``print`` in plugin code: to the plugin's log, or to a file object the
plugin holds.

Kept apart from ``Guards`` as the one built-in that writes somewhere; its
values' texts are size-checked before they are joined.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any


if TYPE_CHECKING:
    from collections.abc import Callable


class Printer:
    """
    The sandbox's ``print``.

    Args:
        check: Refuses a value whose text would exceed the memory budget.

        on_print: Receives each line plugin code prints.

        get_attribute: The guarded ``getattr``, to reach a file's methods.
    """

    def __init__(
        self,
        check: Callable[[object, str], object],
        on_print: Callable[[str], None],
        get_attribute: Callable[..., object],
    ) -> None:
        self._check = check
        self._on_print = on_print
        self._get_attribute = get_attribute

    def print_(
        self,
        *values: object,
        sep: object = " ",
        end: object = "\n",
        file: Any = None,
        flush: bool = False,
    ) -> None:
        """
        ``print``: to the plugin's log, or to a *file* the plugin holds (an
        ``io.StringIO``, or any object with a ``write`` method).
        """
        for label, part in (("sep", sep), ("end", end)):
            if part is not None and not isinstance(part, str):
                msg = f"{label} must be None or a string, not {type(part).__name__}"
                raise TypeError(msg)
        for value in values:
            self._check(value, "a print()")
        text = (" " if sep is None else str(sep)).join(map(str, values))
        text += "\n" if end is None else str(end)
        if file is None:
            self._on_print(text)
            return
        # The file is the plugin's own object or a library one it was
        # handed: its ``write`` is read through the guard like any other.
        write = self._get_attribute(file, "write")
        write(text)  # type: ignore[operator]
        if flush:
            flushing = self._get_attribute(file, "flush", None)
            if callable(flushing):
                flushing()

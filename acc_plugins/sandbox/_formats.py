"""
Formatting and padding that could build a huge string in one call into C.

A width or precision is a size: ``"%10000000000d" % 1``,
``f"{x:>{10**10}}"``, ``format(1.0, ".10000000000f")`` and
``"x".ljust(10**10)`` each allocate ten gigabytes before any budget check
can run.  These checks read the widths first and refuse what would pass
the memory budget.  Only ``%`` on text, format specs and the padding
methods pay for them: ``%`` between numbers takes a fast path.
"""

from __future__ import annotations

import re
import types
from typing import TYPE_CHECKING, Any, Final


if TYPE_CHECKING:
    from collections.abc import Callable

    from ._bombs import BombChecks

# Every run of digits in a format spec: the fill character, the width and
# the precision are the only places a spec holds digits, and the largest
# bounds the result.
_DIGITS: Final = re.compile(r"\d+")

# The width and precision of each %-conversion: digits, or ``*`` taken
# from the arguments.
_PRINTF: Final = re.compile(
    r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?[a-zA-Z%]"
)

# Methods whose first argument is the length (or tab size) of the result.
PADDING_METHODS: Final = frozenset(
    {"center", "expandtabs", "ljust", "rjust", "zfill"}
)

_TEXT: Final = (str, bytes, bytearray)
_CONVERSIONS: Final[dict[str, Callable[[object], str]]] = {
    "r": repr,
    "s": str,
    "a": ascii,
}


def _largest(numbers: list[str]) -> int:
    return max((int(n) for n in numbers if n), default=0)


class FormatChecks:
    """
    The formatting checks of one sandbox.

    Args:
        bombs: The sandbox's size checks (its memory budget and refusal).
    """

    def __init__(self, bombs: BombChecks) -> None:
        self._bombs = bombs

    def check_spec(self, spec: object) -> None:
        """
        Refuse a format spec whose width or precision passes the budget.
        """
        if isinstance(spec, str) and spec:
            size = _largest(_DIGITS.findall(spec))
            self._bombs.check_size("a formatted field", size)

    def format_(self, value: object, spec: str = "", /) -> str:
        """
        The guarded ``format()`` builtin.
        """
        self.check_spec(spec)
        return format(value, spec)

    def formatted(self, value: object, spec: str, conversion: str) -> str:
        """
        One field of an f-string with a format spec: ``{value!c:spec}``.
        """
        if conversion:
            value = _CONVERSIONS[conversion](value)
        self.check_spec(spec)
        return format(value, spec)

    def make_mod(self) -> Callable[[Any, Any], Any]:
        """
        The guarded ``%``: numbers take a fast path, text is checked.
        """
        check = self._check_printf

        def mod(a: Any, b: Any) -> Any:
            kind = type(a)
            if kind is int or kind is float:
                return a % b
            if isinstance(a, _TEXT):
                check(a, b)
            return a % b

        return mod

    def check_mod(self, a: object, b: object) -> None:
        """
        Refuse ``a % b`` if it is %-formatting wider than the budget.
        """
        if isinstance(a, _TEXT):
            self._check_printf(a, b)

    def _check_printf(
        self, template: str | bytes | bytearray, args: Any
    ) -> None:
        text = (
            template
            if isinstance(template, str)
            else bytes(template).decode("latin-1")
        )
        size = 0
        starred = False
        for width, precision in _PRINTF.findall(text):
            starred = starred or "*" in (width, precision)
            size = max(
                size, _largest([width.strip("*"), precision.strip("*")])
            )
        if starred:
            # A ``*`` takes its width from the arguments: any of them could
            # be it.
            values = args if isinstance(args, tuple) else (args,)
            size = max(
                [size, *(v for v in values if type(v) is int and v > 0)]
            )
        self._bombs.check_size("a %-format", size)

    def padding(self, method: object, name: str) -> object:
        """
        *method* (``str.ljust``, ``b"x".center``, ...) with its length
        checked, or *method* itself if it is not a padding method of text.
        """
        owner = getattr(method, "__self__", None)
        if isinstance(method, types.BuiltinMethodType) and isinstance(
            owner, _TEXT
        ):
            bound: Any = method

            def padded(*args: Any, **kw: Any) -> Any:
                self._check_padding(name, owner, args, kw)
                return bound(*args, **kw)

            return padded
        if isinstance(method, types.MethodDescriptorType) and (
            getattr(method, "__objclass__", None) in _TEXT
        ):
            unbound: Any = method

            def padded_text(text: Any, /, *args: Any, **kw: Any) -> Any:
                self._check_padding(name, text, args, kw)
                return unbound(text, *args, **kw)

            return padded_text
        return method

    def _check_padding(
        self, name: str, text: object, args: tuple[Any, ...], kw: Any
    ) -> None:
        width = args[0] if args else kw.get("width", kw.get("tabsize"))
        if type(width) is not int or not isinstance(text, _TEXT):
            return  # the method itself raises TypeError
        # expandtabs: every character could be a tab.
        size = width * len(text) if name == "expandtabs" else width
        if isinstance(text, str) and not text.isascii():
            size *= 4
        self._bombs.check_size(f"{name}()", size)

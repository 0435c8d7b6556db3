"""
Formatting and padding that could build a huge string in one call into C.

A width or precision is a size: ``"%10000000000d" % 1``,
``f"{x:>{10**10}}"``, ``format(1.0, ".10000000000f")`` and
``"x".ljust(10**10)`` each allocate ten gigabytes before any budget check
can run.  These checks read the widths first and refuse what would pass
the memory budget.  Only ``%`` on text, format specs and the padding
methods pay for them: ``%`` between numbers takes a fast path.

A template can also use one value many times: ``"%(x)s" * 10**5 % {"x":
big}`` (or a tuple repeating one string) builds ``10**5`` copies of it in
one call.  The values' text is counted too, from above, once per use.
"""

from __future__ import annotations

import re
import types
from typing import TYPE_CHECKING, Any, Final

from ._rendering import bounded
from ._renders import renders_items


if TYPE_CHECKING:
    from collections.abc import Callable

    from ._bombs import BombChecks

# Every run of digits in a format spec: the fill character, the width and
# the precision are the only places a spec holds digits, and the largest
# bounds the result.
DIGITS: Final = re.compile(r"\d+")

# The key, width and precision of each %-conversion: digits, or ``*``
# taken from the arguments.
_PRINTF: Final = re.compile(
    r"%(\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?([a-zA-Z%])"
)
_TEMPLATES: Final = 512  # parsed %-templates kept per sandbox
# Longest template kept: the cache must not keep large text alive.
KEPT_LENGTH: Final = 4096
# (size bound, keys, starred, quoted, literal length, (width, precision)
# of each conversion that takes a value).
_Template = tuple[int, list[Any], bool, bool, int, list[tuple[int, int]]]

# Characters a float takes at most, with no precision: 1e308 with
# "{:,f}" (309 digits, 102 separators).
_FLOAT_TEXT: Final = 450

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


def largest(numbers: list[str]) -> int:
    return max((int(n) for n in numbers if n), default=0)


def text_size(value: object, *, quoted: bool = False) -> int | None:
    """
    The most characters *value* can take when formatted with any spec but
    its width and precision (``repr`` and ``ascii`` too if *quoted*), or
    None for an object whose text is its own business.
    """
    if type(value) is str:
        # ascii() writes a character as up to ten: \U0001f600.
        return 10 * len(value) + 2 if quoted else len(value)
    if type(value) is bytes or type(value) is bytearray:
        return 4 * len(value) + 14  # bytearray(b'\x00')
    if type(value) is bool:
        return 5  # "False"
    if type(value) is int:
        # Binary, with a separator every four digits, is the widest.
        return value.bit_length() * 5 // 4 + 3
    if type(value) is float:
        return _FLOAT_TEXT
    if value is None:
        return 4
    return None


def values_size(
    values: Any, *, quoted: bool = False, limit: int = 2**62
) -> int:
    """
    The most characters *values*, each formatted once where it appears,
    can take: an object of unknown text that appears more than once is
    measured (its own ``__str__``, once).
    """
    total = 0
    others: dict[int, tuple[object, int]] = {}
    for value in values:
        size = text_size(value, quoted=quoted)
        if size is None and renders_items(value):
            # A container: its text repeats what it holds (a bound).
            size = bounded(value, limit)
        if size is not None:
            total += size
            continue
        seen = others.get(id(value))
        others[id(value)] = (value, 1 if seen is None else seen[1] + 1)
    for value, uses in others.values():
        if uses > 1:
            total += uses * max(len(str(value)), len(repr(value)))
    return total


def _paired(
    literal: int,
    fields: list[tuple[int, int]],
    values: Any,
    quoted: bool,
) -> int | None:
    """
    The most characters a %-format can give when each conversion takes
    one value in order: the template's own text, and for each conversion
    the larger of its width and its value's text (with its precision);
    None when the values cannot be paired with the conversions or a
    value's text is its own business (the caller then adds everything).
    """
    if len(values) != len(fields):
        return None
    total = literal
    for (width, precision), value in zip(fields, values, strict=True):
        size = text_size(value, quoted=quoted)
        if size is None:
            return None
        total += max(width, precision + size)
    return total


class FormatChecks:
    """
    The formatting checks of one sandbox.

    Args:
        bombs: The sandbox's size checks (its memory budget and refusal).
    """

    def __init__(self, bombs: BombChecks) -> None:
        self._bombs = bombs
        # template -> (its size with widths, the keys it names, whether a
        # width is starred, whether a conversion quotes: %r, %a)
        self._templates: dict[object, _Template] = {}

    @property
    def memory_bytes(self) -> int:
        """
        The memory budget, in bytes.
        """
        return self._bombs.memory_bytes

    def check_total(self, what: str, size: int) -> None:
        """
        Refuse to build *what* of *size* characters, beyond the budget.
        """
        self._bombs.check_size(what, size)

    def check_value(self, value: object) -> None:
        """
        Refuse a value whose text could pass the budget (a container of
        shared items).
        """
        self._bombs.render.check(value, "a formatted field")

    def check_spec(self, spec: object) -> None:
        """
        Refuse a format spec whose width or precision passes the budget.
        """
        if isinstance(spec, str) and spec:
            size = largest(DIGITS.findall(spec))
            self._bombs.check_size("a formatted field", size)

    def format_(self, value: object, spec: str = "", /) -> str:
        """
        The guarded ``format()`` builtin.
        """
        self.check_spec(spec)
        self.check_value(value)
        return format(value, spec)

    def formatted(self, value: object, spec: str, conversion: str) -> str:
        """
        One field of an f-string with a format spec: ``{value!c:spec}``.
        """
        self.check_value(value)
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

    def _template(self, template: Any) -> _Template:
        """
        A %-template's length plus every width and precision, the keys
        its conversions name, whether a width comes from the values and
        whether a conversion quotes.
        """
        known = self._templates.get(template)
        if known is not None:
            return known
        text = (
            template
            if isinstance(template, str)
            else bytes(template).decode("latin-1")
        )
        size = len(text)
        literal = len(text)
        keys = []
        fields: list[tuple[int, int]] = []
        starred = quoted = False
        for match in _PRINTF.finditer(text):
            key, width, precision, kind = match.groups(default="")
            starred = starred or "*" in (width, precision)
            quoted = quoted or kind in "ra"
            size += largest([width.strip("*"), precision.strip("*")])
            literal -= len(match.group()) - (kind == "%")
            if kind != "%":
                fields.append(
                    (
                        largest([width.strip("*")]),
                        largest([precision.strip("*")]),
                    )
                )
            if key:
                # In a bytes template the keys are bytes.
                name = key[1:-1]
                keys.append(
                    name if text is template else name.encode("latin-1")
                )
        known = (size, keys, starred, quoted, literal, fields)
        if (type(template) is str or type(template) is bytes) and len(
            template
        ) <= KEPT_LENGTH:
            if len(self._templates) >= _TEMPLATES:
                self._templates.clear()
            self._templates[template] = known
        return known

    def _check_printf(
        self, template: str | bytes | bytearray, args: Any
    ) -> None:
        size, keys, starred, quoted, literal, fields = self._template(template)
        if isinstance(args, tuple):
            values: Any = args  # each used once, in order
        elif keys and type(args) is dict:
            values = [args.get(key) for key in keys]
        elif keys and hasattr(type(args), "__getitem__"):
            values = [args[key] for key in keys]
        else:
            values = (args,)
        paired = None if starred else _paired(literal, fields, values, quoted)
        if paired is not None:
            self._bombs.check_size("a %-format", paired)
            return
        if starred:
            # A ``*`` takes its width from the values: any of them could
            # be it.
            size += sum(v for v in values if type(v) is int and v > 0)
        size += values_size(
            values, quoted=quoted, limit=self._bombs.memory_bytes
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

"""
Field validators and message helpers that the manifest models share.

Each validator checks one field and says what is wrong in words a plugin
author can act on; the SPDX license table lives here with its check.
"""

import datetime as dt
import difflib
import re
import urllib.parse
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, TypeAlias


if TYPE_CHECKING:
    import attrs


Location: TypeAlias = tuple[str | int, ...]
Validator: TypeAlias = Callable[[Any, "attrs.Attribute[Any]", Any], None]

PLUGIN_NAME_PATTERN: Final = r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*"
_SHOWN_BITS: Final = 128
_LICENSE_REF: Final = re.compile(r"LicenseRef-[A-Za-z0-9.-]+")

# The SPDX identifiers most plugins use, sorted; anything else can be
# written as LicenseRef-<name>.
SPDX_LICENSES: Final = (
    "0BSD",
    "AFL-3.0",
    "AGPL-3.0-only",
    "AGPL-3.0-or-later",
    "Apache-1.1",
    "Apache-2.0",
    "Artistic-2.0",
    "BSD-1-Clause",
    "BSD-2-Clause",
    "BSD-2-Clause-Patent",
    "BSD-3-Clause",
    "BSD-3-Clause-Clear",
    "BSD-4-Clause",
    "BSL-1.0",
    "CC-BY-4.0",
    "CC-BY-SA-4.0",
    "CC0-1.0",
    "CDDL-1.0",
    "CECILL-2.1",
    "EPL-1.0",
    "EPL-2.0",
    "EUPL-1.2",
    "GPL-2.0-only",
    "GPL-2.0-or-later",
    "GPL-3.0-only",
    "GPL-3.0-or-later",
    "HPND",
    "ISC",
    "LGPL-2.1-only",
    "LGPL-2.1-or-later",
    "LGPL-3.0-only",
    "LGPL-3.0-or-later",
    "MIT",
    "MIT-0",
    "MPL-2.0",
    "MS-PL",
    "NCSA",
    "OFL-1.1",
    "PSF-2.0",
    "Python-2.0",
    "UPL-1.0",
    "Unlicense",
    "WTFPL",
    "Zlib",
)

_KIND_NAMES: Final = (
    (bool, "boolean"),
    (int, "integer"),
    (float, "float"),
    (str, "string"),
    ((list, tuple), "array"),
    (Mapping, "table"),
    (dt.datetime, "datetime"),
    (dt.date, "date"),
    (dt.time, "time"),
    (type(None), "null"),
)


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """
    Return ``"; did you mean 'x'?"`` for the closest candidate, or ``""``.
    """
    choices = list(candidates)
    # A difference in case only is surely a slip: 'mit' means 'MIT'.
    folded = [c for c in choices if c.lower() == word.lower()]
    matches = folded or difflib.get_close_matches(word, choices, n=1)
    return f"; did you mean {matches[0]!r}?" if matches else ""


def kind_of(value: object) -> str:
    """
    Name the TOML kind of a value, for messages such as "got string".
    """
    for types, name in _KIND_NAMES:
        if isinstance(value, types):
            return name
    return type(value).__name__


def show_number(value: float) -> str:
    """
    Show a number in a message; Python refuses to print huge integers.
    """
    if isinstance(value, int) and value.bit_length() > _SHOWN_BITS:
        return f"a number of about {int(value.bit_length() * 0.30103)} digits"
    return repr(value)


def toml_key(field: "attrs.Attribute[Any]") -> str:
    """
    The key that stands for an attrs field in ``plugin.toml``.
    """
    return field.name.replace("_", "-")


class InvalidFieldsError(ValueError):
    """
    Problems found at places inside a value, all at once.

    Attributes:
        problems: Each ``(location, reason)``; a location holds field names
            and indices, relative to the value that was checked.
    """

    def __init__(self, problems: Sequence[tuple[Location, str]]) -> None:
        self.problems = tuple(problems)
        super().__init__(
            "; ".join(
                ".".join(map(str, where)) + f": {reason}" if where else reason
                for where, reason in self.problems
            )
        )


def matching(
    pattern: str, what: str, advice: str = ""
) -> Callable[[object, object, str], None]:
    """
    Make a validator saying "'x' is not a valid <what>; <advice>".
    """
    regex = re.compile(pattern)
    tail = f"; {advice}" if advice else ""

    def check(_: object, __: object, value: str) -> None:
        if not regex.fullmatch(value):
            msg = f"{value!r} is not a valid {what}{tail}"
            raise ValueError(msg)

    return check


def max_length(limit: int) -> Validator:
    """
    Make a validator refusing text longer than ``limit`` characters.
    """

    def check(_: object, __: object, value: str) -> None:
        if len(value) > limit:
            msg = f"must be at most {limit} characters, got {len(value)}"
            raise ValueError(msg)

    return check


def in_range(low: float, high: float, *, number: bool = False) -> Validator:
    """
    Make a validator accepting only an integer from ``low`` to ``high``,
    or any number (an integer or a float, an amount of money, say) if
    *number*.
    """
    kinds = (int, float) if number else (int,)
    expected = "number" if number else "integer"

    def check(_: object, __: object, value: float) -> None:
        if type(value) not in kinds:
            msg = f"expected {expected}, got {kind_of(value)}"
            raise TypeError(msg)
        if not low <= value <= high:
            msg = f"must be from {low} to {high}, got {show_number(value)}"
            raise ValueError(msg)

    return check


def check_not_blank(_: object, __: object, value: str) -> None:
    """
    Refuse text that is empty or only whitespace.
    """
    if not value.strip():
        msg = "must not be empty"
        raise ValueError(msg)


def check_license(_: object, __: object, value: str | None) -> None:
    """
    Accept a known SPDX identifier or ``LicenseRef-<name>``.
    """
    if (
        value is None
        or value in SPDX_LICENSES
        or _LICENSE_REF.fullmatch(value)
    ):
        return
    hint = did_you_mean(value, SPDX_LICENSES) or (
        "; use one such as 'MIT' or 'Apache-2.0',"
        " or 'LicenseRef-<name>' for your own"
    )
    msg = f"{value!r} is not a known SPDX license identifier{hint}"
    raise ValueError(msg)


def check_url(_: object, __: object, value: str | None) -> None:
    """
    Accept an http or https URL that names a host.
    """
    if value is None:
        return
    try:
        parts = urllib.parse.urlsplit(value)
    except ValueError:
        parts = urllib.parse.urlsplit("")
    if (
        parts.scheme not in {"http", "https"}
        or not parts.hostname
        or any(char.isspace() for char in value)
    ):
        msg = f"{value!r} is not an http or https URL"
        raise ValueError(msg)


def each(
    check: Callable[[str], str | None], limit: int, what: str
) -> Validator:
    """
    Make a validator for a tuple of text: at most ``limit`` items, and
    ``check`` returning a reason (or None) for each one.
    """

    def check_all(_: object, __: object, values: tuple[str, ...]) -> None:
        problems: list[tuple[Location, str]] = []
        if len(values) > limit:
            problems.append(((), f"at most {limit} {what}, got {len(values)}"))
        for index, value in enumerate(values):
            reason = check(value)
            if reason:
                problems.append(((index,), reason))
        if problems:
            raise InvalidFieldsError(problems)

    return check_all

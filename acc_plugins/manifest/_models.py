"""
What ``plugin.toml`` declares, as frozen attrs classes.

The classes check every field when they are built, so a ``Manifest`` in
hand is a valid one.
They do no I/O; ``_converter`` turns TOML data into them.
"""

import datetime as dt
import enum
import keyword
import math
import re
import urllib.parse
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, ClassVar, Final, Self, TypeAlias

import attrs
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from acc_plugins.manifest._permissions import (
    PLUGIN_NAME_PATTERN,
    Permissions,
    did_you_mean,
    matching,
)


Location: TypeAlias = tuple[str | int, ...]
SettingValue: TypeAlias = str | int | float | bool | tuple[str, ...]
Validator: TypeAlias = Callable[[Any, "attrs.Attribute[Any]", Any], None]

SETTING_KEY_PATTERN: Final = r"[a-z][a-z0-9_]*"
_IDENTIFIER: Final = r"[A-Za-z_][A-Za-z0-9_]*"
_ENTRY_PATTERN: Final = rf"{_IDENTIFIER}(?:\.{_IDENTIFIER})*:{_IDENTIFIER}"
_KEYWORD_MAX: Final = 32
_NAME_MAX: Final = 64
_SHOWN_BITS: Final = 128
_ENTRY: Final = re.compile(_ENTRY_PATTERN)
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


def _max_length(limit: int) -> Validator:
    def check(_: object, __: object, value: str) -> None:
        if len(value) > limit:
            msg = f"must be at most {limit} characters, got {len(value)}"
            raise ValueError(msg)

    return check


def _in_range(low: int, high: int) -> Validator:
    def check(_: object, __: object, value: int) -> None:
        if type(value) is not int:
            msg = f"expected integer, got {kind_of(value)}"
            raise TypeError(msg)
        if not low <= value <= high:
            msg = f"must be from {low} to {high}, got {show_number(value)}"
            raise ValueError(msg)

    return check


def _bounded(default: int, low: int, high: int) -> Any:
    return attrs.field(
        default=default,
        validator=_in_range(low, high),
        metadata={"schema": {"minimum": low, "maximum": high}},
    )


def _check_not_blank(_: object, __: object, value: str) -> None:
    if not value.strip():
        msg = "must not be empty"
        raise ValueError(msg)


def _check_license(_: object, __: object, value: str | None) -> None:
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


def _check_url(_: object, __: object, value: str | None) -> None:
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


def _each(
    check: Callable[[str], str | None], limit: int, what: str
) -> Validator:
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


def _author_problem(author: str) -> str | None:
    return None if author.strip() else "must not be empty"


def _keyword_problem(word: str) -> str | None:
    if not word.strip() or word != word.strip():
        return f"{word!r} must be a word without surrounding spaces"
    if word != word.lower():
        return f"{word!r} must be lowercase: {word.lower()!r}"
    if len(word) > _KEYWORD_MAX:
        return f"must be at most {_KEYWORD_MAX} characters, got {len(word)}"
    return None


_CHECK_PLUGIN_NAME: Final = (
    matching(
        PLUGIN_NAME_PATTERN,
        "plugin name",
        "use lowercase letters, digits and single hyphens,"
        " starting with a letter, such as 'text-tools'",
    ),
    _max_length(_NAME_MAX),
)
_PLUGIN_NAME_SCHEMA: Final = {
    "pattern": f"^{PLUGIN_NAME_PATTERN}$",
    "maxLength": _NAME_MAX,
}


class PluginKind(enum.Enum):
    """
    What a plugin mainly adds to the host.
    """

    AGENT = "agent"
    MIXED = "mixed"
    TOOL = "tool"
    WORKFLOW = "workflow"


def _is_identifier(name: str) -> bool:
    return (
        name.isascii() and name.isidentifier() and not keyword.iskeyword(name)
    )


def _check_entry(text: str, names: list[str]) -> None:
    if not _ENTRY.fullmatch(text) or not all(map(_is_identifier, names)):
        msg = (
            f"{text!r} is not a valid entry point; write 'module:Class',"
            " such as 'plugin:Plugin'"
        )
        raise ValueError(msg)


@attrs.frozen
class EntryPoint:
    """
    The class the host instantiates, written ``module:Class``.

    Attributes:
        module: Dotted module path, relative to the plugin's root.

        attr: Name of the class in that module.
    """

    PATTERN: ClassVar[str] = _ENTRY_PATTERN

    module: str
    attr: str

    def __attrs_post_init__(self) -> None:
        _check_entry(self.text, [*self.module.split("."), self.attr])

    @property
    def text(self) -> str:
        """
        The ``module:Class`` form.
        """
        return f"{self.module}:{self.attr}"

    @classmethod
    def from_text(cls, text: str) -> Self:
        """
        Parse ``module:Class``.

        Raises:
            ValueError: The text is not an entry point.
        """
        _check_entry(text, re.split("[.:]", text))
        module, _, attr = text.partition(":")
        return cls(module, attr)


@attrs.frozen(kw_only=True)
class PluginMeta:
    """
    Who the plugin is: the ``[plugin]`` table.

    Attributes:
        name: Unique lowercase name, such as ``text-tools``.

        version: The plugin's version (PEP 440).

        description: One or two sentences about what the plugin does.

        entry: The plugin class, as ``module:Class``.

        kind: What the plugin mainly adds: agent, tool, workflow or mixed.

        authors: People responsible, such as ``Ada <ada@example.com>``.

        license: An SPDX license identifier, or ``LicenseRef-<name>``.

        keywords: Lowercase words that help people find the plugin.

        homepage: The plugin's web page (http or https).

        repository: Where its source lives (http or https).

        requires_acc: The versions of acc-plugins it works with.
    """

    name: str = attrs.field(
        validator=_CHECK_PLUGIN_NAME, metadata={"schema": _PLUGIN_NAME_SCHEMA}
    )
    version: Version
    description: str = attrs.field(
        validator=[_check_not_blank, _max_length(300)],
        metadata={"schema": {"minLength": 1, "maxLength": 300}},
    )
    entry: EntryPoint
    kind: PluginKind
    authors: tuple[str, ...] = attrs.field(
        default=(), validator=_each(_author_problem, 100, "authors")
    )
    license: str | None = attrs.field(default=None, validator=_check_license)
    keywords: tuple[str, ...] = attrs.field(
        default=(),
        validator=_each(_keyword_problem, 20, "keywords"),
        metadata={"schema": {"maxItems": 20}},
    )
    homepage: str | None = attrs.field(default=None, validator=_check_url)
    repository: str | None = attrs.field(default=None, validator=_check_url)
    requires_acc: SpecifierSet | None = None


@attrs.frozen
class Dependency:
    """
    Another plugin this one needs: a line of the ``[dependencies]`` table.

    Attributes:
        name: The other plugin's name.

        specifier: The versions of it that will do (PEP 440).
    """

    name: str = attrs.field(
        validator=_CHECK_PLUGIN_NAME,
        metadata={"table_key": True, "schema": _PLUGIN_NAME_SCHEMA},
    )
    specifier: SpecifierSet = attrs.field(metadata={"table_value": True})


@attrs.frozen(kw_only=True)
class Limits:
    """
    The resources one call into the plugin may use: the ``[limits]`` table.

    Attributes:
        timeout_ms: Wall-clock time per call, in milliseconds.

        memory_mb: Memory, in MiB.

        output_bytes: Size of what a call returns, in bytes.

        fs_operations: File operations per call.

        network_requests: Network requests per call.
    """

    timeout_ms: int = _bounded(5000, 1, 3_600_000)
    memory_mb: int = _bounded(128, 1, 65_536)
    output_bytes: int = _bounded(1_000_000, 1, 1_073_741_824)
    fs_operations: int = _bounded(1000, 0, 1_000_000)
    network_requests: int = _bounded(100, 0, 100_000)


class SettingType(enum.Enum):
    """
    The type of a setting's value; ``list`` is a list of strings.
    """

    BOOL = "bool"
    ENUM = "enum"
    FLOAT = "float"
    INT = "int"
    LIST = "list"
    SECRET = "secret"  # noqa: S105 -- a type name, not a password
    STR = "str"


_NUMERIC: Final = (SettingType.INT, SettingType.FLOAT)


@attrs.frozen(kw_only=True)
class Setting:
    """
    One user-configurable value: a ``[settings.<key>]`` table.

    Attributes:
        key: The setting's name, the ``<key>`` of its table.

        type: The type of its value.

        default: The value until the user sets one; never for a secret.

        description: What the setting changes.

        min: The smallest value allowed (int and float settings only).

        max: The largest value allowed (int and float settings only).

        choices: The values allowed (enum settings only, and required there).
    """

    key: str = attrs.field(
        validator=matching(
            SETTING_KEY_PATTERN,
            "setting name",
            "use lowercase letters, digits and '_', starting with a letter",
        ),
        metadata={
            "table_key": True,
            "schema": {"pattern": f"^{SETTING_KEY_PATTERN}$"},
        },
    )
    type: SettingType
    default: SettingValue | None = None
    description: str = ""
    min: int | float | None = None
    max: int | float | None = None
    choices: tuple[str, ...] = ()

    def __attrs_post_init__(self) -> None:
        problems = self._problems()
        if problems:
            raise InvalidFieldsError(problems)
        for name in ("default", "min", "max"):
            value = getattr(self, name)
            if value is not None:
                # Frozen, but still being built: normalise int to float etc.
                object.__setattr__(self, name, self._normalise(name, value))

    def _normalise(self, name: str, value: Any) -> Any:
        if name == "default":
            return self.check(value)
        return float(value) if self.type is SettingType.FLOAT else value

    def _problems(self) -> list[tuple[Location, str]]:
        problems = [*self._bound_problems(), *self._choice_problems()]
        if problems:
            # The checks below rely on the fields checked above.
            return problems
        low, high = self.min, self.max
        if low is not None and high is not None and low > high:
            reason = f"must not be greater than max {show_number(high)}"
            return [(("min",), reason)]
        if self.default is not None and self.type is SettingType.SECRET:
            return [(("default",), "a secret setting cannot have a default")]
        if self.default is not None:
            try:
                self.check(self.default)
            except ValueError as exc:
                return [(("default",), str(exc))]
        return []

    def _bound_problems(self) -> list[tuple[Location, str]]:
        problems: list[tuple[Location, str]] = []
        for name in ("min", "max"):
            bound = getattr(self, name)
            if bound is None:
                continue
            if self.type not in _NUMERIC:
                reason = "only int and float settings take min and max"
            elif type(bound) not in {int, float} or (
                self.type is SettingType.INT and type(bound) is not int
            ):
                reason = f"expected {self.type.value}, got {kind_of(bound)}"
            elif not math.isfinite(bound):
                reason = f"expected a finite number, got {bound!r}"
            else:
                continue
            problems.append(((name,), reason))
        return problems

    def _choice_problems(self) -> list[tuple[Location, str]]:
        if self.type is SettingType.ENUM and not self.choices:
            return [(("choices",), "required for an enum setting")]
        if self.type is not SettingType.ENUM and self.choices:
            return [(("choices",), "only enum settings take choices")]
        if len(set(self.choices)) != len(self.choices):
            return [(("choices",), "must not repeat a choice")]
        return []

    def check(self, value: object) -> SettingValue:
        """
        Check a value for this setting, such as one a user supplied.

        Args:
            value: The candidate value.

        Returns:
            The value; a float setting turns an int into a float, a list
            setting turns a list into a tuple.

        Raises:
            ValueError: The value does not fit; the message says why.
        """
        if self.type in _NUMERIC:
            return self._check_number(value)
        if self.type is SettingType.LIST:
            if isinstance(value, list | tuple) and all(
                type(item) is str for item in value
            ):
                return tuple(value)
            expected = "array of strings"
        elif self.type is SettingType.BOOL:
            if type(value) is bool:
                return value
            expected = "boolean"
        elif type(value) is str:
            if self.type is not SettingType.ENUM or value in self.choices:
                return value
            hint = did_you_mean(value, self.choices)
            msg = (
                f"{value!r} is not one of {', '.join(map(repr, self.choices))}"
            )
            raise ValueError(msg + hint)
        else:
            expected = "string"
        msg = f"expected {expected}, got {kind_of(value)}"
        raise ValueError(msg)

    def _check_number(self, value: object) -> float:
        integer = self.type is SettingType.INT
        if isinstance(value, bool) or not isinstance(
            value, int if integer else int | float
        ):
            expected = "integer" if integer else "float"
            msg = f"expected {expected}, got {kind_of(value)}"
            raise ValueError(msg)  # noqa: TRY004 -- check() promises ValueError
        number = value if integer else _finite(value)
        shown = show_number(value)
        if self.min is not None and number < self.min:
            msg = f"{shown} is less than the minimum {show_number(self.min)}"
            raise ValueError(msg)
        if self.max is not None and number > self.max:
            msg = (
                f"{shown} is greater than the maximum {show_number(self.max)}"
            )
            raise ValueError(msg)
        return number


def _finite(value: float) -> float:
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        msg = f"expected a finite number, got {show_number(value)}"
        raise ValueError(msg)
    return number


def _by_name(items: Iterable[Dependency]) -> tuple[Dependency, ...]:
    return tuple(sorted(items, key=lambda item: item.name))


def _by_key(items: Iterable[Setting]) -> tuple[Setting, ...]:
    return tuple(sorted(items, key=lambda item: item.key))


def _unique(attribute: str) -> Validator:
    def check(_: object, __: object, items: tuple[Any, ...]) -> None:
        names = [getattr(item, attribute) for item in items]
        if len(set(names)) != len(names):
            msg = f"each {attribute} may appear only once"
            raise ValueError(msg)

    return check


@attrs.frozen(kw_only=True)
class Manifest:
    """
    Everything a plugin declares about itself in ``plugin.toml``.

    Attributes:
        plugin: Who the plugin is.

        dependencies: Other plugins it needs, sorted by name.

        permissions: What it asks to be allowed to do.

        limits: The resources one call into it may use.

        settings: What users can configure, sorted by key.
    """

    plugin: PluginMeta
    dependencies: tuple[Dependency, ...] = attrs.field(
        default=(),
        converter=_by_name,
        validator=_unique("name"),
        metadata={"keyed": True},
    )
    permissions: Permissions = attrs.Factory(Permissions)
    limits: Limits = attrs.Factory(Limits)
    settings: tuple[Setting, ...] = attrs.field(
        default=(),
        converter=_by_key,
        validator=_unique("key"),
        metadata={"keyed": True},
    )

    def __attrs_post_init__(self) -> None:
        name = self.plugin.name
        if any(dependency.name == name for dependency in self.dependencies):
            problem = "a plugin cannot depend on itself"
            raise InvalidFieldsError([(("dependencies", name), problem)])

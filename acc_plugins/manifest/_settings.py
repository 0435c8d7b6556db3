"""
A user-configurable setting: its type, bounds, choices and value checks.

``Setting`` checks its own fields when it is built and offers ``check``
for values a user supplies later.
"""

import enum
import math
from typing import Any, Final, TypeAlias

import attrs

from acc_plugins.manifest._checks import (
    InvalidFieldsError,
    Location,
    did_you_mean,
    kind_of,
    matching,
    show_number,
)


SettingValue: TypeAlias = str | int | float | bool | tuple[str, ...]

SETTING_KEY_PATTERN: Final = r"[a-z][a-z0-9_]*"


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

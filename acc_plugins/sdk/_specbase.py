"""
The interface every parameter type implements: schema, check, decode.
"""

from __future__ import annotations

import abc
import json

from ._json import ConvertError, describe_type, show


__all__ = ["TypeSpec"]


class TypeSpec(abc.ABC):
    """
    What one annotation accepts: a validator, a converter and a schema.
    """

    __slots__ = ()

    @abc.abstractmethod
    def schema(self) -> dict[str, object]:
        """
        Return a fresh JSON Schema (draft 2020-12) for this type.
        """

    @abc.abstractmethod
    def describe(self) -> str:
        """
        Name the type in a message, for example ``"integer or null"``.
        """

    @abc.abstractmethod
    def convert(self, value: object, where: str = "") -> object:
        """
        Validate a JSON-like value and return a fresh copy of it.

        Args:
            value: The value a caller passed.

            where: Path of *value* inside the argument, for messages.

        Returns:
            The value as the tool receives it: a ``float`` for an integer
            given to a number, a ``tuple`` or ``set`` where annotated so.

        Raises:
            ConvertError: A ``ValueError`` saying what is wrong.
        """

    @property
    def hashable(self) -> bool:
        """
        Whether converted values can go into a set.
        """
        return False

    def from_text(self, text: str) -> object:
        """
        Decode command-line text into a value for ``convert``.

        Args:
            text: The ``v`` of a ``k=v`` argument.

        Returns:
            The decoded value, not yet validated.

        Raises:
            ConvertError: If the text cannot mean a value of this type.
        """
        try:
            return json.loads(text)
        except (ValueError, RecursionError):
            msg = f"expected {self.describe()} as JSON, got {show(text)}"
            raise ConvertError(msg, "") from None

    def _mismatch(self, value: object, where: str) -> ConvertError:
        msg = f"expected {self.describe()}, got {self._got(value)}"
        return ConvertError(msg, where, mismatch=True)

    def _got(self, value: object) -> str:
        # Name the type: only a literal is helped by seeing the value.
        return describe_type(value)

"""
Plugin-style code for the SDK tests: hostile objects and a tool factory.
"""

import typing
from collections.abc import Callable


def with_annotation(annotation: object) -> Callable[..., object]:
    """
    Make a tool whose one parameter carries the given annotation.
    """

    def tool(self: object, x: object) -> None:
        pass

    tool.__annotations__ = {"x": annotation}
    return tool


# What plugin-defined code did while the host looked at it.
CALLS: list[str] = []


class _HostileMeta(type):
    def __eq__(cls, other: object) -> bool:
        CALLS.append("meta __eq__")
        return True

    def __hash__(cls) -> int:
        CALLS.append("meta __hash__")
        return 0

    def __repr__(cls) -> str:
        CALLS.append("meta __repr__")
        return "Hostile"

    def __instancecheck__(cls, instance: object) -> bool:
        CALLS.append("meta __instancecheck__")
        return True

    def __subclasscheck__(cls, subclass: type) -> bool:
        CALLS.append("meta __subclasscheck__")
        return True


class Hostile(metaclass=_HostileMeta):
    """
    A plugin object that records every hook the host might trigger.
    """

    def __eq__(self, other: object) -> bool:
        CALLS.append("__eq__")
        return True

    def __hash__(self) -> int:
        CALLS.append("__hash__")
        return 0

    def __repr__(self) -> str:
        CALLS.append("__repr__")
        return "Hostile()"

    def __str__(self) -> str:
        CALLS.append("__str__")
        return "Hostile"

    def __format__(self, spec: str) -> str:
        CALLS.append("__format__")
        return "Hostile"

    def __iter__(self) -> typing.Iterator[object]:
        CALLS.append("__iter__")
        return iter(())

    def __len__(self) -> int:
        CALLS.append("__len__")
        return 0

    def __getattr__(self, name: str) -> object:
        CALLS.append(f"__getattr__ {name}")
        raise AttributeError(name)

    @property  # type: ignore[misc]
    def __class__(self) -> type:
        CALLS.append("__class__")
        return int


class EvilStr(str):
    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        CALLS.append("str __eq__")
        return True

    def __hash__(self) -> int:
        CALLS.append("str __hash__")
        return str.__hash__(self)

    def __str__(self) -> str:
        CALLS.append("str __str__")
        return "evil"

    def __format__(self, spec: str) -> str:
        CALLS.append("str __format__")
        return "evil"

    def isidentifier(self) -> bool:
        CALLS.append("str isidentifier")
        return True


class EvilDict(dict[str, object]):
    def items(self) -> typing.Any:
        CALLS.append("dict items")
        return super().items()

    def __iter__(self) -> typing.Iterator[str]:
        CALLS.append("dict __iter__")
        return super().__iter__()

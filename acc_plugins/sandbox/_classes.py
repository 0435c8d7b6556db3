"""
Class creation in plugin code: the metaclass hook of every ``class``
statement, which checks the bases and stamps the class as the plugin's.
"""

from __future__ import annotations

import dataclasses
import string
import types
from typing import TYPE_CHECKING, Final

from ._policy import OWNER_MARK


if TYPE_CHECKING:
    from collections.abc import Mapping

    from ._guards import Guards


# Built-in classes a plugin class may not derive from: ``type`` would make
# metaclasses, the others expose interpreter internals.
_FORBIDDEN_BASES: Final = frozenset(
    {type, super, types.FunctionType, types.ModuleType, memoryview}
)


# Library classes whose instances the library reads while it writes source
# code that it then runs: ``dataclasses`` builds ``__init__`` and
# ``__repr__`` from ``Field.name``, so a subclass with a ``name`` property
# would choose the code.
_CODE_SOURCE_BASES: Final = frozenset({dataclasses.Field})

# Class attributes the library compiles with its own ``re``, whose
# matching no budget can interrupt (``string.Template`` compiles its
# pattern when the subclass is made).  The delimiter is escaped, so it may
# change.
_COMPILED_ATTRIBUTES: Final[dict[type, frozenset[str]]] = {
    string.Template: frozenset(
        {"braceidpattern", "flags", "idpattern", "pattern"}
    ),
}


def _most_derived_metaclass(bases: tuple[type, ...]) -> type:
    winner: type = type
    for base in bases:
        meta = type(base)
        if issubclass(winner, meta):
            continue
        if issubclass(meta, winner):
            winner = meta
            continue
        msg = "metaclass conflict among the base classes"
        raise TypeError(msg)
    return winner


def check_bases(guards: Guards, bases: tuple[object, ...]) -> None:
    """
    Refuse bases a plugin class may not derive from.
    """
    for base in bases:
        if not isinstance(base, type):
            msg = f"a base must be a class, not {type(base).__name__}"
            raise TypeError(msg)
        if base in _FORBIDDEN_BASES:
            guards.refuse(f"subclassing {base.__name__!r}")
        if any(issubclass(base, kind) for kind in _CODE_SOURCE_BASES):
            guards.refuse(
                f"subclassing {base.__name__!r} (the library builds code "
                "from its instances)"
            )
        if guards.owns(base) or base in guards.safe_bases:
            continue
        if guards.is_host_object(base):
            guards.refuse(f"subclassing host class {base.__name__!r}")


class ClassFactory:
    """
    The metaclass hook of every plugin ``class`` statement: it checks the
    bases, stamps the class as owned, and defers to the real metaclass.
    """

    __slots__ = ("_guards",)

    def __init__(self, guards: Guards) -> None:
        self._guards = guards

    def __prepare__(
        self, name: str, bases: tuple[type, ...], **kwds: object
    ) -> Mapping[str, object]:
        check_bases(self._guards, bases)
        meta = _most_derived_metaclass(bases)
        return meta.__prepare__(name, bases, **kwds)

    def __call__(
        self,
        name: str,
        bases: tuple[type, ...],
        namespace: dict[str, object],
        **kwds: object,
    ) -> type:
        meta = _most_derived_metaclass(bases)
        self._check_compiled(bases, namespace)
        namespace[OWNER_MARK] = self._guards.token
        return meta(name, bases, namespace, **kwds)  # type: ignore[no-any-return]

    def _check_compiled(
        self, bases: tuple[type, ...], namespace: Mapping[str, object]
    ) -> None:
        for kind, names in _COMPILED_ATTRIBUTES.items():
            if not any(issubclass(base, kind) for base in bases):
                continue
            for name in sorted(names.intersection(namespace)):
                self._guards.refuse(
                    f"setting {kind.__name__}.{name} in a subclass (the "
                    "library compiles it with a regular expression engine "
                    "no budget can stop; use the re module)"
                )

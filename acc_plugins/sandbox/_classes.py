"""
Class creation in plugin code: the metaclass hook of every ``class``
statement, which checks the bases and stamps the class as the plugin's.
"""

from __future__ import annotations

import dataclasses
import string
import types
from typing import TYPE_CHECKING, Any, Final

from ._guardnames import OWNER_MARK
from ._policy import is_dunder


if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from ._budget import Budget
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


# Attribute-lookup hooks a plugin class may define.  Host code reads plugin
# objects too (a result, an exception, the plugin instance itself): those
# reads, and every dunder lookup, get ordinary lookup, so a hook can neither
# run outside a call into the plugin nor answer ``__class__`` falsely.
LOOKUP_HOOKS: Final = frozenset({"__getattr__", "__getattribute__"})


def _guarded_lookup(
    hook: str, function: Any, budget: Budget, owner: list[type]
) -> Callable[[Any, str], object]:
    if not callable(function):
        msg = f"{hook} must be a function"
        raise TypeError(msg)

    def plugin_runs(name: object) -> bool:
        return (
            bool(budget.active) and type(name) is str and not is_dunder(name)
        )

    if hook == "__getattr__":

        def __getattr__(self: object, name: str) -> object:  # noqa: N807 -- the hook it stands in for
            if plugin_runs(name):
                return function(self, name)
            raise AttributeError(name)

        return __getattr__

    def __getattribute__(self: Any, name: str) -> object:  # noqa: N807 -- the hook it stands in for
        if plugin_runs(name):
            return function(self, name)
        # mypy reads a two-argument super() outside a class as a misuse.
        return super(owner[0], self).__getattribute__(name)  # type: ignore[arg-type]

    return __getattribute__


# ``copy`` rebuilds an object from what these return: a callable and its
# arguments, then state and items it writes into whatever the callable
# gave.  That object must be the plugin's, or ``copy`` would write into a
# shared one behind the write guard.
REDUCE_HOOKS: Final = frozenset({"__reduce__", "__reduce_ex__"})


def _checked_reduce(function: Any, guards: Guards) -> Callable[..., object]:
    def rebuilt_by(rebuild: Any) -> Callable[..., object]:
        def rebuild_(*args: Any, **kwargs: Any) -> object:
            made = rebuild(*args, **kwargs)
            if not guards.owns(made):
                guards.refuse(
                    "a reduce hook that rebuilds a "
                    f"{type(made).__name__} object the plugin did not "
                    "create, then writes state into it"
                )
            return made

        return rebuild_

    def reduce_(self: object, *args: Any) -> object:
        value = function(self, *args)
        if type(value) is not tuple or len(value) < 3:  # noqa: PLR2004 -- (callable, args) writes nothing
            return value
        if all(part is None for part in value[2:]):
            return value
        return (rebuilt_by(value[0]), *value[1:])

    return reduce_


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
        owner: list[type] = []
        for hook in LOOKUP_HOOKS.intersection(namespace):
            namespace[hook] = _guarded_lookup(
                hook, namespace[hook], self._guards.budget, owner
            )
        for hook in REDUCE_HOOKS.intersection(namespace):
            namespace[hook] = _checked_reduce(namespace[hook], self._guards)
        cls: type = meta(name, bases, namespace, **kwds)
        owner.append(cls)
        return cls

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

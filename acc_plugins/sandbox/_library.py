"""
The allowlisted library's side doors, closed one rule at a time.

Standard-library functions run unrestricted: whatever they do with their
arguments, they do outside the guards.  Three kinds of them would let a
plugin do what its own code may not:

- functions that write into their argument (``abc.abstractmethod``,
  ``typing.final``, ``functools.total_ordering``, ``dataclasses.dataclass``,
  ``functools.update_wrapper``): they may only write into what the plugin
  made itself, as a plugin's own attribute writes may;
- functions that read or write attributes by a name the caller chooses
  (``functools.wraps(..., assigned=, updated=)``, ``dataclasses.asdict``
  and friends, which read every field of whatever dataclass they get):
  the names are fixed to the documented ones, and the objects must be the
  plugin's;
- functions that keep shared state or hand out their own
  (``typing.overload``'s registry, ``copy.deepcopy``'s private default,
  which a ``memo`` of the plugin's type receives through ``memo.get``).

Each sandbox gets its own replacements, built here; the inventory
(``_inventory``) lists every member a plugin can reach and says which rule
covers it.
"""

from __future__ import annotations

import abc
import copy
import dataclasses
import enum
import functools
import random
import textwrap
import types
import typing
from typing import TYPE_CHECKING, Any, Final, NoReturn


if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from ._bombs import BombChecks

# What ``functools.wraps`` copies: the documented defaults, nothing else.
WRAPPER_ASSIGNMENTS: Final = frozenset(functools.WRAPPER_ASSIGNMENTS)
WRAPPER_UPDATES: Final = frozenset(functools.WRAPPER_UPDATES)

# The enum classes whose functional API (``Enum("E", names, type=...)``)
# makes a class behind the class factory's back.
_ENUM_BASES: Final = ("Enum", "Flag", "IntEnum", "IntFlag", "StrEnum")

# Mixin types the functional enum API may take: plain data.  A class of
# the library's would do as a base what a plugin class may not
# (``type=dataclasses.Field`` made a Field subclass).
_ENUM_MIXINS: Final = frozenset({bytes, complex, float, int, str, tuple})

# Wrappers whose function counts as the plugin's when that function does
# (``@abstractmethod`` above ``@classmethod``).
_METHOD_WRAPPERS: Final = (classmethod, staticmethod)


def _overload_dummy(*args: object, **kwargs: object) -> NoReturn:
    msg = (
        "You should not call an overloaded function. A series of @overload-"
        "decorated functions outside a stub module should always be "
        "followed by an implementation that is not @overload-ed."
    )
    raise NotImplementedError(msg)


class Library:
    """
    The guarded library functions of one sandbox that write, name or share.

    Args:
        owns: Tells whether an object was made by the plugin's code.

        refuse: Raises the sandbox's refusal with a description.

        bombs: The sandbox's size checks.
    """

    def __init__(
        self,
        owns: Callable[[object], bool],
        refuse: Callable[[str], NoReturn],
        bombs: BombChecks,
    ) -> None:
        self._owns = owns
        self._refuse = refuse
        self._bombs = bombs
        self._tables: dict[str, Callable[[dict[str, Any]], None]] = {
            "abc": self._abc,
            "copy": self._copy,
            "dataclasses": self._dataclasses,
            "enum": self._enum,
            "functools": self._functools,
            "random": self._random,
            "textwrap": self._textwrap,
            "typing": self._typing,
        }

    def guard_members(self, module_name: str, members: dict[str, Any]) -> None:
        """
        Replace, in place, the members of *module_name* that need a rule.
        """
        table = self._tables.get(module_name)
        if table is not None:
            table(members)

    def made_by_plugin(self, obj: object) -> bool:
        """
        Whether *obj* is the plugin's, or a method wrapper around its
        function.
        """
        if self._owns(obj):
            return True
        if type(obj) in _METHOD_WRAPPERS:
            return self._owns(obj.__func__)  # type: ignore[attr-defined]
        return False

    def _require_own(self, obj: object, what: str) -> None:
        if not self.made_by_plugin(obj):
            self._refuse(
                f"{what} on a {type(obj).__name__} object the plugin did not create"
            )

    # -- abc and typing: markers written into the argument ----------------

    def _abc(self, members: dict[str, Any]) -> None:
        def abstractmethod(funcobj: Any) -> Any:
            self._require_own(funcobj, "abc.abstractmethod")
            return abc.abstractmethod(funcobj)

        members["abstractmethod"] = abstractmethod

    def _typing(self, members: dict[str, Any]) -> None:
        def final(f: Any) -> Any:
            # A marker for type checkers; set only where the plugin may
            # write, silently skipped elsewhere, as typing.final itself
            # skips objects that refuse it.
            if self.made_by_plugin(f):
                return typing.final(f)
            return f

        def overload(func: Any) -> Callable[..., NoReturn]:
            # typing.overload files every function in a process-wide
            # registry (kept alive after the plugin is gone); only its
            # run-time answer matters to plugin code.
            del func
            return _overload_dummy

        members["final"] = final
        members["overload"] = overload

    # -- functools --------------------------------------------------------

    def _functools(self, members: dict[str, Any]) -> None:
        def total_ordering(cls: Any) -> Any:
            self._require_own(cls, "functools.total_ordering")
            return functools.total_ordering(cls)

        members["total_ordering"] = total_ordering
        members["wraps"] = self._wraps

    def _wraps(
        self,
        wrapped: Any,
        assigned: Iterable[str] = functools.WRAPPER_ASSIGNMENTS,
        updated: Iterable[str] = functools.WRAPPER_UPDATES,
    ) -> Callable[[Any], Any]:
        names = self._wrapper_names(assigned, WRAPPER_ASSIGNMENTS, "assigned")
        updates = self._wrapper_names(updated, WRAPPER_UPDATES, "updated")

        def decorate(wrapper: Any) -> Any:
            return self.update_wrapper(wrapper, wrapped, names, updates)

        return decorate

    def _wrapper_names(
        self, names: Iterable[str], allowed: frozenset[str], what: str
    ) -> tuple[str, ...]:
        chosen = tuple(names)
        for name in chosen:
            if type(name) is not str or name not in allowed:
                self._refuse(
                    f"functools.wraps {what}={name!r} (only "
                    f"{', '.join(sorted(allowed))} may be copied)"
                )
        return chosen

    def update_wrapper(
        self,
        wrapper: Any,
        wrapped: Any,
        assigned: tuple[str, ...],
        updated: tuple[str, ...],
    ) -> Any:
        """
        ``functools.update_wrapper`` for a wrapper the plugin made, copying
        only the documented attributes, and of a wrapped object that is not
        the plugin's only its public ``__dict__`` entries.
        """
        self._require_own(wrapper, "functools.wraps")
        for name in assigned:
            try:
                value = getattr(wrapped, name)
            except AttributeError:
                continue
            if type(value) is dict:  # __annotations__: a copy, not a share
                value = dict(value)
            setattr(wrapper, name, value)
        if updated:
            source = getattr(wrapped, "__dict__", None)
            if type(source) is dict:
                everything = self._owns(wrapped)
                vars(wrapper).update(
                    {
                        key: value
                        for key, value in source.items()
                        if type(key) is str
                        and (everything or not key.startswith("_"))
                    }
                )
        wrapper.__wrapped__ = wrapped
        return wrapper

    # -- dataclasses ------------------------------------------------------

    def _dataclasses(self, members: dict[str, Any]) -> None:
        def dataclass(cls: Any = None, /, **options: Any) -> Any:
            def wrap(cls: Any) -> Any:
                self._require_own(cls, "dataclasses.dataclass")
                self._check_fields(cls)
                return dataclasses.dataclass(**options)(cls)

            return wrap if cls is None else wrap(cls)

        def reading(name: str) -> Callable[..., Any]:
            # They read every field by name, private ones included, so
            # they take only the plugin's own dataclasses.
            real = getattr(dataclasses, name)

            def read(obj: Any, /, *args: Any, **kwargs: Any) -> Any:
                self._require_own(obj, f"dataclasses.{name}")
                return real(obj, *args, **kwargs)

            return read

        members["dataclass"] = dataclass
        for name in ("asdict", "astuple", "replace"):
            members[name] = reading(name)

    def _check_fields(self, cls: Any) -> None:
        # dataclasses writes source code from each Field's name and runs
        # it: only the library's own Field, whose name it sets itself.
        for name in vars(cls).get("__annotations__", {}):
            default = getattr(cls, name, None)
            if isinstance(default, dataclasses.Field) and (
                type(default) is not dataclasses.Field
            ):
                self._refuse(
                    f"a {type(default).__name__} field (a subclass of "
                    "dataclasses.Field) in a dataclass"
                )

    # -- enum: classes made by a call ---------------------------------------

    def _enum(self, members: dict[str, Any]) -> None:
        check = self._check_functional_enum

        class EnumType(enum.EnumType):
            def __call__(
                cls, value: Any, names: Any = None, *args: Any, **kw: Any
            ) -> Any:
                if names is not None:
                    check(names, kw)
                return super().__call__(value, names, *args, **kw)

        for name in _ENUM_BASES:
            base = members[name]
            namespace = EnumType.__prepare__(name, (base,))
            namespace["__module__"] = "enum"
            namespace["__qualname__"] = name
            members[name] = EnumType(name, (base,), namespace)

    def _check_functional_enum(
        self, names: Any, options: dict[str, Any]
    ) -> None:
        """
        Refuse a functional enum whose member names are not plain public
        identifiers (``("__getattr__", f)`` would define a method the
        compiler forbids) or whose mixin is not plain data.
        """
        mixin = options.get("type")
        if mixin is not None and mixin not in _ENUM_MIXINS:
            self._refuse(f"an enum made by a call with type={mixin!r}")
        if isinstance(names, str):
            chosen: list[Any] = names.replace(",", " ").split()
        elif isinstance(names, dict):
            chosen = list(names)
        else:
            chosen = [
                item[0] if isinstance(item, tuple) and item else item
                for item in names
            ]
        for name in chosen:
            if type(name) is not str or not (
                name.isidentifier() and not name.startswith("_")
            ):
                self._refuse(f"an enum member named {name!r} made by a call")

    # -- textwrap and random: classes with state of their own ---------------

    def _textwrap(self, members: dict[str, Any]) -> None:
        # TextWrapper.unicode_whitespace_trans is a dict that the host and
        # every plugin share (a subclass's copy would not hide it from
        # super()): it is frozen, once, for the whole process.  textwrap
        # only ever reads it, as str.translate's table.
        del members
        shared = vars(textwrap.TextWrapper).get("unicode_whitespace_trans")
        if type(shared) is dict:
            frozen = types.MappingProxyType(shared)
            textwrap.TextWrapper.unicode_whitespace_trans = frozen  # type: ignore[assignment]

    def _random(self, members: dict[str, Any]) -> None:
        # Instances a plugin makes itself size what they build, as the
        # module's functions do.
        bombs = self._bombs

        class Random(random.Random):
            def randbytes(self, n: int) -> bytes:
                bombs.check_size("randbytes()", n)
                return super().randbytes(n)

            def getrandbits(self, k: int, /) -> int:
                bombs.check_size("getrandbits()", k // 8)
                return super().getrandbits(k)

            def choices(
                self, population: Any, *args: Any, k: int = 1, **kw: Any
            ) -> list[Any]:
                bombs.check_count("choices()", k)
                return super().choices(population, *args, k=k, **kw)

            def sample(
                self, population: Any, k: int, *, counts: Any = None
            ) -> list[Any]:
                bombs.check_count("sample()", k)
                if counts is not None:
                    counts = list(counts)
                    total = sum(c for c in counts if type(c) is int)
                    bombs.check_count("sample() counts", total)
                return super().sample(population, k, counts=counts)

        Random.__module__ = "random"
        members["Random"] = Random

    # -- copy -------------------------------------------------------------

    def _copy(self, members: dict[str, Any]) -> None:
        def deepcopy(x: Any, memo: Any = None) -> Any:
            # deepcopy calls memo.get(key, <its own default list>): a memo
            # of the plugin's own type would receive that shared list.
            if memo is not None and type(memo) is not dict:
                msg = "deepcopy() memo must be a dict"
                raise TypeError(msg)
            return copy.deepcopy(x, memo)

        members["deepcopy"] = deepcopy

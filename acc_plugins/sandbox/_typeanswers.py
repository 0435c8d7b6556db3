"""
What ``type(x)`` answers in one sandbox: the sandbox's stand-in for a
class it serves replaced (the sized ``bytes``, the checked ``map``), and
the matching constructors that ``__new__`` reads serve.

Kept apart from ``Guards`` because the two tables must change together:
``answer`` is the one place that fills them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._arrays import checked_constructors


if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import NoReturn


class TypeAnswers:
    """
    The sandbox's ``type()`` and the stand-ins it answers.

    Args:
        plugin_types: The stand-in for each real class served replaced.

        constructors: The checked ``__new__`` to serve for a real one;
            shared with the introspection rules, which read it.

        refuse: Records and raises a refusal.

    Attributes:
        plugin_types: As given; ``answer`` adds to it.
    """

    def __init__(
        self,
        plugin_types: dict[type, type],
        constructors: dict[object, object],
        refuse: Callable[[str], NoReturn],
    ) -> None:
        self.plugin_types = plugin_types
        self._constructors = constructors
        self._refuse = refuse

    def answer(self, real: type, replacement: object) -> None:
        """
        Make ``type(x)`` answer *replacement* for objects of class *real*,
        which the sandbox serves replaced.
        """
        self.plugin_types[real] = replacement  # type: ignore[assignment]
        self._constructors.update(checked_constructors(real, replacement))

    def type_of(self, *args: object) -> type:
        """
        ``type(x)``; the three-argument form would build a class behind the
        compiler's back.
        """
        if len(args) != 1:
            self._refuse("type() with three arguments")
        kind = type(args[0])
        if issubclass(kind, type):
            # The type of a class is a metaclass, and calling a metaclass
            # builds a class behind the compiler's back: plugin code gets
            # this guarded function instead.
            return self.type_of  # type: ignore[return-value]
        return self.plugin_types.get(kind, kind)

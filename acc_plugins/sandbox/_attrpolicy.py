"""
The run-time attribute rules of one sandbox: why a read of ``obj.name``
is refused, and which writes plugin code may make.

The read rule is the heart of the attribute guard; it is kept apart from
``Guards`` (which serves the values) so that a reviewer can read the
decision on its own.  The inventory's refusal reasons (``_inventorytable``)
name its branches.
"""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING

from ._arrays import REFUSED_METHODS, is_array
from ._classdunders import OWN_OBJECT_DUNDERS
from ._introspection import SERVED, foreign
from ._policy import (
    DESCRIPTIVE_DUNDERS,
    FORBIDDEN_ATTRIBUTES,
    MUTATING_DUNDERS,
    PROTOCOL_DUNDERS,
    is_dunder,
)


if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import NoReturn

    from ._introspection import Introspection


class ReadPolicy:
    """
    Decides reads of attributes by plugin code.

    Args:
        owns: Tells whether an object was made by the plugin's code.

        is_host_object: Tells whether an object is one of the host's own.

        introspection: The rules of the introspective dunders.
    """

    def __init__(
        self,
        owns: Callable[[object], bool],
        is_host_object: Callable[[object], bool],
        introspection: Introspection,
    ) -> None:
        self._owns = owns
        self._is_host_object = is_host_object
        self._introspection = introspection

    def refusal(self, obj: object, name: str) -> str | None:
        """
        Why reading ``obj.name`` is refused, or None if it is allowed.
        """
        owns = self._owns
        if name in FORBIDDEN_ATTRIBUTES:
            return f"access to attribute {name!r}"
        if not name.startswith("_"):
            if (
                name == "register"
                and (
                    isinstance(obj, abc.ABCMeta)
                    or type(obj).__module__ == "typing"
                )
                and not owns(obj)
            ):
                return "registering with a shared abstract base class"
            if name in REFUSED_METHODS and is_array(obj):
                return REFUSED_METHODS[name]
            return None
        if is_dunder(name):
            if name in DESCRIPTIVE_DUNDERS:
                return None
            if name in SERVED:
                return self._introspection.refusal(obj, name)
            if name in OWN_OBJECT_DUNDERS:
                return None if owns(obj) else foreign(obj, name)
            if name in PROTOCOL_DUNDERS and (
                owns(obj) or not self._is_host_object(obj)
            ):
                if name in MUTATING_DUNDERS and not (
                    owns(obj) or isinstance(obj, type)
                ):
                    # uuid.NAMESPACE_DNS.__init__(...) would change a
                    # shared object for the host and every plugin.
                    return (
                        f"access to {name!r} of a {type(obj).__name__} "
                        "object the plugin did not create"
                    )
                return None
            return f"access to attribute {name!r}"
        if owns(obj):
            return None
        return f"access to private attribute {name!r} of a {type(obj).__name__} object"


class WritePolicy:
    """
    The guarded writes of attributes by plugin code: only objects the
    plugin made may be changed, and never their machinery.

    Args:
        owns: Tells whether an object was made by the plugin's code.

        refuse: Records and raises a refusal.
    """

    def __init__(
        self,
        owns: Callable[[object], bool],
        refuse: Callable[[str], NoReturn],
    ) -> None:
        self._owns = owns
        self._refuse = refuse

    def write(self, obj: object) -> object:
        """
        Pass *obj* through if plugin code may modify its attributes.
        """
        if not self._owns(obj):
            self._refuse(f"modifying a {type(obj).__name__} object")
        return obj

    def _check_name(self, name: object) -> str:
        if type(name) is not str:
            msg = "attribute name must be a string"
            raise TypeError(msg)
        if name in FORBIDDEN_ATTRIBUTES or (
            is_dunder(name) and name not in DESCRIPTIVE_DUNDERS
        ):
            self._refuse(f"assigning attribute {name!r}")
        return name

    def set_attribute(self, obj: object, name: str, value: object) -> None:
        """
        The guarded ``setattr``.
        """
        name = self._check_name(name)
        setattr(self.write(obj), name, value)

    def del_attribute(self, obj: object, name: str) -> None:
        """
        The guarded ``delattr``.
        """
        name = self._check_name(name)
        delattr(self.write(obj), name)

"""
The library modules plugin code imports: the allowlisted standard-library
modules and the host's and sandbox's own, each served as a ``ModuleProxy``
of its allowed members, guarded, built once per sandbox.

Kept apart from ``Sandbox``, whose import gate decides between the
plugin's own modules and these.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from ._allowlist import ALLOWED_MODULES
from ._extramodules import CheckOnly
from ._imports import ModuleProxy, build_proxy, shared_classes, submodules


if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from ._extramodules import ExtraModules
    from ._guards import Guards


class LibraryModules:
    """
    The library modules of one sandbox.

    Args:
        extra: The modules the sandbox builds and the host's, by name.

        guards: The sandbox's guards, which replace members that need one.

        extra_modules: Guards the members of the modules the sandbox
            builds per plugin.

        mark: Declares a class made on the plugin's behalf as its own.
    """

    def __init__(
        self,
        extra: Mapping[str, Mapping[str, object]],
        guards: Guards,
        extra_modules: ExtraModules,
        mark: Callable[[type], None],
    ) -> None:
        self._extra = extra
        self._guards = guards
        self._extra_modules = extra_modules
        self._mark = mark
        self._proxies: dict[str, ModuleProxy] = {}

    def clear(self) -> None:
        """
        Forget the proxies built so far.
        """
        self._proxies.clear()

    def proxy(self, dotted: str) -> ModuleProxy:
        """
        The proxy plugin code imports for library module *dotted*, built
        the first time.
        """
        proxy = self._proxies.get(dotted)
        if proxy is None:
            if dotted in self._extra:
                members = dict(self._extra[dotted])
            elif dotted not in ALLOWED_MODULES:
                members = {}  # a parent such as ``acc_plugins`` of ``.sdk``
            else:
                members = vars(
                    build_proxy(
                        dotted,
                        # The plugin's own generator, seeded when first
                        # imported (os.urandom costs at every load).
                        random_source=(
                            random.Random()  # noqa: S311 -- plugins' PRNG, not crypto
                            if dotted == "random"
                            else None
                        ),
                        mark_class=self._mark,
                    )
                )
                members.pop("__name__", None)
                self._guards.amplifiers.guard_members(dotted, members)
                self._guards.library.guard_members(dotted, members)
                self._extra_modules.guard_members(dotted, members)
                self._answer_types(dotted, members)
            for other in self._submodules(dotted):
                members[other.rpartition(".")[2]] = self.proxy(other)
            proxy = ModuleProxy(dotted, members)
            self._proxies[dotted] = proxy
        return proxy

    def _answer_types(self, dotted: str, members: dict[str, object]) -> None:
        # A class replaced by a guarded one is still what type() of its
        # objects answers: type(itertools.repeat(0, 1)) would hand out the
        # real, unchecked class.  type() answers the replacement instead.
        for name, original in shared_classes(dotted):
            value = members.get(name, original)
            # A check-only stand-in (types.FunctionType) is no answer:
            # type(f) stays the class it is.
            if value is not original and not isinstance(value, CheckOnly):
                self._guards.types.answer(original, value)

    def _submodules(self, dotted: str) -> tuple[str, ...]:
        return submodules(dotted, tuple(ALLOWED_MODULES)) + tuple(
            other
            for other in self._extra
            if other.rpartition(".")[0] == dotted
        )

    def is_allowed(self, dotted: str) -> bool:
        """
        Tell whether plugin code may import library module *dotted*.
        """
        prefix = dotted + "."
        return (
            dotted in ALLOWED_MODULES
            or dotted in self._extra
            or any(m.startswith(prefix) for m in self._extra)
        )

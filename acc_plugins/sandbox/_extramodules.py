"""
The allowlisted modules whose members the sandbox builds for each plugin:
``logging`` and ``warnings`` (bound to the plugin's log and state), ``io``
and ``array`` (sized), ``sys`` (facts only), ``types`` (check-only type
names) and ``html`` (a sized ``escape``).
"""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING, Any, Final, NoReturn

from ._arrays import make_array
from ._logging import make_logging
from ._stdio import make_io, make_streams
from ._warnings import make_warnings


if TYPE_CHECKING:
    from collections.abc import Callable

    from ._bombs import BombChecks


class CheckOnly(type):
    """
    The metaclass of the ``types`` names plugin code may only test with:
    ``isinstance(f, types.FunctionType)`` works, calling it does not
    (``FunctionType(code, globals)`` would build a function from parts).
    """

    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, _REAL[cls])

    def __subclasscheck__(cls, sub: type) -> bool:
        return issubclass(sub, _REAL[cls])

    def __call__(cls, *_args: object, **_kwargs: object) -> NoReturn:
        msg = f"types.{cls.__name__} is for isinstance() checks only in the sandbox"
        raise TypeError(msg)


# The names served as check-only stand-ins, and the real class each tests.
CHECK_ONLY_NAMES: Final = (
    "AsyncGeneratorType",
    "BuiltinFunctionType",
    "BuiltinMethodType",
    "CoroutineType",
    "FunctionType",
    "GeneratorType",
    "LambdaType",
    "MethodType",
    "ModuleType",
)
_REAL: Final[dict[type, type]] = {}
STAND_INS: Final[dict[str, type]] = {}
for _name in CHECK_ONLY_NAMES:
    _stand_in = CheckOnly(_name, (), {"__module__": "types"})
    _REAL[_stand_in] = getattr(types, _name)
    STAND_INS[_name] = _stand_in

# How many characters html.escape adds for each character it escapes.
_ESCAPES: Final = {"&": 4, "<": 3, ">": 3, '"': 5, "'": 5}


def _sys_members(on_print: Callable[[str], None]) -> dict[str, object]:
    def getrecursionlimit() -> int:
        return sys.getrecursionlimit()

    def getdefaultencoding() -> str:
        return "utf-8"

    return {
        "getdefaultencoding": getdefaultencoding,
        "getrecursionlimit": getrecursionlimit,
        **make_streams(on_print),
    }


class ExtraModules:
    """
    Builds one sandbox's members of the modules listed above.

    Args:
        bombs: The sandbox's size checks.

        on_print: Where the plugin's output goes.

        locate: The innermost line of plugin code.

        mark_class: Declares a class as the plugin's own.
    """

    def __init__(
        self,
        bombs: BombChecks,
        on_print: Callable[[str], None],
        locate: Callable[[], tuple[str | None, int | None]],
        mark_class: Callable[[type], None],
    ) -> None:
        self._bombs = bombs
        self._on_print = on_print
        self._locate = locate
        self._mark = mark_class

    def guard_members(self, module_name: str, members: dict[str, Any]) -> None:
        """
        Replace, in place, the members of *module_name* built per sandbox.
        """
        built = self._build(module_name)
        if built is not None:
            members.update({k: v for k, v in built.items() if k in members})

    def _build(self, module_name: str) -> dict[str, object] | None:
        if module_name == "logging":
            return make_logging(self._on_print, self._bombs, self._mark)
        if module_name == "warnings":
            return make_warnings(
                self._on_print, self._bombs, self._locate, self._mark
            )
        if module_name == "io":
            return make_io(self._bombs)
        if module_name == "array":
            return make_array(self._bombs)
        if module_name == "sys":
            return _sys_members(self._on_print)
        if module_name == "types":
            return self._types()
        if module_name == "html":
            return self._html()
        return None

    def _types(self) -> dict[str, object]:
        mark = self._mark

        class SimpleNamespace(types.SimpleNamespace):
            """
            ``types.SimpleNamespace``, the plugin's own: its attributes
            may be set.
            """

        SimpleNamespace.__module__ = "types"
        SimpleNamespace.__qualname__ = "SimpleNamespace"
        mark(SimpleNamespace)
        return {"SimpleNamespace": SimpleNamespace, **STAND_INS}

    def _html(self) -> dict[str, object]:
        import html  # noqa: PLC0415 -- read only where a plugin imports it

        check_size = self._bombs.check_size

        def escape(s: str, quote: bool = True) -> str:
            if isinstance(s, str):
                text = str.__str__(s)
                # "&" -> "&amp;", "<" -> "&lt;", '"' -> "&quot;", ...
                grows = sum(text.count(c) * n for c, n in _ESCAPES.items())
                check_size("html.escape()", (len(text) + grows) * 4)
            return html.escape(s, quote)

        return {"escape": escape}

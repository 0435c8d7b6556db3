"""
Exceptions that cross from host code into plugin code carry nothing but
text.

An exception object can hold references: ``AttributeError.obj``, a
provider's HTTP error with its client, ``__context__`` chains to internal
errors.  Every capability call therefore re-raises what went wrong as a
fresh exception built from strings, outside the ``except`` block so that it
has no ``__context__`` either.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, TypeVar

from acc_plugins.errors import PluginError


if TYPE_CHECKING:
    from collections.abc import Callable

_F = TypeVar("_F", bound="Callable[..., Any]")

# Built-in exceptions re-raised as the same type, rebuilt from their text.
_KEEP_TYPE: Final = (
    ArithmeticError,
    AttributeError,
    FileNotFoundError,
    KeyError,
    LookupError,
    PermissionError,
    RuntimeError,
    TimeoutError,
    TypeError,
    ValueError,
)


def plain_exception(exc: BaseException) -> BaseException:
    """
    An exception a plugin may hold: *exc* itself if it is ours (its
    attributes are strings, and plugin code cannot read the dunders of host
    objects), else a new one of a safe built-in type with the same text.
    """
    if isinstance(exc, PluginError | KeyboardInterrupt | SystemExit):
        return exc
    text = str(exc)
    for kind in _KEEP_TYPE:
        if type(exc) is kind or (
            isinstance(exc, kind) and type(exc).__module__ == "builtins"
        ):
            return type(exc)(text)
    return RuntimeError(f"{type(exc).__name__}: {text}")


def shielded(function: _F) -> _F:
    """
    Wrap a capability so that what it raises reaches plugin code as plain
    text only.
    """

    # No functools.wraps: plugin code could not read what it copies, and
    # it costs more than the rest of building a context.
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 -- re-raised below, cleaned
            error = plain_exception(exc)
        raise error

    return call  # type: ignore[return-value]

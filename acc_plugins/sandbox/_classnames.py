"""
What the host says of a plugin's classes and objects, read without running
any of their code.
"""

from __future__ import annotations


def plain_name(kind: type) -> str:
    """
    A class's name without running any of its code (a plugin may have made
    it a ``str`` subclass of its own).
    """
    name = type.__dict__["__name__"].__get__(kind)
    return str.__str__(name) if isinstance(name, str) else "?"


def module_of(kind: type) -> str | None:
    """
    The module a class says it comes from, read without running any of its
    code, or None if that is not plain text.
    """
    module = type.__dict__["__module__"].__get__(kind)
    return str.__str__(module) if isinstance(module, str) else None


def describe_unformattable(value: object, error: BaseException) -> str:
    """
    What the host says of an object whose ``str()`` failed.
    """
    return (
        f"<{plain_name(type(value))} object: its text could not be "
        f"formatted ({plain_name(type(error))})>"
    )

"""
Where the policy is while it walks one module: the stack of lexical
scopes, the temporaries it may introduce there, and the facts about the
whole module that several visitors consult.

It is separate from the transformer so that the parts the transformer
delegates to (attributes, augmented assignments) are handed this one
object instead of reaching into the transformer.
"""

from __future__ import annotations

import ast
import contextlib
from typing import TYPE_CHECKING

from ._inlinechecks import Temporaries
from ._shortcuts import unbound_builtins


if TYPE_CHECKING:
    from collections.abc import Iterator


class Scope:
    """
    One lexical scope while the tree is walked.
    """

    __slots__ = ("class_name", "kind", "trusted_self")

    def __init__(
        self, kind: str, *, class_name: str = "", trusted_self: str = ""
    ) -> None:
        self.kind = kind
        self.class_name = class_name
        self.trusted_self = trusted_self


class ModuleContext:
    """
    The scopes the walk is inside, innermost last, and module-wide facts.

    Attributes:
        unbound: Attribute built-ins the module never rebinds (see
            ``_shortcuts``).

        bases: Names the module's top-level classes derive from.

        count_steps: Budget checks also count steps (``[limits] steps``).
    """

    def __init__(self, *, count_steps: bool = False) -> None:
        self._scopes: list[Scope] = [Scope("module")]
        self._temporaries = Temporaries()
        # Inside comprehension iterables and annotations, where ``:=`` is
        # a syntax error.
        self._no_temporaries = 0
        self.unbound: frozenset[str] = frozenset()
        self.bases: set[str] = set()
        self.count_steps = count_steps

    def learn(self, module: ast.Module, source: str | None) -> None:
        """
        Note the module-wide facts of *module* before it is walked.

        Args:
            module: The whole tree.

            source: Its text, if known: it spares a walk.
        """
        self.unbound = unbound_builtins(module, source)
        self.bases = {
            base.id if isinstance(base, ast.Name) else base.attr
            for statement in module.body
            if isinstance(statement, ast.ClassDef)
            for base in statement.bases
            if isinstance(base, ast.Name | ast.Attribute)
        }

    @property
    def scope(self) -> Scope:
        """
        The innermost scope.
        """
        return self._scopes[-1]

    def trusted_self(self) -> str:
        """
        The parameter the current scope uses without guards, or ``""``.
        """
        return self._scopes[-1].trusted_self

    def mangle(self, attr: str) -> str:
        """
        *attr* as Python mangles ``__x`` inside a class body at compile
        time; the string constants passed to a guard need it done here.
        """
        if not attr.startswith("__") or attr.endswith("__"):
            return attr
        for scope in reversed(self._scopes):
            if scope.kind == "class":
                owner = scope.class_name.lstrip("_")
                return f"_{owner}{attr}" if owner else attr
        return attr

    @contextlib.contextmanager
    def enter(self, scope: Scope) -> Iterator[None]:
        """
        Walk inside *scope*.
        """
        self._scopes.append(scope)
        try:
            yield
        finally:
            self._scopes.pop()

    def temporaries(self) -> Temporaries | None:
        """
        Temporaries in function bodies only: class bodies and module code
        run once, and ``:=`` is refused in comprehension iterables and
        annotations.
        """
        if self._no_temporaries or self._scopes[-1].kind != "function":
            return None
        return self._temporaries

    @contextlib.contextmanager
    def without_temporaries(self) -> Iterator[None]:
        """
        Walk where ``:=`` is a syntax error.
        """
        self._no_temporaries += 1
        try:
            yield
        finally:
            self._no_temporaries -= 1

"""
A tool function's signature as JSON Schema, and its call arguments checked.

The function comes from sandboxed plugin code, so nothing here calls it or
evaluates its text: parameters come from ``fn.__code__``, annotations are
read by ``_annotations`` and defaults are copied by ``_json``.
"""

from __future__ import annotations

import difflib
import enum
import inspect
import types
from typing import TYPE_CHECKING, Final

import attrs

from acc_plugins.errors import ToolArgumentError

from ._annotations import spec_from_annotation
from ._docstring import parse_docstring
from ._json import ConvertError, check_result, describe_type, shorten, to_json
from ._typespec import AnySpec, TypeSpec


if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

# TypeSpec, check_result and spec_from_annotation are re-exported: callers
# import them from here.
__all__ = [
    "Parameter",
    "ParameterKind",
    "ToolSignature",
    "TypeSpec",
    "check_result",
    "spec_from_annotation",
]

_UNCONVERTED: Final = object()


class ParameterKind(enum.Enum):
    """
    How Python would pass a parameter; tools always receive keywords.
    """

    POSITIONAL_OR_KEYWORD = "positional_or_keyword"
    KEYWORD_ONLY = "keyword_only"


@attrs.frozen
class Parameter:
    """
    One named argument of a tool.

    Attributes:
        name: The argument's name, a key of the JSON object.

        spec: What values it accepts.

        kind: How the function declares it.

        required: Whether a call must pass it (it has no default).

        default: A fresh JSON copy of the default (None when required).

        description: Its text from the docstring's ``Args:`` section.
    """

    name: str
    spec: TypeSpec
    kind: ParameterKind = ParameterKind.POSITIONAL_OR_KEYWORD
    required: bool = True
    _default: object = attrs.field(default=None, alias="default")
    description: str = ""

    @property
    def default(self) -> object:
        """
        A fresh JSON copy of the default, so callers cannot change it.
        """
        return to_json(self._default)

    def schema(self) -> dict[str, object]:
        """
        Return the JSON Schema of this argument's property.
        """
        result = self.spec.schema()
        if self.description:
            result["description"] = self.description
        if not self.required:
            result["default"] = to_json(self._default)
        return result

    def default_value(self) -> object:
        """
        Return a fresh copy of the default, converted as an argument would be.
        """
        return self.spec.convert(self._default)


@attrs.frozen
class ToolSignature:
    """
    A tool's parameters, their JSON Schema, and the checks on each call.

    Attributes:
        name: The function's qualified name, for messages.

        parameters: The parameters after ``self``, in declaration order.

        description: The docstring's first paragraph on one line.

        returns: What the return annotation promises (``Any`` if none).
    """

    name: str
    parameters: tuple[Parameter, ...]
    description: str = ""
    returns: TypeSpec = attrs.field(factory=AnySpec)

    @classmethod
    def from_function(
        cls, fn: Callable[..., object], *, skip_first: bool = True
    ) -> ToolSignature:
        """
        Read a plugin function's signature without running any of its code.

        Args:
            fn: A plain function (a method as found in its class).

            skip_first: Drop the first parameter, ``self``.

        Returns:
            The signature.

        Raises:
            TypeError: For ``*args``, ``**kwargs`` or positional-only
                parameters, an unsupported annotation, or a default that is
                not JSON or does not match its annotation.
        """
        if type(fn) is not types.FunctionType:
            msg = f"a tool must be a plain function, got {describe_type(fn)}"
            raise TypeError(msg)
        code = fn.__code__
        where = code.co_qualname
        names = code.co_varnames
        count = code.co_argcount + code.co_kwonlyargcount
        skip = 1 if skip_first else 0
        refused = _refusal(code, skip)
        if refused:
            msg = f"{where}: {refused}"
            raise TypeError(msg)
        defaults = fn.__defaults__ or ()
        if type(defaults) is not tuple:
            msg = f"{where}: __defaults__ must be a tuple"
            raise TypeError(msg)
        kwdefaults = _plain_dict(fn.__kwdefaults__, where)
        annotations = _plain_dict(fn.__annotations__, where)
        doc = fn.__doc__
        summary, described = parse_docstring(doc if type(doc) is str else "")
        first_default = code.co_argcount - len(defaults)
        parameters = []
        for index in range(skip, count):
            name = names[index]
            if index < code.co_argcount:
                kind = ParameterKind.POSITIONAL_OR_KEYWORD
                has_default = index >= first_default
                default = (
                    defaults[index - first_default] if has_default else None
                )
            else:
                kind = ParameterKind.KEYWORD_ONLY
                has_default = name in kwdefaults
                default = kwdefaults.get(name)
            try:
                spec = _spec_for(annotations, name)
                stored = _check_default(spec, default) if has_default else None
            except TypeError as exc:
                msg = f"{where}: parameter {name!r}: {exc}"
                raise TypeError(msg) from None
            parameters.append(
                Parameter(
                    name,
                    spec,
                    kind,
                    not has_default,
                    stored,
                    described.get(name, ""),
                )
            )
        try:
            returns = _spec_for(annotations, "return")
        except TypeError as exc:
            msg = f"{where}: return annotation: {exc}"
            raise TypeError(msg) from None
        return cls(where, tuple(parameters), summary, returns)

    def schema(self) -> dict[str, object]:
        """
        Return a fresh JSON Schema (draft 2020-12) of the arguments object.
        """
        return {
            "type": "object",
            "properties": {p.name: p.schema() for p in self.parameters},
            "required": [p.name for p in self.parameters if p.required],
            "additionalProperties": False,
        }

    def bind(
        self, arguments: Mapping[str, object], *, target: str
    ) -> dict[str, object]:
        """
        Check keyword arguments and convert them for the tool.

        Args:
            arguments: The JSON object a caller sent.

            target: The namespaced tool name, for the error.

        Returns:
            Fresh copies of the arguments, with defaults filled in.

        Raises:
            ToolArgumentError: Listing every problem found, each
                ``"argument 'x': reason"``.
        """
        problems: list[str] = []
        return self._bind(_plain(arguments, problems), target, problems)

    def coerce_text(
        self, arguments: Mapping[str, str], *, target: str
    ) -> dict[str, object]:
        """
        Decode command-line ``k=v`` strings by the schema, then ``bind`` them.

        Args:
            arguments: Each argument's name and text.

            target: The namespaced tool name, for the error.

        Returns:
            As for ``bind``.

        Raises:
            ToolArgumentError: Listing every problem, as ``bind`` does.
        """
        problems: list[str] = []
        decoded = _plain(arguments, problems)
        for parameter in self.parameters:
            text = decoded.get(parameter.name)
            if type(text) is str:  # other values are checked as they are
                try:
                    decoded[parameter.name] = parameter.spec.from_text(text)
                except ConvertError as exc:
                    problems.append(
                        f"argument {_quote(parameter.name)}: {exc}"
                    )
                    decoded[parameter.name] = _UNCONVERTED
        return self._bind(decoded, target, problems)

    def _bind(
        self, given: dict[str, object], target: str, problems: list[str]
    ) -> dict[str, object]:
        result: dict[str, object] = {}
        for parameter in self.parameters:
            name = parameter.name
            if name not in given:
                if parameter.required:
                    problems.append(f"argument {_quote(name)}: required")
                else:
                    result[name] = parameter.default_value()
            elif given[name] is not _UNCONVERTED:
                try:
                    result[name] = parameter.spec.convert(given[name])
                except ConvertError as exc:
                    problems.append(f"argument {_quote(name)}: {exc}")
        known = {parameter.name for parameter in self.parameters}
        problems.extend(
            f"argument {_quote(name)}: {self._unknown(name)}"
            for name in given
            if name not in known
        )
        if problems:
            raise ToolArgumentError(target, problems)
        return result

    def _unknown(self, name: str) -> str:
        names = [p.name for p in self.parameters]
        close = difflib.get_close_matches(shorten(name, 100), names, n=1)
        if close:
            return f"unknown; did you mean {close[0]!r}?"
        if names:
            return "unknown; expected " + ", ".join(map(repr, names))
        return "unknown; this takes no arguments"


def _plain(
    arguments: Mapping[str, object], problems: list[str]
) -> dict[str, object]:
    """
    Copy arguments into a dict of our own with exact ``str`` names.

    A ``str`` subclass name could run code when looked up, and a ``dict``
    subclass could override ``items``; dict's own method is used instead.
    """
    items: Iterable[tuple[object, object]] = (
        dict.items(arguments)  # type: ignore[arg-type]
        if issubclass(type(arguments), dict)
        else arguments.items()
    )
    plain: dict[str, object] = {}
    for name, value in items:
        if type(name) is str:
            plain[name] = value
        else:
            got = describe_type(name)
            problems.append(f"argument names must be strings, got {got}")
    return plain


def _refusal(code: types.CodeType, skip: int) -> str | None:
    """
    Say why a function cannot be a tool, or return None if it can.
    """
    names, count = code.co_varnames, code.co_argcount + code.co_kwonlyargcount
    star = code.co_flags & inspect.CO_VARARGS
    refused = [f"*{names[count]}"] if star else []
    if code.co_flags & inspect.CO_VARKEYWORDS:
        refused.append(f"**{names[count + (1 if star else 0)]}")
    if code.co_posonlyargcount > skip:
        refused.append(f"positional-only parameter {names[skip]!r}")
    if refused:
        verb = "are" if len(refused) > 1 else "is"
        what = " and ".join(refused)
        return f"{what} {verb} not supported; tools take named JSON arguments"
    if code.co_argcount < skip:
        return "expected a first parameter (self) to skip"
    return None


def _quote(name: str) -> str:
    return repr(shorten(name, 60))


def _plain_dict(value: object, where: str) -> dict[str, object]:
    # Copy into a dict of our own: lookups in a dict holding plugin keys
    # could call those keys' __eq__.
    if value is None:
        return {}
    if type(value) is not dict:
        msg = f"{where}: expected a dict of annotations or defaults, got {describe_type(value)}"
        raise TypeError(msg)
    return {key: item for key, item in value.items() if type(key) is str}


def _spec_for(annotations: dict[str, object], name: str) -> TypeSpec:
    if name not in annotations:
        return AnySpec()
    return spec_from_annotation(annotations[name])


def _check_default(spec: TypeSpec, default: object) -> object:
    try:
        stored = to_json(default)
        spec.convert(stored)
    except ConvertError as exc:
        msg = f"default: {exc}"
        raise TypeError(msg) from None
    return stored

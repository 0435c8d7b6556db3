"""
A tool function's signature as JSON Schema, and its call arguments checked.

The function comes from sandboxed plugin code, so nothing here evaluates
plugin text or calls plugin code: parameters come from ``fn.__code__``,
string annotations are parsed with ``ast`` and read against a fixed table
of names, and annotation objects are compared with ``is``.
"""

from __future__ import annotations

import ast
import collections.abc
import difflib
import enum
import inspect
import re
import types
import typing
from typing import TYPE_CHECKING, Final, TypeAlias

import attrs

from acc_plugins.errors import ToolArgumentError

from ._typespec import (
    AnySpec,
    ArraySpec,
    ConvertError,
    DictSpec,
    LiteralSpec,
    Scalar,
    ScalarSpec,
    TupleSpec,
    TypeSpec,
    UnionSpec,
    describe_type,
    shorten,
    show,
    to_json,
)


if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

__all__ = [
    "Parameter",
    "ParameterKind",
    "ToolSignature",
    "TypeSpec",
    "check_result",
    "spec_from_annotation",
]

# A parsed annotation: a head from _NAMES and its arguments, or None when
# bare. Arguments are forms, ``...`` (in tuple[X, ...]) or Literal values.
_Form: TypeAlias = "tuple[str, tuple[object, ...] | None]"

_NAMES: Final = {
    "Any": "Any",
    "Dict": "dict",
    "FrozenSet": "frozenset",
    "Iterable": "list",
    "List": "list",
    "Literal": "Literal",
    "Mapping": "dict",
    "None": "None",
    "Optional": "Optional",
    "Sequence": "list",
    "Set": "set",
    "Tuple": "tuple",
    "Union": "Union",
    "bool": "bool",
    "bytes": "bytes",
    "dict": "dict",
    "float": "float",
    "frozenset": "frozenset",
    "int": "int",
    "list": "list",
    "object": "Any",
    "set": "set",
    "str": "str",
    "tuple": "tuple",
}
# Pairs, not a dict: looking an object up by hash could run plugin code.
_OBJECTS: Final[tuple[tuple[object, str], ...]] = (
    *(
        (getattr(typing, n), h)
        for n, h in _NAMES.items()
        if n[0].isupper() and n != "None"
    ),
    *(
        (getattr(collections.abc, name), _NAMES[name])
        for name in ("Iterable", "Mapping", "Sequence")
    ),
    *((b, b.__name__) for b in (str, int, float, bool, bytes, list, dict)),
    *((b, b.__name__) for b in (tuple, set, frozenset)),
    (object, "Any"),
    (None, "None"),
    (type(None), "None"),
    (types.UnionType, "Union"),
)
_ALIAS_TYPES: Final = (
    type(list[int]),
    type(int | None),
    type(typing.List[int]),  # noqa: UP006 -- the type of typing's aliases
    type(typing.Optional[int]),  # noqa: UP045 -- the type of typing's unions
    type(typing.Literal[1]),
)
_SIMPLE: Final[dict[str, TypeSpec]] = {
    "Any": AnySpec(),
    "None": ScalarSpec("null"),
    "bool": ScalarSpec("boolean"),
    "float": ScalarSpec("number"),
    "int": ScalarSpec("integer"),
    "str": ScalarSpec("string"),
}
_SUPPORTED: Final = (
    "use str, int, float, bool, None, Any (or object), list[...], "
    "dict[str, ...], tuple[...], set[...], Literal[...], Optional[...] "
    "or X | Y"
)
_MAX_NESTING: Final = 32
_MAX_TEXT: Final = 1000
_ARG_SECTIONS: Final = (
    "Args",
    "Arguments",
    "Keyword Args",
    "Keyword Arguments",
    "Parameters",
)
_SECTION: Final = re.compile(r"^\s*([A-Z][A-Za-z ]*):\s*$")
_ENTRY: Final = re.compile(r"^\*{0,2}(\w+)\s*(?:\([^)]*\))?\s*:(.*)$")
_UNCONVERTED: Final = object()


def spec_from_annotation(annotation: object) -> TypeSpec:
    """
    Read an annotation object or string without evaluating anything.

    Args:
        annotation: ``int``, ``list[str] | None``, ``"Literal['a', 'b']"``.

    Returns:
        The spec that validates values of that type.

    Raises:
        TypeError: If tools cannot take that type, saying why.
    """
    return _build(_read_object(annotation, 0))


def _read_object(annotation: object, depth: int) -> _Form:
    if depth > _MAX_NESTING:
        msg = "annotation is nested too deeply"
        raise TypeError(msg)
    for known, head in _OBJECTS:
        if annotation is known:
            return head, None
    cls = type(annotation)
    if cls is str:
        return _read_text(annotation, depth)  # type: ignore[arg-type]
    if cls is typing.ForwardRef:
        text = annotation.__forward_arg__  # type: ignore[attr-defined]
        if type(text) is str:
            return _read_text(text, depth)
    elif any(cls is alias for alias in _ALIAS_TYPES):
        return _read_alias(annotation, depth)
    msg = f"unsupported annotation of type {describe_type(annotation)}; {_SUPPORTED}"
    raise TypeError(msg)


def _read_alias(annotation: object, depth: int) -> _Form:
    # On these exact stdlib types, get_origin and get_args only read
    # attributes; the arguments they return are checked like annotations.
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    for known, head in _OBJECTS:
        if origin is known and type(args) is tuple:
            if head == "Literal":
                return head, tuple(_literal(arg) for arg in args)
            return head, tuple(
                arg if arg is Ellipsis else _read_object(arg, depth + 1)
                for arg in args
            )
    msg = "unsupported generic annotation; " + _SUPPORTED
    raise TypeError(msg)


def _literal(value: object) -> Scalar:
    cls = type(value)
    if value is None or cls is str or cls is int or cls is bool:
        return value  # type: ignore[return-value]
    msg = f"Literal values must be str, int, bool or None, got {describe_type(value)}"
    raise TypeError(msg)


def _read_text(text: str, depth: int) -> _Form:
    if len(text) > _MAX_TEXT:
        msg = f"annotation {show(text)} is too long"
        raise TypeError(msg)
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        msg = f"annotation {show(text)} is not a valid expression"
        raise TypeError(msg) from None
    return _read_node(tree.body, text, depth)


def _read_node(node: ast.expr, text: str, depth: int) -> _Form:
    if depth > _MAX_NESTING:
        msg = f"annotation {show(text)} is nested too deeply"
        raise TypeError(msg)
    if isinstance(node, ast.Constant) and node.value is None:
        return "None", None
    if isinstance(node, ast.Constant) and type(node.value) is str:
        return _read_text(node.value, depth + 1)
    if isinstance(node, ast.Name | ast.Attribute):
        return _head(node, text), None
    if isinstance(node, ast.Subscript):
        head = _head(node.value, text)
        inner = node.slice
        elements = inner.elts if isinstance(inner, ast.Tuple) else [inner]
        if head == "Literal":
            return head, tuple(_literal_node(e, text) for e in elements)
        return head, tuple(
            ...
            if isinstance(e, ast.Constant) and e.value is Ellipsis
            else _read_node(e, text, depth + 1)
            for e in elements
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        # Walk the left spine in a loop: ``a | b | c`` nests to the left.
        members: list[ast.expr] = []
        while isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            members.append(node.right)
            node = node.left
        members.append(node)
        forms = (_read_node(m, text, depth + 1) for m in reversed(members))
        return "Union", tuple(forms)
    what = type(node).__name__
    msg = f"annotation {show(text)}: a {what} expression is not allowed; {_SUPPORTED}"
    raise TypeError(msg)


def _head(node: ast.expr, text: str) -> str:
    # ``typing.Optional`` and ``t.List`` match on their final name.
    if isinstance(node, ast.Attribute):
        base = node.value
        while isinstance(base, ast.Attribute):
            base = base.value
        name = node.attr if isinstance(base, ast.Name) else ""
    else:
        name = node.id if isinstance(node, ast.Name) else ""
    head = _NAMES.get(name)
    if head is None:
        what = repr(shorten(name, 40)) if name else type(node).__name__
        msg = f"annotation {show(text)}: {what} is not a supported type; {_SUPPORTED}"
        raise TypeError(msg)
    return head


def _literal_node(node: ast.expr, text: str) -> Scalar:
    if isinstance(node, ast.Constant):
        return _literal(node.value)
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
        and type(node.operand.value) is int
    ):
        return -node.operand.value
    msg = f"annotation {show(text)}: Literal takes str, int, bool or None constants"
    raise TypeError(msg)


def _build(form: _Form) -> TypeSpec:
    head, args = form
    if head in _SIMPLE:
        if args is not None:
            msg = f"{head} takes no parameters"
            raise TypeError(msg)
        return _SIMPLE[head]
    if head == "bytes":
        msg = "bytes is not JSON-compatible; use str"
        raise TypeError(msg)
    if head == "Literal":
        return _build_literal(args or ())
    if head in {"Optional", "Union"}:
        return _build_union(head, args)
    return _build_container(head, args)


def _build_container(head: str, args: tuple[object, ...] | None) -> TypeSpec:
    match head, args:
        case "tuple", None:
            return ArraySpec(AnySpec(), "tuple")
        case "tuple", (item, types.EllipsisType()):
            return ArraySpec(_build_arg(item), "tuple")
        case "tuple", _:
            return TupleSpec(tuple(_build_arg(arg) for arg in args or ()))
        case "dict", None:
            return DictSpec(AnySpec())
        case "dict", (key, value):
            return _build_dict(_build_arg(key), _build_arg(value))
        case "list" | "set" | "frozenset", None:
            return ArraySpec(AnySpec(), head)
        case "list" | "set" | "frozenset", (item,):
            return ArraySpec(_build_arg(item), head)
    msg = f"{head}[...] takes " + (
        "a key and a value type" if head == "dict" else "one item type"
    )
    raise TypeError(msg)


def _build_arg(arg: object) -> TypeSpec:
    if arg is ...:
        msg = "... is only allowed as tuple[X, ...]"
        raise TypeError(msg)
    return _build(arg)  # type: ignore[arg-type]


def _build_literal(args: tuple[object, ...]) -> TypeSpec:
    values: list[Scalar] = []
    for value in args:
        if not any(type(v) is type(value) and v == value for v in values):
            values.append(value)  # type: ignore[arg-type]
    if not values:
        msg = "Literal needs at least one value"
        raise TypeError(msg)
    return LiteralSpec(tuple(values))


def _build_union(head: str, args: tuple[object, ...] | None) -> TypeSpec:
    specs = [_build_arg(arg) for arg in args or ()]
    if head == "Optional" and len(specs) == 1:
        specs.append(ScalarSpec("null"))
    elif head == "Optional" or not specs:
        msg = f"{head} needs its types, as in {head}[int]"
        raise TypeError(msg)
    # Flatten and drop repeats, in order, as typing.Union does.
    members: list[TypeSpec] = []
    for spec in specs:
        for member in spec.members if isinstance(spec, UnionSpec) else [spec]:
            if member not in members:
                members.append(member)
    return members[0] if len(members) == 1 else UnionSpec(tuple(members))


def _build_dict(key: TypeSpec, value: TypeSpec) -> TypeSpec:
    if key != ScalarSpec("string") and type(key) is not AnySpec:
        msg = "JSON object keys are strings; use dict[str, ...]"
        raise TypeError(msg)
    return DictSpec(value)


def _parse_docstring(doc: str) -> tuple[str, dict[str, str]]:
    """
    Split a Google-style docstring into its summary and ``Args:`` entries.
    """
    lines = inspect.cleandoc(doc).splitlines()
    summary: list[str] = []
    for line in lines:
        if not line.strip() or _SECTION.match(line):
            break
        summary.append(line)
    entries: dict[str, list[str]] = {}
    section: int | None = None  # indent of the current Args: header
    entry_indent: int | None = None
    current: list[str] | None = None
    for line in lines:
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if not stripped:
            continue
        if section is not None and indent <= section:
            section = None
        if section is None:
            header = _SECTION.match(line)
            if header and header.group(1) in _ARG_SECTIONS:
                section, entry_indent, current = indent, None, None
            continue
        entry = _ENTRY.match(stripped)
        if entry and (entry_indent is None or indent <= entry_indent):
            entry_indent = indent
            current = entries[entry.group(1)] = [entry.group(2)]
        elif current is not None:
            current.append(stripped)
    described = {name: _normalise(text) for name, text in entries.items()}
    return _normalise(summary), described


def _normalise(lines: list[str]) -> str:
    return " ".join(" ".join(lines).split())


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
        summary, described = _parse_docstring(doc if type(doc) is str else "")
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


def check_result(
    value: object,
    *,
    target: str,
    max_depth: int = 64,
    max_items: int = 1_000_000,
) -> object:
    """
    Copy a tool's return value into fresh JSON-compatible data.

    Tuples become lists. The walk is iterative and bounded, so a deep,
    self-referencing or hugely shared structure cannot crash the host.

    Args:
        value: What the tool returned.

        target: The namespaced tool name, for the message.

        max_depth: How many containers deep the value may nest.

        max_items: How many values it may hold, counting repeats.

    Returns:
        The copy, sharing no list or dict with *value*.

    Raises:
        ValueError: Naming the path inside the value, as in
            ``"ns.tool: result[2].name: a set is not JSON-compatible"``.
    """
    try:
        return to_json(value, max_depth=max_depth, max_items=max_items)
    except ConvertError as exc:
        msg = f"{target}: result{exc.where}: {exc.reason}"
        raise ValueError(msg) from None

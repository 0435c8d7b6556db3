"""
A tool's documentation from its method's syntax tree: parameters with
their types, defaults and docstring entries, and what it returns.

The signature goes through the SDK's own pieces (`spec_from_annotation`,
`parse_docstring`, `ToolSignature.schema`), so the documented schema is
the one the host checks calls against; a type hint the SDK refuses is a
note here and a load error there.
"""

from __future__ import annotations

import ast
import json
import re
from typing import TYPE_CHECKING, Final

from acc_plugins.sdk._annotations import spec_from_annotation
from acc_plugins.sdk._docstring import parse_docstring
from acc_plugins.sdk._json import ConvertError, to_json
from acc_plugins.sdk._signature import Parameter, ParameterKind, ToolSignature
from acc_plugins.sdk._typespec import AnySpec, TypeSpec

from ._model import ParameterDoc, ToolDoc
from ._types import in_words
from ._values import UNKNOWN, Call, text_of, value_of


if TYPE_CHECKING:
    from ._source import Module

_MAX_SHOWN: Final = 200
_SECTION: Final = re.compile(r"^\s*[A-Z][A-Za-z ]*:\s*$")
_RETURNS: Final = re.compile(r"^\s*(?:Returns|Return|Yields):\s*(.*)$")


def read_tool(
    fn: ast.FunctionDef | ast.AsyncFunctionDef,
    options: Call,
    module: Module,
    notes: list[str],
) -> ToolDoc:
    """
    The tool *fn* declares, with ``@tool`` *options*; a note for each
    part the host would refuse.
    """
    name = text_of(options.arguments.get("name")) or fn.name
    docstring = ast.get_docstring(fn, clean=True) or ""
    summary, described = parse_docstring(docstring)
    override = options.arguments.get("description")
    if type(override) is str:
        summary = override
    args = fn.args
    where = f"tool {name}"
    if args.vararg or args.kwarg or len(args.posonlyargs) > 1:
        notes.append(
            f"{where}: *args, **kwargs and positional-only parameters "
            "are not supported; the host will refuse this tool"
        )
    positional = [*args.posonlyargs, *args.args]
    first_default = len(positional) - len(args.defaults)
    pairs: list[tuple[ast.arg, ast.expr | None, ParameterKind]] = [
        (
            arg,
            args.defaults[i - first_default] if i >= first_default else None,
            ParameterKind.POSITIONAL_OR_KEYWORD,
        )
        for i, arg in enumerate(positional)
    ][1:]  # self
    pairs += [
        (arg, default, ParameterKind.KEYWORD_ONLY)
        for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True)
    ]
    parameters: list[Parameter] = []
    docs: list[ParameterDoc] = []
    unknown_defaults: set[str] = set()
    for arg, default, kind in pairs:
        spec, annotation = _spec(
            module, arg.annotation, f"{where}, parameter {arg.arg}", notes
        )
        stored: object = None
        shown = None
        if default is not None:
            stored = _default(default, spec, module.constants)
            if stored is UNKNOWN:
                unknown_defaults.add(arg.arg)
                stored, shown = None, _shown(module, default)
            else:
                shown = json.dumps(stored, ensure_ascii=False)
        description = described.get(arg.arg, "")
        parameters.append(
            Parameter(
                arg.arg, spec, kind, default is None, stored, description
            )
        )
        docs.append(
            ParameterDoc(
                name=arg.arg,
                type=in_words(spec.schema()),
                annotation=annotation,
                required=default is None,
                default=shown,
                description=description,
            )
        )
    returns, returns_annotation = _spec(
        module, fn.returns, f"{where}, return type", notes
    )
    signature = ToolSignature(name, tuple(parameters), summary, returns)
    schema = signature.schema()
    for property_name in unknown_defaults:  # not a value to claim
        schema["properties"][property_name].pop("default", None)  # type: ignore[index]
    return ToolDoc(
        name=name,
        method=fn.name,
        summary=summary,
        parameters=tuple(docs),
        returns=in_words(returns.schema()),
        returns_annotation=returns_annotation,
        returns_description=returns_section(docstring),
        details=details(docstring),
        schema=schema,
    )


def _default(
    node: ast.expr, spec: TypeSpec, constants: dict[str, ast.expr]
) -> object:
    value = value_of(node, constants)
    if value is UNKNOWN or isinstance(value, Call):
        return UNKNOWN
    try:
        stored = to_json(value)
        spec.convert(stored)
    except ConvertError:
        return UNKNOWN
    return stored


def _shown(module: Module, node: ast.expr) -> str:
    text = module.text(node)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 3] + "..."


def _spec(
    module: Module, annotation: ast.expr | None, where: str, notes: list[str]
) -> tuple[TypeSpec, str]:
    if annotation is None:
        return AnySpec(), ""
    shown = _shown(module, annotation)
    if isinstance(annotation, ast.Constant) and type(annotation.value) is str:
        shown = annotation.value  # a quoted hint reads better unquoted
    try:
        return spec_from_annotation(ast.unparse(annotation)), shown
    except TypeError as exc:
        notes.append(f"{where}: {exc}; the host will refuse this tool")
        return AnySpec(), shown


def returns_section(docstring: str) -> str:
    """
    The text of a Google-style docstring's ``Returns:`` section, on one
    line (the SDK's parser reads the summary and ``Args:`` only).
    """
    lines = docstring.splitlines()
    for number, line in enumerate(lines):
        header = _RETURNS.match(line)
        if header is None:
            continue
        indent = len(line) - len(line.lstrip())
        found = [header.group(1)]
        for following in lines[number + 1 :]:
            deeper = len(following) - len(following.lstrip()) > indent
            if following.strip() and not deeper:
                break
            found.append(following)
        return " ".join(" ".join(found).split())
    return ""


def details(docstring: str) -> tuple[str, ...]:
    """
    The paragraphs of a docstring after its summary and before its first
    section, each on one line.
    """
    paragraphs: list[list[str]] = [[]]
    for line in docstring.splitlines():
        if _SECTION.match(line):
            break
        if line.strip():
            paragraphs[-1].append(line.strip())
        elif paragraphs[-1]:
            paragraphs.append([])
    return tuple(" ".join(p) for p in paragraphs[1:] if p)

"""
Turning API results into terminal output.
"""

from __future__ import annotations

import collections
import enum
import json
import os
from pathlib import PurePath
from typing import TYPE_CHECKING, cast

import attrs
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text


if TYPE_CHECKING:
    from collections.abc import Sequence

    from acc_plugins.host import PluginInfo, ToolInfo

_STATE_STYLES = {
    "active": "green",
    "error": "bold red",
    "quarantined": "bold magenta",
    "deactivated": "yellow",
}


def no_color() -> bool:
    """
    Whether ``NO_COLOR`` (any non-empty value, as no-color.org says) asks
    for output with no style at all.
    """
    return bool(os.environ.get("NO_COLOR"))


def console(*, stderr: bool = False) -> Console:
    """
    The console to print to: plain text when not a terminal, and no
    escape sequence at all under ``NO_COLOR`` (not even bold), which
    rich's own ``NO_COLOR`` support would keep.
    """
    return Console(
        stderr=stderr,
        highlight=False,
        soft_wrap=False,
        color_system=None if no_color() else "auto",
    )


def print_json(value: object) -> None:
    """
    Print *value* as indented JSON.
    """
    print(json.dumps(value, indent=2, ensure_ascii=False))  # noqa: T201 -- the CLI's output


def jsonable(value: object) -> object:
    """
    *value* (attrs instances, enums, paths, tuples and sets included) as
    plain JSON data, for ``--json``: the API's own field names, so a
    script reads what the Python API documents.
    """
    if attrs.has(type(value)):
        kind = cast("type[attrs.AttrsInstance]", type(value))
        return {
            field.name: jsonable(getattr(value, field.name))
            for field in attrs.fields(kind)
        }
    if isinstance(value, enum.Enum):
        return jsonable(value.value)
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted(jsonable(v) for v in value)  # type: ignore[type-var]
    if isinstance(value, (list, tuple, collections.deque)):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, (str, int, float)):
        return value
    return str(value)  # a version, a specifier: their text is their value


def _state(state: str) -> Text:
    return Text(state, style=_STATE_STYLES.get(state, ""))


def plugins_table(infos: Sequence[PluginInfo]) -> Table:
    """
    The ``list`` table.
    """
    table = Table(title="plugins", title_justify="left")
    failed = any(info.last_error is not None for info in infos)
    columns = ["name", "version", "kind", "state", "permissions"]
    for column in [*columns, "last error"] if failed else columns:
        table.add_column(column, overflow="fold")
    for info in infos:
        row: list[str | Text] = [
            info.name,
            info.version,
            info.kind,
            _state(info.state.value),
            "\n".join(info.permissions) or "-",
        ]
        if failed:
            error = info.last_error
            # Text, not markup: a "[plugins] block ..." reason would
            # lose its brackets as a markup tag.
            row.append(Text(_first_problem(str(error)) if error else ""))
        table.add_row(*row)
    return table


def _first_problem(text: str, limit: int = 120) -> str:
    # The table shows the first problem; ``info NAME`` shows them all.
    first = text.split("; ", 1)[0]
    return first if len(first) <= limit else first[: limit - 1] + "…"


def plugin_details(info: PluginInfo, tools: Sequence[ToolInfo]) -> Group:
    """
    The ``info`` view.
    """
    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold")
    head.add_column(overflow="fold")
    rows: list[tuple[str, str | Text]] = [
        ("name", info.name),
        ("version", info.version),
        ("kind", info.kind),
        ("state", _state(info.state.value)),
        ("description", info.description),
        ("folder", str(info.root)),
        ("permissions", ", ".join(info.permissions) or "-"),
        ("dependencies", ", ".join(info.dependencies) or "-"),
        ("agents", ", ".join(info.agents) or "-"),
        ("workflows", ", ".join(info.workflows) or "-"),
        ("hooks", ", ".join(info.hooks) or "-"),
        ("calls", f"{info.stats.calls} ({info.stats.errors} failed)"),
    ]
    if info.last_error is not None:
        rows.append(("last error", Text(str(info.last_error), style="red")))
    for key, value in rows:
        head.add_row(key, value)
    parts: list[Table] = [head]
    if tools:
        table = Table(title="tools", title_justify="left")
        table.add_column("tool")
        table.add_column("arguments", overflow="fold")
        table.add_column("description", overflow="fold")
        for tool in tools:
            properties = tool.schema.get("properties", {})
            required = set(tool.schema.get("required", []))  # type: ignore[call-overload]
            arguments = ", ".join(
                f"{name}{'' if name in required else '?'}: {_type_text(spec)}"
                for name, spec in properties.items()  # type: ignore[attr-defined]
            )
            table.add_row(tool.name, arguments or "-", tool.description)
        parts.append(table)
    history = Table(title="transitions", title_justify="left")
    for column in ("from", "to", "reason"):
        history.add_column(column, overflow="fold")
    for transition in info.transitions:
        history.add_row(
            transition.source.value, transition.target.value, transition.reason
        )
    parts.append(history)
    return Group(*parts)


def _type_text(spec: object) -> str:
    if not isinstance(spec, dict):
        return "any"
    if "enum" in spec:
        return "|".join(json.dumps(v) for v in spec["enum"])
    kind = spec.get("type")
    if isinstance(kind, list):
        return "|".join(str(k) for k in kind)
    if kind == "array":
        return f"list[{_type_text(spec.get('items'))}]"
    if "anyOf" in spec:
        return "|".join(_type_text(s) for s in spec["anyOf"])
    return str(kind or "any")

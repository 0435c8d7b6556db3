"""
The registry entries of an isolated plugin's tools: they forward each call
to the plugin's worker, through the host (which counts it and mirrors the
plugin's state).

Apart from ``_isolated`` so that the worker's own process handling reads
in one sitting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any


if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from acc_plugins.host.core._record import PluginRecord


class RemoteSchema:
    """
    The argument schema of a tool served by a worker.
    """

    def __init__(self, schema: dict[str, object]) -> None:
        self._schema = schema

    def schema(self) -> dict[str, object]:
        """
        A copy of the JSON Schema.
        """
        return dict(self._schema)


class RemoteTool:
    """
    A registry entry that forwards calls to the plugin's worker.
    """

    def __init__(
        self,
        target: str,
        record: PluginRecord,
        description: str,
        schema: dict[str, object],
        forward: Callable[[str, dict[str, Any]], object],
    ) -> None:
        self.target = target
        self.record = record
        self.description = description
        self.signature = RemoteSchema(schema)
        self._forward = forward

    def call(self, arguments: dict[str, object]) -> object:
        """
        Call the tool in the worker.
        """
        return self._forward(
            self.target,
            {
                "op": "call_tool",
                "tool": self.target,
                "arguments": dict(arguments),
            },
        )

    def invoke(
        self, arguments: Mapping[str, object], *, text: bool = False
    ) -> object:
        """
        Call the tool in the worker, with textual arguments if *text*.
        """
        op = "call_tool_text" if text else "call_tool"
        return self._forward(
            self.target,
            {"op": op, "tool": self.target, "arguments": dict(arguments)},
        )

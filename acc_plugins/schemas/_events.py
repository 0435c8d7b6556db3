"""
The JSON Schema of the events the host emits: each event's payload, and
the events as one union keyed by their name.

The payloads are written by the host's parts where things happen (the
lifecycle, reload, configuration, tool calls); this is their catalogue.
The state events' names come from the lifecycle's states, and
``tests/schemas`` runs a host through every kind of event and checks each
payload against this schema, so a payload that changes shape, or a new
event, fails there until the catalogue follows.
"""

from __future__ import annotations

from typing import Any, Final

from acc_plugins.host.core._lifecycle import State
from acc_plugins.host.core._loading import _EVENT_NAMES
from acc_plugins.host.events._toolevents import EVENT as TOOL_CALLED
from acc_plugins.sdk import Event

from ._models import attribute_docs


_TEXT: Final = {"type": "string"}
_PLUGIN: Final = {"type": "string", "description": "The plugin's name."}


def _payload(
    description: str, properties: dict[str, Any], **docs: str
) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "properties": {
            name: {**schema, "description": docs[name]}
            if name in docs
            else schema
            for name, schema in properties.items()
        },
        "required": list(properties),
        "additionalProperties": False,
    }


_STATE: Final = {"$ref": "#/$defs/PluginState"}
PAYLOADS: Final[dict[str, dict[str, Any]]] = {
    "PluginStateChanged": _payload(
        "A plugin moved from one state of its lifecycle to another.",
        {"plugin": _PLUGIN, "from": _STATE, "to": _STATE, "reason": _TEXT},
        reason="Why, in a few words.",
    ),
    "PluginReloaded": _payload(
        "A new version of a plugin serves.",
        {"plugin": _PLUGIN, "root": _TEXT},
        root="The plugin's folder.",
    ),
    "PluginReloadFailed": _payload(
        "A new version was refused; the old one keeps serving.",
        {
            "plugin": _PLUGIN,
            "message": _TEXT,
            "location": {"type": ["string", "null"]},
            "kind": _TEXT,
            "excerpt": {"type": "array", "items": _TEXT},
        },
        message="What went wrong.",
        location="`file:line` in the plugin, when known.",
        kind="The exception's class name.",
        excerpt="The source lines around the location, its line marked `>`.",
    ),
    "ConfigInvalid": _payload(
        "A configuration file is invalid; the last good values stay.",
        {"path": _TEXT, "problems": {"type": "array", "items": _TEXT}},
        path="The file.",
        problems="Every problem found, each `key.path: reason`.",
    ),
    "ToolCalled": _payload(
        "A tool call ended (emitted only while someone listens).",
        {
            "tool": _TEXT,
            "plugin": _PLUGIN,
            "ok": {"type": "boolean"},
            "ms": {"type": "number"},
        },
        tool="The tool's namespaced name, `plugin.tool`.",
        ok="Whether the call succeeded.",
        ms="How long it took, in milliseconds.",
    ),
}


def host_events() -> dict[str, str]:
    """
    Every event the host emits, by name: the name of its payload's
    definition.
    """
    names = {
        f"plugin.{_EVENT_NAMES.get(state, state.value)}": "PluginStateChanged"
        for state in State
    }
    return {
        **names,
        "plugin.reloaded": "PluginReloaded",
        "plugin.reload_failed": "PluginReloadFailed",
        "config.invalid": "ConfigInvalid",
        TOOL_CALLED: "ToolCalled",
    }


def _event(name: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "name": {"const": name},
            "payload": payload,
            "source": {"const": "host"},
        },
        "required": ["name", "payload", "source"],
        "additionalProperties": False,
    }


def events_json_schema() -> dict[str, Any]:
    """
    The JSON Schema of a host event (``name``, ``payload``, ``source``),
    a choice keyed by the event's name, with each payload under ``$defs``.
    """
    events = host_events()
    docs = attribute_docs(Event)
    return {
        "title": "An event the host emits, as a hook or listener gets it",
        "oneOf": [
            _event(name, {"$ref": f"#/$defs/{payload}"})
            for name, payload in events.items()
        ],
        "$defs": {
            "EventPayloads": {
                "type": "object",
                "description": "Each host event's payload, by event name.",
                "properties": {
                    name: {"$ref": f"#/$defs/{payload}"}
                    for name, payload in events.items()
                },
                "required": list(events),
                "additionalProperties": False,
            },
            "PluginEvent": {
                "type": "object",
                "description": (
                    "An event a plugin emits: `<plugin>.<name>`, any JSON "
                    "payload, the plugin as its source."
                ),
                "properties": {
                    "name": {**_TEXT, "description": docs["name"]},
                    "payload": {"description": docs["payload"]},
                    "source": {**_TEXT, "description": docs["source"]},
                },
                "required": ["name", "payload", "source"],
                "additionalProperties": False,
            },
            "PluginState": {
                "description": "Where a plugin is in its life.",
                "enum": [state.value for state in State],
            },
            **PAYLOADS,
        },
    }

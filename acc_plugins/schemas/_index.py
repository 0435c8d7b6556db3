"""
The JSON Schema of a registry's ``index.json``: the signed envelope and
the index inside it, walked from the market's own models.
"""

from __future__ import annotations

from typing import Any

from acc_plugins.market._index import Index

from ._models import ModelSchemas


def index_json_schema() -> dict[str, Any]:
    """
    The JSON Schema of ``index.json`` as a registry serves it.
    """
    models = ModelSchemas(prefix="Registry")
    signed = models.ref(Index)
    return {
        "title": "A registry's index.json",
        "type": "object",
        "description": (
            "The index, with the registry owner's key and signature over "
            "its canonical bytes (sorted keys, no spaces, UTF-8)."
        ),
        "properties": {
            "signed": {**signed},
            "key": {
                "type": "string",
                "pattern": "^ed25519:",
                "description": "The owner's public key, `ed25519:<base64>`.",
            },
            "signature": {
                "type": "string",
                "description": "The signature of `signed` (base64).",
            },
        },
        "required": ["signed", "key", "signature"],
        "additionalProperties": False,
        "$defs": models.defs,
    }

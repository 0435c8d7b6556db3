"""
The three formats by name, for a caller that lets its user choose
(``acc-plugins docs --format``).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Final

from ._html import to_html
from ._markdown import to_markdown


if TYPE_CHECKING:
    from collections.abc import Callable

    from ._model import PluginDoc


def to_json_text(doc: PluginDoc) -> str:
    """
    *doc* as indented JSON text (the data of `PluginDoc.to_json`).
    """
    return json.dumps(doc.to_json(), indent=2, ensure_ascii=False) + "\n"


_RENDERERS: Final[dict[str, Callable[[PluginDoc], str]]] = {
    "html": to_html,
    "json": to_json_text,
    "md": to_markdown,
}

FORMATS: Final = tuple(sorted(_RENDERERS))
"""The format names `render` takes, each also a file suffix."""


def render(doc: PluginDoc, format: str) -> str:  # noqa: A002 -- the CLI's word
    """
    *doc* in *format*: ``md``, ``html`` or ``json``.

    Raises:
        ValueError: For another format.
    """
    renderer = _RENDERERS.get(format)
    if renderer is None:
        msg = f"unknown format {format!r}; use one of {', '.join(FORMATS)}"
        raise ValueError(msg)
    return renderer(doc)

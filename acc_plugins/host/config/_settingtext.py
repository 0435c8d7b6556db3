"""
A setting's value typed on a command line (``acc-plugins config set``),
read as the setting's type.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from acc_plugins.manifest import SettingType


if TYPE_CHECKING:
    from acc_plugins.manifest import Setting


def parse_text(setting: Setting, text: str) -> object:
    """
    A value typed on a command line, as *setting*'s type.

    Raises:
        ValueError: If *text* is not a value of that type.
    """
    kind = setting.type
    numbers = {
        SettingType.INT: (int, "integer"),
        SettingType.FLOAT: (float, "number"),
    }
    if kind in numbers:
        convert, expected = numbers[kind]
        try:
            return convert(text)
        except ValueError:
            msg = f"expected {expected}, got {text!r}"
            raise ValueError(msg) from None
    if kind is SettingType.BOOL:
        lowered = text.lower()
        if lowered in {"true", "yes", "on", "1"}:
            return True
        if lowered in {"false", "no", "off", "0"}:
            return False
        msg = f"expected true or false, got {text!r}"
        raise ValueError(msg)
    if kind is SettingType.LIST:
        if text.startswith("["):
            try:
                return json.loads(text)
            except ValueError as exc:
                msg = f"expected a JSON array of strings: {exc}"
                raise ValueError(msg) from None
        return [part.strip() for part in text.split(",") if part.strip()]
    return text

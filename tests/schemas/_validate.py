"""
A small JSON Schema validator for the keywords the library's schemas use,
``$ref`` to ``#/$defs/...`` included: enough to hold real documents
against them, and to notice a keyword it does not know.
"""

import re
from typing import Any


_KINDS: dict[str, Any] = {
    "array": list,
    "boolean": bool,
    "integer": int,
    "null": type(None),
    "number": (int, float),
    "object": dict,
    "string": str,
}
_IGNORED = {"$schema", "title", "description", "default", "$defs"}


def _is(kind: str, value: object) -> bool:
    if isinstance(value, bool) and kind in {"integer", "number"}:
        return False
    return isinstance(value, _KINDS[kind])


class Validator:
    """
    Checks values against *root*, whose ``$defs`` its ``$ref`` name.
    """

    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root

    def errors(self, schema: Any, value: Any, where: str = "$") -> list[str]:
        if schema is True or schema == {}:
            return []
        if schema is False:
            return [f"{where}: nothing is allowed here"]
        if "$ref" in schema:
            name = schema["$ref"].removeprefix("#/$defs/")
            target = self.root if name == "#" else self.root["$defs"][name]
            return self.errors(target, value, where)
        found: list[str] = []
        for keyword, expected in schema.items():
            check = getattr(self, f"_{keyword.replace('$', '')}", None)
            if check is None:
                if keyword not in _IGNORED:
                    found.append(f"{where}: unknown keyword {keyword}")
                continue
            found += check(expected, value, where, schema)
        return found

    def _type(self, kinds, value, where, _):
        kinds = [kinds] if isinstance(kinds, str) else kinds
        if any(_is(kind, value) for kind in kinds):
            return []
        return [f"{where}: {value!r} is not {' or '.join(kinds)}"]

    def _const(self, expected, value, where, _):
        same = type(value) is type(expected) and value == expected
        return [] if same else [f"{where}: {value!r} is not {expected!r}"]

    def _enum(self, options, value, where, _):
        if any(self._const(o, value, where, _) == [] for o in options):
            return []
        return [f"{where}: {value!r} is not one of {options!r}"]

    def _anyOf(self, choices, value, where, _):  # noqa: N802 -- the keyword
        if any(not self.errors(c, value, where) for c in choices):
            return []
        return [f"{where}: {value!r} matches no choice"]

    def _oneOf(self, choices, value, where, _):  # noqa: N802 -- the keyword
        matching = [c for c in choices if not self.errors(c, value, where)]
        if len(matching) == 1:
            return []
        return [f"{where}: {value!r} matches {len(matching)} choices"]

    def _allOf(self, rules, value, where, _):  # noqa: N802 -- the keyword
        found = []
        for rule in rules:
            if "if" not in rule:
                found += self.errors(rule, value, where)
            elif not self.errors(rule["if"], value, where):
                found += self.errors(rule.get("then", True), value, where)
        return found

    def _properties(self, properties, value, where, _):
        if not isinstance(value, dict):
            return []
        return [
            problem
            for name, schema in properties.items()
            if name in value
            for problem in self.errors(schema, value[name], f"{where}.{name}")
        ]

    def _required(self, names, value, where, _):
        if not isinstance(value, dict):
            return []
        return [f"{where}.{n}: required" for n in names if n not in value]

    def _additionalProperties(self, schema, value, where, parent):  # noqa: N802 -- the keyword
        if not isinstance(value, dict):
            return []
        named = parent.get("properties", {})
        return [
            problem
            for name, item in value.items()
            if name not in named
            for problem in self.errors(schema, item, f"{where}.{name}")
        ]

    def _propertyNames(self, schema, value, where, _):  # noqa: N802 -- the keyword
        if not isinstance(value, dict):
            return []
        return [p for name in value for p in self.errors(schema, name, where)]

    def _items(self, schema, value, where, parent):
        if not isinstance(value, list):
            return []
        start = len(parent.get("prefixItems", []))
        return [
            problem
            for index, item in enumerate(value[start:], start)
            for problem in self.errors(schema, item, f"{where}[{index}]")
        ]

    def _prefixItems(self, schemas, value, where, _):  # noqa: N802 -- the keyword
        if not isinstance(value, list):
            return []
        return [
            problem
            for index, (schema, item) in enumerate(
                zip(schemas, value, strict=False)
            )
            for problem in self.errors(schema, item, f"{where}[{index}]")
        ]

    def _bound(self, ok, value, where, what):
        return [] if ok else [f"{where}: {value!r} breaks {what}"]

    def _minItems(self, n, value, where, _):  # noqa: N802 -- the keyword
        ok = not isinstance(value, list) or len(value) >= n
        return self._bound(ok, value, where, "minItems")

    def _maxItems(self, n, value, where, _):  # noqa: N802 -- the keyword
        ok = not isinstance(value, list) or len(value) <= n
        return self._bound(ok, value, where, "maxItems")

    def _uniqueItems(self, unique, value, where, _):  # noqa: N802 -- the keyword
        ok = not (unique and isinstance(value, list)) or len(
            {repr(v) for v in value}
        ) == len(value)
        return self._bound(ok, value, where, "uniqueItems")

    def _minLength(self, n, value, where, _):  # noqa: N802 -- the keyword
        ok = not isinstance(value, str) or len(value) >= n
        return self._bound(ok, value, where, "minLength")

    def _maxLength(self, n, value, where, _):  # noqa: N802 -- the keyword
        ok = not isinstance(value, str) or len(value) <= n
        return self._bound(ok, value, where, "maxLength")

    def _pattern(self, pattern, value, where, _):
        ok = not isinstance(value, str) or re.search(pattern, value)
        return self._bound(ok, value, where, f"pattern {pattern}")

    def _number(self, value):
        return isinstance(value, int | float) and not isinstance(value, bool)

    def _minimum(self, bound, value, where, _):
        ok = not self._number(value) or value >= bound
        return self._bound(ok, value, where, "minimum")

    def _maximum(self, bound, value, where, _):
        ok = not self._number(value) or value <= bound
        return self._bound(ok, value, where, "maximum")


def problems(root: dict[str, Any], value: Any, at: str = "#") -> list[str]:
    """
    What is wrong with *value* against *root* (or its definition *at*).
    """
    validator = Validator(root)
    schema = root if at == "#" else {"$ref": f"#/$defs/{at}"}
    return validator.errors(schema, value)

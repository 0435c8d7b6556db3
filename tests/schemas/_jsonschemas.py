"""
Hypothesis strategies for JSON Schemas of the subset the TypeScript
emitter reads, each with a strategy for values the schema accepts, and odd
text wherever text may go: property names that need quotes, enums of
strange strings, descriptions that try to end their comment.
"""

from typing import Any

from hypothesis import strategies as st


Pair = tuple[dict[str, Any], st.SearchStrategy[Any]]

# "__proto__" in an object literal sets the prototype in JavaScript: it
# is not a property a value can have, so it is left out.
KEYS = st.one_of(
    st.sampled_from(["a", "default", "kebab-name", "with space", "1st", ""]),
    st.text(max_size=6),
).filter(lambda key: key != "__proto__")
ODD_TEXT = st.one_of(
    st.sampled_from(['"', "\\", "*/", "\u2028", "'", "`${x}`", "\ud800"]),
    st.text(max_size=6),
)
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | ODD_TEXT,
    lambda inner: (
        st.lists(inner, max_size=2) | st.dictionaries(KEYS, inner, max_size=2)
    ),
    max_leaves=4,
)
_LITERALS = st.one_of(
    ODD_TEXT, st.integers(-1000, 1000), st.booleans(), st.none()
)
_SCALARS: list[Pair] = [
    ({"type": "string"}, ODD_TEXT),
    ({"type": "integer"}, st.integers(-(2**53), 2**53)),
    ({"type": "number"}, st.floats(allow_nan=False, allow_infinity=False)),
    ({"type": "boolean"}, st.booleans()),
    ({"type": "null"}, st.none()),
    ({"type": ["string", "null"]}, st.none() | ODD_TEXT),
    ({}, JSON_VALUES),
]


def _enum(values: list[Any]) -> Pair:
    if len(values) == 1:
        return {"const": values[0]}, st.just(values[0])
    return {"enum": values}, st.sampled_from(values)


def _object(fields: dict[str, tuple[Pair, bool]], closed: bool) -> Pair:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {key: pair[0] for key, (pair, _) in fields.items()},
        "required": [key for key, (_, needed) in fields.items() if needed],
    }
    if closed:
        schema["additionalProperties"] = False
    needed = {k: p[1] for k, (p, need) in fields.items() if need}
    optional = {k: p[1] for k, (p, need) in fields.items() if not need}
    return schema, st.fixed_dictionaries(needed, optional=optional)


def _described(pair: Pair, text: str) -> Pair:
    return {**pair[0], "description": text}, pair[1]


def _extend(children: st.SearchStrategy[Pair]) -> st.SearchStrategy[Pair]:
    return st.one_of(
        children.map(
            lambda p: (
                {"type": "array", "items": p[0]},
                st.lists(p[1], max_size=2),
            )
        ),
        st.lists(children, min_size=1, max_size=3).map(
            lambda ps: (
                {
                    "type": "array",
                    "prefixItems": [p[0] for p in ps],
                    "minItems": len(ps),
                    "maxItems": len(ps),
                },
                st.tuples(*(p[1] for p in ps)).map(list),
            )
        ),
        children.map(
            lambda p: (
                {"type": "object", "additionalProperties": p[0]},
                st.dictionaries(KEYS, p[1], max_size=2),
            )
        ),
        st.builds(
            _object,
            st.dictionaries(
                KEYS, st.tuples(children, st.booleans()), max_size=3
            ),
            st.booleans(),
        ),
        st.lists(children, min_size=2, max_size=3).map(
            lambda ps: (
                {"anyOf": [p[0] for p in ps]},
                st.one_of(*(p[1] for p in ps)),
            )
        ),
        st.builds(_described, children, ODD_TEXT),
    )


SCHEMAS: st.SearchStrategy[Pair] = st.recursive(
    st.one_of(
        st.sampled_from(_SCALARS),
        st.lists(
            _LITERALS, min_size=1, max_size=4, unique_by=lambda v: (type(v), v)
        ).map(_enum),
    ),
    _extend,
    max_leaves=6,
)

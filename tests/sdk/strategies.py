"""
Hypothesis strategies for annotations and values, and checks on their copies.
"""

import typing
from typing import Any, Literal

from hypothesis import strategies as st
from tests.sdk.plugin_code import EvilStr

from acc_plugins.sdk._typespec import (
    ArraySpec,
    DictSpec,
    LiteralSpec,
    ScalarSpec,
    TupleSpec,
    TypeSpec,
    UnionSpec,
)


# Pairs of an annotation object and its source text.
Pair = tuple[Any, str]
_LITERALS: st.SearchStrategy[Pair] = (
    st.lists(
        st.one_of(
            st.text(max_size=3), st.integers(-3, 3), st.booleans(), st.none()
        ),
        min_size=1,
        max_size=3,
    )
    # typing caches literals and unions by value set, ignoring order, so
    # one canonical order keeps object and text alike.
    .map(lambda values: _of(Literal, *sorted(values, key=repr)))
    .map(
        lambda literal: (
            literal,
            f"Literal[{', '.join(map(repr, typing.get_args(literal)))}]",
        )
    )
)
_HASHABLE: st.SearchStrategy[Pair] = st.one_of(
    st.sampled_from(
        [(int, "int"), (float, "float"), (str, "str"), (bool, "bool")]
    ),
    st.just((None, "None")),
    _LITERALS,
)
_BASE = st.one_of(_HASHABLE, st.just((Any, "Any")))


def _of(origin: Any, *args: object) -> Any:
    """
    Subscript a generic at run time: ``_of(list, int)`` is ``list[int]``.
    """
    return origin[args if len(args) > 1 else args[0]]


def _extend(
    children: st.SearchStrategy[Pair],
) -> st.SearchStrategy[Pair]:
    two = st.tuples(children, children)
    return st.one_of(
        children.map(lambda a: (_of(list, a[0]), f"list[{a[1]}]")),
        children.map(lambda a: (_of(dict, str, a[0]), f"Dict[str, {a[1]}]")),
        children.map(lambda a: (_of(tuple, a[0], ...), f"tuple[{a[1]}, ...]")),
        two.map(
            lambda p: (
                _of(tuple, p[0][0], p[1][0]),
                f"Tuple[{p[0][1]}, {p[1][1]}]",
            )
        ),
        two.map(
            lambda p: (
                _of(typing.Union, p[0][0], p[1][0]),
                f"{p[0][1]} | {p[1][1]}",
            )
        ),
        children.map(
            lambda a: (_of(typing.Optional, a[0]), f"t.Optional[{a[1]}]")
        ),
        _HASHABLE.map(lambda a: (_of(set, a[0]), f"set[{a[1]}]")),
        _HASHABLE.map(lambda a: (_of(frozenset, a[0]), f"frozenset[{a[1]}]")),
    )


PAIRS = st.recursive(_BASE, _extend, max_leaves=6)
ANNOTATIONS = PAIRS.map(lambda pair: pair[0])

_SCALAR_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(-(2**53), 2**53),
    st.floats(),
    st.text(max_size=5),
    st.builds(EvilStr, st.text(max_size=3)),
    st.binary(max_size=3),
    st.builds(object),
)
# Anything a caller or plugin might hand over, JSON or not.
WILD_VALUES = st.recursive(
    _SCALAR_VALUES,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.lists(children, max_size=3).map(tuple),
        st.dictionaries(st.text(max_size=3), children, max_size=3),
        st.dictionaries(st.integers(), children, max_size=2),
        st.frozensets(st.integers(), max_size=3),
        st.sets(st.text(max_size=2), max_size=3),
    ),
    max_leaves=10,
)
_JSON = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=5),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.text(max_size=3), children, max_size=3),
    ),
    max_leaves=10,
)
_SCALAR_STRATEGIES: dict[str, st.SearchStrategy[object]] = {
    "null": st.none(),
    "boolean": st.booleans(),
    "integer": st.integers(),
    "number": st.one_of(
        st.floats(allow_nan=False, allow_infinity=False),
        st.integers(-(2**53), 2**53),
    ),
    "string": st.text(max_size=5),
}


def values_for(spec: TypeSpec) -> st.SearchStrategy[object]:
    """
    Generate values that the spec accepts.

    Members and values are sorted: typing's caches may hand back an equal
    annotation in another order, and the strategy must not change with it.
    """
    if isinstance(spec, ScalarSpec):
        return _SCALAR_STRATEGIES[spec.kind]
    if isinstance(spec, LiteralSpec):
        return st.sampled_from(sorted(spec.values, key=repr))
    if isinstance(spec, UnionSpec):
        members = sorted(spec.members, key=repr)
        return st.one_of([values_for(member) for member in members])
    if isinstance(spec, ArraySpec):
        # Items equal in Python (1, 1.0, True) would collapse in a set.
        unique = spec.kind in {"set", "frozenset"}
        items = st.lists(values_for(spec.item), max_size=3, unique=unique)
        return st.one_of(items, items.map(tuple))
    if isinstance(spec, TupleSpec):
        fixed = st.tuples(*(values_for(item) for item in spec.items))
        return st.one_of(fixed, fixed.map(list))
    if isinstance(spec, DictSpec):
        return st.dictionaries(
            st.text(max_size=3), values_for(spec.value), max_size=3
        )
    return _JSON


def same(given: object, converted: object) -> bool:
    """
    Whether a converted value equals the input, modulo tuple/set and float.
    """
    if type(converted) in {set, frozenset}:
        items = list(given)  # type: ignore[call-overload]
        return len(items) == len(converted) and all(  # type: ignore[arg-type]
            any(same(item, c) for c in converted)  # type: ignore[attr-defined]
            for item in items
        )
    if type(converted) in {list, tuple}:
        return (
            type(given) in {list, tuple}
            and len(given) == len(converted)  # type: ignore[arg-type]
            and all(
                same(a, b)
                for a, b in zip(given, converted, strict=True)  # type: ignore[call-overload]
            )
        )
    if type(converted) is dict:
        return (
            type(given) is dict
            and given.keys() == converted.keys()
            and all(same(given[k], converted[k]) for k in given)
        )
    if type(converted) is float and type(given) is int:
        return float(given) == converted
    return type(given) is type(converted) and given == converted


def containers(value: object) -> set[int]:
    """
    Collect the ids of every list and dict inside a value.
    """
    found: set[int] = set()
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if type(item) in {list, dict}:
            found.add(id(item))
        if type(item) is dict:
            stack.extend(item.values())
        elif type(item) in {list, tuple, set, frozenset}:
            stack.extend(item)
    return found


# Text that stretches JSON: escapes, control characters, astral
# characters and lone surrogates.
_AWKWARD_TEXT = st.one_of(
    st.text(max_size=5),
    st.text(
        st.sampled_from('"\\\x00\x1f\n\u2028é€\U0001f600\ud800'), max_size=8
    ),
)
# JSON-like values as a caller or plugin builds them, tuples included.
JSON_LIKE = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.integers(-(2**200), 2**200),
        st.floats(allow_nan=False, allow_infinity=False),
        _AWKWARD_TEXT,
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.lists(children, max_size=3).map(tuple),
        st.dictionaries(_AWKWARD_TEXT, children, max_size=4),
    ),
    max_leaves=20,
)
# Values that are JSON but for one or two things: a NaN, a set, a string
# subclass, an integer key...
_POISON = st.sampled_from(
    [
        float("nan"),
        float("-inf"),
        {1, 2},
        EvilStr("s"),
        b"x",
        object(),
        {1: "integer key"},
        {EvilStr("k"): 1},
    ]
)
ALMOST_JSON = st.recursive(
    st.one_of(JSON_LIKE, _POISON),
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.lists(children, max_size=3).map(tuple),
        st.dictionaries(st.text(max_size=2), children, max_size=4),
    ),
    max_leaves=8,
)

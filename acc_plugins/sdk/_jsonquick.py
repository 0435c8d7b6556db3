"""
The quick copy of a JSON value, sized as it goes: no paths, no messages.

Nearly every value the host copies (a tool's small dict, an event payload)
is plain, shallow JSON.  This copy handles exactly those, in one recursive
pass that also bounds the size of the value's JSON text, and gives up
(raises ``Unusual``) on anything the full walk in ``_json`` would refuse,
and on nesting deeper than a few frames.  The full walk then starts
again and names the problem, so every message comes from one place.

Only exact built-in types pass: types are compared with ``is``, and no
method of a value of any other type is called.

The scalar checks are written out in both loops, not shared through a
helper: a call per item would cost more than the whole check.
"""

from __future__ import annotations

from typing import Final


__all__ = [
    "QUICK_DEPTH",
    "Unusual",
    "copy_dict",
    "copy_flat_dict",
    "copy_list",
    "quick_copy",
]

# Deeper values go to the full walk, which has no recursion at all.
QUICK_DEPTH: Final = 32

# The most JSON bytes one item of a container takes beside its string
# characters and its integer digits: in a dict, ``"key": value, `` with
# ``null``, ``false`` or a quoted string as the value (12); in a list,
# ``false, `` (7, rounded up to 8).  A float's repr is at most 24
# characters ("-2.2250738585072014e-308").
_DICT_ITEM: Final = 12
_LIST_ITEM: Final = 8
_FLOAT: Final = 24
# One character of a string takes at most 6 bytes: ``\u001f``.
_CHAR: Final = 6
# Integers this small take at most 10 digits and a sign: within _FLOAT.
_SMALL_INT: Final = 999_999_999


class Unusual(Exception):  # noqa: N818 -- a signal, not an error
    """
    The value needs the full walk: it is refused, or deep.
    """


def quick_copy(
    value: object, max_depth: int, max_items: int
) -> tuple[object, int]:
    """
    Copy *value* and bound the UTF-8 size of its JSON text.

    Args:
        value: The value to copy.

        max_depth: How many containers deep it may nest.

        max_items: How many values it may hold, counting repeats.

    Returns:
        The copy, and a number of bytes at least the length of
        ``json.dumps(copy, ensure_ascii=False)`` in UTF-8.

    Raises:
        Unusual: If the full walk must decide.
    """
    # Values left to visit after *value* itself: each container takes
    # its length, so the work is bounded before it is done.
    depth = (max_depth if max_depth < QUICK_DEPTH else QUICK_DEPTH) - 1  # noqa: FURB136 -- min() costs more
    cls = type(value)
    try:
        if cls is dict:
            return copy_dict(value, depth, [max_items - 1])  # type: ignore[arg-type]
        if cls is list or cls is tuple:
            return copy_list(value, depth, [max_items - 1])  # type: ignore[arg-type]
    except RecursionError:
        # The caller was already deep in the stack; the walk has no
        # recursion.
        raise Unusual from None
    if max_items < 1:
        raise Unusual
    if cls is str:
        return value, 2 + _CHAR * len(value)  # type: ignore[arg-type]
    if cls is int:
        return value, 2 + int.bit_length(value) // 3  # type: ignore[arg-type]
    if cls is float and value - value == 0.0:  # type: ignore[operator]
        return value, _FLOAT
    if value is None or cls is bool:
        return value, 5
    raise Unusual


def copy_flat_dict(
    value: dict[object, object], limit: int
) -> dict[str, object] | None:
    """
    The copy of a dict of scalars whose JSON size is surely within
    *limit* bytes, else None: the shape most tools return, copied without
    the bookkeeping nesting needs.  (At most *limit* items: each takes a
    byte or more.)
    """
    copy: dict[str, object] = {}
    size = 2 + (_DICT_ITEM + _FLOAT) * len(value)
    for key, item in value.items():
        if type(key) is not str:
            return None
        size += _CHAR * len(key)
        cls = type(item)
        if cls is str:
            size += _CHAR * len(item)  # type: ignore[arg-type]
        elif cls is int:
            if not -_SMALL_INT <= item <= _SMALL_INT:  # type: ignore[operator]
                size += item.bit_length() // 3  # type: ignore[attr-defined]
        elif cls is float:
            if item - item != 0.0:  # type: ignore[operator]
                return None
        elif item is not None and cls is not bool:
            return None
        copy[key] = item
    return copy if size <= limit else None


def copy_dict(
    value: dict[object, object], depth: int, tally: list[int]
) -> tuple[dict[str, object], int]:
    """
    ``quick_copy`` of an exact dict.

    Args:
        value: The dict.

        depth: How many containers may nest inside it (below 0: none,
            not even *value*).

        tally: ``[n]``, how many values may still be visited; lowered by
            the number of values copied.

    Raises:
        Unusual: If the full walk must decide.  A caller already deep in
            the stack may see ``RecursionError`` instead.
    """
    left = tally[0] - len(value)
    if left < 0 or depth < 0:
        raise Unusual
    tally[0] = left
    copy: dict[str, object] = {}
    size = 2 + _DICT_ITEM * len(value)
    chars = 0
    for key, item in value.items():
        if type(key) is not str:
            raise Unusual
        chars += len(key)
        cls = type(item)
        if cls is str:
            chars += len(item)  # type: ignore[arg-type]
        elif cls is int:
            size += item.bit_length() // 3  # type: ignore[attr-defined]
        elif cls is float:
            # Not finite: inf - inf and nan - nan are nan.
            if item - item != 0.0:  # type: ignore[operator]
                raise Unusual
            size += _FLOAT
        elif cls is dict:
            copy[key], more = copy_dict(item, depth - 1, tally)  # type: ignore[arg-type]
            size += more
            continue
        elif cls is list or cls is tuple:
            copy[key], more = copy_list(item, depth - 1, tally)  # type: ignore[arg-type]
            size += more
            continue
        elif item is not None and cls is not bool:
            raise Unusual
        copy[key] = item
    return copy, size + _CHAR * chars


def copy_list(
    value: list[object] | tuple[object, ...], depth: int, tally: list[int]
) -> tuple[list[object], int]:
    """
    ``quick_copy`` of an exact list or tuple, as ``copy_dict``.
    """
    left = tally[0] - len(value)
    if left < 0 or depth < 0:
        raise Unusual
    tally[0] = left
    # Copied whole, then containers replaced by their copies: cheaper
    # than appending item by item.
    copy = list(value)
    size = 2 + _LIST_ITEM * len(copy)
    chars = 0
    index = 0
    for item in copy:
        cls = type(item)
        if cls is str:
            chars += len(item)  # type: ignore[arg-type]
        elif cls is int:
            size += item.bit_length() // 3  # type: ignore[attr-defined]
        elif cls is float:
            if item - item != 0.0:  # type: ignore[operator]
                raise Unusual
            size += _FLOAT
        elif cls is dict:
            copy[index], more = copy_dict(item, depth - 1, tally)  # type: ignore[arg-type]
            size += more
        elif cls is list or cls is tuple:
            copy[index], more = copy_list(item, depth - 1, tally)  # type: ignore[arg-type]
            size += more
        elif item is not None and cls is not bool:
            raise Unusual
        index += 1  # noqa: SIM113 -- cheaper than enumerate's pairs
    return copy, size + _CHAR * chars

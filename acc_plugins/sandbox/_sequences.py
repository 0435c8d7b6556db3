"""
What C sees of a sequence: how many items it really holds (a plugin's
subclass may define a ``__len__`` that lies) and how many bytes an item
may take.  Every size check of a repetition, a concatenation or a join
starts from these two numbers.

Kept apart from ``BombChecks`` because the library guards (``_regex``,
``_sizedmethods``, ``_amplifiers``) measure sequences too.
"""

from __future__ import annotations

from array import array
from collections import UserList, UserString, deque
from typing import TYPE_CHECKING, Any, Final


if TYPE_CHECKING:
    from collections.abc import Callable


# The built-in sequences.
SEQUENCES: Final = (str, bytes, bytearray, list, tuple)
# What ``*`` repeats and ``+`` concatenates in one call into C (the
# library's wrappers repeat their data in C too, and plugin code holds
# real arrays).
REPEATED: Final = (*SEQUENCES, deque, UserList, UserString, array)
# An array's real item size, whatever a plugin's subclass says.
_ITEMSIZE: Final = array.__dict__["itemsize"]


def item_bytes(sequence: object) -> int:
    """
    Bytes an item of *sequence* may take: 1 for bytes and ASCII text, 4
    for other text, an array's item size, 8 (a pointer) for anything else.
    """
    if isinstance(sequence, (bytes, bytearray)):
        return 1
    if isinstance(sequence, array):
        return _ITEMSIZE.__get__(sequence)  # type: ignore[no-any-return]
    if isinstance(sequence, UserString):
        sequence = sequence.data
    if isinstance(sequence, str):
        return 1 if sequence.isascii() else 4
    return 8  # a pointer per item of a list or tuple


# The length methods of the built-in sequences: a subclass of the plugin's
# may define a __len__ that lies, but C repeats and joins the real items.
_TRUE_LENGTHS: Final[tuple[tuple[type, Callable[[Any], int]], ...]] = (
    (str, str.__len__),
    (bytes, bytes.__len__),
    (bytearray, bytearray.__len__),
    (list, list.__len__),
    (tuple, tuple.__len__),
    (deque, deque.__len__),
    (array, array.__len__),
)


def true_len(sequence: Any) -> int:
    """
    The number of items C sees in *sequence*, whatever its ``__len__``
    says; a ``TypeError`` if it is not a sequence.
    """
    kind = type(sequence)
    if kind is str or kind is list or kind is bytes or kind is tuple:
        return len(sequence)
    for base, length in _TRUE_LENGTHS:
        if isinstance(sequence, base):
            return length(sequence)
    if issubclass(kind, (UserList, UserString)):
        data = sequence.data
        return 0 if data is sequence else true_len(data)
    return len(sequence)

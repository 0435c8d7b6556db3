"""A doubly linked list implementing most of the sequence protocol, an
explicit iterator class, and a few algorithms on top of it.

Exercises: __slots__ node class, __iter__/__next__ (StopIteration),
__reversed__, __len__, __getitem__ with ints and slices (negative
indices), __setitem__, __delitem__, __contains__, __eq__, __add__,
__iadd__, __mul__, __bool__, __repr__, classmethod constructor from any
iterable, generators with ``yield from``, IndexError handling, the
``key`` arguments of sorted/min/max, functools.reduce, merge sort by
recursion on the list itself.
"""

from functools import reduce
from itertools import islice


class Node:
    __slots__ = ("value", "prev", "next")

    def __init__(self, value, prev=None, next=None):
        self.value = value
        self.prev = prev
        self.next = next


class ListIterator:
    def __init__(self, start, forward=True):
        self._node = start
        self._forward = forward
        self.steps = 0

    def __iter__(self):
        return self

    def __next__(self):
        if self._node is None:
            raise StopIteration
        value = self._node.value
        self._node = self._node.next if self._forward else self._node.prev
        self.steps += 1
        return value


class LinkedList:
    def __init__(self, values=()):
        self._head = None
        self._tail = None
        self._size = 0
        for v in values:
            self.append(v)

    @classmethod
    def of(cls, *values):
        return cls(values)

    def append(self, value):
        node = Node(value, prev=self._tail)
        if self._tail is None:
            self._head = node
        else:
            self._tail.next = node
        self._tail = node
        self._size += 1

    def appendleft(self, value):
        node = Node(value, next=self._head)
        if self._head is None:
            self._tail = node
        else:
            self._head.prev = node
        self._head = node
        self._size += 1

    def _node_at(self, index):
        if index < 0:
            index += self._size
        if not 0 <= index < self._size:
            raise IndexError("linked list index out of range")
        if index < self._size // 2:
            node = self._head
            for _ in range(index):
                node = node.next
        else:
            node = self._tail
            for _ in range(self._size - 1 - index):
                node = node.prev
        return node

    def _unlink(self, node):
        if node.prev is None:
            self._head = node.next
        else:
            node.prev.next = node.next
        if node.next is None:
            self._tail = node.prev
        else:
            node.next.prev = node.prev
        self._size -= 1
        return node.value

    def pop(self, index=-1):
        return self._unlink(self._node_at(index))

    def __len__(self):
        return self._size

    def __bool__(self):
        return self._size > 0

    def __iter__(self):
        return ListIterator(self._head)

    def __reversed__(self):
        return ListIterator(self._tail, forward=False)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return LinkedList(self[i] for i in range(*index.indices(self._size)))
        return self._node_at(index).value

    def __setitem__(self, index, value):
        self._node_at(index).value = value

    def __delitem__(self, index):
        self._unlink(self._node_at(index))

    def __contains__(self, value):
        return any(v == value for v in self)

    def __eq__(self, other):
        if not isinstance(other, LinkedList):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other))

    def __add__(self, other):
        result = LinkedList(self)
        result += other
        return result

    def __iadd__(self, other):
        for v in other:
            self.append(v)
        return self

    def __mul__(self, times):
        return LinkedList(v for _ in range(times) for v in self)

    def __repr__(self):
        return "LinkedList([%s])" % ", ".join(repr(v) for v in self)

    def reverse(self):
        node = self._head
        while node:
            node.prev, node.next = node.next, node.prev
            node = node.prev
        self._head, self._tail = self._tail, self._head

    def remove_if(self, predicate):
        removed = 0
        node = self._head
        while node is not None:
            following = node.next
            if predicate(node.value):
                self._unlink(node)
                removed += 1
            node = following
        return removed

    def pairs(self):
        it = iter(self)
        yield from zip(it, it)


def merge_sort(items: LinkedList, key=lambda v: v) -> LinkedList:
    if len(items) <= 1:
        return LinkedList(items)
    mid = len(items) // 2
    left, right = merge_sort(items[:mid], key), merge_sort(items[mid:], key)
    out = LinkedList()
    while left and right:
        source = left if key(left[0]) <= key(right[0]) else right
        out.append(source.pop(0))
    out += left or right
    return out


def main() -> object:
    words = LinkedList("the quick brown fox jumps over the lazy dog".split())
    nums = LinkedList.of(5, 3, 8, 1, 9, 2, 7)

    snapshot = {"repr": repr(nums), "len": len(nums), "rev": list(reversed(nums))}
    nums[0] = 50
    nums[-1] *= 10
    del nums[2]
    nums.appendleft(-1)
    popped = [nums.pop(), nums.pop(0)]
    combined = nums + [100, 200]
    combined += LinkedList.of(300)
    errors = []
    for bad in (99, -99):
        try:
            nums[bad]
        except IndexError as exc:
            errors.append(f"{bad}: {exc}")
    it = iter(words)
    first_three = list(islice(it, 3))
    sorted_words = merge_sort(words, key=lambda w: (len(w), w))
    words_copy = words[:]
    words_copy.reverse()
    removed = words_copy.remove_if(lambda w: "o" in w)
    return {
        "snapshot": snapshot,
        "nums": list(nums),
        "popped": popped,
        "combined": list(combined),
        "slices": [list(combined[1:4]), list(combined[::-2]), list(combined[-3:])],
        "errors": errors,
        "iterator_steps": it.steps,
        "first_three": first_three,
        "contains": ["fox" in words, "cat" in words],
        "merge_sorted": list(sorted_words),
        "builtin_sorted_equal": list(sorted_words) == sorted(words, key=lambda w: (len(w), w)),
        "reversed_filtered": list(words_copy),
        "removed": removed,
        "pairs": [list(p) for p in words.pairs()],
        "repeated": list(LinkedList.of("a", "b") * 3),
        "equal": [LinkedList.of(1, 2) == LinkedList([1, 2]), LinkedList.of(1) == LinkedList.of(2)],
        "truthiness": [bool(LinkedList()), bool(nums)],
        "product": reduce(lambda a, b: a * b, LinkedList.of(1, 2, 3, 4, 5)),
        "longest": max(words, key=len),
        "shortest": min(reversed(words), key=len),
    }

"""
Text that outgrows what it renders: a container's text repeats what it
holds as often as it is held, so 23 small lists sharing each other render
as four gigabytes in one call into C.  Every way plugin code turns a
container into text is refused before the text is made, and ordinary
rendering gives what CPython gives.
"""

from __future__ import annotations

import collections
import dataclasses
import textwrap
import types
from typing import TYPE_CHECKING

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acc_plugins.errors import SandboxViolation
from acc_plugins.sandbox import Sandbox
from acc_plugins.sandbox._rendering import TooLong, text_bound


if TYPE_CHECKING:
    from pathlib import Path


# Twenty-two doublings of a list of 1,000 characters' text: 4 GB of repr.
SHARED = """
import collections, dataclasses, json, logging, pprint, string, types
BASE = ["a" * 1000]
for _ in range(22):
    BASE = [BASE, BASE]
x = BASE
"""

ATTACKS = {
    "repr": "repr(x)",
    "ascii": "ascii(x)",
    "str": "str(x)",
    "format": "format(x, '')",
    "f-string name": "f'{x}'",
    "f-string expression": "f'{x[0]}'",
    "f-string conversion": "f'{x!r}'",
    "f-string spec": "f'{x!r:>10}'",
    "percent tuple": "'%s' % (x,)",
    "percent value": "'%s' % x",
    "percent mapping": "'%(a)s' % {'a': x}",
    "percent mapping name": "'%(a)s' % dict(a=x)",
    "format method": "'{}'.format(x)",
    "format keyword": "'{a}'.format(a=x)",
    "format starred": "'{}'.format(*[x])",
    "format mapping": "'{a}'.format(**{'a': x})",
    "format field walk": "'{0[0]}'.format([x])",
    "format_map": "'{a}'.format_map({'a': x})",
    "print": "print(x)",
    "json": "json.dumps(x)",
    "json indented": "json.dumps([[1] * 1000] * 300, indent=200)",
    "pprint": "pprint.pformat(x)",
    "logging message": "logging.getLogger('t').warning(x)",
    "logging argument": "logging.getLogger('t').warning('%s', x)",
    "tuple": "str(tuple(x))",
    "dict": "str({'k': x})",
    "tuple of one": "str((x,))",
    "deque": "str(collections.deque(x))",
    "defaultdict": "str(collections.defaultdict(list, {1: x}))",
    "dict view": "str({'k': x}.values())",
    "namespace": "str(types.SimpleNamespace(a=x))",
    "exception": "str(ValueError(x, 1))",
    "named tuple": "str(collections.namedtuple('P', 'a b')(x, 1))",
    "dataclass": "repr(D(x))",
    "template": "string.Template('$a').substitute(a=x)",
    "template mapping": "string.Template('$a $b').safe_substitute({'a': x})",
    "template unbound": "string.Template.substitute(string.Template('$a'), a=x)",
    "map of str": "list(map(str, [x]))",
    "sort key str": "sorted([x, [x]], key=str)",
    "max key str": "max([x], key=str)",
    "filter by str": "list(filter(str, [x]))",
}

DATACLASS = """
@dataclasses.dataclass
class D:
    a: object
"""


def _attack(tmp_path: Path, expression: str) -> Sandbox:
    root = tmp_path / "plugin"
    root.mkdir()
    body = SHARED + DATACLASS + f"\ndef attack():\n    return {expression}\n"
    (root / "m.py").write_text(body)
    sandbox = Sandbox(root, "bomber", memory_mb=64, timeout=5.0)
    sandbox.import_module("m")
    return sandbox


@pytest.mark.parametrize("expression", ATTACKS.values(), ids=ATTACKS.keys())
def test_shared_items_cannot_render_past_the_budget(tmp_path, expression):
    """Refused before the text exists: no time spent, no memory taken."""
    sandbox = _attack(tmp_path, expression)
    attack = sandbox.load_attribute("m", "attack")
    assert callable(attack)

    with pytest.raises(SandboxViolation, match="memory budget"):
        sandbox.run(attack)


ORDINARY = """
import collections, dataclasses, json, pprint, types
from collections import namedtuple

@dataclasses.dataclass
class Point:
    x: int
    y: list

P = namedtuple("P", "a b")
shared = [1, "two", 3.0]
data = {"k": [shared, shared], "t": (1,), "s": {4}, "n": None}

def texts():
    return [
        repr(data), ascii(["é"]), str(data), format(shared, ""),
        f"{data}", f"{shared[0]}", f"{data!r:>5}", "%s" % (data,),
        "%s" % data, "%(k)s" % data, "{}".format(data), "{k}".format(**data),
        json.dumps([shared, shared], indent=2), pprint.pformat(data),
        str(collections.deque(shared, maxlen=5)),
        str(collections.defaultdict(list, {1: shared})),
        str(types.SimpleNamespace(a=shared)), str(ValueError(shared, 1)),
        repr(Point(1, shared)), repr(P(shared, 2)), str(data.keys()),
    ]
"""


def test_ordinary_rendering_is_cpythons(sandboxed):
    """Small containers, shared or not, render exactly as in CPython."""
    sandbox = sandboxed(ORDINARY)
    make = sandbox.load_attribute("m", "texts")
    assert callable(make)
    texts = sandbox.run(make)

    namespace: dict[str, object] = {}
    exec(textwrap.dedent(ORDINARY), namespace)  # noqa: S102 -- the reference, in plain Python
    expected = namespace["texts"]()  # type: ignore[operator]
    # The sandbox's namespace class and the plugin's own classes are named
    # apart from CPython's (16, 18, 19); their contents are not.
    kept = [i for i in range(len(texts)) if i not in (16, 18, 19)]
    assert [texts[i] for i in kept] == [expected[i] for i in kept]
    for index in (16, 18, 19):
        assert (
            texts[index].partition("(")[2] == expected[index].partition("(")[2]
        )


def test_a_plugin_repr_is_left_to_run_under_the_budget(sandboxed):
    """The plugin's own __repr__ is plugin code: it is not walked."""
    sandbox = sandboxed(
        """
        class Box:
            def __repr__(self):
                return "<box>"

        def main():
            return repr([Box()] * 3), f"{Box()}"
        """
    )
    main = sandbox.load_attribute("m", "main")
    assert callable(main)
    assert sandbox.run(main) == (
        "[<box>, <box>, <box>]",
        "<box>",
    )


# Nested values with sharing: lists, tuples, dicts, sets of scalars.
_SCALARS = st.one_of(
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.binary(max_size=10),
    st.booleans(),
    st.none(),
)


@st.composite
def _shared(draw: st.DrawFn) -> object:
    pool: list[object] = draw(st.lists(_SCALARS, min_size=1, max_size=5))
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.sampled_from(["list", "tuple", "dict", "set", "ns"]))
        picks = draw(st.lists(st.sampled_from(pool), max_size=4))
        if kind == "list":
            pool.append(list(picks))
        elif kind == "tuple":
            pool.append(tuple(picks))
        elif kind == "dict":
            pool.append({str(i): v for i, v in enumerate(picks)})
        elif kind == "ns":
            pool.append(types.SimpleNamespace(v=picks))
        else:
            scalars = [p for p in picks if isinstance(p, (int, str, bytes))]
            pool.append(frozenset(scalars))
    return pool[-1]


@settings(max_examples=300, deadline=None)
@given(_shared())
def test_the_bound_is_never_below_the_text(value):
    """For any nesting and sharing, repr, str and ascii fit the bound."""
    bound = text_bound(value, 10**12)
    assert len(repr(value)) <= bound
    assert len(str(value)) <= bound
    assert len(ascii(value)) <= bound


def test_cycles_and_deep_sharing_are_walked_once():
    """A cycle counts as [...]; a doubling tower is refused at once."""
    cyclic: list[object] = [1]
    cyclic.append(cyclic)
    assert len(repr(cyclic)) <= text_bound(cyclic, 1000)
    tower: list[object] = [0]
    for _ in range(200):
        tower = [tower, tower]
    with pytest.raises(TooLong):
        text_bound(tower, 2**40)
    record = dataclasses.make_dataclass("R", ["a"])(collections.deque([1]))
    assert len(repr(record)) <= text_bound(record, 10**6)


def test_templates_substitute_as_in_python(sandboxed):
    """Values from keywords, dicts and a plugin's mapping; $$ and errors."""
    sandbox = sandboxed(
        """
        import string

        class Lookup:
            def __getitem__(self, key):
                return [1, key]

        def main():
            t = string.Template("$a and ${b} $$")
            try:
                string.Template("$a").substitute({})
            except KeyError as exc:
                missing = str(exc)
            return (
                t.substitute(Lookup()),
                t.safe_substitute({"a": 1}),
                t.substitute({"a": 2}, b=3),
                missing,
            )
        """
    )
    main = sandbox.load_attribute("m", "main")
    assert callable(main)
    assert sandbox.run(main) == (
        "[1, 'a'] and [1, 'b'] $",
        "1 and ${b} $",
        "2 and 3 $",
        "'a'",
    )

"""
C-level amplifiers offered by builtins and allowlisted modules: each one
is refused before it runs, or, for endless iterators, stopped by the time
budget while C drains it; ordinary uses of the same functions still work.

The clocks here are CPU time of the test's thread, which a busy neighbour
cannot stretch; wall-clock time only shows that nothing hangs.
"""

import textwrap
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acc_plugins.errors import BudgetExceeded, SandboxViolation
from acc_plugins.sandbox import Sandbox


REFUSED = {
    "operator_mul": "import operator\nx = operator.mul('x', 10**10)",
    "operator_pow": "import operator\nx = operator.pow(7, 10**9)",
    "operator_lshift": "import operator\nx = operator.lshift(1, 10**11)",
    "factorial": "import math\nx = math.factorial(10**7)",
    "comb": "import math\nx = math.comb(10**6, 5 * 10**5)",
    "perm": "import math\nx = math.perm(10**7, 10**6)",
    "prod": "import math\nx = math.prod([2**10**6] * 50)",
    "lcm": "import math\nx = math.lcm(*[2**20000 + i for i in range(1, 400)])",
    "struct_pack": "import struct\nx = struct.pack('10000000000x')",
    "struct_class": "import struct\nx = struct.Struct('10000000000s')",
    "randbytes": "import random\nx = random.randbytes(10**10)",
    "getrandbits": "import random\nx = random.getrandbits(10**11)",
    "choices": "import random\nx = random.choices([1], k=10**10)",
    "sample_counts": "import random\nx = random.sample(['a'], 5, counts=[10**10])",
    "json_indent": "import json\nx = json.dumps([[]] * 100, indent=10**8)",
    "pprint_indent": "import pprint\nx = pprint.pformat([[1]] * 100, 10**8)",
    "repeat_times": "import itertools\nx = ''.join(itertools.repeat('x', 10**10))",
    "sum_of_deques": (
        "import collections\nd = collections.deque(range(10**6))\n"
        "x = sum([d] * 10**4, collections.deque())"
    ),
    "bytes_size": "x = bytes(10**10)",
    "bytearray_size": "x = bytearray(10**10)",
    "bytes_keyword_free_alias": "b = bytes\nx = b(10**10)",
    "type_of_bytes": "x = type(b'')(10**10)",
    "bytes_index_object": (
        "class N:\n    def __index__(self):\n        return 10**10\nx = bytes(N())"
    ),
    "bytes_subclass": "class B(bytearray):\n    pass\nx = B(10**10)",
    # The real constructor, reached around the metaclass.
    "bytes_subclass_new": "class B(bytes):\n    pass\nx = B.__new__(B, 10**10)",
    "bytes_new_of_an_object": (
        "class B(bytes):\n    pass\nx = b''.__new__(B, 10**10)"
    ),
    "bytes_new_through_super": (
        "class B(bytes):\n    pass\nx = super(bytes, B).__new__(B, 10**10)"
    ),
    "bytearray_init_again": (
        "class B(bytearray):\n    pass\nx = B()\nx.__init__(10**10)"
    ),
    "bytearray_init_through_super": (
        "class B(bytearray):\n    pass\n"
        "x = B()\nsuper(bytearray, x).__init__(10**10)"
    ),
    "bytearray_init_of_the_class": (
        "class B(bytearray):\n    pass\nx = B()\nbytearray.__init__(x, 10**10)"
    ),
    "ljust": "x = 'x'.ljust(10**10)",
    "rjust_bytes": "x = b'x'.rjust(10**10)",
    "center_unbound": "x = str.center('', 10**10)",
    "zfill": "x = '1'.zfill(10**10)",
    "expandtabs": "x = ('\\t' * 10**6).expandtabs(10**4)",
    "getattr_ljust": "x = getattr('x', 'ljust')(10**10)",
    "str_format": "x = '{:>10000000000}'.format(1)",
    "str_format_nested": "x = '{:>{}}'.format(1, 10**10)",
    "format_builtin": "x = format(1.5, '.10000000000f')",
    "fstring_spec": "x = f'{1:>10000000000}'",
    "fstring_nested_spec": "w = 10**10\nx = f'{1:>{w}}'",
    "fstring_conversion": "w = 10**10\nx = f'{1!r:>{w}}'",
    "percent_width": "x = '%10000000000d' % 1",
    "percent_star": "x = '%*d' % (10**10, 1)",
    "percent_dynamic": "t = '%' + '10000000000d'\nx = t % 1",
    "percent_bytes": "x = b'%10000000000d' % 1",
    "percent_augmented": "x = '%*s'\nx %= (10**10, 'a')",
}

ENDLESS = {
    "count": "import itertools\ndef run():\n    return list(itertools.count())",
    "cycle": "import itertools\ndef run():\n    return sum(itertools.cycle([1]))",
    "repeat": "import itertools\ndef run():\n    return list(itertools.repeat(1))",
    "iter_sentinel": "def run():\n    return list(iter(int, 1))",
    "product": (
        "import itertools\ndef run():\n"
        "    return sum(1 for _ in itertools.product(range(100), repeat=6))"
    ),
    "product_in_c": (
        "import itertools\ndef run():\n"
        "    return len(list(itertools.product(range(100), repeat=6)))"
    ),
    "permutations": (
        "import itertools\ndef run():\n"
        "    return max(itertools.permutations(range(15)))"
    ),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_amplifiers_are_refused_before_they_run(tmp_path, name):
    (tmp_path / "m.py").write_text(REFUSED[name] + "\n")
    sandbox = Sandbox(tmp_path, "bomb", memory_mb=64)
    cpu = time.thread_time()

    with pytest.raises(SandboxViolation) as caught:
        sandbox.import_module("m")

    # Before it ran: run, any of them costs seconds or gigabytes.
    assert time.thread_time() - cpu < 1
    assert "is not allowed" in str(caught.value)
    assert sandbox.violations  # recorded, so the host can act on it


ENDLESS_TIMEOUT = 0.2

# Far above what the lists these build reach in their time (product_in_c:
# over 100 MiB here, close to the default budget), so that the clock is
# what stops them.
ROOMY_MB = 4096


@pytest.mark.parametrize("name", sorted(ENDLESS))
def test_endless_iterators_drained_in_c_stop_on_time(tmp_path, name):
    (tmp_path / "m.py").write_text(ENDLESS[name] + "\n")
    sandbox = Sandbox(
        tmp_path, "endless", timeout=ENDLESS_TIMEOUT, memory_mb=ROOMY_MB
    )
    module = sandbox.import_module("m")
    wall, cpu = time.perf_counter(), time.thread_time()

    with pytest.raises(BudgetExceeded) as stop:
        sandbox.run(module.run)

    # Twice the budget in CPU, plus freeing what the list held.
    assert stop.value.resource == "time"
    assert time.thread_time() - cpu < 2 * ENDLESS_TIMEOUT + 0.1
    assert time.perf_counter() - wall < max(10 * ENDLESS_TIMEOUT, 5.0)


ORDINARY = """
import itertools, json, math, operator, random, struct

class B(bytes):
    def shout(self):
        return self.upper()

def run():
    return [
        f"{3.14159:.2f}", f"{'x'!r:>5}", f"{7:{'0'}{3}d}",
        "%5d|%-3s|%.2f" % (3, "a", 1.5), "%*d" % (4, 2), 17 % 5, 7.5 % 2,
        b"%d" % 5, "x".ljust(4, "."), "ab".center(6, "*"), "7".zfill(3),
        "a\\tb".expandtabs(4), str.rjust("z", 3), "{:>4}".format("q"),
        "{0:{1}}".format(1, 3), format(5, "03d"),
        bytes(3), bytes([104, 105]), bytes("hé", "utf-8"), bytearray(b"ab"),
        bytes.fromhex("6869"), B(b"hi").shout(), isinstance(b"", bytes),
        type(b"") is bytes, isinstance(bytearray(), bytearray),
        math.factorial(20), math.comb(10, 3), math.perm(5, 2), math.perm(4),
        math.prod([1, 2, 3]), math.prod([2, 3], start=2), math.lcm(4, 6),
        math.lcm(), operator.mul(3, 4), operator.mul("ab", 2),
        operator.pow(2, 10), operator.lshift(1, 4),
        list(itertools.islice(itertools.count(5), 3)),
        list(itertools.islice(itertools.cycle("ab"), 3)),
        list(itertools.repeat(0, 3)), list(itertools.product("ab", repeat=2)),
        list(itertools.permutations([1, 2])), list(itertools.combinations("abc", 2)),
        list(iter([1, 2])), json.dumps({"a": 1}, indent=2), struct.pack("<I", 1),
        struct.Struct("<h").size, len(random.choices([1, 2], k=3)),
        len(random.randbytes(4)), random.getrandbits(8) < 256,
        sorted(random.sample(["a", "b"], 3, counts=[2, 1])),
    ]
"""

EXPECTED = [
    "3.14",
    "  'x'",
    "007",
    "    3|a  |1.50",
    "   2",
    2,
    1.5,
    b"5",
    "x...",
    "**ab**",
    "007",
    "a   b",
    "  z",
    "   q",
    "  1",
    "005",
    b"\x00\x00\x00",
    b"hi",
    "hé".encode(),
    bytearray(b"ab"),
    b"hi",
    b"HI",
    True,
    True,
    True,
    2432902008176640000,
    120,
    20,
    24,
    6,
    12,
    12,
    1,
    12,
    "abab",
    1024,
    16,
    [5, 6, 7],
    ["a", "b", "a"],
    [0, 0, 0],
    [("a", "a"), ("a", "b"), ("b", "a"), ("b", "b")],
    [(1, 2), (2, 1)],
    [("a", "b"), ("a", "c"), ("b", "c")],
    [1, 2],
    '{\n  "a": 1\n}',
    b"\x01\x00\x00\x00",
    2,
    3,
    4,
    True,
    ["a", "a", "b"],
]


def test_ordinary_uses_are_unchanged(tmp_path):
    (tmp_path / "m.py").write_text(textwrap.dedent(ORDINARY))
    sandbox = Sandbox(tmp_path, "ordinary")
    module = sandbox.import_module("m")

    assert sandbox.run(module.run) == EXPECTED
    assert sandbox.violations == []


SUBCLASSES = """
import copy
class Buffer(bytearray):
    def __init__(self, size):
        super().__init__(size)
        self.size = size
class Text(bytes):
    pass
def run():
    buffer = Buffer(3)
    text = Text(b"ab")
    return [bytes(buffer), buffer.size, text, copy.copy(text) == text,
            isinstance(text, bytes), bytearray(2), bytes(2)]
"""


def test_subclasses_of_the_sized_types_build_as_usual(tmp_path):
    """A plugin's bytes and bytearray subclasses take sizes and data
    through the checked constructors, as the real ones do."""
    (tmp_path / "m.py").write_text(SUBCLASSES)
    sandbox = Sandbox(tmp_path, "subclasses")

    result = sandbox.run(sandbox.import_module("m").run)

    assert result == [b"\0\0\0", 3, b"ab", True, True, bytearray(2), bytes(2)]


def test_the_sized_types_lead_nowhere(tmp_path):
    """The stand-ins for bytes and bytearray hide their real class and
    their metaclass: type() of them is the guarded type() itself."""
    source = """
    def run():
        return [type(bytes) == type, type(bytes)(b"") is bytes]
    """
    (tmp_path / "m.py").write_text(textwrap.dedent(source))
    sandbox = Sandbox(tmp_path, "probe")
    module = sandbox.import_module("m")

    assert sandbox.run(module.run) == [True, True]

    (tmp_path / "n.py").write_text("x = bytes._real\n")
    with pytest.raises(Exception, match="_real"):
        sandbox.import_module("n")

    # A subclass of the plugin's own reads its bases' attributes.
    (tmp_path / "s.py").write_text("class B(bytes):\n    pass\nx = B._real\n")
    with pytest.raises(AttributeError, match="_real"):
        sandbox.import_module("s")


BUDGET_MB = 1


@settings(max_examples=50, deadline=None)
@given(width=st.integers(0, 4 * 2**20), kind=st.sampled_from("%fj"))
def test_a_width_is_refused_exactly_when_it_passes_the_budget(
    tmp_path_factory, width, kind
):
    """Whatever the width and whichever way text is formatted."""
    folder = tmp_path_factory.mktemp("w")
    template = {
        "%": f"x = '%{width}d' % 1",
        "f": f"w = {width}\nx = f'{{1:>{{w}}}}'",
        "j": f"x = 'a'.ljust({width})",
    }[kind]
    (folder / "m.py").write_text(template + "\n")
    sandbox = Sandbox(folder, "width", memory_mb=BUDGET_MB)

    if width > BUDGET_MB * 2**20:
        with pytest.raises(SandboxViolation):
            sandbox.import_module("m")
    else:
        assert len(sandbox.import_module("m").x) == max(width, 1)

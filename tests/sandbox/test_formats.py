"""
String formatting in the sandbox answers what Python answers, and a
template that repeats one value (or widens a field) past the memory
budget is refused before C builds it.
"""

import textwrap

import pytest

from acc_plugins.errors import SandboxViolation
from acc_plugins.sandbox import Sandbox


REPEATS = {
    "format index": "('{0}' * 10**5).format('x' * 10**5)",
    "format auto": "('{}' * 10**4).format(*(('x' * 10**5,) * 10**4))",
    "format keyword": "('{ 0}' * 10**5).format(1, **{' 0': 'x' * 10**5})",
    "format repr": "('{0!a}' * 10**3).format('\\x00' * 10**5)",
    "format object": "('{}' * 10**4).format(*((Big(),) * 10**4))",
    "format width": "'{:>{}}'.format('x', 10**10)",
    "written-out template": "'{0}{0}{0}{0}{0}'.format('x' * 2 * 10**7)",
    "written-out arguments": "'{}{}{}{}'.format(*['x' * 2 * 10**7] * 4)",
    "format_map": "('{a}' * 10**5).format_map({'a': 'x' * 10**5})",
    "printf tuple": "('%s' * 10**5) % (('x' * 10**5,) * 10**5)",
    "printf mapping": "('%(a)s' * 10**5) % {'a': 'x' * 10**5}",
    "printf object": "('%s' * 10**4) % ((Big(),) * 10**4)",
    "printf star": "'%*d' % (10**10, 1)",
    "printf bytes": "(b'%(a)s' * 10**5) % {b'a': b'x' * 10**5}",
}

PRELUDE = """
class Big:
    def __str__(self):
        return "y" * 10**5
"""


@pytest.mark.parametrize("expression", REPEATS.values(), ids=list(REPEATS))
def test_a_repeated_or_wide_field_is_refused(tmp_path, expression):
    """The text every field makes counts against the memory budget."""
    (tmp_path / "m.py").write_text(
        PRELUDE + f"def main():\n    return len({expression})\n"
    )
    sandbox = Sandbox(tmp_path, "f", memory_mb=64)
    main = sandbox.import_module("m").__dict__["main"]

    with pytest.raises(SandboxViolation, match="budget is"):
        sandbox.run(main)


ORDINARY = """
class Point:
    def __init__(self):
        self.x = 3

    def __format__(self, spec):
        return "P" + spec

def main():
    p = Point()
    return [
        "{} = {:>8}".format("a", 3.5),
        "{0}{0}{1!r}".format("ab", "c"),
        "{x:,} {y:.3e} {z!a}".format(x=10**12, y=1.5, z="é"),
        "{:{}}|{:^7}".format(1, 5, True),
        "{0.x}|{p:>3}".format(p, p=p),
        "{0[1]}".format([4, 5]),
        "{a}".format_map({"a": None}),
        "%s-%d-%5.2f" % ("q", 7, 2.5),
        "%(a)s%(a)r" % {"a": "z"},
        "%*d" % (4, 2),
        b"%s|%b" % (b"x", b"y"),
        "{{}}{}".format(b"raw"),
    ]
"""


def test_ordinary_formatting_answers_what_python_answers(tmp_path):
    """Plain fields, lookups, specs and %-templates format as in Python."""
    (tmp_path / "m.py").write_text(ORDINARY)
    sandbox = Sandbox(tmp_path, "f")
    main = sandbox.import_module("m").__dict__["main"]
    namespace: dict[str, object] = {}
    exec(textwrap.dedent(ORDINARY), namespace)  # noqa: S102 -- the reference: plain Python

    assert sandbox.run(main) == namespace["main"]()  # type: ignore[operator]


@pytest.mark.parametrize(
    ("expression", "refusal"),
    [
        ("'{0.__globals__}'.format(main)", "__globals__"),
        ("'{0.__init__.__globals__}'.format(Holder())", "__globals__"),
        ("'{0.__class__.__subclasses__}'.format(1)", "__subclasses__"),
        ("'{0._inst}'.format(random)", "_inst"),
        ("'{a.__globals__}'.format_map({'a': main})", "__globals__"),
        ("'{0.__globals__:>{1}}'.format(main, 3)", "__globals__"),
    ],
)
def test_a_field_cannot_walk_past_the_guard(tmp_path, expression, refusal):
    """Attribute lookups in a format string go through the guard."""
    (tmp_path / "m.py").write_text(
        "import random\nclass Holder:\n    pass\n"
        f"def main():\n    return {expression}\n"
    )
    sandbox = Sandbox(tmp_path, "f")
    main = sandbox.import_module("m").__dict__["main"]

    with pytest.raises(SandboxViolation, match=refusal):
        sandbox.run(main)

"""
The sandbox's ``re`` hands patterns of bounded backtracking, on text short
enough, to ``re`` itself, and everything else to the timed engine: results
are ``re``'s either way, and no pattern runs past the budget.
"""

import re
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acc_plugins.errors import BudgetExceeded
from acc_plugins.sandbox import Sandbox
from acc_plugins.sandbox._regexcheck import _expanded
from acc_plugins.sandbox._regexcost import plain_bound, plain_limits


def bound(pattern):
    parsed = re._parser.parse(pattern)
    return plain_bound(
        parsed, _expanded(parsed), is_bytes=isinstance(pattern, bytes)
    )


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"[a-z0-9]+", 1),
        (r"^(TODO|FIXME|XXX|HACK)\b(.*)$", 1),
        (r"\d{4}-\d{2}-\d{2}", 0),
        (r"", 0),
        (r"a+b+", 1),
        (r"(\w)\1", 1),
        (r"(?=a+)a", 1),
        (r"(?>a+)b", 1),
        (r"(?:a{3})+", 1),
        (r"a*a*b", 2),
        (r"\d*\d*\d*", 3),
        (r"[0-9]+([,.][0-9]+)?Y", 1),
        (r"^(([+-]?[0-9]{1,3})(?:,([0-9]{3}))*)?(?(1)\.[0-9]*|\.[0-9]+)?$", 2),
        (b"\n *(<\\S+?>|-\\S+?)", 1),
    ],
)
def test_patterns_of_polynomial_backtracking_get_their_degree(
    pattern, expected
):
    """Sequenced repeats add to the degree; a disjoint follower does not."""
    assert bound(pattern)[1] == expected


@pytest.mark.parametrize(
    "pattern",
    [
        r"(a+)+$",
        r"(a|aa)+$",
        r"(a|a)*",
        r"(a|ab)*c",
        r"(a*)*\1",
        r"(x+x+)+y",
        r"^(\w+\s?)*$",
        r"(?:a?)+b",
        r"(?=(a+)+b)",
        r"(?>(a|a)*$)",
        r"(.*a){12}",
        r"(?i)(a|ab)*c",
    ],
)
def test_patterns_of_exponential_backtracking_have_no_bound(pattern):
    """Nested repeats and overlapping alternations inside a repeat."""
    assert bound(pattern) is None


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"(a|a)*", 1),
        (r"(a+)+", 2),
        (r"(?:(\w+):)?([^#?]*)(\?([^#]*))?(#(.*))?", 1),
        (r"(a|a)*$", None),
        (r"(a|a){2,}", None),
        (r"(a|a)*b?c", None),
    ],
)
def test_what_always_succeeds_after_a_part_ends_its_backtracking(
    pattern, expected
):
    """match() and search() stop at the first way through the pattern."""
    parsed = re._parser.parse(pattern)
    first = plain_bound(
        parsed, _expanded(parsed), is_bytes=False, first_match=True
    )

    assert (None if first is None else first[1]) == expected
    assert bound(pattern) is None or expected is not None


def test_a_polynomial_pattern_takes_re_on_short_text_only():
    """The longest text for re shrinks with the degree of the bound."""
    linear = plain_limits(bound(r"a*b"), 1)
    cubic = plain_limits(bound(r"\d*\d*\d*x"), 1)

    assert linear[0] > 1_000_000
    assert 10 < cubic[0] < 200
    assert 10 < cubic[1] < cubic[0]


SOURCE = """
import re

def run(pattern, text):
    compiled = re.compile(pattern)
    found = compiled.search(text)
    return (
        None if found is None else (found.span(), found.group(), found.re is compiled),
        compiled.findall(text),
        compiled.split(text),
        compiled.sub("<\\\\g<0>>", text),
        [m.span() for m in compiled.finditer(text)],
        None if compiled.match(text) is None else compiled.match(text).span(),
        None if compiled.fullmatch(text) is None else True,
    )
"""


@pytest.fixture(scope="module", name="run")
def _run(tmp_path_factory):
    root = tmp_path_factory.mktemp("regex")
    (root / "m.py").write_text(textwrap.dedent(SOURCE))
    sandbox = Sandbox(root, "regex")
    function = sandbox.import_module("m").__dict__["run"]
    return lambda pattern, text: sandbox.run(function, pattern, text)


def _span(found):
    return None if found is None else found.span()


def reference(pattern, text):
    compiled = re.compile(pattern)
    found = compiled.search(text)
    return (
        None if found is None else (found.span(), found.group(), True),
        compiled.findall(text),
        compiled.split(text),
        compiled.sub("<\\g<0>>", text),
        [m.span() for m in compiled.finditer(text)],
        _span(compiled.match(text)),
        None if compiled.fullmatch(text) is None else True,
    )


@settings(max_examples=150, deadline=None)
@given(
    pattern=st.sampled_from(
        [
            *(r"[a-c]+", r"a|b", r"(a)(b)?", r"^a.*$", r"\d{2}", r"b*"),
            *(r"a+b+", r"x(a|ab)*c", r"(?<=a)b\b", r"(\w)\1"),
        ]
    ),
    text=st.text(alphabet="abc12 \n", max_size=60)
    | st.text(alphabet="abc", min_size=5000, max_size=6000),
)
def test_either_path_answers_what_re_answers(run, pattern, text):
    """Short text through re, long text through the engine: same results."""
    assert run(pattern, text) == reference(pattern, text)


def test_a_quadratic_search_on_long_text_meets_the_budget(tmp_path):
    """A one-repeat search on text too long for re's bound is timed."""
    (tmp_path / "m.py").write_text(
        "import re\n"
        "def main():\n"
        "    return re.findall(r'[a-z0-9]+\\d', 'a' * 200000)\n"
    )
    sandbox = Sandbox(tmp_path, "t", timeout=0.3)
    main = sandbox.import_module("m").__dict__["main"]

    with pytest.raises(BudgetExceeded):
        sandbox.run(main)


def test_a_replacement_function_on_re_meets_the_budget(tmp_path):
    """A callback that never ends stops at the budget on either path."""
    (tmp_path / "m.py").write_text(
        "import re\n"
        "def forever(match):\n"
        "    while True:\n"
        "        pass\n"
        "def main():\n"
        "    return re.sub(r'[a-z]+', forever, 'short text')\n"
    )
    sandbox = Sandbox(tmp_path, "t", timeout=0.3)
    main = sandbox.import_module("m").__dict__["main"]

    with pytest.raises(BudgetExceeded):
        sandbox.run(main)


ATTACKS = {
    "nested repeat": r"re.match(r'(a+)+$', 'a' * 40 + '!')",
    "overlapping alternation": r"re.match(r'(a|a)*$', 'a' * 40 + '!')",
    "prefix alternation": r"re.fullmatch(r'(a|ab)*c', 'ab' * 30 + 'a!')",
    "backreference": r"re.match(r'(a*)*\1$', 'a' * 40 + '!')",
    "lookahead": r"re.search(r'(?=(a+)+$)', 'a' * 40 + '!')",
    "polynomial search": r"re.findall(r'\d*\d*\d*x', '1' * 20000)",
    "polynomial sub": r"re.sub(r'a*a*a*b', '', 'a' * 20000)",
    "compiled split": r"re.compile(r'\s*\s*\s*,').split(' ' * 20000)",
    "finditer": r"[m.span() for m in re.finditer(r'a*a*a*b', 'a' * 20000)]",
    "fullmatch of a first match": r"re.fullmatch(r'(a|a)*', 'a' * 40 + '!')",
    "findall of a first match": r"re.findall(r'(a|a)*', 'a' * 40 + '!')",
}


@pytest.mark.parametrize("call", ATTACKS.values(), ids=list(ATTACKS))
def test_backtracking_attacks_take_the_timed_engine(tmp_path, call):
    """
    Exponential and high-degree patterns on long text go to the timed
    engine, which finishes or stops at the budget (re would run for years).
    """
    (tmp_path / "m.py").write_text(
        f"import re\ndef main():\n    {call}\n    return 'finished'\n"
    )
    sandbox = Sandbox(tmp_path, "t", timeout=0.3)
    main = sandbox.import_module("m").__dict__["main"]
    pattern = call.split("r'")[1].split("'")[0]
    text_length = 20_000 if "20000" in call else 41

    try:
        outcome = sandbox.run(main)
    except BudgetExceeded:
        outcome = "stopped"

    assert outcome in {"finished", "stopped"}
    assert plain_limits(bound(pattern), 2)[0] < text_length


def test_patterns_that_re_can_bound_take_re(run_in):
    """The plain engine takes bounded patterns, the timed one the rest."""
    bounded, unbounded = run_in(
        "return re.compile(r'[0-9]+([,.][0-9]+)?Y'), re.compile(r'(a|ab)*c')"
    )

    assert isinstance(bounded._plain_for("12.5Y", bounded._one), re.Pattern)
    assert bounded._plain_for("1" * 10**7, bounded._everywhere) is None
    assert unbounded._plain_for("ab" * 3000, unbounded._everywhere) is None
    # No "a" or "c" to start a match at: every attempt fails at once.
    assert isinstance(
        unbounded._plain_for("xy" * 3000, unbounded._everywhere), re.Pattern
    )


@pytest.fixture(name="run_in")
def _run_in(tmp_path):
    def run_in(body):
        (tmp_path / "m.py").write_text(
            "import re\ndef main():\n" + textwrap.indent(body, "    ") + "\n"
        )
        sandbox = Sandbox(tmp_path, "t")
        return sandbox.run(sandbox.import_module("m").__dict__["main"])

    return run_in


def test_a_drained_finditer_meets_the_budget(tmp_path):
    """list() drains the iterator in C: each match still checks the clock."""
    (tmp_path / "m.py").write_text(
        "import re\n"
        "def main():\n"
        "    return len(list(re.finditer('a', 'a' * 10**7)))\n"
    )
    sandbox = Sandbox(tmp_path, "t", timeout=0.3)
    main = sandbox.import_module("m").__dict__["main"]

    with pytest.raises(BudgetExceeded):
        sandbox.run(main)

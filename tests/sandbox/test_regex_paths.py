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
from acc_plugins.sandbox._regex import linear_cost


def parsed(pattern):
    return re._parser.parse(pattern)


@pytest.mark.parametrize(
    ("pattern", "bounded"),
    [
        (r"[a-z0-9]+", True),
        (r"^(TODO|FIXME|XXX|HACK)\b(.*)$", True),
        (r"\d{4}-\d{2}-\d{2}", True),
        (r"", True),
        (r"a+b+", False),
        (r"(a+)+$", False),
        (r"(a|aa)+$", False),
        (r"(\w)\1", False),
        (r"(?=a+)a", False),
        (r"(?>a+)b", False),
        (r"(?:a{3})+", False),
    ],
)
def test_only_patterns_of_bounded_backtracking_count_as_linear(
    pattern, bounded
):
    """One variable repeat, nothing nested, no backreference or lookaround."""
    assert (linear_cost(parsed(pattern)) is not None) is bounded


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
        [r"[a-c]+", r"a|b", r"(a)(b)?", r"^a.*$", r"\d{2}", r"b*", r"a+b+"]
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

"""
The inventory of everything plugin code can reach (issue #8): every entry
is classified, the docs page shows the current one, the known dangerous
members are wrapped, and what the inventory says matches what plugin code
meets.
"""

from __future__ import annotations

import builtins
import functools
import importlib
import inspect
import itertools
import re
import sys
import types
from pathlib import Path
from typing import TYPE_CHECKING, Final

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.security.test_escapes import (
    _host_state,  # noqa: F401 -- the autouse fixture: no shared object changes
    _world,  # noqa: F401 -- the world fixture
    run_attack,
)

from acc_plugins.errors import CompileError, SandboxViolation
from acc_plugins.sandbox import ALLOWED_MODULES, Sandbox
from acc_plugins.sandbox._inventory import (
    REGENERATE,
    Entry,
    inventory,
    render_markdown,
    unclassified,
)
from acc_plugins.sandbox._inventoryguarded import (
    GUARDED_REASONS,
    WRAPPED_MEMBERS,
)
from acc_plugins.sandbox._inventoryrules import RULES
from acc_plugins.sandbox._inventorytable import EXPLICIT, OPEN_DOORS
from acc_plugins.sandbox._policy import GUARDED_ATTRIBUTES


if TYPE_CHECKING:
    from collections.abc import Iterator


DOCS_PAGE: Final = (
    Path(__file__).parent.parent.parent / "docs" / "security-inventory.md"
)

# Members that write into their argument, read attributes by a chosen
# name, share state or amplify in C: each must stay wrapped.
DANGEROUS: Final = (
    "abc.abstractmethod",
    "copy.deepcopy",
    "dataclasses.dataclass",
    "functools.wraps",
    "html.escape",
    "io.BytesIO",
    "io.StringIO",
    "itertools.count",
    "logging.basicConfig",
    "logging.getLogger",
    "math.comb",
    "operator.pow",
    "str.format",
    "types.FunctionType",
    "types.ModuleType",
    "warnings.filterwarnings",
    "warnings.simplefilter",
)

# Parameter names of callables that read or write attributes by a name
# the caller chooses (getattr, functools.wraps, namedtuple): such a
# callable may be safe only for a reason of its own, never by a generic
# rule.
NAME_PARAMETERS: Final = frozenset(
    {
        "assigned",
        "attr",
        "attribute",
        "attributes",
        "attrname",
        "attrs",
        "field_names",
        "name",
        "names",
        "typename",
        "updated",
    }
)


@functools.cache
def _inventory() -> list[Entry]:
    return inventory()


@pytest.fixture(name="entries")
def _entries() -> list[Entry]:
    return _inventory()


def _by_path(entries: list[Entry]) -> dict[str, Entry]:
    return {entry.path: entry for entry in entries}


def _parameters(value: object) -> set[str]:
    namespace = vars(builtins)
    had_builtins = "__builtins__" in namespace
    try:
        return set(inspect.signature(value).parameters)  # type: ignore[arg-type]
    except (TypeError, ValueError):  # C callables without a signature
        return set()
    finally:
        # Python 3.13 evaluates a built-in's text signature in the builtins
        # module's own namespace, which leaves a __builtins__ key there.
        if not had_builtins:
            namespace.pop("__builtins__", None)


def test_every_reachable_entry_is_classified(entries):
    """No entry is left to no rule: a new door cannot appear silently."""
    missing = unclassified(entries)

    assert missing == [], "unclassified:\n" + "\n".join(missing)


def test_each_entry_has_exactly_one_classification(entries):
    """Paths are unique and each carries one of the four verdicts."""
    paths = [entry.path for entry in entries]

    assert len(paths) == len(set(paths))
    assert {entry.kind for entry in entries} <= {
        "open",
        "removed",
        "safe",
        "wrapped",
    }


def _skip_unless_the_docs_python() -> str:
    """
    The docs page's text; the page and the tables hold for the Python it
    was generated on (3.12 has no ``cached_property(...).lock``).
    """
    text = DOCS_PAGE.read_text(encoding="utf-8")
    found = re.search(r"walked on Python (\d+\.\d+)", text)
    assert found is not None
    version = ".".join(map(str, sys.version_info[:2]))
    if found.group(1) != version:
        pytest.skip(f"the page was generated on Python {found.group(1)}")
    return text


def test_the_docs_page_is_up_to_date(entries):
    """docs/security-inventory.md is what the inventory renders now."""
    text = _skip_unless_the_docs_python()

    assert render_markdown(entries) == text, (
        f"docs/security-inventory.md is stale: run `{REGENERATE}`"
    )


@pytest.mark.parametrize("path", DANGEROUS)
def test_known_dangerous_members_are_wrapped(entries, path):
    """The members that wrote, named or amplified stay wrapped."""
    entry = _by_path(entries)[path]

    assert entry.kind == "wrapped", entry


def test_no_callable_taking_a_name_is_safe_by_a_generic_rule(entries):
    """What takes an attribute-like name is safe only by explicit review."""
    suspicious = [
        f"{entry.path} ({entry.rule}): "
        f"{sorted(_parameters(entry.value) & NAME_PARAMETERS)}"
        for entry in entries
        if entry.kind == "safe"
        and entry.rule not in ("listed", "alias")
        and callable(entry.value)
        and _parameters(entry.value) & NAME_PARAMETERS
    ]

    assert suspicious == [], "\n".join(suspicious)


def test_every_table_path_is_reachable(entries):
    """The tables of single paths name nothing the walk does not reach."""
    _skip_unless_the_docs_python()
    paths = {entry.path for entry in entries}

    assert sorted(set(EXPLICIT) - paths) == []
    assert sorted(set(OPEN_DOORS) - paths) == []
    assert sorted(set(WRAPPED_MEMBERS) - paths) == []


def test_every_guarded_name_says_what_it_forbids():
    """GUARDED_REASONS describes exactly the names the guard checks."""
    assert set(GUARDED_REASONS) == set(GUARDED_ATTRIBUTES)


def test_the_rules_have_unique_names():
    """Each entry's rule names one rule."""
    names = [rule.name for rule in RULES]

    assert len(names) == len(set(names))


# -- what plugin code meets agrees with the inventory ------------------------


def _written_paths(entries: list[Entry]) -> list[tuple[str, str, Entry]]:
    """
    ``(module, expression, entry)`` for each entry plugin code can write as
    ``module.member.attribute``.
    """
    found = []
    # ``__future__`` is only imported from: plugin code cannot name it.
    modules = set(ALLOWED_MODULES) - {"__future__"}
    for module in sorted(modules, key=len, reverse=True):
        for entry in entries:
            rest = entry.path.removeprefix(module + ".")
            parts = rest.split(".")
            if (
                rest != entry.path
                and len(parts) == 2  # member, attribute
                and parts[0] in ALLOWED_MODULES[module]
                and parts[1].isidentifier()
            ):
                found.append((module, entry.path, entry))
    return found


@pytest.fixture(name="plugin_root", scope="module")
def _plugin_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("inventory-plugin")


@pytest.fixture(name="sandbox", scope="module")
def _sandbox(plugin_root) -> Iterator[Sandbox]:
    sandbox = Sandbox(plugin_root, "inventory-check")
    yield sandbox
    sandbox.close()


_COUNTER = itertools.count()


_WRITTEN: Final = st.deferred(
    lambda: st.sampled_from(_written_paths(_inventory()))
)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(written=_WRITTEN)
def test_plugin_code_meets_what_the_inventory_says(
    sandbox, plugin_root, written
):
    """A removed attribute is refused to plugin code; others are read."""
    module, expression, entry = written
    probe = f"probe{next(_COUNTER)}"
    source = f"import {module}\nresult = {expression}\n"
    (plugin_root / f"{probe}.py").write_text(source)

    try:
        sandbox.import_module(probe)
    except Exception as error:  # noqa: BLE001 -- a refusal or the library's own error
        refused = isinstance(error, (CompileError, SandboxViolation))
    else:
        refused = False

    assert refused == (entry.kind == "removed"), entry


@given(path=st.sampled_from(sorted(ALLOWED_MODULES)))
def test_wrapped_members_are_not_the_real_ones(path):
    """A member classified as replaced is not the real module's member."""
    real = importlib.import_module(path)
    for entry in _inventory():
        module, _, name = entry.path.rpartition(".")
        if module == path and entry.rule == "listed-wrapper":
            assert entry.value is not getattr(real, name), entry


# -- the doors the inventory lists as open ------------------------------------
#
# Each demonstration runs small (a budget of one megabyte) and asserts what
# a fix would make true; when a fix lands, the test passes, strict xfail
# fails it, and the entry leaves OPEN_DOORS.


def _door(path: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=f"DOOR: {OPEN_DOORS[path]}")


_MEGABYTE_DOORS: Final = {
    "random.Random": (
        "import random\nresult = len(random.Random().randbytes(2 * 2**20))"
    ),
    "type(itertools.repeat(0, 1))": (
        "import itertools\n"
        "R = type(itertools.repeat(0, 1))\n"
        "result = len(list(R(0, 2 * 2**20)))"
    ),
    "type(struct.Struct('i'))": (
        "import struct\n"
        "S = type(struct.Struct('i'))\n"
        "result = len(S('2000000x').pack())"
    ),
    "int.to_bytes": "result = len((0).to_bytes(2 * 2**20, 'big'))",
    "collections.Counter.elements": (
        "import collections\n"
        "c = collections.Counter(a=2 * 2**20)\n"
        "result = len(list(c.elements()))"
    ),
    "collections.UserList.__mul__": (
        "import collections\n"
        "result = len(collections.UserList([0]) * (2 * 2**20))"
    ),
    "decimal.Decimal": (
        "import decimal\n"
        "result = len(format(decimal.Decimal('1e2000000'), 'f'))"
    ),
    "fractions.Fraction": (
        "import fractions\n"
        "result = fractions.Fraction('1e1500000').numerator.bit_length()"
    ),
}


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(path, marks=_door(path) if path in OPEN_DOORS else ())
        for path in sorted(_MEGABYTE_DOORS)
    ],
)
def test_open_door_is_refused(world, path):
    """The door stays shut under a one-megabyte budget."""
    outcome = run_attack(world, _MEGABYTE_DOORS[path], memory_mb=1)

    assert isinstance(outcome.error, SandboxViolation), outcome.value


SHARED_DICTS: Final = {
    "statistics.NormalDist.__slots__": "import statistics\n"
    "result = statistics.NormalDist.__slots__",
    "textwrap.TextWrapper.unicode_whitespace_trans": "import textwrap\n"
    "result = textwrap.TextWrapper.unicode_whitespace_trans",
}


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(path, marks=_door(path) if path in OPEN_DOORS else ())
        for path in sorted(SHARED_DICTS)
    ],
)
def test_shared_dict_is_not_handed_out(world, path):
    """Plugin code gets no dict the host and other plugins also use."""
    owner, _, name = path.rpartition(".")
    module, _, cls = owner.rpartition(".")
    shared = getattr(getattr(importlib.import_module(module), cls), name)

    outcome = run_attack(world, SHARED_DICTS[path])

    assert outcome.value is not shared or isinstance(
        shared, types.MappingProxyType
    )

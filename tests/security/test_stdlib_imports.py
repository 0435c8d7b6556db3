"""
Attacks on the modules issue #9 allowed: io, logging, warnings, html,
types, sys and __future__.  Each tries to reach frames, code, real modules
or host objects, to change state the host or other plugins share, or to
allocate beyond the memory budget in one call; each must be refused and
its goal not reached.
"""

from __future__ import annotations

import pytest
from tests.security.test_escapes import (
    _host_state,  # noqa: F401 -- the autouse fixture: no shared object changes
    _world,  # noqa: F401 -- the world fixture
    check,
    run_attack,
)

from acc_plugins.errors import BudgetExceeded, SandboxViolation


# A doubling stops at the size check, or at the memory budget's own
# measure of the process when the last doubling fits the check exactly.
STOPPED = (SandboxViolation, BudgetExceeded)

ATTACKS = [
    pytest.param(
        """
        import array
        def attack():
            return array.array("d", [0.0]) * 10**9
        """,
        SandboxViolation,
        id="array-repetition-in-bytes",
    ),
    pytest.param(
        """
        import array
        def attack():
            x = array.array("q", [0])
            x *= 10**9
        """,
        SandboxViolation,
        id="array-inplace-repetition",
    ),
    pytest.param(
        """
        import array
        def attack():
            x = array.array("b", [0])
            for _ in range(40):
                x.extend(x)
        """,
        STOPPED,
        id="array-extend-doubling",
    ),
    pytest.param(
        """
        import array
        def attack():
            x = array.array("b", [0])
            for _ in range(40):
                x[len(x):] = x
        """,
        STOPPED,
        id="array-slice-assignment-doubling",
    ),
    pytest.param(
        """
        import array
        class Mine(array.array):
            pass
        def attack():
            x = Mine("b", [0])
            for _ in range(40):
                super(array.array, x).__init__("b")
                x.fromlist(x.tolist() * 2)
        """,
        STOPPED,
        id="array-super-then-fromlist-doubling",
    ),
    pytest.param(
        """
        import array
        def attack():
            it = iter(array.array("b", [1]))
            return getattr(it, "gi_fr" + "ame")
        """,
        SandboxViolation,
        id="array-iterator-frame",
    ),
    pytest.param(
        """
        import array
        class Mine(array.array):
            pass
        def attack():
            mine = Mine("b", [1])
            return [getattr(mine, name) for name in ("_real", "_value")]
        """,
        AttributeError,
        id="array-subclass-finds-no-real-array",
    ),
    pytest.param(
        """
        import io
        def attack():
            b = io.BytesIO()
            b.seek(10**12)
            b.write(b"x")
        """,
        SandboxViolation,
        id="bytesio-seek-far-then-write",
    ),
    pytest.param(
        """
        import io
        def attack():
            s = io.StringIO()
            s.seek(10**10)
            s.writelines(["x"])
        """,
        SandboxViolation,
        id="stringio-seek-far-then-writelines",
    ),
    pytest.param(
        """
        import io
        def attack():
            b = io.BytesIO()
            b.seek(10**12)
            super(io.BytesIO, b).write(b"x")
        """,
        NotImplementedError,
        id="bytesio-super-write",
    ),
    pytest.param(
        """
        import io
        class Mine(io.BytesIO):
            pass
        def attack():
            mine = Mine()
            return [getattr(mine, name) for name in ("_inner", "_file")]
        """,
        AttributeError,
        id="bytesio-subclass-finds-no-real-file",
    ),
    pytest.param(
        """
        import io
        def attack():
            return io.BytesIO(b"abc").getbuffer()
        """,
        Exception,
        id="bytesio-getbuffer",
    ),
    pytest.param(
        """
        import io
        def attack():
            return getattr(io.StringIO.write, "__glob" + "als__")
        """,
        SandboxViolation,
        id="stringio-method-globals",
    ),
    pytest.param(
        """
        import logging
        def attack():
            log = logging.getLogger("x")
            log.parent = log
            log.level = 0
            log.info("looping?")
            return getattr(type(log).info, "__clos" + "ure__")
        """,
        SandboxViolation,
        id="logging-parent-cycle-then-closure",
    ),
    pytest.param(
        """
        import logging
        def attack():
            logging.getLogger("x").warning("%*d", 10**9, 1)
        """,
        SandboxViolation,
        id="logging-format-bomb",
    ),
    pytest.param(
        """
        import logging
        def attack():
            for i in range(2000):
                logging.getLogger("x" + str(i))
        """,
        SandboxViolation,
        id="logging-unbounded-loggers",
    ),
    pytest.param(
        """
        import logging
        def attack():
            return logging.getLogger().manager
        """,
        AttributeError,
        id="logging-manager",
    ),
    pytest.param(
        """
        import logging
        def attack():
            return logging.root
        """,
        AttributeError,
        id="logging-real-root",
    ),
    pytest.param(
        """
        import warnings
        def attack():
            return warnings.filters
        """,
        AttributeError,
        id="warnings-real-filters",
    ),
    pytest.param(
        """
        import warnings
        def attack():
            for i in range(2000):
                warnings.filterwarnings("ignore", message=str(i))
        """,
        SandboxViolation,
        id="warnings-unbounded-filters",
    ),
    pytest.param(
        """
        import types
        def attack():
            f = lambda: 0
            return types.FunctionType(getattr(f, "__co" + "de__"), {})
        """,
        SandboxViolation,
        id="types-function-type-code",
    ),
    pytest.param(
        """
        import types
        def attack():
            return types.FunctionType(None, {})
        """,
        TypeError,
        id="types-function-type-call",
    ),
    pytest.param(
        """
        import types
        def attack():
            return types.ModuleType("os")
        """,
        TypeError,
        id="types-module-type-call",
    ),
    pytest.param(
        """
        import types
        def attack():
            return types.MethodType(print, 1)
        """,
        TypeError,
        id="types-method-type-call",
    ),
    pytest.param(
        """
        import types
        def attack():
            return getattr(types.FunctionType, "__call__")
        """,
        SandboxViolation,
        id="types-stand-in-call-dunder",
    ),
    pytest.param(
        """
        import types
        def attack():
            return type(types.FunctionType)("X", (), {})
        """,
        SandboxViolation,
        id="types-stand-in-metaclass-builds-a-class",
    ),
    pytest.param(
        """
        import types
        def attack():
            class Meta(type(types.FunctionType)):
                pass
            return Meta
        """,
        TypeError,
        id="types-stand-in-metaclass-as-a-base",
    ),
    pytest.param(
        """
        from types import new_class
        result = new_class
        """,
        ImportError,
        id="types-new-class",
    ),
    pytest.param(
        """
        from types import CodeType
        result = CodeType
        """,
        ImportError,
        id="types-code-type",
    ),
    pytest.param(
        """
        import sys
        def attack():
            return sys.modules
        """,
        AttributeError,
        id="sys-modules",
    ),
    pytest.param(
        """
        from sys import exc_info
        result = exc_info
        """,
        ImportError,
        id="sys-exc-info",
    ),
    pytest.param(
        """
        import sys
        def attack():
            return sys.stdout._pending
        """,
        SandboxViolation,
        id="sys-stdout-private",
    ),
    pytest.param(
        """
        import sys
        def attack():
            sys.stdout.write = print
        """,
        SandboxViolation,
        id="sys-stdout-replace-write",
    ),
    pytest.param(
        """
        import sys
        def attack():
            return getattr(sys.getrecursionlimit, "__glob" + "als__")
        """,
        SandboxViolation,
        id="sys-function-globals",
    ),
]


@pytest.mark.parametrize(("source", "refusal"), ATTACKS)
def test_attacks_on_the_new_modules(world, source, refusal):
    """Each attack is refused and reaches nothing."""
    check(world, source, refusal)


def test_html_escape_is_sized(world):
    """Escaping text whose escaped form passes the budget is refused."""
    outcome = run_attack(
        world,
        """
        import html
        def attack():
            return html.escape("<" * 400_000)
        """,
        memory_mb=1,
    )

    assert isinstance(outcome.error, SandboxViolation)
    assert "html.escape()" in str(outcome.error)


def test_a_warning_filter_pattern_is_text_not_a_regex(world):
    """A filter's message matches as a plain prefix: '.*' is no wildcard,
    and a pattern that would backtrack runs no engine."""
    outcome = run_attack(
        world,
        """
        import warnings
        def attack():
            warnings.filterwarnings("error", message=".*")
            warnings.filterwarnings("error", message="(a+)+$")
            warnings.warn("a" * 40 + "!")
            return "shown, not raised"
        """,
    )

    assert outcome.error is None
    assert outcome.value == "shown, not raised"


def test_a_future_feature_is_read_only(world):
    """A __future__ feature object is shared: it cannot be changed."""
    outcome = run_attack(
        world,
        """
        from feat import feature
        def attack():
            feature.compiler_flag = 0
        """,
        files={"feat": "from __future__ import annotations as feature\n"},
    )

    assert isinstance(outcome.error, SandboxViolation)
    assert "modifying a _Feature object" in str(outcome.error)


def test_an_array_from_an_endless_iterator_is_stopped(world):
    """An array filled from an endless generator stops at a budget: the
    size check between chunks, or the time or memory budget."""
    outcome = run_attack(
        world,
        """
        import array
        def iterate():
            while True:
                yield 0
        def attack():
            return array.array("q", iterate())
        """,
        memory_mb=16,
    )

    assert isinstance(outcome.error, (SandboxViolation, BudgetExceeded))

"""
Ordinary use of the modules the sandbox builds per plugin: io, logging,
warnings, html, types, sys and __future__.
"""

import logging
import textwrap
import warnings

import pytest

from acc_plugins.errors import SandboxViolation
from acc_plugins.sandbox import Sandbox


def run(tmp_path, source, **kwargs):
    root = tmp_path / "plugin"
    root.mkdir(exist_ok=True)
    (root / "m.py").write_text(textwrap.dedent(source))
    printed: list[str] = []
    sandbox = Sandbox(root, "test", on_print=printed.append, **kwargs)
    return sandbox.import_module("m"), printed


def test_every_future_feature_imports(tmp_path):
    """from __future__ import of any feature works."""
    module, _ = run(
        tmp_path,
        """
        from __future__ import annotations, division, generator_stop
        from __future__ import absolute_import, print_function
        x: undefined_name = 1
        """,
    )

    assert module.x == 1


def test_string_and_bytes_io(tmp_path):
    """StringIO and BytesIO read, write, seek and iterate as usual."""
    module, _ = run(
        tmp_path,
        """
        import io
        s = io.StringIO("ab")
        s.seek(0, io.SEEK_END)
        s.write("cd\\n")
        s.writelines(["e", "f"])
        s.seek(0)
        lines = list(s)
        b = io.BytesIO(b"xy")
        with b:
            b.seek(0, 2)
            b.write(b"z")
            b.seek(0)
            head = b.read(2)
            whole = b.getvalue()
        class Mine(io.StringIO):
            pass
        mine = Mine("q")
        result = (lines, head, whole, b.closed, mine.getvalue(),
                  isinstance(mine, io.StringIO))
        """,
    )

    assert module.result == (
        ["abcd\n", "ef"],
        b"xy",
        b"xyz",
        True,
        "q",
        True,
    )


def test_logging_goes_to_the_plugin_log(tmp_path):
    """getLogger(__name__) logs to the plugin's log with the usual levels."""
    module, printed = run(
        tmp_path,
        """
        import logging
        log = logging.getLogger(__name__)
        log.addHandler(logging.NullHandler())
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.propagate = False
        log.warning("hello %s", "world")
        log.info("hidden")
        logging.basicConfig(level=logging.DEBUG)
        log.info("shown %(n)d", {"n": 3})
        child = log.getChild("sub")
        try:
            1 / 0
        except ZeroDivisionError:
            child.exception("failed")
        result = (log.isEnabledFor(logging.DEBUG), child.name,
                  logging.getLevelName(logging.ERROR))
        """,
    )

    # The stream handler without a stream writes to the plugin's log, in
    # its own format; the child propagates to it.
    assert printed == [
        "hello world\n",
        "shown 3\n",
        "failed\nZeroDivisionError: division by zero\n",
    ]
    assert module.result == (True, "test:m.sub", "ERROR")


def test_logging_without_a_handler_goes_to_the_plugin_log(tmp_path):
    """No handler anywhere: LEVEL:name:message lines in the plugin's log."""
    _, printed = run(
        tmp_path,
        """
        import logging
        log = logging.getLogger(__name__)
        log.warning("hello %s", "world")
        try:
            1 / 0
        except ZeroDivisionError:
            log.exception("failed")
        """,
    )

    assert printed == [
        "WARNING:test:m:hello world\n",
        "ERROR:test:m:failed\n",
        "ZeroDivisionError: division by zero\n",
    ]


def test_handlers_receive_records(tmp_path):
    """A StreamHandler on a StringIO and a plugin's own Handler subclass
    get the records their loggers pass them, formatted."""
    module, printed = run(
        tmp_path,
        """
        import io, logging
        class Collect(logging.Handler):
            def __init__(self):
                super().__init__()
                self.seen = []
            def emit(self, record):
                self.seen.append((record.levelname, self.format(record)))
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.setFormatter(
            logging.Formatter("%(levelname)s %(name)s: %(message)s")
        )
        bench = logging.getLogger("bench")
        bench.propagate = False
        bench.addHandler(handler)
        bench.setLevel(logging.WARNING)
        bench.warning("important: %s", "x")
        bench.debug("silent")
        collect = Collect()
        collect.setLevel(logging.ERROR)
        other = logging.getLogger("other")
        other.addHandler(collect)
        other.warning("below the handler's level")
        other.error("boom %d", 3)
        result = (stream.getvalue(), collect.seen)
        """,
    )

    assert module.result == (
        "WARNING bench: important: x\n",
        [("ERROR", "boom 3")],
    )
    assert printed == []


def test_warnings_go_to_the_plugin_log_by_its_own_filters(tmp_path):
    """warn() prints once per place; filters and catch_warnings work."""
    module, printed = run(
        tmp_path,
        """
        import warnings
        for _ in range(3):
            warnings.warn("careful")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            warnings.warn("inner", DeprecationWarning)
        warnings.filterwarnings("ignore", message="quiet")
        warnings.warn("Quiet please")
        warnings.simplefilter("error")
        try:
            warnings.warn("boom")
            raised = False
        except UserWarning:
            raised = True
        result = (len(caught), caught[0].category, str(caught[0].message),
                  raised)
        """,
    )

    assert len(printed) == 1
    assert printed[0].endswith("m.py:4: UserWarning: careful\n")
    assert module.result == (1, DeprecationWarning, "inner", True)


def test_html_types_and_sys(tmp_path):
    """html, the safe part of types and a few facts of sys work."""
    module, printed = run(
        tmp_path,
        """
        import html, sys, types
        ns = types.SimpleNamespace(a=1)
        ns.b = 2
        def gen():
            yield 1
        checks = (
            html.escape("<a href='x'>&</a>"),
            html.unescape("&lt;&amp;&#62;"),
            isinstance(gen, types.FunctionType),
            isinstance(gen(), types.GeneratorType),
            isinstance(1, types.FunctionType),
            type(gen) is types.FunctionType,
            types.MappingProxyType({"k": 1})["k"],
            sys.maxsize == 2**63 - 1,
            sys.version_info >= (3, 11),
            sys.byteorder in ("little", "big"),
            sys.getrecursionlimit() > 0,
            sys.float_info.max > 1e300,
            (ns.a, ns.b),
        )
        sys.stdout.write("one ")
        sys.stdout.write("line\\n")
        sys.stderr.write("err\\n")
        """,
    )

    assert module.checks == (
        "&lt;a href=&#x27;x&#x27;&gt;&amp;&lt;/a&gt;",
        "<&>",
        True,
        True,
        False,
        False,
        1,
        True,
        True,
        True,
        True,
        True,
        (1, 2),
    )
    assert printed == ["one line\n", "err\n"]


def test_the_host_logging_and_warnings_state_is_untouched(tmp_path):
    """A plugin's filters and logging config change nothing of the host's."""
    filters = list(warnings.filters)
    root_level = logging.getLogger().level
    handlers = list(logging.getLogger().handlers)

    run(
        tmp_path,
        """
        import logging, warnings
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore")
        logging.basicConfig(level=logging.DEBUG)
        logging.disable(logging.CRITICAL)
        logging.getLogger().setLevel(logging.DEBUG)
        logging.getLogger("").addHandler(logging.NullHandler())
        """,
    )

    assert warnings.filters == filters
    assert logging.getLogger().level == root_level
    assert logging.getLogger().handlers == handlers
    assert logging.root.manager.disable == 0


def test_two_plugins_have_separate_loggers(tmp_path):
    """One plugin's logger tree is not another's."""
    first, _ = run(
        tmp_path,
        "import logging\nlogging.getLogger('x').setLevel(5)\n"
        "log = logging.getLogger('x')\n",
    )
    other_root = tmp_path / "other"
    other_root.mkdir()
    (other_root / "m.py").write_text(
        "import logging\nlog = logging.getLogger('x')\n"
    )
    second = Sandbox(other_root, "other").import_module("m")

    assert first.log is not second.log
    assert (first.log.level, second.log.level) == (5, 0)


def test_arrays(tmp_path):
    """array.array builds, grows, slices, compares and copies as usual."""
    module, _ = run(
        tmp_path,
        """
        import array, copy
        a = array.array("d", [1.0, 2.0])
        a.append(3.0)
        a.extend(x * 2 for x in range(2))
        b = a[1:3]
        a += b
        f = array.array("b", b"\\x01\\x02")
        f.frombytes(b"\\x03")
        g = array.array("i", range(4))
        g[1:2] = array.array("i", [7, 8])
        result = (a.tolist(), (2 * b).tolist(), copy.copy(a) == a,
                  bytes(f), g.tolist(), repr(b), a.itemsize,
                  isinstance(a, array.array), "d" in array.typecodes)
        """,
    )

    assert module.result == (
        [1.0, 2.0, 3.0, 0.0, 2.0, 2.0, 3.0],
        [2.0, 3.0, 2.0, 3.0],
        True,
        b"\x01\x02\x03",
        [0, 7, 8, 2, 3],
        "array('d', [2.0, 3.0])",
        8,
        True,
        True,
    )


@pytest.mark.parametrize(
    ("source", "error"),
    [
        (
            "import logging\nlogging.Formatter('{message.__class__}', style='{')\n",
            ValueError,
        ),
        (
            (
                "import logging\n"
                "h = logging.StreamHandler()\n"
                "h.setFormatter(logging.Formatter('%(message)999999999s'))\n"
                "log = logging.getLogger('x')\n"
                "log.addHandler(h)\n"
                "log.warning('a')\n"
            ),
            SandboxViolation,
        ),
    ],
)
def test_log_formats_cannot_walk_or_blow_up(tmp_path, source, error):
    """Only %-style formats, and their sizes are checked."""
    with pytest.raises(error):
        run(tmp_path, source)
